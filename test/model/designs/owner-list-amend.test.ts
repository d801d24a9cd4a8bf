/**
 * What it takes for the owner list to answer the two problems it leaves
 * open (issue 12 §1): filesystem-rmap hands the failure to the filesystem,
 * whose rmap walk under the AGF visits and tells every (file, offset) of the
 * block (xfs_dax_failure_fn -> mf_dax_kill_procs); list-at-lookup makes the
 * walk wait for a fault not yet listed. Together every safety property,
 * claimed or not, holds, but deadlock: the walk's AGF against a CoW fault's
 * entry, the ABBA XFS itself has (fsdax-shared).
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.js';
import { resolveConfig } from '../../../model/config.js';
import { findDesign } from '../../../model/designs/index.js';
import { instantiate } from '../../../model/instantiate.js';
import type { World } from '../../../model/world/state.js';
import { statesOf } from '../../fixtures/run.js';

const design = findDesign('owner-list');
const modelOf = (amends: string[]) => instantiate(design, resolveConfig(design, {}, [], amends), 'immer');

describe('owner-list: what it takes', () => {
  it('filesystem-rmap: a failure on a pfn nobody faulted tells the filesystem the (file, offset) that owns it', () => {
    expect((statesOf(modelOf([]), ['memfail(pfn=0)']).at(-1) as World).mf!.told).toEqual([]);
    expect((statesOf(modelOf(['filesystem-rmap']), ['memfail(pfn=0)']).at(-1) as World).mf!.told).toEqual([0]);
    // One rmap record a step, each under its entry lock, as fsdax-shared's walk.
    const first = statesOf(modelOf(['filesystem-rmap']), ['reflink(s=0, d=1)', 'memfail(pfn=0)']).at(-1) as World;
    expect(first.mf).toMatchObject({ told: [0], walk: [2], agf: true, done: false });
    const shared = statesOf(modelOf(['filesystem-rmap']), ['reflink(s=0, d=1)', 'memfail(pfn=0)', 'memfail-next']).at(-1) as World;
    expect(shared.mf).toMatchObject({ told: [0, 2], done: true });
  });

  it('list-at-lookup: the report waits for a fault that holds the pfn but is not listed yet', () => {
    const labels = ['fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)', 'fault(f=1, i=0, read)'];
    const enabled = (amends: string[]) => {
      const m = modelOf(amends);
      return m.actions(statesOf(m, labels).at(-1)).map((a) => m.label(a));
    };
    expect(enabled([])).toContain('memfail(pfn=0)');
    expect(enabled(['list-at-lookup'])).not.toContain('memfail(pfn=0)');
    expect(enabled(['list-at-lookup'])).toContain('finish-fault');
  });

  it('to depth 5 the proposal breaks memfail-notify and entry-lock; with both amendments every safety property holds but deadlock (liveness needs the whole state space)', () => {
    const plain = check(design, { mode: 'exhaustive', depth: 5 });
    expect(
      plain.properties
        .filter((p) => p.verdict === 'violated')
        .map((p) => p.id)
        .sort(),
    ).toEqual(['entry-lock', 'memfail-notify']);
    const r = check(design, { mode: 'exhaustive', depth: 5, amends: ['filesystem-rmap', 'list-at-lookup'] });
    expect(r.exhaustive!.complete).toBe(true);
    const live = new Set((design.liveness ?? []).map((l) => l.id));
    const applicable = r.properties.filter((p) => p.verdict !== 'not-applicable' && !live.has(p.id));
    // The AGF the rmap walk holds (xfs_dax_notify_ddev_failure) against a CoW fault that holds its entry and
    // needs the AGF at xfs_reflink_end_cow: the ABBA fsdax-shared's search finds too.
    expect(applicable.map((p) => [p.id, p.verdict])).toEqual(applicable.map((p) => [p.id, p.id === 'deadlock' ? 'violated' : 'holds']));
    expect(r.properties.find((p) => p.id === 'deadlock')!.actions).toEqual(['reflink(s=0, d=1)', 'fault(f=0, i=0, write)', 'memfail(pfn=0)']);
    expect(applicable).toHaveLength(r.properties.length - 1 - live.size);
    // A bound that is not the whole state space says nothing of "eventually".
    expect(r.properties.filter((p) => live.has(p.id)).map((p) => p.verdict)).toEqual([...live].map(() => 'inconclusive'));
  });
});
