/**
 * The pmem world's defects of issue 10 (items 1, 7, 8), each pinned by a
 * history taken step by step through a design, as a kernel developer would
 * replay it: a read fault on a hole allocates nothing; crash-ordering judges
 * every offset made durable before the crash, not only those still promised;
 * a log force never makes an unflushed user store durable.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../model/config.js';
import { labelOf, type AnyDesign } from '../../../model/design.js';
import { findDesign } from '../../../model/designs/index.js';
import { instantiate } from '../../../model/instantiate.js';
import { forceLog, lookup, NONE, syncMetadata, type PmemState } from '../../../model/pmem.js';
import { crashOrdering } from '../../../properties/pmem-crash.js';

/** Walks a design through actions named by their labels; each must be enabled and (but for a crash) deterministic. */
function walk(name: string, labels: string[], bugs: string[] = []): { design: AnyDesign; states: PmemState[] } {
  const design = findDesign(name);
  const model = instantiate(design, resolveConfig(design, {}, bugs), 'immer');
  const states: PmemState[] = [model.initial as PmemState];
  for (const label of labels) {
    const s = states.at(-1)!;
    const action = model.actions(s).find((a) => labelOf(design, a) === label);
    if (action === undefined) throw new Error(`${label} is not enabled after ${labels.slice(0, states.length - 1).join('; ')}`);
    const next = model.successors(s, action);
    expect(next).toHaveLength(1);
    states.push(next[0] as PmemState);
  }
  return { design, states };
}

/** The successors of a crash() in the last state. */
function crashOutcomes(name: string, labels: string[]): PmemState[] {
  const { design, states } = walk(name, labels);
  const model = instantiate(design, resolveConfig(design, {}, []), 'immer');
  const s = states.at(-1)!;
  const crash = model.actions(s).find((a) => a.kind === 'crash')!;
  return model.successors(s, crash) as PmemState[];
}

describe('a read fault on a hole maps the zero page (dax_iomap_pte_fault -> dax_load_hole)', () => {
  for (const name of ['pmem-nofsync-naive', 'pmem-nofsync-invalidate', 'pmem-map-sync']) {
    it(`${name}: allocates nothing, writes nothing, promises nothing`, () => {
      const { states } = walk(name, ['mmap(sync=true)', 'fault(off=0, write=false)', 'fault-done()']);
      const s = states.at(-1)!;
      expect(lookup(s.tree, 0)).toBe(NONE);
      expect(s.pending).toEqual([]);
      expect(s.txn).toBe(false);
      expect(s.pte[0]).toBe('zero');
      expect(s.ghost.promised[0]).toBe(NONE);
    });

    it(`${name}: the write to that page is a write fault, which allocates`, () => {
      const { states } = walk(name, ['mmap(sync=true)', 'fault(off=0, write=false)', 'fault-done()', 'fault(off=0, write=true)', 'fault-done()']);
      const s = states.at(-1)!;
      expect(lookup(s.tree, 0)).toBe(0);
      expect(s.pte[0]).toBe('rw');
      expect(s.ghost.promised[0]).toBe(0);
      // The promise came with its sync: no metadata is left pending.
      expect(s.pending.filter((w) => w.target.t !== 'data' && w.target.t !== 'zero')).toEqual([]);
      expect(s.txn).toBe(false);
    });
  }

  it('a hole read through the zero page does not split the tree: only write faults do', () => {
    const { states } = walk('pmem-nofsync-naive', ['mmap(sync=true)', 'fault(off=0, write=true)', 'fault-done()', 'fault(off=1, write=false)']);
    expect(states.at(-1)!.events.justSplit).toBe(false);
    expect(states.at(-1)!.tree.root.depth).toBe(0);
  });
});

describe('crash-ordering judges every offset made durable before the crash', () => {
  it('pmem-nofsync-invalidate: a promised record, invalidated when a split moved it, is still owed', () => {
    const outcomes = crashOutcomes('pmem-nofsync-invalidate', ['mmap(sync=true)', 'fault(off=0, write=true)', 'fault-done()', 'fault(off=1, write=true)']);
    const broken = outcomes.map((s) => crashOrdering.check(s, undefined)).filter((m) => m !== undefined);
    expect(broken).toContain('offset 0 was made durable in block 0 before the crash (by fsync, msync or a promise since withdrawn), but after the crash the tree has no record of it');
  });

  it('pmem-nofsync-naive: an fsynced record on a plain mapping is owed too', () => {
    const outcomes = crashOutcomes('pmem-nofsync-naive', ['mmap(sync=false)', 'fault(off=0, write=true)', 'fault-done()', 'store(off=0)', 'fsync()', 'fault(off=1, write=true)']);
    expect(outcomes.some((s) => crashOrdering.check(s, undefined) !== undefined)).toBe(true);
  });

  it('pmem-map-sync: the same history keeps every record (the log is replayed)', () => {
    const outcomes = crashOutcomes('pmem-map-sync', ['mmap(sync=false)', 'fault(off=0, write=true)', 'fault-done()', 'store(off=0)', 'fsync()', 'fault(off=1, write=true)']);
    expect(outcomes.length).toBeGreaterThan(1);
    expect(outcomes.map((s) => crashOrdering.check(s, undefined))).toEqual(outcomes.map(() => undefined));
  });
});

describe('a log force makes metadata and zeroing durable, never an unflushed user store', () => {
  // A write fault on a plain mapping allocates block 0 and leaves its zeroing
  // pending; the user then stores into the block without flushing it.
  const history = ['mmap(sync=false)', 'fault(off=0, write=true)', 'fault-done()', 'store(off=0)'];

  it('journalled (pmem-map-sync): forcing the log leaves the store in its cache line', () => {
    const { design, states } = walk('pmem-map-sync', history);
    const cfg = resolveConfig(design, {}, []);
    const s = produce(states.at(-1)!, (d) => forceLog(d, cfg));
    expect(s.disk.data[0]).toBe(0);
    expect(s.disk.log[0]?.committed).toBe(true);
    expect(s.pending.map((w) => w.target)).toEqual([{ t: 'data', pfn: 0, value: 1 }]);
  });

  it('in place (pmem-nofsync-naive): syncing the metadata leaves the store in its cache line', () => {
    const { states } = walk('pmem-nofsync-naive', history);
    const s = produce(states.at(-1)!, (d) => syncMetadata(d));
    expect(s.disk.data[0]).toBe(0);
    expect(lookup(s.disk.tree, 0)).toBe(0);
    expect(s.pending.map((w) => w.target)).toEqual([{ t: 'data', pfn: 0, value: 1 }]);
  });

  it('fsync makes the store durable as well (dax_writeback_mapping_range flushes the line)', () => {
    const { states } = walk('pmem-map-sync', [...history, 'fsync()']);
    expect(states.at(-1)!.disk.data[0]).toBe(1);
    expect(states.at(-1)!.pending).toEqual([]);
  });
});
