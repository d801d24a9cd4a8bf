/**
 * netfs-mainline's steps that several actions share, and who waits: putting
 * a folio into writeback (netfs_write_folio), releasing a folio
 * (netfs_release_folio drives zero_point), the mmap write fault
 * (filemap_fault, then netfs_page_mkwrite), and the `waiting` the built-in
 * deadlock property reads. Sources as in ./mainline.ts.
 */
import type { Config } from '../design.js';
import { COPY_TO_CACHE, chunk, dirtyOn, folioGroup, howToModify, rangeToIssue, waitsForWriteback, writeFolioAs } from './mainline.js';
import { emptyFolio, encode, fillFromStorage, geometry, newRegion, snapshot, tidy, writerOf, type Geometry, type NetfsState, type Writer } from './world.js';

/** The state netfs-mainline adds to the netfs world. */
export interface MainlineState extends NetfsState {
  /** ictx->wb_lock: the value of the write-through holding it, 0 when free (a writepages step takes and drops it). */
  wbLock: number;
  /**
   * The DSYNC write (its value) whose pre-flush has returned and that has not yet taken wb_lock, 0 when
   * none: netfs_perform_write() calls filemap_write_and_wait_range() and only then
   * netfs_begin_writethrough() -> mutex_lock(&ictx->wb_lock), holding nothing but i_rwsem in between,
   * so page faults, netfs_page_mkwrite() and VM writeback run in that window. At most one: the write
   * holds i_rwsem exclusively.
   */
  preflushed: number;
  zeroPoint: number;
}

/**
 * Put folio f into writeback: its dirty record becomes the in-flight one
 * (netfs_write_folio). A folio of another group is skipped and stays dirty
 * (folio_redirty_for_writepage); under write-through, netfs_advance_writethrough()
 * has already called folio_start_writeback() on it, and nothing ends that.
 */
export function issueFolio(d: NetfsState, f: number, g: Geometry, cfg: Config, writethrough: boolean): void {
  const r = dirtyOn(d, f, g.B);
  const folio = d.folio[f];
  if (!r || !folio) return;
  const how = writeFolioAs(d, f, g.B);
  if (how === 'skip') {
    if (writethrough) folio.writeback = true;
    return;
  }
  r.state = 'flushing';
  r.toServer = how === 'upload' || cfg.bugs.has('upload-cache-only');
  // Streaming folios are never written to the cache: "the cache requires DIO alignment" (M4).
  r.toCache = g.cache && r.type !== 'stream';
  r.box = [f * g.B, (f + 1) * g.B];
  r.payload = snapshot(d, r.box[0], r.box[1], g);
  folio.dirty = false;
  folio.writeback = true;
}

/**
 * The folio leaves the page cache (reclaim, or a direct write's
 * invalidate_inode_pages2_range). netfs_inode_init(ctx, ops, true), as afs,
 * 9p and cifs call it, sets AS_RELEASE_ALWAYS ("->releasepage() drives
 * zero_point"), so filemap_release_folio() calls netfs_release_folio() even on
 * a folio with no private data, and that raises zero_point past the folio:
 * its data may be on the server now.
 */
export function releaseFolio(d: MainlineState, f: number, B: number, cfg: Config): void {
  d.folio[f] = null;
  if (!cfg.bugs.has('release-keeps-zero-point')) d.zeroPoint = Math.max(d.zeroPoint, (f + 1) * B);
}

/** A folio that is not uptodate with dirty data and no write-out in flight: a streaming folio netfs_read_folio can fill. */
function gapsReadable(d: NetfsState, f: number, B: number): boolean {
  const folio = d.folio[f];
  return folio !== null && !folio.uptodate && folio.dirty && !folio.writeback && dirtyOn(d, f, B)?.type === 'stream';
}

/**
 * filemap_fault() may bring folio f in: it is absent (->read_folio, as a
 * read does, COPY_TO_CACHE with the cache on), or uptodate already, or a
 * streaming folio whose gaps netfs_read_folio() reads around the dirty span
 * ("Handle someone trying to read from an unflushed streaming write").
 * Not modelled: a fault on a streaming folio whose write-out is in flight
 * (not uptodate, not dirty), where netfs_read_folio() would read the whole
 * folio from the server over the bytes still in flight.
 */
export function faultable(d: NetfsState, f: number, B: number): boolean {
  const folio = d.folio[f];
  return folio === null || folio.uptodate || gapsReadable(d, f, B);
}

export function fault(d: NetfsState, f: number, g: Geometry): void {
  if (d.folio[f]?.uptodate) return;
  const gaps = d.folio[f] !== null;
  const hadCopy = d.cache[f] !== null;
  fillFromStorage(d, f, g.B, true);
  const [f0, f1] = [f * g.B, (f + 1) * g.B];
  if (gaps) {
    // netfs_unlock_read_folio(): "filled_gaps": the netfs_folio goes, the folio is dirty as a whole.
    const r = dirtyOn(d, f, g.B)!;
    r.start = f0;
    r.end = f1;
    r.type = 'ordinary';
    r.kinds = ['ordinary'];
  } else if (g.cache && !hadCopy) {
    // NETFS_FOLIO_COPY_TO_CACHE: dirty for the cache stream only.
    d.regions.push(newRegion(f0, f1, 'dirty', 'semi', d.group, [f0, f1]));
    d.folio[f]!.dirty = true;
  }
  tidy(d);
}

/** What netfs_page_mkwrite() does with the mmap writer's folio now. */
export type Mkwrite = 'refault' | 'sigbus' | 'fdatawrite' | 'store';

/**
 * netfs_page_mkwrite(): "if (folio->mapping != mapping) goto unlock"
 * (VM_FAULT_NOPAGE: the fault is taken again), then folio_wait_writeback_killable()
 * (the caller only gets here once the folio is not under writeback), "if
 * (WARN_ON(!folio_test_uptodate(folio))) ret = VM_FAULT_SIGBUS" ("Can we see a
 * streaming write here?"), then a folio of another group is written back
 * (filemap_fdatawrite_range, WB_SYNC_ALL, without waiting for it) and the
 * fault retried (VM_FAULT_RETRY); else netfs_set_group() and VM_FAULT_LOCKED.
 */
export function mkwriteAs(d: NetfsState, w: Writer, B: number): Mkwrite {
  const f = Math.floor(w.start / B);
  const folio = d.folio[f];
  if (!folio) return 'refault';
  if (!folio.uptodate) return 'sigbus';
  const group = folioGroup(d, f, B);
  if (group !== w.group && group !== COPY_TO_CACHE) return 'fdatawrite';
  return 'store';
}

/** The store after VM_FAULT_LOCKED: netfs_set_group(), then the fault path's folio_mark_dirty(). */
export function store(d: NetfsState, w: Writer, g: Geometry): void {
  const f = Math.floor(w.start / g.B);
  const folio = d.folio[f]!;
  folio.data[w.start - f * g.B] = w.value;
  const old = dirtyOn(d, f, g.B);
  // A netfs_folio on an uptodate folio (whole-folio-keeps-finfo only) stays: netfs_set_group leaves it.
  if (old?.type !== 'stream' && !(old && old.type !== 'semi' && old.group === w.group)) {
    if (old) d.regions.splice(d.regions.indexOf(old), 1);
    // netfs_set_group(): the NULL group detaches COPY_TO_CACHE; another group is attached.
    d.regions.push(newRegion(f * g.B, (f + 1) * g.B, 'dirty', 'ordinary', w.group, [f * g.B, (f + 1) * g.B]));
  }
  folio.dirty = true;
  tidy(d);
}

/** netfs_perform_write() on the folio of writer w's next chunk (or a direct write's upload). */
export function copyChunk(d: MainlineState, s: MainlineState, w: number, cfg: Config): void {
  const g = geometry(cfg.params);
  const writer = writerOf(d, w);
  if (writer.kind === 'dio') {
    for (let i = writer.start; i < writer.end; i++) d.server[i] = encode(writer.value, g);
    writer.copied = writer.end;
    return;
  }
  const how = howToModify(s, writerOf(s, w), g, !cfg.bugs.has('no-flush-content'));
  const { f, start, end } = chunk(writer, g.B);
  if (how === 'prefetch') fillFromStorage(d, f, g.B, true);
  const folio = d.folio[f] ?? emptyFolio(g.B);
  d.folio[f] = folio;
  // NETFS_MODIFY_AND_CLEAR: folio_zero_segment() before and after the bytes written.
  if (how === 'clear') folio.data.fill(0);
  for (let i = start; i < end; i++) folio.data[i - f * g.B] = writer.value;
  writer.copied = end;
  const type = writer.kind === 'dsync' ? 'dsync' : 'ordinary';
  const old = dirtyOn(d, f, g.B);
  const [f0, f1] = [f * g.B, (f + 1) * g.B];
  if (how === 'stream' || how === 'stream-cont') {
    if (how === 'stream-cont' && old) old.end = end;
    else {
      if (old) d.regions.splice(d.regions.indexOf(old), 1);
      d.regions.push(newRegion(start, end, 'dirty', 'stream', writer.group, [f0, f1]));
    }
    const span = dirtyOn(d, f, g.B)!;
    if (span.start === f0 && span.end === f1) {
      // The span reached the whole folio: uptodate, netfs_folio freed.
      folio.uptodate = true;
      span.type = type;
      span.kinds = [type];
    }
  } else if (old?.type === 'stream' && cfg.bugs.has('whole-folio-keeps-finfo')) {
    // Before 7b4dcf1b9455: uptodate now, but the netfs_folio and its old span stay (netfs_set_group
    // leaves a netfs_folio alone), and netfs_write_folio() writes only that span.
    folio.uptodate = true;
  } else {
    folio.uptodate = true;
    if (old) d.regions.splice(d.regions.indexOf(old), 1);
    // netfs_set_group(): a local write replaces the COPY_TO_CACHE marker (M3); the whole folio is dirty.
    d.regions.push(newRegion(f0, f1, 'dirty', type, writer.group, [f0, f1]));
  }
  folio.dirty = true;
  if (writer.kind === 'dsync') {
    // The write-through request's own write-out: netfs_end_writethrough() waits for that request only
    // (wait_on_bit(NETFS_RREQ_IN_PROGRESS)), not for another request already in flight on the folio.
    const before = new Set(d.regions.filter((r) => r.state === 'flushing'));
    issueFolio(d, f, g, cfg, true);
    for (const r of d.regions) if (r.state === 'flushing' && !before.has(r) && r.start >= f0 && r.end <= f1) r.writer = writer.value;
    // netfs_end_writethrough(): mutex_unlock(&ictx->wb_lock), then wait_on_bit(NETFS_RREQ_IN_PROGRESS).
    if (writer.copied >= writer.end && d.wbLock === w) d.wbLock = 0;
  }
  tidy(d);
}

// ---- who waits (engine/model.ts DEADLOCK) ------------------------------------------

function holder(s: MainlineState): string {
  return s.wbLock ? `held by write ${s.wbLock}'s write-through` : 'free';
}

/** What writer w is doing or waiting for, in words. */
function waitOf(s: MainlineState, w: Writer, g: Geometry, cfg: Config): string {
  const name = `${w.kind} write ${w.value} [${w.start},${w.end})`;
  if (w.kind === 'mmap') {
    const f = Math.floor(w.start / g.B);
    if (s.folio[f]?.writeback) return `${name} waits in netfs_page_mkwrite for writeback of folio ${f}`;
    if (mkwriteAs(s, w, g.B) === 'fdatawrite') {
      return rangeToIssue(s, f * g.B, (f + 1) * g.B, g.B).length > 0
        ? `${name}'s filemap_fdatawrite_range (WB_SYNC_ALL) waits for wb_lock (${holder(s)})`
        : `${name} retries netfs_page_mkwrite for ever: folio ${f} is of another group and has nothing to write back`;
    }
    return `${name} is in netfs_page_mkwrite`;
  }
  if (w.phase === 'pending') return `${name} waits to start (i_rwsem: a buffered write holds it, or buffered and direct I/O exclude each other)`;
  if (w.kind === 'dio' && !w.invalidated) {
    return rangeToIssue(s, w.start, w.end, g.B).length > 0
      ? `${name}'s pre-flush (filemap_write_and_wait_range, WB_SYNC_ALL) waits for wb_lock (${holder(s)})`
      : `${name}'s pre-flush waits for writeback in [${w.start},${w.end})`;
  }
  if (w.kind === 'dio') return `${name} is in flight`;
  if (w.kind === 'dsync' && s.wbLock !== w.value && w.copied === w.start) {
    if (s.preflushed === w.value) return `${name}'s netfs_begin_writethrough waits for wb_lock (${holder(s)})`;
    return rangeToIssue(s, w.start, w.end, g.B).length > 0
      ? `${name}'s pre-flush (filemap_write_and_wait_range, WB_SYNC_ALL) waits for wb_lock (${holder(s)})`
      : `${name}'s pre-flush waits for writeback in [${w.start},${w.end})`;
  }
  if (w.copied >= w.end) return `${name} waits for its write-through (netfs_end_writethrough)`;
  const { f } = chunk(w, g.B);
  if (waitsForWriteback(s, f, g.B)) return `${name} waits for writeback of folio ${f} (folio->private is set)`;
  if (howToModify(s, w, g, !cfg.bugs.has('no-flush-content')) !== 'flush') return `${name} copies into folio ${f}`;
  if (rangeToIssue(s, f * g.B, (f + 1) * g.B, g.B).length > 0) return `${name}'s NETFS_FLUSH_CONTENT (WB_SYNC_ALL) waits for wb_lock (${holder(s)})`;
  if (s.folio[f]?.writeback) return `${name}'s NETFS_FLUSH_CONTENT waits for writeback of folio ${f}`;
  return `${name} loops in NETFS_FLUSH_CONTENT on folio ${f}: nothing there to write back`;
}

/**
 * Every write(2) or mmap store that has no step of its own enabled, with what
 * it waits for; undefined when none is blocked (`enabled`: the state's actions).
 */
export function mainlineWaiting(s: MainlineState, cfg: Config, g: Geometry, enabled: readonly { kind: string; w?: number }[]): string | undefined {
  const moving = new Set(enabled.filter((a) => a.w !== undefined && a.kind !== 'wbDone').map((a) => a.w));
  const blocked = s.writers.filter((w) => !moving.has(w.value));
  return blocked.length > 0 ? blocked.map((w) => waitOf(s, w, g, cfg)).join('; ') : undefined;
}
