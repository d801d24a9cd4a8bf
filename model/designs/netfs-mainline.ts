/**
 * netfs-mainline: what v6.8-v6.10 made of the RFC (KERNEL.md 1.3, M1-M7),
 * from torvalds/linux fs/netfs/buffered_write.c and include/linux/netfs.h at
 * v6.10-rc5 (011b1134b82c), write_issue.c and write_collect.c of the same
 * series (the group and COPY_TO_CACHE rules read the same in the later
 * rolling-buffer versions).
 *
 * - One dirty span per non-uptodate folio (struct netfs_folio, write
 *   streaming); an uptodate dirty folio is dirty as a whole. Only an exact
 *   append continues a span; any overlap or gap is NETFS_FLUSH_CONTENT: "we
 *   must flush lest we suffer a partial copy and disjoint dirty regions".
 * - Streaming only when the cache is off (the file is taken as opened
 *   write-only); otherwise NETFS_JUST_PREFETCH reads the folio first.
 * - A writer waits for writeback of a folio whose folio->private is set (a
 *   streaming netfs_folio, COPY_TO_CACHE, a group); NETFS_FLUSH_CONTENT is
 *   filemap_write_and_wait_range(), which writes back and waits, and the
 *   writer then decides again (model/netfs/mainline.ts).
 * - Groups are checked per folio (M2), and writeback requests carry a NULL
 *   group: netfs_write_folio() skips and redirties a folio of any other
 *   group. Group 1 is the NULL group every in-tree caller passes; a barrier
 *   is a filesystem passing a non-NULL netfs_group. As merged, such a writer
 *   flushes every folio with empty private data and finds it unchanged, so
 *   it never gets past FLUSH_CONTENT (netfs_how_to_modify has no "&& group"
 *   exception): in the model it waits forever, and group-2 data reaches the
 *   page cache only through a COPY_TO_CACHE folio (netfs_set_group attaches
 *   the writer's group), which no writeback request then uploads.
 * - NETFS_FOLIO_COPY_TO_CACHE: a folio read from the server while caching is
 *   dirtied for the cache stream only; a local write turns it into an
 *   ordinary dirty folio (netfs_set_group).
 * - O_DSYNC: filemap_write_and_wait_range, then write-through under wb_lock:
 *   each folio goes into writeback as it is copied and the caller waits.
 * - One writeback issuer per inode (wb_lock); WB_SYNC_NONE skips when it is
 *   held.
 * - Buffered writes hold the inode lock; DIO excludes buffered I/O NFS-style
 *   but DIO writes run in parallel with each other, first flushing and
 *   invalidating the page cache and the cache over their range.
 * - No stable pages: FGP_WRITEBEGIN's FGP_STABLE waits for writeback only if
 *   the mapping has AS_STABLE_WRITES, which netfs does not set, so a write may
 *   change an uptodate folio with no private data under writeback (it is
 *   redirtied).
 *
 * Choices the source leaves to the model: a writeback request issues all the
 * dirty folios it finds in one step (the folio lock makes each folio's issue
 * atomic; the order among folios is the index order either way); a writer
 * stuck in FLUSH_CONTENT (a loop in the kernel) has no step in the model; a
 * writer's group is the inode's group when the write began.
 *
 * Finding (by search, cache=1 G=1, test/netfs-mainline.test.ts): a latent
 * stuck writeback in the merged API, reachable only by a future caller. No
 * in-tree caller passes a non-NULL netfs_group: afs, 9p and cifs pass NULL to
 * netfs_perform_write()/netfs_buffered_write_iter_locked() and to
 * netfs_page_mkwrite(). With a group, a DSYNC write into a COPY_TO_CACHE folio
 * (read in after the write flushed its range, by a page fault or readahead:
 * read(2) takes i_rwsem shared and would wait for the writer) goes wrong:
 * netfs_advance_writethrough() calls folio_start_writeback(), then
 * netfs_write_folio() finds fgroup != wreq->group (NULL), redirties the folio
 * and returns without adding it to the request, so the collector never ends
 * that writeback. netfs_perform_write() returns with nothing uploaded or
 * cached, and for every in-tree ->write_iter the write(2) then hangs:
 * generic_write_sync() -> vfs_fsync_range() -> ->fsync (afs_fsync ->
 * file_write_and_wait_range) -> netfs_writepages(WB_SYNC_ALL) ->
 * writeback_iter() -> folio_wait_writeback() waits forever, and so do later
 * writers and page_mkwrite of that folio. The model's complete(write) is
 * netfs_perform_write()'s return and leaves generic_write_sync() out, so the
 * dsync property reports a DSYNC write that returned with nothing uploaded,
 * which only a caller that skipped generic_write_sync() would see; dirty-mark
 * reports the cause one step earlier (PG_writeback with no write-out in
 * flight, 5 actions).
 */
import { defineDesign, type Config } from '../design.js';
import { netfsGoals, netfsProperties, redirtiedUnderWriteback } from '../../properties/netfs.js';
import {
  acknowledge,
  beginWrite,
  emptyFolio,
  encode,
  fillFromStorage,
  geometry,
  initialWorld,
  landPayload,
  newRegion,
  size,
  snapshot,
  tidy,
  writeRanges,
  type Geometry,
  type NetfsState,
  type WriteKind,
  type Writer,
} from '../netfs/world.js';
import {
  chunk,
  dirtyOn,
  flushingOn,
  howToModify,
  rangeClean,
  rangeToIssue,
  rangeWrittenAndWaited,
  waitsForWriteback,
  writeFolioAs,
} from '../netfs/mainline.js';

export interface MainlineState extends NetfsState {
  /** ictx->wb_lock: the value of the write-through holding it, 0 when free (a writepages step takes and drops it). */
  wbLock: number;
}

export type MainlineAction =
  | { readonly kind: 'write'; readonly start: number; readonly end: number; readonly how: WriteKind }
  | { readonly kind: 'lock'; readonly w: number }
  | { readonly kind: 'copy'; readonly w: number }
  | { readonly kind: 'flushRange'; readonly w: number }
  | { readonly kind: 'complete'; readonly w: number }
  | { readonly kind: 'writepages' }
  | { readonly kind: 'wbDone'; readonly r: number }
  | { readonly kind: 'read'; readonly f: number }
  | { readonly kind: 'reclaim'; readonly f: number }
  | { readonly kind: 'barrier' };

function writerOf(s: NetfsState, value: number): Writer {
  const w = s.writers.find((x) => x.value === value);
  if (!w) throw new Error(`no writer ${value}`);
  return w;
}

/**
 * Put folio f into writeback: its dirty record becomes the in-flight one
 * (netfs_write_folio). A folio of another group is skipped and stays dirty
 * (folio_redirty_for_writepage); under write-through, netfs_advance_writethrough()
 * has already called folio_start_writeback() on it, and nothing ends that.
 */
function issueFolio(d: NetfsState, f: number, g: Geometry, cfg: Config, writethrough: boolean): void {
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

function holdsInodeLock(w: Writer): boolean {
  return w.kind !== 'dio' && w.phase !== 'pending';
}

export default defineDesign<MainlineState, MainlineAction>({
  name: 'netfs-mainline',
  summary: 'netfs as merged in 6.8-6.10: one dirty span per folio, FLUSH_CONTENT, per-folio groups, COPY_TO_CACHE, write-through, wb_lock',
  seed: 'KERNEL.md 1.3/2.4: fs/netfs/buffered_write.c, write_issue.c, write_collect.c (~v6.10), after seed 004 (RFC PATCH 00/12 netfs: Experimental write helpers, fscrypt and compression)',
  params: {
    P: { default: 2, min: 1, max: 4, description: 'folios in the inode' },
    B: { default: 2, min: 1, max: 4, description: 'bytes per folio' },
    W: { default: 2, min: 0, max: 4, description: 'writes (each buffered, DSYNC or direct)' },
    L: { default: 2, min: 1, max: 4, description: 'longest write, in bytes' },
    cache: { default: 0, min: 0, max: 1, description: 'a local cache (fscache): 1 on (no write-streaming), 0 off' },
    dsync: { default: 1, min: 0, max: 1, description: 'O_DSYNC writes allowed' },
    dio: { default: 1, min: 0, max: 1, description: 'direct writes allowed' },
    G: { default: 1, min: 0, max: 3, description: 'flush-group barriers (ceph snaps) allowed' },
  },
  bugs: {
    'upload-cache-only': 'writeback ignores NETFS_FOLIO_COPY_TO_CACHE and uploads the folio to the server',
    'no-flush-content': 'a write that leaves a gap in a streaming folio replaces the span instead of flushing (no NETFS_FLUSH_CONTENT)',
  },
  bounds: { depth: 10 },
  notApplicable: {
    'bounding-box': 'not implemented in mainline: no crypto or compression blocks in netfs (write_issue.c: "TODO: Prepare content encryption")',
    'split-point': 'mainline never splits a write in progress: writeback works per folio and a write holds no region',
    'ciphertext-at-rest': 'content crypto is not implemented in netfs (write_issue.c TODO); fscrypt lives in ceph',
    'invalidation-mode': 'the RFC\'s remote-invalidation modes were not implemented',
    'disconnected-no-loss': 'disconnected operation was not implemented',
  },

  init: (cfg) => ({
    ...initialWorld(geometry(cfg.params), { writes: cfg.params.W, barriers: cfg.params.G, remote: 0, disconnects: 0, crashes: 0 }),
    wbLock: 0,
  }),

  actions: (s, cfg) => {
    const g = geometry(cfg.params);
    const out: MainlineAction[] = [];
    if (s.left.writes > 0) {
      const kinds: WriteKind[] = ['buffered'];
      if (cfg.params.dsync) kinds.push('dsync');
      if (cfg.params.dio) kinds.push('dio');
      for (const [start, end] of writeRanges(size(g), cfg.params.L)) for (const how of kinds) out.push({ kind: 'write', start, end, how });
    }
    const buffered = s.writers.some(holdsInodeLock);
    const dioActive = s.writers.some((w) => w.kind === 'dio' && w.phase !== 'pending');
    for (const w of s.writers) {
      if (w.phase === 'pending') {
        // Flush first (filemap_write_and_wait_range) for DSYNC and DIO; then lock. DSYNC goes on once
        // nothing is left to issue or in flight; DIO waits for a clean range, as its lock drops the
        // range's folios (kiocb_invalidate_pages).
        const clean = w.kind === 'buffered' || (w.kind === 'dsync' ? rangeWrittenAndWaited : rangeClean)(s, w.start, w.end, g.B);
        if (!clean && rangeToIssue(s, w.start, w.end, g.B).length > 0 && s.wbLock === 0) out.push({ kind: 'flushRange', w: w.value });
        const lockable = w.kind === 'dio' ? !buffered : !buffered && !dioActive && (w.kind !== 'dsync' || s.wbLock === 0);
        if (clean && lockable) out.push({ kind: 'lock', w: w.value });
        continue;
      }
      if (w.kind === 'dio') {
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
    if (s.wbLock === 0 && rangeToIssue(s, 0, size(g), g.B).length > 0) out.push({ kind: 'writepages' });
    s.regions.forEach((r, i) => {
      if (r.state === 'flushing') out.push({ kind: 'wbDone', r: i });
    });
    for (let f = 0; f < g.P; f++) {
      const folio = s.folio[f];
      // Buffered reads wait for direct I/O to drain (netfs_start_io_read, NFS-style).
      if (!folio) {
        if (!dioActive) out.push({ kind: 'read', f });
      }
      else if (!folio.dirty && !folio.writeback) out.push({ kind: 'reclaim', f });
    }
    if (s.left.barriers > 0) out.push({ kind: 'barrier' });
    return out;
  },

  next: {
    write: ({ start, end, how }) => (d) => beginWrite(d, how, start, end),

    lock: ({ w }, _s, cfg) => (d) => {
      const g = geometry(cfg.params);
      const writer = writerOf(d, w);
      writer.phase = 'active';
      if (writer.kind === 'dsync') d.wbLock = w;
      if (writer.kind === 'dio') {
        // kiocb_invalidate_pages() and fscache_invalidate(FSCACHE_INVAL_DIO_WRITE).
        for (let f = Math.floor(writer.start / g.B); f * g.B < writer.end; f++) d.folio[f] = null;
        d.cache.fill(null);
      }
    },

    flushRange: ({ w }, s, cfg) => (d) => {
      const g = geometry(cfg.params);
      const writer = writerOf(s, w);
      const folios = writer.phase === 'pending' ? rangeToIssue(s, writer.start, writer.end, g.B) : [chunk(writer, g.B).f];
      for (const f of folios) issueFolio(d, f, g, cfg, false);
      tidy(d);
    },

    copy: ({ w }, s, cfg) => (d) => {
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
      } else {
        folio.uptodate = true;
        if (old) d.regions.splice(d.regions.indexOf(old), 1);
        // netfs_set_group(): a local write replaces the COPY_TO_CACHE marker (M3).
        d.regions.push(newRegion(f0, f1, 'dirty', type, writer.group, [f0, f1]));
      }
      folio.dirty = true;
      if (writer.kind === 'dsync') {
        issueFolio(d, f, g, cfg, true);
        for (const r of d.regions) if (r.state === 'flushing' && r.start >= f0 && r.end <= f1) r.writer = writer.value;
      }
      tidy(d);
    },

    complete: ({ w }, _s, cfg) => (d) => {
      const writer = writerOf(d, w);
      if (writer.kind === 'dio') {
        // kiocb_invalidate_post_direct_write(): drop what was cached over the range meanwhile.
        const B = cfg.params.B;
        for (let f = Math.floor(writer.start / B); f * B < writer.end; f++) if (!d.folio[f]?.dirty && !d.folio[f]?.writeback) d.folio[f] = null;
      }
      if (d.wbLock === w) d.wbLock = 0;
      acknowledge(d, writer);
    },

    writepages: (_a, s, cfg) => (d) => {
      const g = geometry(cfg.params);
      for (const f of rangeToIssue(s, 0, size(g), g.B)) issueFolio(d, f, g, cfg, false);
      tidy(d);
    },

    wbDone: ({ r }, _s, cfg) => (d) => {
      const g = geometry(cfg.params);
      const region = d.regions[r];
      const serverSpan = region.type === 'stream' ? [region.start, region.end] : region.box;
      landPayload(d, region, g, serverSpan);
      d.regions.splice(r, 1);
      const f = Math.floor(region.start / g.B);
      const folio = d.folio[f];
      if (folio && !flushingOn(d, f, g.B)) folio.writeback = false;
    },

    read: ({ f }, _s, cfg) => (d) => {
      const g = geometry(cfg.params);
      const hadCopy = d.cache[f] !== null;
      fillFromStorage(d, f, g.B, false);
      if (g.cache && !hadCopy) {
        // NETFS_FOLIO_COPY_TO_CACHE: dirty for the cache stream only.
        d.regions.push(newRegion(f * g.B, (f + 1) * g.B, 'dirty', 'semi', d.group, [f * g.B, (f + 1) * g.B]));
        d.folio[f]!.dirty = true;
        tidy(d);
      }
    },

    reclaim: ({ f }) => (d) => {
      d.folio[f] = null;
    },

    barrier: () => (d) => {
      d.group += 1;
      d.left.barriers -= 1;
    },
  },

  /**
   * What mainline keeps (KERNEL.md 2.4, M1-M7), as the shared properties read
   * it: region-resident (a dirty or writeback folio is not reclaimed),
   * dirty-mark (PG_dirty/PG_writeback match the folio's own record), dsync (M5),
   * cache-only (M3), merge-compatible (M1: only an exact append continues a
   * span), no-lost-writes (M1: FLUSH_CONTENT rather than disjoint spans).
   * M2, M4, M6 are kept by construction and shown by search in the tests; M7
   * (page_mkwrite) is not modelled. Not claimed, RFC rules mainline never made:
   * - region-exclusion (R2): mainline has no region lock; direct writes
   *   overlap each other, buffered writes are serialised by the inode lock;
   * - flush-exclusion (R3): no stable pages; a folio with no private data is
   *   changed under writeback and redirtied (see waitsForWriteback);
   * - group-order (R5): mainline does not keep R5: folios are ordered per
   *   folio only (netfs_how_to_modify, netfs_write_folio), and writeback
   *   requests carry no group.
   */
  claims: ['region-resident', 'dirty-mark', 'dsync', 'cache-only', 'merge-compatible', 'no-lost-writes'],

  notes: {
    write: 'netfs_file_write_iter: a write(2) enters; IOCB_DIRECT -> netfs_unbuffered_write_iter',
    lock: 'netfs_start_io_write (inode lock) / netfs_start_io_direct; DSYNC: netfs_begin_writethrough (wb_lock)',
    copy: 'netfs_perform_write on a folio: wait if private, netfs_how_to_modify, copy, dirty or write through',
    flushRange: 'filemap_write_and_wait_range: before a DSYNC or direct write, or NETFS_FLUSH_CONTENT',
    complete: 'DSYNC: netfs_end_writethrough (generic_write_sync left out); DIO: kiocb_invalidate_post_direct_write',
    writepages: 'netfs_writepages, wreq->group NULL: netfs_write_folio per dirty folio, other groups redirtied',
    wbDone: 'write collection: netfs_folio_written_back detaches finfo/group, folio_end_writeback',
    read: 'a fault or readahead -> netfs_read_folio (read(2) takes i_rwsem); with fscache: COPY_TO_CACHE',
    reclaim: 'the VM drops a clean folio not under writeback (netfs_release_folio)',
    barrier: 'the filesystem passes a new netfs_group to netfs_perform_write (ceph snap; no in-tree caller)',
  },

  label: (a) => {
    switch (a.kind) {
      case 'write':
        return `write(${a.how}, [${a.start},${a.end}))`;
      case 'writepages':
      case 'barrier':
        return `${a.kind}()`;
      case 'wbDone':
        return `wbDone(region ${a.r})`;
      case 'read':
      case 'reclaim':
        return `${a.kind}(folio ${a.f})`;
      default:
        return `${a.kind}(write ${a.w})`;
    }
  },

  always: netfsProperties.filter((p) => !['bounding-box', 'split-point', 'ciphertext-at-rest', 'invalidation-mode', 'disconnected-no-loss'].includes(p.id)),
  // M1 makes two dirty spans on one folio impossible, and mainline never splits a write in
  // progress (split-point does not apply): those goals cannot be reached by construction, so
  // dirty-mark is guarded instead by a folio dirtied again under writeback. Remote invalidation
  // and disconnected operation were not implemented: their goals go with their properties.
  sometimes: [...netfsGoals.filter((g) => !['invalidation-with-local-changes', 'two-regions-on-a-page', 'split-region', 'owed-after-disconnection'].includes(g.id)), redirtiedUnderWriteback],
});
