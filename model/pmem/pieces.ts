/**
 * Pending writes and what makes them durable. Stores reach the media through
 * CPU cache lines, made durable by flush (clwb) then fence (sfence), or by
 * fsync/msync; metadata writes are pieces too, ordered or not as the design
 * says; a journalled design's log force writes a log record and a commit
 * record. A data line made durable updates the ghost.
 */
import type { Draft } from 'immer';
import type { Config } from '../design.js';
import { copyRoot, copyTree, lookup, NONE, type Tree } from './tree.js';
import type { PmemState, Target, Write } from './state.js';

/** Issues a write; a newer write to the same place replaces the pending one, keeping its place and order. */
export function issue(d: Draft<PmemState>, id: string, target: Target, after: string[] = []): void {
  const old = d.pending.find((w) => w.id === id);
  if (old) {
    old.target = target as Draft<Target>;
    old.flushed = false;
    for (const a of after) if (!old.after.includes(a)) old.after.push(a);
  } else d.pending.push({ id, after, flushed: false, target: target as Draft<Target> });
}

/** A new block's zeroing, by the kernel (xfs_iomap_write_direct's XFS_BMAPI_ZERO for DAX). */
export const zeroId = (pfn: number) => `zero${pfn}`;
/** The user's stores to a block: its cache line. */
export const dataId = (pfn: number) => `data${pfn}`;

/**
 * A user store to `pfn`: its own piece, ordered after the block's zeroing
 * while that is pending (a later store to the line cannot reach the media
 * with the earlier zeroing lost: it overwrote it), never merged into it.
 */
export function issueStore(d: Draft<PmemState>, pfn: number, value: number): void {
  const after = d.pending.some((w) => w.id === zeroId(pfn)) ? [zeroId(pfn)] : [];
  issue(d, dataId(pfn), { t: 'data', pfn, value }, after);
}

function applyToMedia(d: Draft<PmemState>, w: Write | Draft<Write>): void {
  const t = w.target;
  switch (t.t) {
    case 'zero':
      d.disk.data[t.pfn] = 0;
      return;
    case 'data':
      d.disk.data[t.pfn] = t.value;
      return;
    case 'root':
      d.disk.tree.root = copyRoot(t.root as Tree['root']);
      return;
    case 'leaf':
      d.disk.tree.leaf[t.m] = t.recs.map((r) => ({ ...r }));
      return;
    case 'log': {
      const rec = d.disk.log[t.seq];
      d.disk.log[t.seq] = { tree: copyTree(t.tree as Tree), committed: rec?.committed ?? false };
      return;
    }
    case 'commit': {
      const rec = d.disk.log[t.seq];
      d.disk.log[t.seq] = { tree: rec?.tree ?? null, committed: true };
      return;
    }
  }
}

/** Puts the crash's survivors on the media, in issue order, and forgets every pending piece. */
export function persistSurvivors(d: Draft<PmemState>, survivors: ReadonlySet<string>): void {
  for (const w of d.pending) if (survivors.has(w.id)) applyToMedia(d, w);
  d.pending = [];
}

/**
 * Makes these pieces durable, with every piece they are ordered after; a
 * data line made durable updates the ghost. An order on a piece no longer
 * pending is dropped (it is durable), so that equal media and equal pending
 * work make equal states.
 */
export function persist(d: Draft<PmemState>, ids: readonly string[]): void {
  const want = new Set<string>();
  const visit = (id: string) => {
    if (want.has(id)) return;
    const w = d.pending.find((x) => x.id === id);
    if (!w) return;
    want.add(id);
    w.after.forEach(visit);
  };
  ids.forEach(visit);
  if (want.size === 0) return;
  const L = d.pte.length;
  for (const w of d.pending) {
    if (!want.has(w.id)) continue;
    applyToMedia(d, w);
    if (w.target.t === 'data') {
      const { pfn, value } = w.target;
      for (let off = 0; off < L; off++) {
        if (lookup(d.tree as Tree, off) !== pfn) continue;
        d.ghost.flushed[off] = Math.max(d.ghost.flushed[off], value);
        if (d.ghost.promised[off] === pfn) d.ghost.owed[off] = Math.max(d.ghost.owed[off], value);
      }
    }
  }
  d.pending = d.pending.filter((w) => !want.has(w.id));
  for (const w of d.pending) if (w.after.some((a) => want.has(a))) w.after = w.after.filter((a) => !want.has(a));
}

const isMetadata = (w: Write | Draft<Write>) => w.target.t !== 'data' && w.target.t !== 'zero';

/**
 * Makes every pending metadata write durable (an in-place file system's
 * metadata sync), with the zeroing each is ordered after; user stores stay
 * in their cache lines.
 */
export function syncMetadata(d: Draft<PmemState>): void {
  persist(
    d,
    d.pending.filter(isMetadata).map((w) => w.id),
  );
}

/** Pending metadata or log writes, or in-core changes not yet logged: what IOMAP_F_DIRTY stands for (the inode's, not the fault's). */
export function metadataDirty(s: PmemState | Draft<PmemState>): boolean {
  return s.txn || s.pending.some(isMetadata);
}

/**
 * Forces the log (journalled designs; xfs_log_force_seq from the fsync that
 * dax_finish_sync_fault calls): the in-core tree goes out as one log record,
 * then a commit record ordered after it; both ordered after the zeroing of
 * every block still pending (unless `unordered-zeroing`). User stores are
 * not the log's: they stay in their cache lines.
 */
export function forceLog(d: Draft<PmemState>, cfg: Config): void {
  if (d.txn) {
    const seq = d.seq++;
    const zeroing = cfg.bugs.has('unordered-zeroing') ? [] : d.pending.filter((w) => w.target.t === 'zero').map((w) => w.id);
    issue(d, `log${seq}`, { t: 'log', seq, tree: copyTree(d.tree as Tree) }, zeroing);
    issue(d, `commit${seq}`, { t: 'commit', seq }, [`log${seq}`]);
    d.txn = false;
  }
  syncMetadata(d);
}

/** The mapping of every offset that has one is durable now: crash-ordering owes it from here on. */
function markDurable(d: Draft<PmemState>): void {
  for (let off = 0; off < d.pte.length; off++) {
    const pfn = lookup(d.tree as Tree, off);
    if (pfn !== NONE) d.ghost.durable[off] = pfn;
  }
}

/** fsync/msync: everything durable; what it made durable is owed from now on. */
export function syncAll(d: Draft<PmemState>, cfg: Config, journal: boolean): void {
  if (journal) forceLog(d, cfg);
  persist(
    d,
    d.pending.map((w) => w.id),
  );
  markDurable(d);
  for (let off = 0; off < d.pte.length; off++) {
    const pfn = lookup(d.tree as Tree, off);
    if (pfn !== NONE) d.ghost.owed[off] = Math.max(d.ghost.owed[off], d.disk.data[pfn]);
  }
}
