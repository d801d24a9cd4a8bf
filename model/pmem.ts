/**
 * The world of seed 003: one file on pmem, mapped with DAX. Its block map is
 * an extent tree: a root in the inode holding up to C records inline, which
 * grows into leaf metadata blocks of up to C records each when it overflows;
 * a full leaf splits, moving its upper half to a new leaf and updating the
 * root (one level; the root takes as many leaf pointers as the file needs).
 * Stores reach the media through CPU cache lines, made durable by flush
 * (clwb) then fence (sfence), or by fsync/msync. Metadata writes are pieces
 * too, ordered or not as the design says. A ghost records what a correct
 * file system owes: each offset's newest value made durable, the block the
 * design promised durable, and what fsync or the promise made durable.
 *
 * The designs (model/designs/pmem-*.ts) differ in how a fault completes and
 * how metadata is written: in place, through a log, or never (static
 * chunks). Modelling choices the seed leaves open:
 * - a block is one cache line, and a later store replaces an earlier one in
 *   the line (no eviction of intermediate values: values only grow, and the
 *   properties accept "or newer");
 * - a block is zeroed when allocated, and the zeroing is a piece the
 *   metadata naming the block is ordered after (all real DAX file systems
 *   zero before exposing a block; the `unordered-zeroing` toggle breaks it);
 * - a lookup after a crash finds a record in any leaf the root points at,
 *   which is kinder to a torn split than a keyed btree walk: any loss it
 *   reports is a real one;
 * - a fault runs in two steps, `fault` (allocate, change the tree, issue its
 *   writes) and `fault-done` (the design's sync, the pte, the promise), so a
 *   crash can fall inside it, as in Nick's "concurrently, fault in block 1".
 */
import type { Draft } from 'immer';
import type { Config, CrashStep, Recipe } from './design.js';

/** What a block holds from its previous owner until zeroed. */
export const STALE = -1;
export const NONE = -1;

export interface Rec {
  off: number;
  pfn: number;
}

/** depth 0: the records sit in the inode; depth 1: the inode points at leaf blocks. */
export interface Root {
  depth: 0 | 1;
  recs: Rec[];
  leaves: number[];
}

export interface Tree {
  root: Root;
  /** leaf[m]: the records of metadata block m. */
  leaf: Rec[][];
}

export type Target =
  | { t: 'data'; pfn: number; value: number }
  | { t: 'root'; root: Root }
  | { t: 'leaf'; m: number; recs: Rec[] }
  | { t: 'log'; seq: number; tree: Tree }
  | { t: 'commit'; seq: number };

/** A write issued but not durable: a piece for engine/crash.ts. */
export interface Write {
  id: string;
  after: string[];
  /** A data line the user flushed (clwb): the next fence makes it durable. */
  flushed: boolean;
  /** The line carries a new block's zeroing (still, if a store replaced it). */
  init: boolean;
  target: Target;
}

export interface LogRecord {
  tree: Tree | null;
  committed: boolean;
}

export type Pte = 'none' | 'ro' | 'rw';

export interface PmemState {
  /** The media: what survives a crash. */
  disk: { tree: Tree; data: number[]; log: LogRecord[] };
  /** Written, not durable, oldest first. */
  pending: Write[];
  /** In-core metadata. */
  tree: Tree;
  /** In-core metadata changes not yet in the log (journalled designs). */
  txn: boolean;
  seq: number;
  vma: 'none' | 'shared' | 'sync';
  pte: Pte[];
  /** The fault in flight; `alloc` when it allocated its block (else it is a re-fault or an upgrade). */
  fault: { off: number; write: boolean; alloc: boolean } | null;
  ghost: {
    /** The newest value stored at each offset (values only grow). */
    value: number[];
    /** The newest value made durable on media (fence, fsync, msync). */
    flushed: number[];
    /** What no-lost-writes owes: made durable by fsync/msync, or while promised. */
    owed: number[];
    /** The block promised "no fsync needed" at each offset, or NONE. */
    promised: number[];
  };
  events: { justSplit: boolean; movedPromised: boolean };
  /** Set in the state a crash and recovery lead to: what stood at the crash. */
  atCrash: { promised: number[]; flushed: number[]; afterSplit: boolean; unflushedStore: boolean } | null;
  crashes: number;
}

export type PmemAction =
  | { readonly kind: 'mmap'; readonly sync: boolean }
  | { readonly kind: 'fault'; readonly off: number; readonly write: boolean }
  | { readonly kind: 'fault-done' }
  | { readonly kind: 'store'; readonly off: number }
  | { readonly kind: 'flush'; readonly off: number }
  | { readonly kind: 'fence' }
  | { readonly kind: 'fsync' }
  | { readonly kind: 'msync' }
  | { readonly kind: 'crash' };

export const params = {
  L: { default: 2, min: 1, max: 4, description: 'logical blocks in the file' },
  C: { default: 1, min: 1, max: 3, description: 'records a leaf (or the inode) holds' },
  V: { default: 1, min: 1, max: 3, description: 'stores per block' },
  K: { default: 1, min: 0, max: 2, description: 'crashes per history' },
} as const;

// ---- the extent tree ------------------------------------------------------

export function emptyTree(L: number): Tree {
  return { root: { depth: 0, recs: [], leaves: [] }, leaf: Array.from({ length: L }, () => []) };
}

/** The block at `off`, or NONE: any record of the inode, or of a leaf the inode points at. */
export function lookup(t: Tree, off: number): number {
  const recs = t.root.depth === 0 ? t.root.recs : t.root.leaves.flatMap((m) => t.leaf[m] ?? []);
  return recs.find((r) => r.off === off)?.pfn ?? NONE;
}

type Loc = 'root' | number;

const byOff = (a: Rec, b: Rec) => a.off - b.off;

function freeLeaf(t: Tree): number {
  for (let m = 0; m < t.leaf.length; m++) if (!t.root.leaves.includes(m)) return m;
  // Only after a crash tore a split can the root point at more leaves than the file needs.
  t.leaf.push([]);
  return t.leaf.length - 1;
}

/** Inserts a record; says which metadata blocks changed (in write order) and whose records moved. */
export function insertRecord(t: Draft<Tree>, off: number, pfn: number, C: number): { changed: Loc[]; moved: number[]; split: boolean } {
  const rec = { off, pfn };
  if (t.root.depth === 0) {
    if (t.root.recs.length < C) {
      t.root.recs = [...t.root.recs, rec].sort(byOff);
      return { changed: ['root'], moved: [], split: false };
    }
    // The inode overflows: every record moves to new leaves (XFS's extents
    // to btree format conversion, the "tip-to-root" case of Dave's mail).
    const all = [...t.root.recs, rec].sort(byOff);
    const moved = t.root.recs.map((r) => r.off);
    const changed: Loc[] = [];
    for (let i = 0; i < all.length; i += C) {
      const m = freeLeaf(t);
      t.leaf[m] = all.slice(i, i + C);
      t.root.leaves.push(m);
      changed.push(m);
    }
    t.root.depth = 1;
    t.root.recs = [];
    changed.push('root');
    return { changed, moved, split: true };
  }
  let at = 0;
  t.root.leaves.forEach((m, i) => {
    const first = t.leaf[m][0];
    if (first !== undefined && first.off <= off) at = i;
  });
  const m = t.root.leaves[at];
  if (t.leaf[m].length < C) {
    t.leaf[m] = [...t.leaf[m], rec].sort(byOff);
    return { changed: [m], moved: [], split: false };
  }
  const all = [...t.leaf[m], rec].sort(byOff);
  const half = Math.ceil(all.length / 2);
  const n = freeLeaf(t);
  t.leaf[m] = all.slice(0, half);
  t.leaf[n] = all.slice(half);
  t.root.leaves.splice(at + 1, 0, n);
  return { changed: [n, m, 'root'], moved: t.leaf[n].map((r) => r.off).filter((o) => o !== off), split: true };
}

function copyTree(t: Tree): Tree {
  return { root: { depth: t.root.depth, recs: t.root.recs.map((r) => ({ ...r })), leaves: [...t.root.leaves] }, leaf: t.leaf.map((l) => l.map((r) => ({ ...r }))) };
}

/** The lowest block no record of the in-core tree names. */
function freeBlock(s: PmemState | Draft<PmemState>, L: number): number {
  for (let p = 0; p < L; p++) {
    let used = false;
    for (let o = 0; o < L; o++) if (lookup(s.tree as Tree, o) === p) used = true;
    if (!used) return p;
  }
  return NONE;
}

// ---- pieces -----------------------------------------------------------------

/** Issues a write; a newer write to the same place replaces the pending one, keeping its place and order. */
export function issue(d: Draft<PmemState>, id: string, target: Target, after: string[] = []): void {
  const old = d.pending.find((w) => w.id === id);
  if (old) {
    old.target = target as Draft<Target>;
    old.flushed = false;
    for (const a of after) if (!old.after.includes(a)) old.after.push(a);
  } else d.pending.push({ id, after, flushed: false, init: false, target: target as Draft<Target> });
}

function applyToMedia(d: Draft<PmemState>, w: Write | Draft<Write>): void {
  const t = w.target;
  switch (t.t) {
    case 'data':
      d.disk.data[t.pfn] = t.value;
      return;
    case 'root':
      d.disk.tree.root = { depth: t.root.depth, recs: t.root.recs.map((r) => ({ ...r })), leaves: [...t.root.leaves] };
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

/** Makes these pieces durable, with every piece they are ordered after; a data line made durable updates the ghost. */
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
}

const isMetadata = (w: Write | Draft<Write>) => w.target.t !== 'data';

/** Makes every pending metadata write durable (an in-place file system's metadata sync). */
export function syncMetadata(d: Draft<PmemState>): void {
  persist(
    d,
    d.pending.filter(isMetadata).map((w) => w.id),
  );
}

/** Pending metadata or log writes, or in-core changes not yet logged: what IOMAP_F_DIRTY stands for. */
export function metadataDirty(s: PmemState | Draft<PmemState>): boolean {
  return s.txn || s.pending.some(isMetadata);
}

/**
 * Forces the log (journalled designs): the in-core tree goes out as one log
 * record, then a commit record ordered after it; both ordered after the
 * zeroing of every block the tree newly names (unless `unordered-zeroing`).
 */
export function forceLog(d: Draft<PmemState>, cfg: Config): void {
  if (d.txn) {
    const seq = d.seq++;
    const inits = cfg.bugs.has('unordered-zeroing') ? [] : d.pending.filter((w) => w.init).map((w) => w.id);
    issue(d, `log${seq}`, { t: 'log', seq, tree: copyTree(d.tree as Tree) }, inits);
    issue(d, `commit${seq}`, { t: 'commit', seq }, [`log${seq}`]);
    d.txn = false;
  }
  persist(
    d,
    d.pending.filter(isMetadata).map((w) => w.id),
  );
}

/** fsync/msync: everything durable; what it made durable is owed from now on. */
export function syncAll(d: Draft<PmemState>, cfg: Config, journal: boolean): void {
  if (journal) forceLog(d, cfg);
  persist(
    d,
    d.pending.map((w) => w.id),
  );
  for (let off = 0; off < d.pte.length; off++) {
    const pfn = lookup(d.tree as Tree, off);
    if (pfn !== NONE) d.ghost.owed[off] = Math.max(d.ghost.owed[off], d.disk.data[pfn]);
  }
}

// ---- faults -------------------------------------------------------------------

export type Metadata = 'in-place' | 'journal' | 'static';

/**
 * The first half of a fault: a hole gets the lowest free block, zeroed, and
 * a record in the tree; in place, each changed metadata block is a write of
 * its own, unordered among them (the "non-atomic" of the seed), each ordered
 * after the zeroing; journalled, the change waits in the transaction.
 * Returns the offsets whose records moved.
 */
export function beginFault(d: Draft<PmemState>, off: number, write: boolean, cfg: Config, metadata: Metadata): number[] {
  d.fault = { off, write, alloc: false };
  if (lookup(d.tree as Tree, off) !== NONE || metadata === 'static') return [];
  d.fault.alloc = true;
  const pfn = freeBlock(d, cfg.params.L);
  issue(d, `data${pfn}`, { t: 'data', pfn, value: 0 });
  d.pending.find((w) => w.id === `data${pfn}`)!.init = true;
  const { changed, moved, split } = insertRecord(d.tree, off, pfn, cfg.params.C);
  if (metadata === 'in-place') {
    const after = cfg.bugs.has('unordered-zeroing') ? [] : [`data${pfn}`];
    for (const loc of changed) {
      if (loc === 'root') issue(d, 'root', { t: 'root', root: copyTree(d.tree as Tree).root }, after);
      else issue(d, `leaf${loc}`, { t: 'leaf', m: loc, recs: d.tree.leaf[loc].map((r) => ({ ...r })) }, after);
    }
  } else d.txn = true;
  d.events.justSplit = split;
  if (moved.some((o) => d.ghost.promised[o] !== NONE)) d.events.movedPromised = true;
  return moved;
}

/** The second half's common end: the pte, and the promise when the design makes one. */
export function endFault(d: Draft<PmemState>, promise: boolean): void {
  const { off, write } = d.fault!;
  d.pte[off] = write ? 'rw' : d.pte[off] === 'rw' ? 'rw' : 'ro';
  if (promise) d.ghost.promised[off] = lookup(d.tree as Tree, off);
  d.fault = null;
}

// ---- the world's actions and crash ---------------------------------------------

export function initState(cfg: Config, tree?: Tree): PmemState {
  const { L } = cfg.params;
  const t = tree ?? emptyTree(L);
  return {
    disk: { tree: copyTree(t), data: new Array<number>(L).fill(tree ? 0 : STALE), log: [] },
    pending: [],
    tree: copyTree(t),
    txn: false,
    seq: 0,
    vma: 'none',
    pte: new Array<Pte>(L).fill('none'),
    fault: null,
    ghost: {
      value: new Array<number>(L).fill(0),
      flushed: new Array<number>(L).fill(0),
      owed: new Array<number>(L).fill(0),
      promised: new Array<number>(L).fill(NONE),
    },
    events: { justSplit: false, movedPromised: false },
    atCrash: null,
    crashes: 0,
  };
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
    if (s.pte[off] !== 'none' && s.pending.some((w) => w.id === `data${pfn}` && !w.flushed)) out.push({ kind: 'flush', off });
  }
  if (s.pending.some((w) => w.flushed)) out.push({ kind: 'fence' });
  if (s.fault === null && (s.pending.length > 0 || s.txn)) {
    out.push({ kind: 'fsync' });
    if (s.vma !== 'none') out.push({ kind: 'msync' });
  }
  if (s.crashes < K) out.push({ kind: 'crash' });
  return out;
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
      issue(d, `data${lookup(s.tree, off)}`, { t: 'data', pfn: lookup(s.tree, off), value });
    }),
  flush: ({ off }: { off: number }, s: PmemState) =>
    step((d) => {
      d.pending.find((w) => w.id === `data${lookup(s.tree, off)}`)!.flushed = true;
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
 * thing (ptes, the vma, the fault in flight, the promise) is gone.
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
      for (const w of d.pending) if (survivors.has(w.id)) applyToMedia(d, w);
      d.pending = [];
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
