/**
 * What it takes for tmpfs-cowflag (issue 12 §1): as proposed its claims hold
 * only vacuously, because the destination's lookups spin; under
 * flagged-lookup the destination uses the page, the goals are reached and
 * both claims hold at the default bound.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.js';
import { exitCode } from '../../../checker/exit-code.js';
import { resolveConfig } from '../../../model/config.js';
import { findDesign } from '../../../model/designs/index.js';
import { instantiate } from '../../../model/instantiate.js';
import type { World } from '../../../model/world/state.js';
import { statesOf } from '../../fixtures/run.js';

const design = findDesign('tmpfs-cowflag');
const modelOf = (amends: string[]) => instantiate(design, resolveConfig(design, {}, [], amends), 'immer');
const enabled = (amends: string[], labels: string[]): string[] => {
  const m = modelOf(amends);
  return m.actions(statesOf(m, labels).at(-1)).map((a) => m.label(a));
};

describe('tmpfs-cowflag: what it takes', () => {
  it("the destination's fault on a CoW-flagged page spins as proposed and completes under flagged-lookup", () => {
    expect(enabled([], ['reflink(s=0, d=1)'])).not.toContain('fault(f=1, i=0, read)');
    expect(enabled(['flagged-lookup'], ['reflink(s=0, d=1)'])).toContain('fault(f=1, i=0, read)');
    const s = statesOf(modelOf(['flagged-lookup']), ['reflink(s=0, d=1)', 'fault(f=1, i=0, read)', 'finish-fault']).at(-1) as World;
    expect([s.pte[1][0], s.ptew[1][0]]).toEqual([0, false]);
  });

  it('an owner that lets the page go hands page->mapping to the file still holding it, which then finds it', () => {
    const labels = ['reflink(s=0, d=1)', 'write(f=0, i=0, v=2)'];
    const s = statesOf(modelOf(['flagged-lookup']), labels).at(-1) as World;
    expect(s.frame[0]).toMatchObject({ mapping: 1, index: 0 });
    expect(enabled(['flagged-lookup'], labels)).toContain('fault(f=1, i=0, read)');
  });

  it('at the default bound the proposal proves nothing (vacuous claims, exit 3); amended, both claims hold with every goal reached (exit 0)', () => {
    const plain = check(design, { mode: 'exhaustive' });
    expect(plain.properties.filter((p) => p.claimed).map((p) => p.verdict)).toEqual(['vacuous', 'vacuous', 'holds']);
    expect(exitCode([plain])).toBe(3);
    const r = check(design, { mode: 'exhaustive', amends: ['flagged-lookup'] });
    expect(r.properties.filter((p) => p.claimed).map((p) => [p.id, p.verdict])).toEqual([
      ['refcount', 'holds'],
      ['cow-isolation', 'holds'],
      ['deadlock', 'holds'],
    ]);
    expect(r.goals.filter((g) => !g.reached)).toEqual([]);
    expect(exitCode([r])).toBe(0);
  });
});
