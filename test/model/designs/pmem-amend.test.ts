/**
 * What it takes for the in-place "no fsync" designs (issue 12, section 1):
 * as proposed, every claimed property but one breaks on a torn split; under
 * `ordered-split` or `journalled-split` (alone, or together) every claimed
 * property holds to a completed bound at the default parameters, with every
 * goal reached, so none of those "holds" is vacuous. The ordered writes are
 * checked piece by piece, including the wait that keeps two writes from
 * waiting on each other.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.js';
import { resolveConfig } from '../../../model/config.js';
import { claimsOf } from '../../../model/design.js';
import { findDesign } from '../../../model/designs/index.js';
import { instantiate } from '../../../model/instantiate.js';
import type { PmemAction, PmemState } from '../../../model/pmem.js';

const sets = [['ordered-split'], ['journalled-split'], ['ordered-split', 'journalled-split']];

describe('what it takes for the nofsync designs', () => {
  for (const name of ['pmem-nofsync-naive', 'pmem-nofsync-invalidate']) {
    const design = findDesign(name);
    it(`${name} as proposed breaks a claimed property on a torn split`, () => {
      const r = check(design, { mode: 'exhaustive' });
      const broken = r.properties.filter((p) => p.claimed && p.verdict === 'violated');
      expect(broken.map((p) => p.id)).toContain('crash-ordering');
      for (const p of broken) expect(p.actions!.at(-1)).toBe('crash()');
    });
    for (const amends of sets) {
      it(`${name} amended with ${amends.join(' and ')}: every claimed property holds to a completed bound at the defaults, no goal unreached`, () => {
        const r = check(design, { mode: 'exhaustive', amends });
        expect(r.exhaustive!.complete).toBe(true);
        const claimed = r.properties.filter((p) => claimsOf(design).includes(p.id));
        expect(claimed.map((p) => [p.id, p.verdict])).toEqual(claimsOf(design).map((id) => [id, 'holds']));
        expect(r.goals.filter((g) => !g.reached)).toEqual([]);
      });
    }
  }

  it('ordered-split also holds where a leaf (not the inode) splits (L=3, to depth 9), where the design as proposed breaks', () => {
    const design = findDesign('pmem-nofsync-invalidate');
    const amended = check(design, { mode: 'exhaustive', amends: ['ordered-split'], params: { L: 3 }, depth: 9 });
    expect(amended.properties.map((p) => p.verdict)).toEqual(['holds', 'holds', 'holds', 'holds']);
    const plain = check(design, { mode: 'exhaustive', params: { L: 3 }, depth: 9 });
    expect(plain.properties.find((p) => p.id === 'crash-ordering')!.verdict).toBe('violated');
  });
});

/** The state after the actions labelled `labels`, each with one successor. */
function run(name: string, amends: string[], labels: string[], params: Record<string, number> = {}): PmemState {
  const design = findDesign(name);
  const model = instantiate(design, resolveConfig(design, params, [], amends), 'immer');
  let s = model.initial as PmemState;
  for (const label of labels) {
    const a = model.actions(s).find((x) => model.label(x) === label) as PmemAction | undefined;
    if (!a) throw new Error(`${label} is not enabled`);
    const next = model.successors(s, a);
    expect(next).toHaveLength(1);
    s = next[0] as PmemState;
  }
  return s;
}

const order = (s: PmemState) => Object.fromEntries(s.pending.map((w) => [w.id, [...w.after].sort()]));

describe("ordered-split writes one tree change in soft updates' order", () => {
  it('the inode overflowing into leaves: both new leaves before the root that names them', () => {
    const s = run('pmem-nofsync-naive', ['ordered-split'], ['mmap(sync=false)', 'fault(off=0, write=true)', 'fault-done()', 'fault(off=1, write=true)']);
    expect(order(s)).toEqual({ zero0: [], zero1: [], root: ['leaf0', 'leaf1', 'zero0', 'zero1'], leaf0: ['zero1'], leaf1: ['zero1'] });
    // As proposed, the same change is three writes in no order among them.
    const plain = run('pmem-nofsync-naive', [], ['mmap(sync=false)', 'fault(off=0, write=true)', 'fault-done()', 'fault(off=1, write=true)']);
    expect(order(plain).root).toEqual(['zero0', 'zero1']);
    expect(order(plain).leaf0).toEqual(['zero1']);
  });

  it('a leaf split: the new leaf, then the root, then the old leaf; an old leaf the pending root must follow is written out first', () => {
    // Offsets 0 and 1 convert the inode to leaves 0 and 1 (nothing synced: a
    // plain mapping); offset 2 splits leaf 1 while the root naming it is
    // still pending, ordered after it.
    const labels = ['mmap(sync=false)', 'fault(off=0, write=true)', 'fault-done()', 'fault(off=1, write=true)', 'fault-done()', 'fault(off=2, write=true)'];
    const s = run('pmem-nofsync-naive', ['ordered-split'], labels, { L: 3 });
    const o = order(s);
    expect(o.leaf2).toEqual(['zero2']);
    expect(o.root).toContain('leaf2');
    expect(o.root).not.toContain('leaf1');
    expect(o.leaf1).toEqual(['root', 'zero2']);
    // The wait: leaf 1's earlier write (and the zeroing it follows) reached the media first.
    expect(s.disk.tree.leaf[1]).toEqual([{ off: 1, pfn: 1 }]);
    expect(s.pending.some((w) => w.id === 'zero1')).toBe(false);
    // No two pending writes wait on each other.
    const after = new Map(s.pending.map((w) => [w.id, w.after]));
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean => !seen.has(from) && (seen.add(from), (after.get(from) ?? []).some((a) => a === to || reaches(a, to, seen)));
    for (const id of after.keys()) expect(reaches(id, id), id).toBe(false);
  });

  it('journalled-split keeps the change in the transaction and the promising fault forces the log', () => {
    const s = run('pmem-nofsync-naive', ['journalled-split'], ['mmap(sync=true)', 'fault(off=0, write=true)']);
    expect(s.txn).toBe(true);
    expect(s.pending.map((w) => w.id)).toEqual(['zero0']);
    const done = run('pmem-nofsync-naive', ['journalled-split'], ['mmap(sync=true)', 'fault(off=0, write=true)', 'fault-done()']);
    expect(done.txn).toBe(false);
    expect(done.pending).toEqual([]);
    expect(done.disk.log[0]).toMatchObject({ committed: true });
    // With both, the journal wins: no in-place tree writes are issued at all.
    const both = run('pmem-nofsync-invalidate', ['ordered-split', 'journalled-split'], ['mmap(sync=false)', 'fault(off=0, write=true)', 'fault-done()', 'fault(off=1, write=true)']);
    expect(both.pending.map((w) => w.id).sort()).toEqual(['zero0', 'zero1']);
  });
});
