/**
 * The rules of the page-cache world, each named after the kernel function it
 * stands for (XFS, ~v6.15: fs/xfs/xfs_reflink.c, xfs_iomap.c, xfs_file.c,
 * xfs_iops.c, xfs_log_cil.c; fs/remap_range.c, mm/filemap.c). They mutate a
 * draft; designs compose them in their `next` table and decide, through
 * their bug toggles, where a rule goes wrong.
 *
 * Metadata goes through the log: every change of a mapping or of
 * i_disk_size is a transaction, committed in core in program order
 * (xfs_trans_commit -> xlog_cil_commit inserts it into the CIL) and written
 * to the log in checkpoints that complete in sequence order (xlog_cil_push_work
 * orders each checkpoint's commit record after the previous one's:
 * xlog_cil_order_write). Log recovery replays up to the last complete commit
 * record, so a crash keeps a prefix of the committed transactions; a log
 * force up to a sequence (xlog_cil_force_seq) makes that one and every older
 * one durable.
 */
import type { Config } from '../design.js';
import { allocatable, bit, content, GROW, HOLE, NONE, shadowsOf, SIZE, type PagecacheState } from './state.js';

/**
 * Commits a transaction (xfs_trans_commit): its changes made in core, and
 * the transaction put in the log after every older one, or, with `joins`,
 * in the batch of the one before it: the I/O completions of one writeback
 * of several folios (filemap_write_and_wait_range submits them all, then
 * waits) commit their transactions in whatever order the bios complete
 * (xfs_end_io), so a crash may keep any of them without the others. A
 * transaction is stored as its batch flag (1: joins the batch before it)
 * and then (file, block, value) triples.
 *
 * A change to what the block or size already is changes no outcome, so it
 * is left out, and a transaction left with none is not logged: XFS cancels
 * a remap with nothing to do (xfs_reflink_remap_extent: out_cancel) and
 * commits nothing for a bunmapi over a hole. What XFS does log for such an
 * operation besides (timestamps: file_modified) only moves a later fsync's
 * log force further, which the model does not count on.
 */
export function commit(d: PagecacheState, tx: readonly number[], joins = false): void {
  const changes: number[] = [joins ? 1 : 0];
  for (let i = 0; i < tx.length; i += 3) {
    const [f, b, v] = [tx[i], tx[i + 1], tx[i + 2]];
    if (b === SIZE ? d.disk[f] === v : b === GROW ? d.disk[f] >= v : d.ext[f][b] === v) continue;
    if (b === SIZE || b === GROW) d.disk[f] = v;
    else d.ext[f][b] = v;
    changes.push(f, b, v);
  }
  if (changes.length > 1) d.log.push(changes);
}

/** Whether the transaction logged inode f. */
function loggedInode(t: readonly number[], f: number): boolean {
  for (let i = 1; i < t.length; i += 3) if (t[i] === f) return true;
  return false;
}

/** A change of (f, b)'s mapping in core, in a transaction of its own. */
export function setMapping(d: PagecacheState, f: number, b: number, p: number): void {
  commit(d, [f, b, p]);
}

/** i_disk_size moved and the inode logged (xfs_setfilesize, xfs_setattr_size), in a transaction of its own. */
export function logDiskSize(d: PagecacheState, f: number, n: number): void {
  commit(d, [f, SIZE, n]);
}

/**
 * Dropping one reference to block p (xfs_refcount_decrease_extent; at zero,
 * xfs_free_extent). A freed block's master, where a shared buffer cache
 * holds one, goes with it, as XFS invalidates the cached buffers of blocks
 * it frees (xrep_reap_invalidate_block: xfs_buf_incore, xfs_trans_binval),
 * so that a later owner of the block never finds it.
 */
export function release(d: PagecacheState, p: number): void {
  if (p === HOLE) return;
  d.ref[p] -= 1;
  if (d.ref[p] === 0) dropMaster(d, p);
}

/**
 * Block p's master leaves the buffer cache (where there is one). A shadow
 * still pointing to it keeps the page, and with it the bytes, for "the
 * master can be reclaimed when the reference count goes to zero": the model,
 * which has no master outside the buffer cache, gives those bytes to the
 * shadow's (file, index) as a folio of its own. Only a shadow that outlived
 * the block it was made for (shadow-not-tossed's dirtied shadow, moved by
 * its writeback) is still there when its master goes.
 */
export function dropMaster(d: PagecacheState, p: number): void {
  if (d.master === undefined || d.master[p] === NONE) return;
  for (const [f, b] of shadowsOf(d, p)) {
    d.folio[f][b] = d.master[p];
    d.shadow![f][b] = NONE;
  }
  d.master[p] = NONE;
}

/** (f, b) dropped from the page cache: its folio, or its shadow where a shared buffer cache gave it one. */
export function dropCached(d: PagecacheState, f: number, b: number): void {
  d.folio[f][b] = NONE;
  d.dirty[f][b] = 0;
  if (d.shadow !== undefined) d.shadow[f][b] = NONE;
}

/**
 * Writeback of one dirty folio (iomap_writepages -> xfs_map_blocks). Where
 * the CoW fork has a reservation for the block (xfs_map_blocks looks there
 * first), the data goes to a new block (xfs_bmapi_convert_delalloc on the
 * CoW fork) and I/O completion remaps the file to it, dropping a reference
 * to the old block (xfs_reflink_end_cow), shared or not by now. A hole takes
 * a new block (delalloc converted). A block the file alone maps, with no
 * reservation, is overwritten in place, which logs nothing. The data is on
 * the media when this returns (the model's writeback waits for its I/O);
 * the remap or allocation is a transaction after it, and so is, for a block
 * past the on-disk EOF, the new i_disk_size (xfs_end_ioend ->
 * xfs_setfilesize, up to the I/O's end and no further than i_size).
 * (Whether the delalloc conversion maps the block unwritten first,
 * XFS_BMAPI_PREALLOC, and converts it at I/O completion, or maps it written,
 * a mount shows the same: an unwritten block reads zeroes, as the hole did.)
 */
export function writebackFolio(d: PagecacheState, f: number, b: number, cfg: Config, joins = false): void {
  if (!d.dirty[f][b]) return;
  // What the dirty entry holds: its folio, or (a shadow a store dirtied in place, shadow-pages-pagecache's
  // shadow-not-tossed) the master it points to.
  const v = content(d, f, b);
  const p = d.ext[f][b];
  const shared = p !== HOLE && d.ref[p] > 1;
  const tx: number[] = [];
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
    tx.push(f, b, q);
    d.ref[q] = 1;
    d.data[q] = v;
  } else {
    d.data[p] = v;
    // A master of a block its one owner overwrites in place no longer holds the block: invalidated, as a direct
    // write invalidates the cached pages it overwrote (kiocb_invalidate_post_direct_write).
    dropMaster(d, p);
  }
  d.cowres[f][b] = 0;
  d.dirty[f][b] = 0;
  // The remap and the size in one transaction: apart, a mount that kept the remap and lost the size would
  // find the block past its EOF, which it trims (mountAfterCrash): what it finds when it loses both.
  if (b + 1 > d.disk[f]) tx.push(f, GROW, Math.min(d.size[f], b + 1));
  commit(d, tx, joins);
}

/** Writeback of some folios of one file, submitted together and waited for (filemap_write_and_wait_range): one batch. */
export function writebackRange(d: PagecacheState, f: number, blocks: readonly number[], cfg: Config): void {
  const start = d.log.length;
  for (const b of blocks) writebackFolio(d, f, b, cfg, d.log.length > start);
}

export function writebackFile(d: PagecacheState, f: number, cfg: Config): void {
  writebackRange(d, f, [...d.ext[f].keys()], cfg);
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
  d.folio[f][b] = v;
  dirtyEntry(d, f, b, v);
}

/** The store path around the copy: the CoW fork reserved over a shared block, (f, b)'s entry dirtied (__iomap_write_end -> filemap_dirty_folio). */
export function dirtyEntry(d: PagecacheState, f: number, b: number, v: number): void {
  const p = d.ext[f][b];
  if (!d.cowres[f][b] && p !== HOLE && d.ref[p] > 1) d.cowres[f].fill(1);
  d.dirty[f][b] = 1;
  d.ghost[f][b] = v;
  d.hist[f][b] |= bit(v);
}

/** i_size in core (i_size_write): a write past EOF logs nothing until its writeback completes. */
export function setSize(d: PagecacheState, f: number, n: number): void {
  d.size[f] = n;
  d.hsize[f] |= bit(n);
}

/**
 * A write past EOF (iomap_write_end -> i_size_write). The ghost of sizes
 * takes every size from the old EOF to the new one: the on-disk EOF follows
 * the data as it is written back (xfs_end_ioend -> xfs_setfilesize moves
 * i_disk_size to the end of each completed I/O, never past i_size, so that
 * a crash never shows a size covering data that was not written), so a
 * crash may show any of them, not only the sizes the file had in core.
 * Found by conform (XFS): truncate f0 to 0, write blocks 1 then 0, write
 * block 0 back, and another file's fsync forces the log: f0 came back one
 * block long, a size it never had.
 */
export function extendByWrite(d: PagecacheState, f: number, n: number): void {
  for (let m = d.size[f] + 1; m < n; m++) d.hsize[f] |= bit(m);
  setSize(d, f, n);
}

/** Unmapping (f, b) and dropping its folio: a punched or truncated block, or a remap's destination. */
export function unmapBlock(d: PagecacheState, f: number, b: number): void {
  // xfs_itruncate_extents cancels CoW reservations past the new EOF; for a punch it makes no difference a
  // user can see (a hole takes a new block either way).
  d.cowres[f][b] = 0;
  dropCached(d, f, b);
  release(d, d.ext[f][b]);
  setMapping(d, f, b, HOLE);
}

/**
 * One block of a remap (xfs_reflink_remap_extent): the destination's old
 * block unmapped and released, the source's block mapped with one more
 * reference (a hole in the source leaves a hole). The caller wrote back both
 * ranges and dropped the destination's page cache first, as
 * xfs_reflink_remap_prep does (generic_remap_file_range_prep, then
 * truncate_inode_pages_range on the destination). A block past the
 * destination's EOF extends it in the same transaction ("Update dest isize
 * if needed": i_size and i_disk_size both).
 */
export function remapBlock(d: PagecacheState, s: number, sb: number, t: number, tb: number): void {
  const p = d.ext[s][sb];
  const value = d.ghost[s][sb];
  // Unmap and map in one transaction chain (xfs_reflink_remap_extent: the bmap intents are logged together and
  // log recovery finishes them), so no mount finds the destination a hole in between.
  dropCached(d, t, tb);
  release(d, d.ext[t][tb]);
  const tx = [t, tb, p];
  if (tb + 1 > d.size[t]) {
    setSize(d, t, tb + 1);
    tx.push(t, SIZE, tb + 1);
  }
  commit(d, tx);
  if (p !== HOLE) d.ref[p] += 1;
  d.ghost[t][tb] = value;
  d.hist[t][tb] |= bit(value);
}

/** A transaction replayed onto a mapping and sizes (what log recovery does with it). */
function replay(ext: number[][], size: number[], t: readonly number[]): void {
  for (let i = 1; i < t.length; i += 3) {
    const [f, b, v] = [t[i], t[i + 1], t[i + 2]];
    if (b === SIZE) size[f] = v;
    else if (b === GROW) size[f] = Math.max(size[f], v);
    else ext[f][b] = v;
  }
}

/** The end (exclusive) of the batch that transaction i is in. */
function batchEnd(log: readonly (readonly number[])[], i: number): number {
  let e = i + 1;
  while (e < log.length && log[e][0] === 1) e++;
  return e;
}

/**
 * A log force up to the last transaction that logged inode f
 * (xfs_fsync_flush_log -> xfs_log_force_seq(ili_commit_seq)): it and every
 * older one, of any file, are durable; so is the rest of its batch, which is
 * f's too (a batch is one file's writeback, and the force waited for all of
 * it). The force pushes the whole CIL checkpoint that holds it, so later
 * transactions may be durable too; that is not counted on, and the crash
 * keeps the choice open.
 */
export function forceLog(d: PagecacheState, f: number): void {
  let last = -1;
  d.log.forEach((t, i) => {
    if (loggedInode(t, f)) last = i;
  });
  if (last < 0) return;
  for (const t of d.log.splice(0, batchEnd(d.log, last))) replay(d.dext, d.dsize, t);
}

/**
 * fsync (xfs_file_fsync): write back and wait for the file's dirty folios
 * (file_write_and_wait_range), then force the log up to the inode's last
 * change, which makes the file's mapping and size durable.
 */
export function fsyncFile(d: PagecacheState, f: number, cfg: Config): void {
  writebackFile(d, f, cfg);
  if (!cfg.bugs.has('fsync-no-log-force')) forceLog(d, f);
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
    d.dsize[f] = d.size[f];
    d.disk[f] = d.size[f];
    // The CoW fork lives in memory: mount frees its staging blocks (xfs_reflink_recover_cow).
    d.cowres[f].fill(0);
    for (let b = 0; b < d.ext[f].length; b++) {
      d.dext[f][b] = d.ext[f][b];
      dropCached(d, f, b);
    }
  }
  // The buffer cache is memory too.
  d.master?.fill(NONE);
  d.log.splice(0);
  recount(d);
  for (let f = 0; f < d.ext.length; f++) for (let b = 0; b < d.ext[f].length; b++) d.ghost[f][b] = content(d, f, b);
  d.crashed = 1;
}

/** What a mount may find: the mapping of every block and the size of every file. */
export interface CrashOutcome {
  readonly ext: readonly (readonly number[])[];
  readonly size: readonly number[];
}

/**
 * Every metadata state a mount may find: the durable one with a prefix of
 * the pending batches replayed and any part of the next batch (1 + the sum
 * over batches of 2^members - 1 outcomes; one transaction a batch, one
 * outcome a prefix). Within a batch the triples commute: each names another
 * block, and a writeback's size only grows (GROW). The real outcomes end at
 * a checkpoint's commit record, a subset of these: which transactions share
 * a checkpoint depends on timing (the CIL's background push) the model does
 * not follow.
 *
 * The data needs no outcomes of its own: every data write the model has
 * made completed (writeback waits for its I/O) and the shutdown loses no
 * completed write (the loop device's backing file has it), so each block
 * holds on the media what was last written there, whichever prefix the
 * metadata shows. A power cut with a volatile disk cache would add, per
 * block, the loss of a write no cache flush (the log force's REQ_PREFLUSH)
 * has covered yet; the machine conform runs on cannot produce that, and it
 * is not modelled.
 */
export function crashOutcomes(s: PagecacheState): CrashOutcome[] {
  const ext = s.dext.map((row) => row.slice());
  const size = s.dsize.slice();
  const snapshot = (e: number[][], z: number[]): CrashOutcome => ({ ext: e.map((row) => row.slice()), size: z.slice() });
  const out: CrashOutcome[] = [snapshot(ext, size)];
  for (let i = 0; i < s.log.length;) {
    const e = batchEnd(s.log, i);
    const batch = s.log.slice(i, e);
    for (let mask = 1; mask < (1 << batch.length) - 1; mask++) {
      const [pe, pz] = [ext.map((row) => row.slice()), size.slice()];
      batch.forEach((t, j) => {
        if (mask & (1 << j)) replay(pe, pz, t);
      });
      out.push(snapshot(pe, pz));
    }
    for (const t of batch) replay(ext, size, t);
    out.push(snapshot(ext, size));
    i = e;
  }
  return out;
}
