/**
 * The rules of the page-cache world, each named after the kernel function it
 * stands for (XFS, ~v6.15: fs/xfs/xfs_reflink.c, xfs_iomap.c, xfs_file.c,
 * fs/remap_range.c, mm/filemap.c). They mutate a draft; designs compose them
 * in their `next` table and decide, through their bug toggles, where a rule
 * goes wrong.
 */
import type { Config } from '../design.js';
import { allocatable, bit, content, HOLE, mapBit, mappings, NONE, type PagecacheState } from './state.js';

/** A change of (f, b)'s mapping in core: a transaction in the log, durable or not until a log force. */
export function setMapping(d: PagecacheState, f: number, b: number, p: number): void {
  d.ext[f][b] = p;
  d.dmap[f][b] |= mapBit(p);
}

/** Dropping one reference to block p (xfs_refcount_decrease_extent; at zero, xfs_free_extent). */
export function release(d: PagecacheState, p: number): void {
  if (p !== HOLE) d.ref[p] -= 1;
}

/**
 * Writeback of one dirty folio (iomap_writepages -> xfs_map_blocks). Where
 * the CoW fork has a reservation for the block (xfs_map_blocks looks there
 * first), the data goes to a new block (xfs_bmapi_convert_delalloc on the
 * CoW fork) and I/O completion remaps the file to it, dropping a reference
 * to the old block (xfs_reflink_end_cow), shared or not by now. A hole takes
 * a new block (delalloc converted). A block the file alone maps, with no
 * reservation, is overwritten in place.
 */
export function writebackFolio(d: PagecacheState, f: number, b: number, cfg: Config): void {
  if (!d.dirty[f][b]) return;
  const v = d.folio[f][b];
  const p = d.ext[f][b];
  const shared = p !== HOLE && d.ref[p] > 1;
  if (shared && cfg.bugs.has('write-in-place-shared')) {
    d.data[p] = v;
    d.cow = 1;
  } else if (p === HOLE || shared || d.cowres[f][b]) {
    const q = allocatable(d);
    if (q === HOLE) throw new Error(`writeback of file ${f} block ${b}: no block to allocate (the action should not have been enabled)`);
    if (p !== HOLE) {
      release(d, p);
      d.cow = 1;
    }
    setMapping(d, f, b, q);
    d.ref[q] = 1;
    d.data[q] = v;
  } else {
    d.data[p] = v;
  }
  d.cowres[f][b] = 0;
  d.dirty[f][b] = 0;
}

export function writebackFile(d: PagecacheState, f: number, cfg: Config): void {
  for (let b = 0; b < d.ext[f].length; b++) writebackFolio(d, f, b, cfg);
}

/**
 * A store into the folio through write(2) or an mmap'd page (iomap_write_iter
 * / iomap_page_mkwrite): dirty, not yet anywhere else. Over a shared block,
 * xfs_buffered_write_iomap_begin reserves the CoW fork for it and, by the
 * cowextsize hint (32 blocks, aligned), for every block around it, which
 * covers these small files whole; later stores anywhere in that range find
 * the reservation ("so that we also unshare block adjacent to shared blocks").
 */
export function dirtyFolio(d: PagecacheState, f: number, b: number, v: number): void {
  const p = d.ext[f][b];
  if (!d.cowres[f][b] && p !== HOLE && d.ref[p] > 1) d.cowres[f].fill(1);
  d.folio[f][b] = v;
  d.dirty[f][b] = 1;
  d.ghost[f][b] = v;
  d.hist[f][b] |= bit(v);
}

export function setSize(d: PagecacheState, f: number, n: number): void {
  d.size[f] = n;
  d.hsize[f] |= bit(n);
  d.dsizes[f] |= bit(n);
}

/** Unmapping (f, b) and dropping its folio: a punched or truncated block, or a remap's destination. */
export function unmapBlock(d: PagecacheState, f: number, b: number): void {
  // xfs_itruncate_extents cancels CoW reservations past the new EOF; for a punch it makes no difference a
  // user can see (a hole takes a new block either way).
  d.cowres[f][b] = 0;
  d.folio[f][b] = NONE;
  d.dirty[f][b] = 0;
  release(d, d.ext[f][b]);
  setMapping(d, f, b, HOLE);
}

/**
 * One block of a remap (xfs_reflink_remap_extent): the destination's old
 * block unmapped and released, the source's block mapped with one more
 * reference (a hole in the source leaves a hole). The caller wrote back both
 * ranges and dropped the destination's page cache first, as
 * xfs_reflink_remap_prep does (generic_remap_file_range_prep, then
 * truncate_inode_pages_range on the destination).
 */
export function remapBlock(d: PagecacheState, s: number, sb: number, t: number, tb: number): void {
  const p = d.ext[s][sb];
  const value = d.ghost[s][sb];
  // Unmap and map in one transaction chain (xfs_reflink_remap_extent: the bmap intents are logged together and
  // log recovery finishes them), so no mount finds the destination a hole in between.
  d.folio[t][tb] = NONE;
  d.dirty[t][tb] = 0;
  release(d, d.ext[t][tb]);
  setMapping(d, t, tb, p);
  if (p !== HOLE) d.ref[p] += 1;
  d.ghost[t][tb] = value;
  d.hist[t][tb] |= bit(value);
}

/**
 * fsync (xfs_file_fsync): write back and wait for the file's dirty folios
 * (file_write_and_wait_range), then force the log up to the inode's last
 * change (xfs_fsync_flush_log -> xfs_log_force_seq), which makes the file's
 * mapping and size durable. What the log force also commits of other files
 * is not counted on: they may or may not survive, which the crash allows.
 */
export function fsyncFile(d: PagecacheState, f: number, cfg: Config): void {
  writebackFile(d, f, cfg);
  if (!cfg.bugs.has('fsync-no-log-force')) {
    for (let b = 0; b < d.ext[f].length; b++) d.dmap[f][b] = mapBit(d.ext[f][b]);
    d.dsizes[f] = bit(d.size[f]);
  }
  for (let b = 0; b < d.ghost[f].length; b++) d.hist[f][b] = bit(d.ghost[f][b]);
  d.hsize[f] = bit(d.size[f]);
}

/** The physical blocks the in-core metadata references, counted (what xfs_repair would check the refcount btree against). */
export function recount(d: PagecacheState): void {
  d.ref.fill(0);
  for (const row of d.ext) for (const p of row) if (p !== HOLE) d.ref[p] += 1;
}

/** Mount after a crash: the log replayed, page cache empty, the ghosts follow what survived (their `hist` keeps what was promised). */
export function mountAfterCrash(d: PagecacheState): void {
  for (let f = 0; f < d.ext.length; f++) {
    // Blocks past the recovered EOF: xfs_free_eofblocks trims them, and a later extension zeroes (xfs_zero_range), so they read as holes.
    for (let b = d.size[f]; b < d.ext[f].length; b++) d.ext[f][b] = HOLE;
    d.dsizes[f] = bit(d.size[f]);
    // The CoW fork lives in memory: mount frees its staging blocks (xfs_reflink_recover_cow).
    d.cowres[f].fill(0);
    for (let b = 0; b < d.ext[f].length; b++) {
      d.dmap[f][b] = mapBit(d.ext[f][b]);
      d.folio[f][b] = NONE;
      d.dirty[f][b] = 0;
    }
  }
  recount(d);
  for (let f = 0; f < d.ext.length; f++) for (let b = 0; b < d.ext[f].length; b++) d.ghost[f][b] = content(d, f, b);
  d.crashed = 1;
}

/** What a mount may find: one mapping per block and one size per file, each from its possible set. */
export interface CrashOutcome {
  readonly ext: readonly (readonly number[])[];
  readonly size: readonly number[];
}

/**
 * Every combination of a mapping per block and a size per file that a mount
 * may find. Each is chosen independently: XFS replays a prefix of its log,
 * so the real outcomes are a subset of these.
 */
export function crashOutcomes(s: PagecacheState): CrashOutcome[] {
  const slots: { f: number; b: number; options: number[] }[] = [];
  s.dmap.forEach((row, f) => row.forEach((m, b) => slots.push({ f, b, options: mappings(m) })));
  const sizes = s.dsizes.map((m) => [...Array(s.ext[0].length + 1).keys()].filter((n) => m & bit(n)));
  let out: CrashOutcome[] = [{ ext: s.ext.map((row) => row.map(() => HOLE)), size: s.size.map(() => 0) }];
  for (const { f, b, options } of slots) {
    out = out.flatMap((o) => options.map((p) => ({ ...o, ext: o.ext.map((row, i) => (i === f ? row.map((q, j) => (j === b ? p : q)) : row)) })));
  }
  sizes.forEach((options, f) => {
    out = out.flatMap((o) => options.map((n) => ({ ...o, size: o.size.map((m, i) => (i === f ? n : m)) })));
  });
  return out;
}
