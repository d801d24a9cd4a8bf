/**
 * Every built-in design says which properties its authors promised and what
 * kernel function (or seed rule) each of its steps stands for, so that a
 * trace can be held against the source line by line (issue 10, section 3).
 */
import { describe, expect, it } from 'vitest';
import { designs } from '../../../model/designs/index.js';

describe.each(designs.map((d) => [d.name, d] as const))('%s', (_name, d) => {
  it('claims properties it has', () => {
    expect(d.claims, 'claims').toBeDefined();
    const ids = [...d.always, ...(d.liveness ?? [])].map((p) => p.id);
    for (const id of d.claims!) expect(ids).toContain(id);
  });
  it('names the kernel function or rule of every action kind, in a line', () => {
    const kinds = Object.keys(d.next).sort();
    expect(Object.keys(d.notes ?? {}).sort()).toEqual(kinds);
    for (const note of Object.values(d.notes ?? {})) expect((note as string).length).toBeLessThanOrEqual(100);
  });
});
