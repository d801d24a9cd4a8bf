/**
 * The state of the pmem world: what is on the media, what is written but not
 * yet durable, what is in core, the mapping, and the ghost of what a correct
 * file system owes.
 */
import type { Config } from '../design.js';
import { copyTree, emptyTree, NONE, type Root, type Tree } from './tree.js';

/** What a block holds from its previous owner until zeroed. */
export const STALE = -1;

/**
 * What a pending piece writes. A new block's zeroing (`zero`) is the
 * kernel's and is a piece apart from the user's stores to the same block
 * (`data`): a log force or a metadata sync is ordered after the zeroing and
 * makes it durable, but never a user store, which only a CPU cache flush
 * (clwb then sfence, or msync/fsync's dax_flush) makes durable.
 */
export type Target =
  | { t: 'zero'; pfn: number }
  | { t: 'data'; pfn: number; value: number }
  | { t: 'root'; root: Root }
  | { t: 'leaf'; m: number; recs: { off: number; pfn: number }[] }
  | { t: 'log'; seq: number; tree: Tree }
  | { t: 'commit'; seq: number };

/** A write issued but not durable: a piece for engine/crash.ts. */
export interface Write {
  id: string;
  after: string[];
  /** A data line the user flushed (clwb): the next fence makes it durable. */
  flushed: boolean;
  target: Target;
}

export interface LogRecord {
  tree: Tree | null;
  committed: boolean;
}

/**
 * A pte: none; the zero page, read-only, that a read fault on a hole maps
 * (dax_load_hole); the block read-only; the block writable. A write through
 * a read-only pte (the zero page included) is a write fault
 * (do_wp_page -> wp_pfn_shared -> ->pfn_mkwrite).
 */
export type Pte = 'none' | 'zero' | 'ro' | 'rw';

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
  /** The fault in flight. */
  fault: { off: number; write: boolean } | null;
  ghost: {
    /** The newest value stored at each offset (values only grow). */
    value: number[];
    /** The newest value made durable on media (fence, fsync, msync). */
    flushed: number[];
    /** What no-lost-writes owes: made durable by fsync/msync, or while promised. */
    owed: number[];
    /** The block promised "no fsync needed" at each offset, or NONE. */
    promised: number[];
    /**
     * The block whose mapping was made durable at each offset, by fsync or
     * msync or by a promise (kept when the promise is withdrawn, and across
     * crashes), or NONE: what crash-ordering owes. Nothing in this world
     * legitimately replaces it (no punch, truncate or CoW; a store
     * overwrites in place).
     */
    durable: number[];
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

/** An empty file on stale blocks, or (static chunks) a file whose table is given and whose blocks are zeroed. */
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
      durable: new Array<number>(L).fill(NONE),
    },
    events: { justSplit: false, movedPromised: false },
    atCrash: null,
    crashes: 0,
  };
}
