/**
 * The non-DAX page cache over reflinked files, as XFS keeps it (the world of
 * pagecache-reflink): every file its own folios, keyed by (mapping, index),
 * over a data fork of extents whose blocks carry a refcount (the refcount
 * btree). One block of a file is one 4 KiB folio and one filesystem block.
 *
 * Three layers, each with its own lifetime:
 * - volatile: the folios (`folio`, `dirty`), lost at a crash;
 * - in-core metadata (`ext`, `ref`, `size`): what the running filesystem
 *   believes, committed to the log only by a log force;
 * - durable: `dmap` and `dsizes`, the mappings and sizes a mount may find
 *   (the one the file's last fsync committed and every one held since: the
 *   log force of another file's fsync commits every older transaction too,
 *   so any of them may be durable), and `data`, the media's blocks (a block
 *   written by writeback is on the media: the loop device's backing file
 *   keeps it across a shutdown).
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
  /** What a mount may find: bitmask of mappings (bit 0 a hole, bit p+1 block p) per block, of sizes per file. */
  dmap: number[][];
  dsizes: number[];
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
}

export const bit = (v: number): number => 1 << v;
/** A mapping's bit in `dmap`: a hole is bit 0, block p bit p+1. */
export const mapBit = (p: number): number => 1 << (p + 1);

/** Every mapping in a `dmap` mask. */
export function mappings(mask: number): number[] {
  const out: number[] = [];
  for (let p = -1; mask >> (p + 1); p++) if (mask & mapBit(p)) out.push(p);
  return out;
}

/** Whether any mount could find block p mapped by someone. */
function mayBeMapped(s: PagecacheState, p: number): boolean {
  return s.dmap.some((row) => row.some((m) => (m & mapBit(p)) !== 0));
}

/** What a read of (f, b) returns: the folio if cached, else the media behind the mapping (a hole reads zeroes). */
export function content(s: PagecacheState, f: number, b: number): number {
  if (s.folio[f][b] !== NONE) return s.folio[f][b];
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
