/**
 * What it takes for the owner list to answer the two problems it leaves
 * open (issue 12 §1): filesystem-rmap tells the filesystem every (file,
 * offset) of the block; list-at-lookup makes the walk wait for a fault not
 * yet listed. Together every property, claimed or not, holds.
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
    const shared = statesOf(modelOf(['filesystem-rmap']), ['reflink(s=0, d=1)', 'memfail(pfn=0)']).at(-1) as World;
    expect(shared.mf!.told).toEqual([0, 2]);
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

  it('to depth 5 the proposal breaks memfail-notify and entry-lock; with both amendments every safety property holds (liveness needs the whole state space)', () => {
    const plain = check(design, { mode: 'exhaustive', depth: 5 });
    expect(plain.properties.filter((p) => p.verdict === 'violated').map((p) => p.id).sort()).toEqual(['entry-lock', 'memfail-notify']);
    const r = check(design, { mode: 'exhaustive', depth: 5, amends: ['filesystem-rmap', 'list-at-lookup'] });
    expect(r.exhaustive!.complete).toBe(true);
    const live = new Set((design.liveness ?? []).map((l) => l.id));
    const applicable = r.properties.filter((p) => p.verdict !== 'not-applicable' && !live.has(p.id));
    expect(applicable.map((p) => [p.id, p.verdict])).toEqual(applicable.map((p) => [p.id, 'holds']));
    expect(applicable).toHaveLength(r.properties.length - 1 - live.size);
    // A bound that is not the whole state space says nothing of "eventually".
    expect(r.properties.filter((p) => live.has(p.id)).map((p) => p.verdict)).toEqual([...live].map(() => 'inconclusive'));
  });
});
