/**
 * The actions netfs-mainline enables in a state (model/designs/netfs-mainline.ts
 * says which kernel path each stands for): who may take the inode lock or
 * wb_lock, which flushes are due, when a writer or an mmap store waits.
 */
import type { Config } from '../design.js';
import { chunk, howToModify, rangeToIssue, rangeWrittenAndWaited, waitsForWriteback } from './mainline.js';
import { faultable, mkwriteAs, type MainlineState } from './mainline-steps.js';
import { geometry, size, writeRanges, type WriteKind, type Writer } from './world.js';

export type MainlineAction =
  | { readonly kind: 'write'; readonly start: number; readonly end: number; readonly how: WriteKind; readonly rdwr?: boolean }
  | { readonly kind: 'lock'; readonly w: number }
  | { readonly kind: 'copy'; readonly w: number }
  | { readonly kind: 'flushRange'; readonly w: number }
  | { readonly kind: 'preflushed'; readonly w: number }
  | { readonly kind: 'writethrough'; readonly w: number }
  | { readonly kind: 'invalidate'; readonly w: number }
  | { readonly kind: 'complete'; readonly w: number }
  | { readonly kind: 'writepages' }
  | { readonly kind: 'wbDone'; readonly r: number }
  | { readonly kind: 'read'; readonly f: number }
  | { readonly kind: 'reclaim'; readonly f: number }
  | { readonly kind: 'mmap'; readonly b: number }
  | { readonly kind: 'mkwrite'; readonly w: number }
  | { readonly kind: 'barrier' };

export function holdsInodeLock(w: Writer): boolean {
  return (w.kind === 'buffered' || w.kind === 'dsync') && w.phase !== 'pending';
}

/**
 * A DSYNC write that holds i_rwsem and has not begun its write-through: its
 * filemap_write_and_wait_range() runs, or has returned and
 * netfs_begin_writethrough() waits for wb_lock (netfs_perform_write, before
 * its copy loop). It copies nothing before it holds wb_lock, and drops
 * wb_lock only once it has copied everything.
 */
export function beforeWritethrough(s: MainlineState, w: Writer): boolean {
  return w.kind === 'dsync' && w.phase === 'active' && s.wbLock !== w.value && w.copied === w.start;
}

/** The open modes a write(2) may come through (parameter rdwr): write-only, read-write, or either. */
function openModes(cfg: Config): (boolean | undefined)[] {
  return cfg.params.rdwr === 0 ? [undefined] : cfg.params.rdwr === 1 ? [true] : [undefined, true];
}

/** The mmap writer's actions: the fault is retried, page_mkwrite writes another group's folio back, or the store goes in. */
function mmapEnabled(s: MainlineState, w: Writer, B: number): boolean {
  const f = Math.floor(w.start / B);
  if (s.folio[f]?.writeback) return false;
  const how = mkwriteAs(s, w, B);
  if (how === 'refault') return faultable(s, f, B);
  // filemap_fdatawrite_range is WB_SYNC_ALL: mutex_lock(&ictx->wb_lock) waits for a write-through.
  if (how === 'fdatawrite') return s.wbLock === 0 && rangeToIssue(s, f * B, (f + 1) * B, B).length > 0;
  return true;
}

/** The enabled actions of a state (the design's `actions`). */
export function mainlineActions(s: MainlineState, cfg: Config): MainlineAction[] {
  const g = geometry(cfg.params);
  const out: MainlineAction[] = [];
  if (s.left.writes > 0) {
    const kinds: WriteKind[] = ['buffered'];
    if (cfg.params.dsync) kinds.push('dsync');
    for (const [start, end] of writeRanges(size(g), cfg.params.L)) {
      for (const how of kinds) for (const rdwr of openModes(cfg)) out.push(rdwr ? { kind: 'write', start, end, how, rdwr } : { kind: 'write', start, end, how });
      if (cfg.params.dio) out.push({ kind: 'write', start, end, how: 'dio' });
    }
  }
  const buffered = s.writers.some(holdsInodeLock);
  const dioActive = s.writers.some((w) => w.kind === 'dio' && w.phase !== 'pending');
  // open(2): "Applications should avoid mixing O_DIRECT and normal I/O to the same file"; a store
  // that faults a folio in under a direct write is the collision dio_warn_stale_pagecache() warns of
  // ("Possible data corruption"), and netfs_write_collection() leaves such a folio in place ("mmap may
  // have got underfoot ... leave in place any modified locally"). Unless mixdio, processes keep apart.
  const apart = !cfg.params.mixdio;
  const storing = s.writers.some((w) => w.kind === 'mmap');
  if (s.left.writes > 0 && cfg.params.mmap && !(apart && dioActive)) {
    for (let b = 0; b < size(g); b++) if (faultable(s, Math.floor(b / g.B), g.B)) out.push({ kind: 'mmap', b });
  }
  for (const w of s.writers) {
    if (w.kind === 'mmap') {
      if (mmapEnabled(s, w, g.B)) out.push({ kind: 'mkwrite', w: w.value });
      continue;
    }
    if (w.phase === 'pending') {
      // A buffered or DSYNC write takes i_rwsem (netfs_start_io_write); DSYNC's pre-flush runs under
      // it (below). A direct write takes it shared first (netfs_start_io_direct: "direct I/O
      // operations are allowed to execute in parallel ... whereas buffered I/O operations need to
      // wait"), and only then flushes and invalidates its range (netfs_unbuffered_write_iter, below).
      const lockable = w.kind === 'dio' ? !buffered && !(apart && storing) : !buffered && !dioActive;
      if (lockable) out.push({ kind: 'lock', w: w.value });
      continue;
    }
    if (beforeWritethrough(s, w)) {
      // netfs_perform_write(), DSYNC: filemap_write_and_wait_range() over the write's range (WB_SYNC_ALL:
      // waits for wb_lock), which returns once nothing there is left to issue or under writeback; then,
      // as a step of its own, netfs_begin_writethrough(): mutex_lock(&ictx->wb_lock).
      if (s.preflushed !== w.value) {
        if (rangeToIssue(s, w.start, w.end, g.B).length > 0 && s.wbLock === 0) out.push({ kind: 'flushRange', w: w.value });
        if (rangeWrittenAndWaited(s, w.start, w.end, g.B)) out.push({ kind: 'preflushed', w: w.value });
      } else if (s.wbLock === 0) out.push({ kind: 'writethrough', w: w.value });
      continue;
    }
    if (w.kind === 'dio') {
      if (!w.invalidated) {
        // netfs_unbuffered_write_iter(), under i_rwsem: filemap_write_and_wait_range() over the range
        // (WB_SYNC_ALL: waits for wb_lock), then filemap_invalidate_inode(inode, true, pos, end), whose
        // own filemap_fdatawrite_range() and invalidate_inode_pages2_range() (folio_wait_writeback on
        // each folio) write back and wait for anything dirtied since; the invalidation is the step that
        // finds nothing left to issue or wait for.
        if (rangeToIssue(s, w.start, w.end, g.B).length > 0 && s.wbLock === 0) out.push({ kind: 'flushRange', w: w.value });
        if (rangeWrittenAndWaited(s, w.start, w.end, g.B)) out.push({ kind: 'invalidate', w: w.value });
        continue;
      }
      out.push(w.copied < w.end ? { kind: 'copy', w: w.value } : { kind: 'complete', w: w.value });
      continue;
    }
    if (w.copied < w.end) {
      const { f } = chunk(w, g.B);
      if (waitsForWriteback(s, f, g.B)) continue;
      const how = howToModify(s, w, g, !cfg.bugs.has('no-flush-content'));
      if (how !== 'flush') out.push({ kind: 'copy', w: w.value });
      // NETFS_FLUSH_CONTENT: write the folio back (WB_SYNC_ALL waits for wb_lock), wait, decide again.
      // Waiting is the next decision: the folio keeps its private data until written back.
      else if (s.wbLock === 0 && rangeToIssue(s, f * g.B, (f + 1) * g.B, g.B).length > 0) out.push({ kind: 'flushRange', w: w.value });
      continue;
    }
    // netfs_end_writethrough(): the caller waits for its request's folios.
    const waiting = w.kind === 'dsync' && s.regions.some((r) => r.state === 'flushing' && r.writer === w.value);
    if (!waiting) out.push({ kind: 'complete', w: w.value });
  }
  // WB_SYNC_NONE: mutex_trylock(&ictx->wb_lock) fails while a write-through holds it, and returns 0.
  if (s.wbLock === 0 && rangeToIssue(s, 0, size(g), g.B).length > 0) out.push({ kind: 'writepages' });
  s.regions.forEach((r, i) => {
    if (r.state === 'flushing') out.push({ kind: 'wbDone', r: i });
  });
  const faulting = new Set(s.writers.filter((w) => w.kind === 'mmap').map((w) => Math.floor(w.start / g.B)));
  for (let f = 0; f < g.P; f++) {
    const folio = s.folio[f];
    // Buffered reads wait for direct I/O to drain (netfs_start_io_read, NFS-style).
    if (!folio) {
      if (!dioActive) out.push({ kind: 'read', f });
    }
    // A faulting store holds a reference on its folio: reclaim does not take a folio it cannot free. A
    // write request holds none (netfs_write_folio: "rolling_buffer_append(&wreq->buffer, folio, 0)",
    // where netfs_write_folio_single takes folio_get first) and relies on PG_writeback, so a folio whose
    // bit an earlier folio_end_writeback cleared (XOR, wbDone) may be reclaimed under an in-flight request.
    else if (!folio.dirty && !folio.writeback && !faulting.has(f)) out.push({ kind: 'reclaim', f });
  }
  if (s.left.barriers > 0) out.push({ kind: 'barrier' });
  return out;
}
