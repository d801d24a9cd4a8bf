/**
 * netfs-mainline's per-folio decisions, read from torvalds/linux: fs/netfs/
 * buffered_write.c at blob commit 6d4a0f4ea723 (netfs_how_to_modify folded
 * into netfs_perform_write; the FMODE_READ test still there; page_mkwrite
 * with the folio->mapping check and filemap_fdatawrite_range), write_issue.c
 * at bfaaf21a5d32, write_collect.c at e65d9626f9bb (netfs_folio_written_back,
 * netfs_write_collection), misc.c at 83ab4b461eb7, direct_write.c at 6867849aac96,
 * include/linux/netfs.h at 011b1134b82c (v6.10-rc5; netfs_inode_init and
 * netfs_resize_file read the same later), and the fix 7b4dcf1b9455 "netfs:
 * Fix streaming write being overwritten" (upstream 2026-05, Fixes
 * 8f52de0077ba; in 6.18-stable), which the model follows (the behaviour
 * before it is the bug toggle whole-folio-keeps-finfo):
 *
 * - what folio->private holds (netfs_folio_info, netfs_folio_group);
 * - whether netfs_perform_write() waits for writeback before touching a
 *   folio ("Wait for writeback to complete.  The writeback engine owns the
 *   info in folio->private": only when folio_get_private() is set);
 * - the decision that was netfs_how_to_modify(), in its order: group,
 *   uptodate, zero_point (NETFS_MODIFY_AND_CLEAR), whole folio, FMODE_READ or
 *   the cache (prefetch), streaming;
 * - what netfs_write_folio() does with a folio (upload, cache only, or skip
 *   and redirty a folio of another group).
 *
 * A later copy of buffered_write.c (seen in the search corpus; its commit
 * not identified; it calls netfs_read_zero_point() and
 * netfs_is_cache_maybe_enabled()) drops the FMODE_READ test ("If the file is
 * open readably, then we let ->read_folio() fill in the gaps"), adds the
 * "&& group" exception to the group test in netfs_perform_write and
 * netfs_page_mkwrite, and frees a netfs_folio on MODIFY_AND_CLEAR too. The
 * model follows 6d4a0f4ea723; with rdwr=0 it behaves as that later copy does
 * on FMODE_READ.
 *
 * Groups. Every in-tree caller passes a NULL netfs_group (afs, 9p, cifs:
 * netfs_file_write_iter, netfs_page_mkwrite(vmf, NULL)), and no writeback
 * request ever has wreq->group set (netfs_writepages, netfs_begin_writethrough).
 * The model's first flush group (1) is that NULL group; a barrier stands for
 * a filesystem passing a new, non-NULL netfs_group (ceph's snap context, as
 * netfs.h intends: only a posted conversion, "netfs_perform_write(iocb, from,
 * &snapc->group, &prealloc_cf)", does; mainline ceph keeps its
 * ceph_snap_context in folio->private with its own write paths).
 */
import { overlaps, type Geometry, type NetfsState, type Region, type Writer } from './world.js';

/** The model's flush group that stands for the NULL netfs_group (see above). */
export const NULL_GROUP = 1;
/** netfs_folio_group() of a folio marked NETFS_FOLIO_COPY_TO_CACHE ((struct netfs_group *)0x356UL). */
export const COPY_TO_CACHE = -1;

export type Modify = 'uptodate' | 'clear' | 'whole' | 'stream' | 'stream-cont' | 'prefetch' | 'flush';

/** The records on folio f in a state: unwritten (dirty) or in flight (flushing). */
function on(s: NetfsState, f: number, B: number, state: Region['state']): Region | undefined {
  return s.regions.find((r) => r.state === state && overlaps(r.start, r.end, f * B, (f + 1) * B));
}

/** The dirty (not in-flight) record on folio f, if any. */
export function dirtyOn(s: NetfsState, f: number, B: number): Region | undefined {
  return on(s, f, B, 'dirty');
}

export function flushingOn(s: NetfsState, f: number, B: number): Region | undefined {
  return on(s, f, B, 'flushing');
}

/**
 * netfs_folio_group(folio): a streaming record's group, COPY_TO_CACHE, an
 * attached group, or NULL when folio->private is empty. A record keeps its
 * private data until netfs_folio_written_back() detaches it, so an in-flight
 * record counts as well as a dirty one.
 */
export function folioGroup(s: NetfsState, f: number, B: number): number {
  const records = s.regions.filter((r) => (r.state === 'dirty' || r.state === 'flushing') && overlaps(r.start, r.end, f * B, (f + 1) * B));
  const stream = records.find((r) => r.type === 'stream');
  if (stream) return stream.group;
  if (records.some((r) => r.type === 'semi')) return COPY_TO_CACHE;
  const grouped = records.find((r) => r.group !== NULL_GROUP);
  return grouped ? grouped.group : NULL_GROUP;
}

/** folio_get_private(folio) != NULL: a netfs_folio, COPY_TO_CACHE, or a non-NULL group. */
export function hasPrivate(s: NetfsState, f: number, B: number): boolean {
  const stream = s.regions.some((r) => r.type === 'stream' && r.state !== 'active' && overlaps(r.start, r.end, f * B, (f + 1) * B));
  return stream || folioGroup(s, f, B) !== NULL_GROUP;
}

/**
 * netfs_perform_write(): "if (folio_get_private(folio) &&
 * folio_wait_writeback_killable(folio))". A folio without private data is
 * written under writeback: FGP_WRITEBEGIN's FGP_STABLE makes
 * __filemap_get_folio() call folio_wait_stable(), which waits only with
 * AS_STABLE_WRITES, set from SB_I_STABLE_WRITES, which only a block device
 * that needs stable writes gives (setup_bdev_super); netfs has none.
 */
export function waitsForWriteback(s: NetfsState, f: number, B: number): boolean {
  return s.folio[f]?.writeback === true && hasPrivate(s, f, B);
}

/** The next piece a writer copies: up to the end of its current folio. */
export function chunk(w: Writer, B: number): { f: number; start: number; end: number } {
  const f = Math.floor(w.copied / B);
  return { f, start: w.copied, end: Math.min(w.end, (f + 1) * B) };
}

/** A writer's file was opened with FMODE_READ (O_RDWR): no write-streaming for it. */
export function openedForRead(w: Writer): boolean {
  return w.rdwr === true;
}

/**
 * The decision netfs_perform_write() makes for the folio of w's next chunk,
 * in its order. The group test comes first and has no exception for a folio
 * with no group: "if (unlikely(group != netfs_group) && group !=
 * NETFS_FOLIO_COPY_TO_CACHE) goto flush_content", so a writer under a
 * non-NULL group flushes every folio whose private data is empty, and
 * flushing does not change that (a later version adds "&& group"). Then: an
 * uptodate folio is written in place; a folio at or past ctx->zero_point is
 * cleared around the write (NETFS_MODIFY_AND_CLEAR: "the server would just
 * return a block of zeros"); a whole-folio write needs no read; "if
 * ((file->f_mode & FMODE_READ) || netfs_is_cache_enabled(ctx))" there is no
 * write-streaming (a streaming record already there is flushed, else the
 * folio is read first); else a streaming write starts, or continues an exact
 * append, or ("If it overlaps, we must flush lest we suffer a partial copy
 * and disjoint dirty regions") flushes.
 */
export function howToModify(s: NetfsState, w: Writer, g: Geometry, flushContent: boolean): Modify {
  const { f, start, end } = chunk(w, g.B);
  const group = folioGroup(s, f, g.B);
  if (group !== w.group && group !== COPY_TO_CACHE) return 'flush';
  if (s.folio[f]?.uptodate) return 'uptodate';
  if (s.zeroPoint !== undefined && f * g.B >= s.zeroPoint) return 'clear';
  if (start === f * g.B && end === (f + 1) * g.B) return 'whole';
  const dirty = dirtyOn(s, f, g.B);
  const stream = dirty?.type === 'stream' ? dirty : undefined;
  if (openedForRead(w) || g.cache) return stream ? 'flush' : 'prefetch';
  if (!stream) return 'stream';
  if (start === stream.end) return 'stream-cont';
  return flushContent ? 'flush' : 'stream';
}

/**
 * What netfs_write_folio() does with a dirty folio under a request whose
 * wreq->group is NULL: a COPY_TO_CACHE folio goes to the cache only; a folio
 * of its group is uploaded; a folio of any other group is skipped, "We can't
 * write this page to the server yet": folio_redirty_for_writepage().
 */
export function writeFolioAs(s: NetfsState, f: number, B: number): 'cache-only' | 'upload' | 'skip' {
  const group = folioGroup(s, f, B);
  if (group === COPY_TO_CACHE) return 'cache-only';
  return group === NULL_GROUP ? 'upload' : 'skip';
}

/** What filemap_write_and_wait_range() may issue now: dirty folios not yet in flight that netfs_write_folio() would not skip. */
export function rangeToIssue(s: NetfsState, start: number, end: number, B: number): number[] {
  const out: number[] = [];
  for (let f = Math.floor(start / B); f * B < end; f++) {
    const folio = s.folio[f];
    if (folio?.dirty && !folio.writeback && writeFolioAs(s, f, B) !== 'skip') out.push(f);
  }
  return out;
}

/**
 * filemap_write_and_wait_range() has returned: nothing in the range is left
 * to issue or under writeback. A skipped folio of another group stays dirty
 * and the caller goes on (the O_DSYNC path of netfs_perform_write() checks
 * only the return value).
 */
export function rangeWrittenAndWaited(s: NetfsState, start: number, end: number, B: number): boolean {
  for (let f = Math.floor(start / B); f * B < end; f++) if (s.folio[f]?.writeback) return false;
  return rangeToIssue(s, start, end, B).length === 0;
}
