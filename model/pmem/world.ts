/**
 * Faults, the user's actions, and the crash: what every pmem design shares.
 * A fault runs in two steps, `fault` (allocate, change the tree, issue its
 * writes) and `fault-done` (the design's sync, the pte, the promise), so a
 * crash can fall inside it, as in Nick's "concurrently, fault in block 1".
 */
import type { Draft } from 'immer';
import type { Config, CrashStep, Recipe } from '../design.js';
import { issue, issueStore, persist, persistSurvivors, zeroId, dataId } from './pieces.js';
import type { PmemAction, PmemState, Target } from './state.js';
import { copyTree, insertRecord, lookup, NONE, type Loc, type Tree } from './tree.js';

/** The lowest block no record of the in-core tree names. */
function freeBlock(s: PmemState | Draft<PmemState>, L: number): number {
  for (let p = 0; p < L; p++) {
    let used = false;
    for (let o = 0; o < L; o++) if (lookup(s.tree as Tree, o) === p) used = true;
    if (!used) return p;
  }
  return NONE;
}

/**
 * How a design writes its extent tree: in place with no order among the
 * blocks of one change (`in-place`), in place in the order soft updates keep
 * (`ordered`), through the log (`journal`), or never (`static`).
 */
export type Metadata = 'in-place' | 'ordered' | 'journal' | 'static';

function leafTarget(d: Draft<PmemState>, m: number): Target {
  return { t: 'leaf', m, recs: d.tree.leaf[m].map((r) => ({ ...r })) };
}

/** Whether pending piece `id` is ordered after `on`, directly or through other pending pieces. */
function orderedAfter(d: Draft<PmemState>, id: string, on: string, seen = new Set<string>()): boolean {
  const w = d.pending.find((x) => x.id === id);
  if (!w || seen.has(id)) return false;
  seen.add(id);
  return w.after.some((a) => a === on || orderedAfter(d, a, on, seen));
}

/**
 * The writes of one tree change in the order soft updates keep (McKusick and
 * Ganger, "Soft Updates", USENIX 1999: never point to a structure before it
 * has been initialised; never reset the old pointer to a live resource before
 * the new one has been set): the new leaves first, then the root that names
 * them, then the old leaf rewritten without the records that moved to a new
 * one (until the root is on the media, the old leaf is what names them).
 * A pending write of that old leaf which the pending root must follow (the
 * leaf was new in an earlier change not yet durable) is first written out,
 * the file system waiting for it, so that no two writes wait on each other:
 * the crash states during that wait are those of a crash before the fault.
 */
function issueOrdered(d: Draft<PmemState>, changed: readonly Loc[], fresh: ReadonlySet<number>, after: readonly string[]): void {
  const leaves = changed.filter((l): l is number => l !== 'root');
  const newLeaves = leaves.filter((m) => fresh.has(m));
  const oldLeaves = leaves.filter((m) => !fresh.has(m));
  if (!changed.includes('root')) {
    for (const m of leaves) issue(d, `leaf${m}`, leafTarget(d, m), [...after]);
    return;
  }
  const wait = oldLeaves.map((m) => `leaf${m}`).filter((id) => orderedAfter(d, 'root', id));
  if (wait.length) persist(d, wait);
  for (const m of newLeaves) issue(d, `leaf${m}`, leafTarget(d, m), [...after]);
  issue(d, 'root', { t: 'root', root: copyTree(d.tree as Tree).root }, [...after, ...newLeaves.map((m) => `leaf${m}`)]);
  for (const m of oldLeaves) issue(d, `leaf${m}`, leafTarget(d, m), [...after, 'root']);
}

/**
 * The first half of a fault (dax_iomap_pte_fault, the iomap_begin it calls).
 * A read fault allocates nothing: on a hole it maps the zero page
 * (dax_fault_iter -> dax_load_hole: "Allocating a new page in the file would
 * cause excessive storage usage ... Instead we insert a read-only mapping of
 * the 4k zero page"), on a block it maps the block read-only. A write fault
 * on a hole (or on the zero page: the re-fault dax_load_hole announces) gets
 * the lowest free block, zeroed, and a record in the tree
 * (xfs_direct_write_iomap_begin -> xfs_iomap_write_direct); in place, each
 * changed metadata block is a write of its own, unordered among them (the
 * "non-atomic" of the seed), each ordered after the zeroing; journalled, the
 * change waits in the transaction. Returns the offsets whose records moved.
 */
export function beginFault(d: Draft<PmemState>, off: number, write: boolean, cfg: Config, metadata: Metadata): number[] {
  d.fault = { off, write };
  if (!write || lookup(d.tree as Tree, off) !== NONE || metadata === 'static') return [];
  const pfn = freeBlock(d, cfg.params.L);
  issue(d, zeroId(pfn), { t: 'zero', pfn });
  const named = new Set(d.tree.root.depth === 1 ? d.tree.root.leaves : []);
  const { changed, moved, split } = insertRecord(d.tree, off, pfn, cfg.params.C);
  const after = cfg.bugs.has('unordered-zeroing') ? [] : [zeroId(pfn)];
  if (metadata === 'in-place') {
    for (const loc of changed) {
      if (loc === 'root') issue(d, 'root', { t: 'root', root: copyTree(d.tree as Tree).root }, after);
      else issue(d, `leaf${loc}`, leafTarget(d, loc), after);
    }
  } else if (metadata === 'ordered') {
    issueOrdered(d, changed, new Set(changed.filter((l): l is number => l !== 'root' && !named.has(l))), after);
  } else d.txn = true;
  d.events.justSplit = split;
  if (moved.some((o) => d.ghost.promised[o] !== NONE)) d.events.movedPromised = true;
  return moved;
}

/**
 * The second half's common end: the pte (writable after a write fault; the
 * zero page or the block read-only after a read fault), and the promise when
 * the design makes one; a promised block's mapping is owed from then on.
 */
export function endFault(d: Draft<PmemState>, promise: boolean): void {
  const { off, write } = d.fault!;
  const pfn = lookup(d.tree as Tree, off);
  d.pte[off] = write ? 'rw' : pfn === NONE ? 'zero' : 'ro';
  if (promise && pfn !== NONE) {
    d.ghost.promised[off] = pfn;
    d.ghost.durable[off] = pfn;
  }
  d.fault = null;
}

/** The actions every design offers; `fault` and `fault-done` are the design's own. */
export function worldActions(s: PmemState, cfg: Config): PmemAction[] {
  const { L, V, K } = cfg.params;
  const out: PmemAction[] = [];
  if (s.vma === 'none') out.push({ kind: 'mmap', sync: false }, { kind: 'mmap', sync: true });
  else if (s.fault === null) {
    for (let off = 0; off < L; off++) {
      if (s.pte[off] === 'none') out.push({ kind: 'fault', off, write: false });
      if (s.pte[off] !== 'rw') out.push({ kind: 'fault', off, write: true });
    }
  }
  if (s.fault !== null) out.push({ kind: 'fault-done' });
  for (let off = 0; off < L; off++) {
    if (s.pte[off] === 'rw' && s.ghost.value[off] < V) out.push({ kind: 'store', off });
    const pfn = lookup(s.tree, off);
    if (pfn !== NONE && s.pte[off] !== 'none' && s.pending.some((w) => w.id === dataId(pfn) && !w.flushed)) out.push({ kind: 'flush', off });
  }
  if (s.pending.some((w) => w.flushed)) out.push({ kind: 'fence' });
  if (s.fault === null && (s.pending.length > 0 || s.txn)) {
    out.push({ kind: 'fsync' });
    if (s.vma !== 'none') out.push({ kind: 'msync' });
  }
  if (s.crashes < K) out.push({ kind: 'crash' });
  return out;
}

/**
 * Who waits in a pmem state: only a fault in flight, whose second half (the
 * design's sync, the pte, the promise) is owed; fsync, msync and other
 * faults wait for it (worldActions offers them only when no fault is in
 * flight: the fault holds its entry lock, dax_iomap_pte_fault ->
 * grab_mapping_entry). Every other state is quiescent.
 */
export function pmemWaiting(s: PmemState): string | undefined {
  return s.fault === null ? undefined : `fault(off=${s.fault.off}, write=${s.fault.write}) is in flight and owes its second half`;
}

/** A recipe that first forgets the events of the step before (they describe one step only). */
export function step(recipe: Recipe<PmemState>): Recipe<PmemState> {
  return (d) => {
    d.atCrash = null;
    d.events.justSplit = false;
    recipe(d);
  };
}

export const worldNext = {
  mmap: ({ sync }: { sync: boolean }) =>
    step((d) => {
      d.vma = sync ? 'sync' : 'shared';
    }),
  store: ({ off }: { off: number }, s: PmemState) =>
    step((d) => {
      const value = s.ghost.value[off] + 1;
      d.ghost.value[off] = value;
      issueStore(d, lookup(s.tree, off), value);
    }),
  flush: ({ off }: { off: number }, s: PmemState) =>
    step((d) => {
      d.pending.find((w) => w.id === dataId(lookup(s.tree, off)))!.flushed = true;
    }),
  fence: () =>
    step((d) => {
      persist(
        d,
        d.pending.filter((w) => w.flushed).map((w) => w.id),
      );
    }),
};

/**
 * The crash: each pending piece may or may not have reached the media; then
 * mount: the newest committed log record, if any, replaces the tree (its
 * replay), the in-core tree is read back from the media, and every volatile
 * thing (ptes, the vma, the fault in flight, the promise) is gone. What was
 * owed (`owed`, `durable`) stays owed.
 */
export function crash(s: PmemState): CrashStep<PmemState> {
  return {
    pending: s.pending,
    persist: (d, survivors) => {
      const atCrash = {
        promised: [...s.ghost.promised],
        flushed: [...s.ghost.flushed],
        afterSplit: s.events.justSplit,
        unflushedStore: s.pending.some((w) => w.target.t === 'data' && w.target.value > 0 && !w.flushed),
      };
      persistSurvivors(d, survivors);
      d.atCrash = atCrash;
    },
    recover: (d) => {
      for (let seq = d.disk.log.length - 1; seq >= 0; seq--) {
        const rec = d.disk.log[seq];
        if (rec?.tree && rec.committed) {
          d.disk.tree = copyTree(rec.tree as Tree);
          break;
        }
      }
      d.disk.log = [];
      d.seq = 0;
      d.tree = copyTree(d.disk.tree as Tree);
      d.txn = false;
      d.vma = 'none';
      d.pte.fill('none');
      d.fault = null;
      d.events.justSplit = false;
      d.crashes++;
      for (let off = 0; off < d.pte.length; off++) {
        d.ghost.promised[off] = NONE;
        d.ghost.flushed[off] = Math.max(0, readBack(d as PmemState, off));
      }
    },
  };
}

/** What reading `off` returns from the media as mounted: the block's data, or zeroes for a hole. */
export function readBack(s: PmemState, off: number): number {
  const pfn = lookup(s.tree, off);
  return pfn === NONE ? 0 : s.disk.data[pfn];
}
