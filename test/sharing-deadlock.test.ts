/**
 * The built-in deadlock property on the DAX world: mainline's memory-failure
 * walk holds the AGF across its rmap query and locks each owner's entry in
 * turn, while a DAX fault on a reflinked file holds its entry and needs the
 * AGF in iomap_begin (model/world/memfail.ts): the ABBA the search reaches.
 * The 2019 RFC's handler takes no AGF, so its designs hold.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { findDesign } from '../model/designs/index.js';

describe('deadlock in the DAX world', () => {
  it('fsdax-shared: a fault on a reflinked file and the memory-failure walk wait for each other', () => {
    const r = check(findDesign('fsdax-shared'), { mode: 'exhaustive', properties: ['deadlock'], depth: 4 });
    expect(r.properties[0]).toMatchObject({ id: 'deadlock', verdict: 'violated', claimed: true, traceLength: 3 });
    // The write fault holds its entry and needs the AGF for its CoW; the walk holds the AGF and needs the entry.
    expect(r.properties[0].actions).toEqual(['reflink(s=0, d=1)', 'fault(f=0, i=0, write)', 'memfail(pfn=0)']);
    expect(r.properties[0].message).toMatch(/holds its entry and waits for the AGF; the memory-failure walk holds the AGF and waits for the entry/);
  });

  it('fsdax-1to1: the 2019 handler takes no AGF, and nothing waits for ever', () => {
    const r = check(findDesign('fsdax-1to1'), { mode: 'exhaustive', properties: ['deadlock'] });
    expect(r.properties[0]).toMatchObject({ id: 'deadlock', verdict: 'holds', bound: { complete: true } });
  });
});
