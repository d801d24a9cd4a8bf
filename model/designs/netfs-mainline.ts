/**
 * netfs-mainline: what mainline made of the RFC (KERNEL.md 1.3, M1-M7), from
 * torvalds/linux fs/netfs/buffered_write.c (blob commit 6d4a0f4ea723),
 * write_issue.c (bfaaf21a5d32), misc.c (83ab4b461eb7), direct_write.c
 * (6867849aac96) and include/linux/netfs.h, with the fix 7b4dcf1b9455
 * ("netfs: Fix streaming write being overwritten", 2026-05); the file
 * versions are in model/netfs/mainline.ts.
 *
 * - One dirty span per non-uptodate folio (struct netfs_folio, write
 *   streaming); an uptodate dirty folio is dirty as a whole. Only an exact
 *   append continues a span; any overlap or gap is NETFS_FLUSH_CONTENT: "we
 *   must flush lest we suffer a partial copy and disjoint dirty regions".
 *   A write that covers a streaming folio whole frees its netfs_folio
 *   (7b4dcf1b9455; before it the span stayed and writeback sent only the
 *   span: bug toggle whole-folio-keeps-finfo).
 * - No streaming when the cache is on or the writer's file has FMODE_READ
 *   ("(file->f_mode & FMODE_READ) || netfs_is_cache_enabled(ctx)"): the
 *   folio is read first (netfs_prefetch_for_write). Parameter rdwr.
 * - zero_point: past it a read fills zeros without asking the server, and a
 *   write clears the folio around itself (NETFS_MODIFY_AND_CLEAR). It starts
 *   at the server's size (parameter zp: the file was extended locally past
 *   it) and rises when a folio is released (netfs_release_folio) and at a
 *   direct write's end (netfs_unbuffered_write_iter), and past a written-back
 *   streaming span (netfs_folio_written_back). Nothing in the model lowers it
 *   (no truncate: netfs_resize_file).
 * - A writer waits for writeback of a folio whose folio->private is set (a
 *   streaming netfs_folio, COPY_TO_CACHE, a group); NETFS_FLUSH_CONTENT is
 *   filemap_write_and_wait_range(), which writes back and waits, and the
 *   writer then decides again (model/netfs/mainline.ts).
 * - An mmap store is a fault (filemap_fault, which reads the folio in or
 *   fills a streaming folio's gaps) and then netfs_page_mkwrite(): it waits
 *   for writeback of any folio, SIGBUSes a folio that is not uptodate (a
 *   WARN_ON: the fault made it uptodate, and in the model nothing undoes
 *   that but dropping the folio, which netfs_page_mkwrite sees as
 *   folio->mapping != mapping and answers VM_FAULT_NOPAGE: the fault is taken
 *   again), writes back a folio of another group and retries (VM_FAULT_RETRY),
 *   or attaches the group and lets the store in (model/netfs/mainline-steps.ts).
 *   A fault takes no inode lock, so it runs beside writers and direct I/O.
 * - Groups are checked per folio (M2), and writeback requests carry a NULL
 *   group: netfs_write_folio() skips and redirties a folio of any other
 *   group. Group 1 is the NULL group every in-tree caller passes; a barrier
 *   is a filesystem passing a non-NULL netfs_group. As read, such a writer
 *   flushes every folio with empty private data and finds it unchanged, so
 *   it never gets past FLUSH_CONTENT (no "&& group" exception yet): in the
 *   model it waits forever, and group-2 data reaches the page cache only
 *   through a COPY_TO_CACHE folio (netfs_set_group attaches the writer's
 *   group), which no writeback request then uploads.
 * - G defaults to 0. No mainline filesystem passes a netfs_group: afs, 9p and
 *   cifs pass NULL to netfs_perform_write()/netfs_buffered_write_iter_locked()
 *   and netfs_page_mkwrite(); ceph, the caller netfs.h names ("eg. ceph
 *   snaps"), keeps its ceph_snap_context in folio->private and its own
 *   write paths, and its conversion to netfs writes ("netfs_perform_write(
 *   iocb, from, &snapc->group, &prealloc_cf)") is a posted series, not
 *   merged. A default with a barrier modelled a caller no kernel has, and its
 *   one finding (below) is about that caller; it is kept, at G=1, as a test.
 * - NETFS_FOLIO_COPY_TO_CACHE: a folio read from the server while caching is
 *   dirtied for the cache stream only; a local write turns it into an
 *   ordinary dirty folio (netfs_set_group).
 * - O_DSYNC: under i_rwsem, filemap_write_and_wait_range over the write's
 *   range, then write-through under wb_lock (netfs_begin_writethrough): each
 *   folio goes into writeback as it is copied; netfs_end_writethrough() drops
 *   wb_lock and only then waits. The pre-flush's return and the mutex_lock
 *   are separate steps (`preflushed`, `writethrough`): i_rwsem, the only lock
 *   held between them, keeps out neither page faults and netfs_page_mkwrite
 *   nor VM writeback, so a folio of the range can be dirtied by a store and
 *   put under writeback by netfs_writepages (whose trylock of wb_lock then
 *   succeeds) after the pre-flush looked; netfs_begin_writethrough does not
 *   look again (a review of the dsync-no-preflush traces found that the
 *   model had taken both in one `lock` step).
 * - wb_lock: netfs_writepages() takes it with mutex_lock() for WB_SYNC_ALL
 *   (filemap_write_and_wait_range, filemap_fdatawrite_range: the DSYNC and
 *   DIO pre-flush, NETFS_FLUSH_CONTENT, page_mkwrite's group flush), which
 *   waits, and with mutex_trylock() for WB_SYNC_NONE (the VM's background
 *   writeback), which returns 0 when it is held: a skipped attempt changes
 *   nothing, so `writepages` has no step while a write-through holds it,
 *   and the WB_SYNC_ALL callers wait (`waiting` names them). Not modelled:
 *   fsync(2), the WB_SYNC_ALL caller with a promise of its own.
 * - Buffered writes hold the inode lock; DIO excludes buffered I/O NFS-style
 *   but DIO writes run in parallel with each other. A direct write takes
 *   i_rwsem shared first (netfs_start_io_direct), then flushes its range
 *   (filemap_write_and_wait_range), invalidates it (filemap_invalidate_inode,
 *   which writes back and waits once more), raises zero_point, invalidates
 *   the cache, and only then sends its data (netfs_unbuffered_write_iter,
 *   direct_write.c). So a direct write has no pre-flush window like the
 *   O_DSYNC one below: i_rwsem keeps buffered writers out from before its
 *   pre-flush, and a folio dirtied by an mmap store after the pre-flush
 *   (mixdio=1 only) is written back and waited for by the invalidation
 *   before the data goes (test/netfs-mainline-granularity.test.ts). The model
 *   once flushed before taking i_rwsem and invalidated in the same step as
 *   the lock.
 * - No stable pages: FGP_WRITEBEGIN's FGP_STABLE waits for writeback only if
 *   the mapping has AS_STABLE_WRITES, which netfs does not set, so a write may
 *   change an uptodate folio with no private data under writeback (it is
 *   redirtied).
 *
 * Choices the source leaves to the model: a DSYNC pre-flush that finds
 * nothing to write or wait for returns in the `lock` step that took i_rwsem
 * (what runs between the two needs no i_rwsem and can run before the lock
 * as well), one that has work issues in `flushRange` steps, again while
 * something in the range is dirty (filemap_write_and_wait_range issues the
 * folios tagged when it starts, writeback_iter's tag_pages_for_writeback for
 * WB_SYNC_ALL, and then only waits: the model's loop is the stronger of the
 * two), and returns in `preflushed`; a direct write's
 * pre-flush and its invalidation's own write-back and wait are one loop of
 * `flushRange` steps, and `invalidate` is the step that finds nothing left
 * to issue or wait for (invalidate_inode_pages2_range() would leave a folio
 * redirtied after filemap_fdatawrite_range() in place, -EBUSY, which
 * filemap_invalidate_inode() ignores; only a store racing the direct write,
 * mixdio=1, can redirty it, and the model's loop writes it back instead);
 * the first direct write's netfs_block_buffered() (unmap_mapping_range and
 * filemap_fdatawait over the whole file, when NETFS_ICTX_ODIRECT was clear)
 * is left out: it only orders writeback of folios outside the direct
 * write's range, which its own pre-flush does not need; a writeback request issues all the
 * dirty folios it finds in one step (the folio lock makes each folio's issue
 * atomic; the order among folios is the index order either way); a writer
 * stuck in FLUSH_CONTENT (a loop in the kernel) has no step in the model, and
 * `waiting` says so; a writer's group is the inode's group when the write
 * began; an mmap store is one byte, and lands in the same step as its
 * page_mkwrite (the pte is writable from then until writeback's
 * folio_clear_dirty_for_io, and a store in between changes a dirty folio no
 * write-out has snapshotted yet); rdwr=2 lets each write(2) pick its file's
 * open mode, as two file descriptors on one inode would; by default (mixdio=0)
 * an mmap store and a direct write are not in flight together, as open(2)
 * asks of applications ("avoid mixing O_DIRECT and normal I/O to the same
 * file"): with mixdio=1 the search finds, in 6 actions, the collision the
 * kernel itself names, a fault reading the old bytes in under a direct write
 * and the folio, dirtied by the store, left in place by netfs_write_collection()
 * ("leave in place any modified locally") over the direct write's bytes
 * (test/netfs-mainline-granularity.test.ts).
 *
 * Finding (by search, at the defaults, test/netfs-mainline-dsync-window.test.ts):
 * a returned O_DSYNC write overwritten on the server by a stale upload, in 10
 * actions. An mmap store faults folio 0 in; the DSYNC write takes i_rwsem and
 * its pre-flush finds the range clean and returns; the store goes in
 * (netfs_page_mkwrite takes no inode lock; the folio gets no private data);
 * VM writeback (netfs_writepages, WB_SYNC_NONE: the trylock succeeds, nobody
 * holds wb_lock yet) sends folio 0 with the old byte 0 (request A); only now
 * netfs_begin_writethrough takes wb_lock; netfs_perform_write does not wait
 * for writeback on a folio without private data, copies byte 0 and
 * netfs_advance_writethrough calls folio_start_writeback on the folio already
 * under writeback (a VM_BUG_ON_FOLIO in __folio_start_writeback on
 * CONFIG_DEBUG_VM kernels: there the history ends in an oops) and sends it
 * (request B); B lands, netfs_end_writethrough's wait on its own request
 * returns and the write returns; A lands over it. PG_writeback is a bit
 * that __folio_end_writeback XORs (the model follows it): B's end clears it,
 * so generic_write_sync's fsync, which the model leaves out, finds nothing to
 * wait for and the write(2) returns too; A's end sets it again, with nothing
 * in flight, for ever. dirty-mark reports the first of those, PG_writeback
 * clear while a request is still in flight on the folio, in 8 actions, and
 * region-resident what that allows in 9: the folio, clean, not under
 * writeback, and held by no reference of the request's (netfs_write_folio
 * appends it to the rolling buffer with no folio_get, relying on
 * PG_writeback), is reclaimed under the RPC still sending it. That last step
 * wants a reviewer (shrink_folio_list on a mapped, clean folio) before it is
 * published. Nothing but the pre-flush stands between the store and the
 * write-through, and it looked too early. With mmap=0 all three hold.
 *
 * Finding (by search, cache=1 G=1, test/netfs-mainline.test.ts): a latent
 * stuck writeback in the merged API, reachable only by a future caller. With a
 * group, a DSYNC write into a COPY_TO_CACHE folio
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
 *
 * Liveness (model/netfs/liveness.ts): every dirty folio is written back
 * (written-back: the VM's flusher threads call netfs_writepages() for an
 * inode dirty past dirty_expire_centisecs, so writepages is weakly fair, as is
 * I/O completion) and an O_DSYNC write returns (dsync-returns); the writers'
 * own steps are weakly fair, and the inode lock strongly fair (an rwsem hands
 * itself to a waiter, RWSEM_FLAG_HANDOFF), each writer apart. The server is
 * always reachable here. Both claimed: the VM's writeback and the return of a
 * write(2) are promises of the kernel, not the RFC's. Under a non-NULL group
 * (G=1) the search finds the FLUSH_CONTENT loop above as a livelock: the
 * writer of the new group never gets past it and holds the inode lock, so a
 * DSYNC writer queued behind it never returns, while reads and reclaim go on
 * (deadlock does not see it; test/netfs-liveness.test.ts). The default bound
 * is the whole state space, so both are judged at the defaults.
 */
import { defineDesign } from '../design.js';
import { netfsGoals, netfsProperties, redirtiedUnderWriteback } from '../../properties/netfs.js';
import { geometry, initialWorld } from '../netfs/world.js';
import { mainlineActions, type MainlineAction } from '../netfs/mainline-actions.js';
import { mainlineNext } from '../netfs/mainline-next.js';
import { mainlineWaiting, type MainlineState } from '../netfs/mainline-steps.js';
import { mainlineLiveness } from '../netfs/liveness.js';

export type { MainlineState } from '../netfs/mainline-steps.js';
export type { MainlineAction } from '../netfs/mainline-actions.js';

export default defineDesign<MainlineState, MainlineAction>({
  name: 'netfs-mainline',
  picture: { world: 'netfs' },
  summary: 'netfs as merged: one dirty span per folio, FLUSH_CONTENT, FMODE_READ, zero_point, page_mkwrite, per-folio groups, COPY_TO_CACHE, write-through, wb_lock',
  seed: 'KERNEL.md 1.3/2.4: fs/netfs/buffered_write.c, write_issue.c, write_collect.c, misc.c, direct_write.c (torvalds/linux, see the design file), after seed 004 (RFC PATCH 00/12 netfs: Experimental write helpers, fscrypt and compression)',
  params: {
    P: { default: 2, min: 1, max: 4, description: 'folios in the inode' },
    B: { default: 2, min: 1, max: 4, description: 'bytes per folio' },
    W: { default: 2, min: 0, max: 4, description: 'writes (each buffered, DSYNC, direct, or an mmap store)' },
    L: { default: 2, min: 1, max: 4, description: 'longest write, in bytes' },
    cache: { default: 0, min: 0, max: 1, description: 'a local cache (fscache): 1 on (no write-streaming), 0 off' },
    dsync: { default: 1, min: 0, max: 1, description: 'O_DSYNC writes allowed' },
    dio: { default: 1, min: 0, max: 1, description: 'direct writes allowed' },
    mmap: { default: 1, min: 0, max: 1, description: 'one-byte stores through a shared writable mapping (filemap_fault, netfs_page_mkwrite)' },
    mixdio: { default: 0, min: 0, max: 1, description: 'an mmap store may fault while a direct write is in flight (open(2): "avoid mixing O_DIRECT and normal I/O")' },
    rdwr: { default: 2, min: 0, max: 2, description: "the writers' files: 0 O_WRONLY, 1 O_RDWR (FMODE_READ: no write-streaming), 2 each write either" },
    zp: { default: 1, min: 0, max: 4, description: 'ctx->zero_point at the start, in folios: the server has the first zp folios, the file was extended locally past them (P: none past it)' },
    G: { default: 0, min: 0, max: 3, description: 'flush-group barriers: a filesystem passing a non-NULL netfs_group (no in-tree caller; ceph snaps as posted)' },
  },
  validate: ({ P, zp }) => (zp > P ? `zp (${zp}) must be at most P (${P}): zero_point is a folio boundary inside the file` : undefined),
  bugs: {
    'upload-cache-only': 'writeback ignores NETFS_FOLIO_COPY_TO_CACHE and uploads the folio to the server',
    'no-flush-content': 'a write that leaves a gap in a streaming folio replaces the span instead of flushing (no NETFS_FLUSH_CONTENT)',
    'whole-folio-keeps-finfo': 'before 7b4dcf1b9455: a write over a whole streaming folio marks it uptodate and leaves its netfs_folio (the old span) attached',
    'release-keeps-zero-point': 'netfs_release_folio does not raise zero_point, so a released folio whose data reached the server reads back as zeros',
    'dsync-no-preflush': 'an O_DSYNC write takes wb_lock (netfs_begin_writethrough) without filemap_write_and_wait_range over its range first',
  },
  // The whole state space, not a depth: at the defaults it is finite and small (175,637 states,
  // diameter 17, against 146,144 states to depth 10), and only a whole state space judges the
  // liveness properties (model/netfs/liveness.ts). The state cap makes a model grown past it stop,
  // inconclusive, rather than run on.
  bounds: { maxStates: 1_000_000 },
  notApplicable: {
    'bounding-box': 'not implemented in mainline: no crypto or compression blocks in netfs (write_issue.c: "TODO: Prepare content encryption")',
    'split-point': 'mainline never splits a write in progress: writeback works per folio and a write holds no region',
    'ciphertext-at-rest': 'content crypto is not implemented in netfs (write_issue.c TODO); fscrypt lives in ceph',
    'invalidation-mode': "the RFC's remote-invalidation modes were not implemented",
    'disconnected-no-loss': 'disconnected operation was not implemented',
  },

  init: (cfg) => ({
    ...initialWorld(geometry(cfg.params), { writes: cfg.params.W, barriers: cfg.params.G, remote: 0, disconnects: 0, crashes: 0 }),
    wbLock: 0,
    preflushed: 0,
    zeroPoint: Math.min(cfg.params.zp ?? cfg.params.P, cfg.params.P) * cfg.params.B,
  }),

  actions: mainlineActions,

  next: mainlineNext,

  /**
   * What mainline keeps (KERNEL.md 2.4, M1-M7), as the shared properties read
   * it: region-resident (a dirty or writeback folio is not reclaimed),
   * dirty-mark (PG_dirty/PG_writeback match the folio's own record), dsync (M5),
   * cache-only (M3), merge-compatible (M1: only an exact append continues a
   * span), no-lost-writes (M1: FLUSH_CONTENT rather than disjoint spans; a
   * whole-folio write frees the span; zero_point rises on release).
   * M2, M4, M6 are kept by construction and shown by search in the tests; M7
   * (page_mkwrite) is the mmap/mkwrite steps. Not claimed, RFC rules mainline never made:
   * - region-exclusion (R2): mainline has no region lock; direct writes
   *   overlap each other, buffered writes are serialised by the inode lock;
   * - flush-exclusion (R3): no stable pages; a folio with no private data is
   *   changed under writeback and redirtied (see waitsForWriteback);
   * - group-order (R5): mainline does not keep R5: folios are ordered per
   *   folio only (netfs_perform_write, netfs_write_folio), and writeback
   *   requests carry no group.
   * deadlock (built in, from `waiting`) is claimed as every design claims it.
   */
  claims: ['region-resident', 'dirty-mark', 'dsync', 'cache-only', 'merge-compatible', 'no-lost-writes', ...mainlineLiveness.map((l) => l.id)],

  notes: {
    write: 'netfs_file_write_iter: a write(2) enters (O_RDWR: FMODE_READ); DIO: netfs_unbuffered_write_iter',
    lock: 'netfs_start_io_write (i_rwsem) / netfs_start_io_direct (DIO: i_rwsem shared, no buffered I/O)',
    invalidate: 'DIO under i_rwsem: filemap_invalidate_inode drops the range; zero_point raised; fscache_invalidate',
    preflushed: "DSYNC: netfs_perform_write's filemap_write_and_wait_range returns (nothing to issue or wait for)",
    writethrough: 'DSYNC: netfs_begin_writethrough takes wb_lock (mutex_lock), after the pre-flush returned',
    copy: 'netfs_perform_write on a folio: wait if private, group/uptodate/zero_point/whole/streaming, copy',
    flushRange: 'filemap_write_and_wait_range (WB_SYNC_ALL): the DIO/DSYNC pre-flush, or NETFS_FLUSH_CONTENT',
    complete: 'DSYNC: netfs_end_writethrough (generic_write_sync left out); DIO: kiocb_invalidate_post_direct_write',
    writepages: 'netfs_writepages, WB_SYNC_NONE (trylock wb_lock), wreq->group NULL: other groups redirtied',
    wbDone: 'write collection: netfs_folio_written_back detaches finfo/group, folio_end_writeback',
    read: 'a fault or readahead -> netfs_read_folio (read(2) takes i_rwsem); with fscache: COPY_TO_CACHE',
    reclaim: 'the VM drops a clean folio: netfs_release_folio (AS_RELEASE_ALWAYS) raises zero_point',
    mmap: "a store to a shared mapping faults: filemap_fault, netfs_read_folio (fills a streaming folio's gaps)",
    mkwrite: 'netfs_page_mkwrite: wait writeback; !uptodate: SIGBUS; other group: fdatawrite, RETRY; store',
    barrier: 'the filesystem passes a new netfs_group to netfs_perform_write (ceph snap; no in-tree caller)',
  },

  label: (a) => {
    switch (a.kind) {
      case 'write':
        return `write(${a.how}, [${a.start},${a.end})${a.rdwr ? ', O_RDWR' : ''})`;
      case 'writepages':
      case 'barrier':
        return `${a.kind}()`;
      case 'wbDone':
        return `wbDone(region ${a.r})`;
      case 'read':
      case 'reclaim':
        return `${a.kind}(folio ${a.f})`;
      case 'mmap':
        return `mmap(store to byte ${a.b})`;
      default:
        return `${a.kind}(write ${a.w})`;
    }
  },

  // Who waits: every write(2) and mmap store with no step of its own enabled, and what for (a state
  // with one of them and no enabled action at all is a deadlock).
  waiting: (s, cfg) => (s.writers.length === 0 ? undefined : mainlineWaiting(s, cfg, geometry(cfg.params), mainlineActions(s, cfg))),

  always: netfsProperties.filter((p) => !['bounding-box', 'split-point', 'ciphertext-at-rest', 'invalidation-mode', 'disconnected-no-loss'].includes(p.id)),
  liveness: mainlineLiveness,
  // M1 makes two dirty spans on one folio impossible, and mainline never splits a write in
  // progress (split-point does not apply): those goals cannot be reached by construction, so
  // dirty-mark is guarded instead by a folio dirtied again under writeback. Remote invalidation
  // and disconnected operation were not implemented: their goals go with their properties.
  sometimes: [...netfsGoals.filter((g) => !['invalidation-with-local-changes', 'two-regions-on-a-page', 'split-region', 'owed-after-disconnection'].includes(g.id)), redirtiedUnderWriteback],
});
