/**
 * The non-DAX page cache over reflinked files, as XFS keeps it (the world of
 * pagecache-reflink): every file its own folios, keyed by (mapping, index),
 * over a data fork of extents whose blocks carry a refcount (the refcount
 * btree). One block of a file is one 4 KiB folio and one filesystem block.
 *
 * Three layers, each with its own lifetime:
 * - volatile: the folios (`folio`, `dirty`), lost at a crash;
 * - in-core metadata (`ext`, `ref`, `size`, `disk`): what the running
 *   filesystem believes; every change of a mapping or of the on-disk size
 *   is a transaction, committed in core (xfs_trans_commit ->
 *   xlog_cil_commit) and appended to `log` in commit order;
 * - durable: `dext` and `dsize`, the mappings and sizes the on-disk log
 *   holds for certain (what the last log forces made durable), `log`, the
 *   committed transactions not known to be on disk yet, of which a mount
 *   finds a prefix, and `data`, the media's blocks (a block written by
 *   writeback is on the media: the loop device's backing file keeps it
 *   across a shutdown).
 * And the ghosts a correct filesystem is judged by: `ghost` (what a read
 * must return), `hist` (bitmask of the values a block may show after a
 * crash: the one an fsync made durable and every one written since) and
 * `hsize` (the same for sizes).
 */
export const HOLE = -1;
/** A folio not in the page cache. */
export const NONE = -1;

export interface PagecacheState {
  /** i_size in blocks, in core. */
  size: number[];
  /** The data fork in core: file f's block b maps physical block ext[f][b], or HOLE. */
  ext: number[][];
  /** The refcount btree in core: how many (file, block) map each physical block. */
  ref: number[];
  /** The media: the value each physical block holds (0 is zeroes). */
  data: number[];
  /** ip->i_disk_size in core, in blocks: the size the inode's transactions log (a write past EOF moves only `size`). */
  disk: number[];
  /** What the on-disk log holds for certain: each block's mapping and each file's size after the last log force. */
  dext: number[][];
  dsize: number[];
  /**
   * Transactions committed but not known to be on disk, oldest first: each
   * its batch flag (1: committed in any order with the one before it, as
   * the I/O completions of one writeback are) and then (file, block,
   * physical block) triples, a block of SIZE meaning the file's i_disk_size
   * becomes the third, GROW that it becomes at least the third. A mount
   * replays a prefix of the batches and any part of the next one.
   */
  log: number[][];
  /**
   * The CoW fork: 1 where (f, b) has a CoW reservation, which sends its next
   * writeback to a new block whether the block is still shared or not.
   */
  cowres: number[][];
  /** The page cache: the folio's value at (mapping f, index b), or NONE; dirty 0/1. */
  folio: number[][];
  dirty: number[][];
  /** Ghosts: the content a read must return; what may show after a crash. */
  ghost: number[][];
  hist: number[][];
  hsize: number[];
  /** Events of the last step (cleared before every step). */
  read: { f: number; b: number; v: number };
  /** The result of the last FIDEDUPERANGE: 0 FILE_DEDUPE_RANGE_SAME, 1 DIFFERS, -1 none. */
  dedupe: number;
  /** 1 when the last step was a crash and mount. */
  crashed: number;
  /** 1 when the last step wrote back a folio over a shared block (the CoW). */
  cow: number;
  /**
   * A shared buffer cache (shadow-pages-pagecache only; absent in mainline):
   * `master[p]`, the value of the read-only master folio the buffer cache
   * holds for physical block p, or NONE; `shadow[f][b]`, the block whose
   * master (f, b)'s shadow entry points to, or NONE. A (file, index) holds
   * a folio or a shadow, never both.
   */
  master?: number[];
  shadow?: number[][];
}

/** In a transaction's triple, the block that stands for the file's i_disk_size. */
export const SIZE = -1;
/** In a transaction's triple, the block that stands for i_disk_size growing to at least the third (a writeback's xfs_setfilesize). */
export const GROW = -2;

export const bit = (v: number): number => 1 << v;

/** The shadows pointing to block p's master, as (file, index) pairs. */
export function shadowsOf(s: PagecacheState, p: number): [number, number][] {
  const out: [number, number][] = [];
  s.shadow?.forEach((row, f) => row.forEach((m, b) => m === p && out.push([f, b])));
  return out;
}

/** Whether any mount could find block p mapped by someone: the durable mappings, or one a pending transaction sets. */
function mayBeMapped(s: PagecacheState, p: number): boolean {
  if (s.dext.some((row) => row.includes(p))) return true;
  return s.log.some((t) => {
    for (let i = 1; i < t.length; i += 3) if (t[i + 1] >= 0 && t[i + 2] === p) return true;
    return false;
  });
}

/**
 * What a read of (f, b) returns: the folio if cached, else the master its
 * shadow points to (NONE if that master is gone: a freed page), else the
 * media behind the mapping (a hole reads zeroes).
 */
export function content(s: PagecacheState, f: number, b: number): number {
  if (s.folio[f][b] !== NONE) return s.folio[f][b];
  if (s.shadow !== undefined && s.shadow[f][b] !== NONE) return s.master![s.shadow[f][b]];
  return onMedia(s, f, b);
}

/** What the media behind (f, b) holds, ignoring the page cache. */
export function onMedia(s: PagecacheState, f: number, b: number): number {
  const p = s.ext[f][b];
  return p === HOLE ? 0 : s.data[p];
}

/**
 * The block an allocation takes: the lowest with no in-core reference that
 * no mount could find mapped either. A block freed by a transaction not yet
 * in the log is busy (xfs_extent_busy_insert at free, xfs_extent_busy_clear
 * after the checkpoint commits) and xfs_alloc_ag_vextent skips it, so a crash
 * can never show a block's old owner with a new owner's data.
 */
export function allocatable(s: PagecacheState): number {
  for (let p = 0; p < s.ref.length; p++) {
    if (s.ref[p] === 0 && !mayBeMapped(s, p)) return p;
  }
  return HOLE;
}

/** How many blocks writing back every dirty folio of `files` would allocate (a hole's or a shared block's). */
export function blocksNeeded(s: PagecacheState, files: readonly { f: number; b: number }[]): number {
  let n = 0;
  for (const { f, b } of files) {
    if (!s.dirty[f][b]) continue;
    const p = s.ext[f][b];
    if (p === HOLE || s.ref[p] > 1 || s.cowres[f][b]) n++;
  }
  return n;
}

export function freeBlocks(s: PagecacheState): number {
  let n = 0;
  for (let p = 0; p < s.ref.length; p++) if (s.ref[p] === 0 && !mayBeMapped(s, p)) n++;
  return n;
}
