/**
 * What it takes for shadow-pages (issue 12 §1): each amendment's effect on
 * the history its counterexample names, and the three together holding
 * every claimed property (small bound here; the default bound by hand).
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.js';
import { resolveConfig } from '../../../model/config.js';
import { claimsOf } from '../../../model/design.js';
import { findDesign } from '../../../model/designs/index.js';
import { instantiate } from '../../../model/instantiate.js';
import type { World } from '../../../model/world/state.js';
import { statesOf } from '../../fixtures/run.js';

const design = findDesign('shadow-pages');
const modelOf = (amends: string[]) => instantiate(design, resolveConfig(design, {}, [], amends), 'immer');
const ALL = ['convert-on-share', 'revert-on-unshare', 'agf-before-entry'];

describe('shadow-pages: what it takes', () => {
  it("convert-on-share: the first owner's 1:1 entry becomes a shadow when the master enters the buffer cache", () => {
    const labels = ['fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)', 'fault(f=1, i=0, read)', 'finish-fault'];
    const plain = statesOf(modelOf([]), labels).at(-1) as World;
    expect(plain.entry[0][0]).toBe(0);
    const s = statesOf(modelOf(['convert-on-share']), labels).at(-1) as World;
    const sp = s.entry[0][0];
    expect(sp).toBeGreaterThanOrEqual(s.ref.length);
    expect(s.frame[sp]).toMatchObject({ mapping: 0, index: 0, block: 0, count: 1 });
    expect(s.frame[0]).toMatchObject({ mapping: 2, index: 0 });
  });

  it('revert-on-unshare: a master reclaimed once its extent is unshared goes back 1:1 to the file left mapping it', () => {
    const labels = ['reflink(s=0, d=1)', 'fault(f=0, i=0, read)', 'finish-fault', 'write(f=1, i=0, v=2)', 'reclaim(pfn=0)'];
    const without = statesOf(modelOf(['convert-on-share']), labels).at(-1) as World;
    expect(without.frame[0].mapping).toBe(-1);
    expect(without.frame[without.entry[0][0]].block).toBe(0);
    const s = statesOf(modelOf(['convert-on-share', 'revert-on-unshare']), labels).at(-1) as World;
    expect(s.entry[0][0]).toBe(0);
    expect(s.frame[0]).toMatchObject({ mapping: 0, index: 0 });
    expect(s.frame.slice(s.ref.length).every((fr) => fr.free)).toBe(true);
  });

  it('agf-before-entry: a memory-failure report waits for a write fault that will CoW, and no deadlock is left', () => {
    const labels = ['reflink(s=0, d=1)', 'fault(f=0, i=0, write)'];
    const m = modelOf([]);
    expect(m.actions(statesOf(m, labels).at(-1)).map((a) => m.label(a))).toContain('memfail(pfn=0)');
    const a = modelOf(['agf-before-entry']);
    expect(a.actions(statesOf(a, labels).at(-1)).map((x) => a.label(x))).not.toContain('memfail(pfn=0)');
    // A fault on a reflinked file waits for a walk that holds the AGF before grabbing its entry.
    const walking = statesOf(a, ['reflink(s=0, d=1)', 'memfail(pfn=0)']).at(-1) as World;
    expect(walking.mf?.agf).toBe(true);
    expect(
      a
        .actions(walking)
        .map((x) => a.label(x))
        .filter((l) => l.startsWith('fault(f=0, i=0')),
    ).toEqual([]);
    expect(check(design, { mode: 'exhaustive', properties: ['deadlock'], depth: 4, amends: ['agf-before-entry'] }).properties.find((p) => p.id === 'deadlock')!.verdict).toBe('holds');
  });

  it('as proposed two claimed properties break within 5 actions; with the three amendments every claimed one holds to depth 5', () => {
    const plain = check(design, { mode: 'exhaustive', depth: 5 });
    expect(
      plain.properties
        .filter((p) => p.claimed && p.verdict === 'violated')
        .map((p) => p.id)
        .sort(),
    ).toEqual(['deadlock', 'single-ownership']);
    const r = check(design, { mode: 'exhaustive', depth: 5, amends: ALL });
    expect(r.exhaustive!.complete).toBe(true);
    const claimed = r.properties.filter((p) => claimsOf(design).includes(p.id));
    expect(claimed.map((p) => [p.id, p.verdict])).toEqual(claimsOf(design).map((id) => [id, 'holds']));
  });
});
