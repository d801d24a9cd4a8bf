/**
 * netfs-regions: David Howells' RFC, "[RFC PATCH 00/12] netfs: Experimental
 * write helpers, fscrypt and compression" (seed 004, branch
 * netfs-regions-experimental): dirty-region records beside the page flags.
 *
 * Rules, by the RFC's numbered points:
 * - (6) a write is pending until its range is free of active writes, then
 *   active: the record is a region lock (with crypto or compression on, the
 *   lock covers the bounding box, "they aren't even allowed to touch the same
 *   page").
 * - (8) an active write does not proceed over a flushing region; it joins
 *   the dirty list and its region grows as it copies; the flusher may split
 *   it "at a page boundary that's at or less than the dirtied point", which
 *   the RFC branch's netfs_flush_dirty() computes as round_down(dirty.end,
 *   min_bsize): at a boundary of the block the box is rounded to, and up to
 *   all of what the write has copied, before it commits. (The model once
 *   cut at any page and only before the write's end: a review found the
 *   dsync-wait-holding-lock deadlock rested on that.)
 * - (2)/(10) contiguous compatible regions merge, a local modification
 *   supersedes a download, a DSYNC write supersedes ordinary data (4).
 * - (4) DSYNC: never merged, flushed at once, the writer waits for it.
 * - (5) every region has a flush group; groups are flushed in order.
 * - (7)/(9) the bounding box is rounded to the page, crypto, compression and
 *   cache blocks; its pages are pinned while the region lives; DIO may not
 *   share a box with any other region (nor a read's semi-dirty region, so a
 *   read waits while an active write locks any of its block); the flusher
 *   defers a write-out while a page of its box is not in the page cache
 *   ("If we can't manage to lock all the pages ... we ... defer").
 * - (10) the dirty mark stays while another dirty region is on the page.
 * - (11) ->writepage() only queues the page's regions and leaves it dirty.
 * - (3) a read from the server makes a semi-dirty region: cache only.
 * - SERVICES (2): content leaves the page cache encrypted, to the server
 *   and the cache alike. (6): four remote-invalidation modes. (7):
 *   disconnected, write-out goes to the cache only with a list of modified
 *   ranges, synced back on reconnection.
 *
 * Choices the RFC leaves open: a write's region merges with an overlapping
 * compatible region that starts before it (at activation; the RFC merges at
 * commit), and supersedes any other overlapped dirty region as the RFC does:
 * flagged at activation, each byte handed over as the new write copies it,
 * the flag cleared at commit (model/netfs/regions.ts, "Supersede"); the modified list lives with the cache object and
 * shares its fate in a crash (below); a remote invalidation waits until no
 * write or flush is in flight (it takes the region locks), and so does the sync-back
 * on reconnection, which re-dirties only the modified bytes no newer region
 * already owes; a DSYNC region is "flushed immediately" as soon as the
 * flusher may take its box; the flusher writes the
 * bytes of a region to the server (the whole box when crypto or compression
 * makes the block the unit) and whole box folios to the cache.
 *
 * Crash: a crash point (engine/crash.ts) whose pieces are the in-flight
 * write-outs, each region's upload and its cache write separately ("netfs:
 * Send write request to multiple destinations"; "(6) PG_fscache is no longer
 * required as the region record can track this"), so either may land without
 * the other; the region records are in core and go.
 * What the cache holds after a crash the RFC does not say. The design takes
 * it from the layer the RFC writes into ("content-encrypted data is stored in
 * fscache"), fscache/cachefiles as merged (torvalds/linux fs/cachefiles/
 * xattr.c, namei.c, interface.c): a cache object opened for local modification is marked
 * CACHEFILES_CONTENT_DIRTY on disk before any local write reaches it
 * (fscache_use_cookie(cookie, will_modify) -> cachefiles_prepare_to_write()
 * -> cachefiles_set_object_xattr()); the mark is lifted only when the object
 * is committed as it leaves memory (cachefiles_commit_object); the lookup
 * after a crash finds it, cachefiles_check_auxdata() returns -ESTALE ("Dirty
 * object in cache", "TODO: Begin conflict resolution"), and
 * cachefiles_open_file() replaces the object with an empty one. The RFC's
 * author designed it so before and after the RFC: his fscache rewrite, "[RFC
 * PATCH 61/61] fscache: Document the rewritten cache backend API" (2020-05),
 * has ->prepare_to_write() on FSCACHE_OBJECT_LOCAL_WRITE "to mark the object
 * as being dirty prior to writing data to it", and "[PATCH 48/67] fscache:
 * Implement "will_modify" parameter on fscache_use_cookie()" (2021-10), the
 * merged form, says "marked as dirty on disk, subject to conflict resolution
 * in the event that power failure or a crash occurs or the filesystem
 * operates in disconnected mode". So in the model the first write marks the cache
 * (the file is open for writing); having no close, the model never lifts the
 * mark, so a crash after any write empties the cache and the modified list
 * kept with it; a cache written only by downloads, before any write, is kept
 * (it holds what the server holds). A read after the crash then returns the
 * server's bytes, the new baseline: a write that is not on the server may be
 * lost in a crash, except a returned DSYNC write (the dsync property keeps
 * its promise across the crash). The bug trust-cache-after-crash reads the
 * cache back without the check; the design once did, and the search found
 * two losses with it (a read of bytes the server never got and nothing
 * would send, in 6 actions; a DIO invalidation after that crash making a
 * read go back in time, in 8), both gone with the check.
 * A consequence, stated here rather than found: what disconnected operation
 * saved only to the cache does not survive a client crash either, nor what
 * the sync-back re-dirtied and has not uploaded yet; the conflict resolution
 * that would keep it is a TODO in cachefiles and is not in the RFC. The crash
 * baseline counts it as a crash loss of unsynced data, so no property
 * reports it; it is a question for the RFC's author.
 *
 * Finding (by search; counterexamples/netfs-regions/dsync): a DSYNC write
 * made while disconnected returns with its data only in the cache (write,
 * activate, copy, disconnect, complete, wbDone, complete: 7 actions). The
 * RFC's two rules compose to exactly that: "DSYNC writes ... are flushed
 * immediately. The writer then waits for that region to finish flushing"
 * (4), and in disconnected operation "the helpers would save modified code
 * only to the cache, along with a list of modified regions" (SERVICES (7)).
 * Nothing says whether the writer should wait for reconnection, fail, or
 * count the cache as stable storage. The design keeps the literal reading
 * (the flush is the cache write, and the range goes on the modified list, so
 * disconnected-no-loss still holds) and the dsync property, which reads
 * O_DSYNC's promise as "on the server", shows the gap. The property keeps
 * that reading because the RFC gives no ground for another: it names no
 * stable storage but the server and says nothing of DSYNC while
 * disconnected, and "on the server" is O_DSYNC's usual meaning for a network
 * filesystem. Whether the cache's copy plus the modified list should count
 * while disconnected is an open question for the RFC's author, and this
 * trace is that question, not a rule the RFC broke.
 *
 * What it takes (model/netfs/regions-amendments.ts). dsync is the only
 * claimed property the defaults break, and only through that finding; the
 * disconnected rules themselves (disconnected-no-loss) hold. One amendment,
 * proposed by nobody and marked as the smallest change the trace points to:
 * dsync-waits-for-server, a DSYNC region (or a part split off it) goes to
 * the server only, so while disconnected it stays dirty and its writer waits
 * (as on an NFS hard mount) for reconnection, the sync-back and the upload.
 * Under it every claimed property holds to the complete default bound
 * (test/netfs-regions-amend.test.ts) but group-order, which is vacuous at
 * the defaults with or without it (G=0, above); with a barrier (G=1) at a
 * smaller bound it holds there too. It keeps SERVICES (7) for every other
 * write-out and (4)'s wait as written; only the destination that ends the
 * wait changes.
 *
 * Liveness (model/netfs/liveness.ts, where each fair kind is argued): the
 * region lock is fair, lock-fair, because the RFC hands it over in order:
 * netfs_queue_write() makes a new write "wait for any overlapping pending
 * writes", and netfs_commit_write() -> netfs_start_pending_writes() starts
 * the waiters of the window it opens ("The queue is in submission order and
 * we need to prevent starvation"), so activate is strongly fair, each write
 * apart. A DSYNC writer returns (dsync-returns) and every dirty region is
 * written back (written-back) while the server is connected, the flusher and
 * I/O completion weakly fair; after a disconnection what a write returned with
 * reaches the server (synced-after-reconnect) if reconnection is weakly fair,
 * which is an assumption, not a promise: a server that stays away is no
 * fairness violation. All four are claimed: (6), (4) and SERVICES (7) promise
 * them. They are judged only on a whole state space, which the default bound
 * (depth 8) is not; test/netfs-liveness.test.ts judges them at smaller
 * instances. A choice made for liveness: the model reads a folio a pending
 * write needs before its activation (canActivate), where the RFC's writer
 * reads it after, itself, holding it (netfs_perform_write ->
 * netfs_grab_folio_for_write -> netfs_prefetch_for_write); so the pending
 * write holds what it had read in and reclaim does not take it
 * (prefetchedFor). Without that, reclaim taking each folio of a two-folio
 * write before the other was read starved the write for ever, a history the
 * RFC's writer cannot suffer.
 * Noted, not modelled: the RFC's posted netfs_perform_write() waits for a
 * DSYNC region (wait_on_region(..., NETFS_REGION_IS_COMPLETE)) before
 * netfs_commit_write(), with the region still active; the model commits first
 * and the bug dsync-wait-holding-lock is the other order, which breaks all
 * three connected properties (the flusher defers a box an active write holds).
 *
 * Files: the actions a state enables are in model/netfs/regions-actions.ts,
 * what each does in model/netfs/regions-next.ts, the region rules they share
 * in regions.ts, the services in regions-services.ts.
 */
import { defineDesign } from '../design.js';
import { netfsGoals, netfsProperties } from '../../properties/netfs.js';
import { regionsWaiting } from '../netfs/regions.js';
import { regionsAmendments } from '../netfs/regions-amendments.js';
import { regionsLiveness } from '../netfs/liveness.js';
import { regionsActions, type RegionsAction } from '../netfs/regions-actions.js';
import { regionsNext } from '../netfs/regions-next.js';
import { geometry, initialWorld, type NetfsState } from '../netfs/world.js';

export type { RegionsAction } from '../netfs/regions-actions.js';

export default defineDesign<NetfsState, RegionsAction>({
  name: 'netfs-regions',
  picture: { world: 'netfs' },
  summary: 'The netfs dirty-region RFC: pending/active/dirty/flushing regions, merge and supersede, groups, DSYNC, bounding boxes, semi-dirty, invalidation modes, disconnected operation',
  seed: 'seed 004: [RFC PATCH 00/12] netfs: Experimental write helpers, fscrypt and compression (David Howells, linux-cachefs, 2021-07)',
  params: {
    P: { default: 2, min: 1, max: 4, description: 'folios in the inode' },
    B: { default: 2, min: 1, max: 4, description: 'bytes per folio' },
    W: { default: 2, min: 0, max: 4, description: 'writes (each buffered, DSYNC or direct)' },
    L: { default: 2, min: 1, max: 4, description: 'longest write, in bytes' },
    C: { default: 2, min: 0, max: 8, description: 'crypto block in bytes (0: no content crypto; a multiple of B)' },
    Z: { default: 0, min: 0, max: 8, description: 'compression block in bytes (0: none; a multiple of B)' },
    cache: { default: 1, min: 0, max: 1, description: 'a local cache (fscache): 1 on' },
    dsync: { default: 1, min: 0, max: 1, description: 'O_DSYNC writes allowed' },
    dio: { default: 1, min: 0, max: 1, description: 'direct writes allowed' },
    G: { default: 0, min: 0, max: 3, description: 'flush-group barriers allowed' },
    remote: { default: 1, min: 0, max: 2, description: 'remote changes (each followed by an invalidation in one of the four modes)' },
    disconnect: { default: 1, min: 0, max: 2, description: 'disconnections from the server' },
    crash: { default: 1, min: 0, max: 1, description: 'client crashes (a crash point: in-flight uploads and cache writes land or not)' },
  },
  bugs: {
    'clear-dirty-on-partial': 'writing one region out clears the dirty mark of its pages even when another dirty region is on them',
    'write-over-flushing': 'a write becomes active over a region that is being flushed',
    'merge-dsync': 'a DSYNC write merges with the ordinary dirty region it overlaps',
    'flush-later-group-first': 'the flusher takes any group, not the earliest',
    'split-beyond-dirtied': 'the flusher splits an active write at the first page boundary past its dirtied point',
    'upload-cache-only': 'a semi-dirty (downloaded) region is written to the server as well as the cache',
    'no-region-lock': 'a write becomes active while an overlapping write is active',
    'unpinned-box': 'only the pages holding dirty bytes are pinned, not the rest of the bounding box',
    'plaintext-download-to-cache': 'a semi-dirty region goes to the cache from the decrypted page cache, in clear',
    'stale-cache-after-invalidation': "a remote invalidation leaves the cache's copy in place",
    'releasepage-ignores-pins': '->releasepage() frees a clean folio that a region still pins (its box, or its data once the dirty mark is gone)',
    'read-splices-into-locked-box':
      "a read checks only its own folio against active writes' region locks, and splices the rest of its crypto block (with a semi-dirty region) into a box a DIO write holds",
    'forget-modified-list': 'reconnection drops the list of ranges modified while disconnected instead of syncing them',
    'trust-cache-after-crash': 'after a client crash the cache object is read though it was open for local modification (no CACHEFILES_CONTENT_DIRTY check)',
    'dsync-wait-holding-lock':
      'a DSYNC writer waits for its flush while its region is still active (the region lock held), so the flusher, which takes an active region only up to round_down(dirtied point, block), never takes a write that ends inside a block',
  },
  // What it takes (model/netfs/regions-amendments.ts): the header's dsync finding, amended.
  amendments: regionsAmendments,
  // The defaults turn every feature on but flush groups, at a bound the search completes (about 20 s on
  // one core): crypto with a block of one folio (a block of two folios spans the whole two-folio file,
  // so that no two writes are ever active together and region-exclusion would hold vacuously), DSYNC,
  // direct writes, one remote change, one disconnection, one crash, to depth 8. A flush-group barrier
  // on top more than doubles the states at depth 8, and at depth 7 no barrier separates unwritten
  // data anyway, so G is 0 and group-order holds vacuously at the defaults (its tests set G).
  bounds: { depth: 8 },
  // A crypto or compression block is a whole number of folios (the RFC's bounding box, point 7).
  validate: ({ B, C, Z }) =>
    C > 0 && C % B !== 0
      ? `C (${C}) must be a multiple of B (${B}): a crypto block is a whole number of folios`
      : Z > 0 && Z % B !== 0
        ? `Z (${Z}) must be a multiple of B (${B}): a compression block is a whole number of folios`
        : undefined,

  init: (cfg) => {
    const g = geometry(cfg.params);
    return initialWorld(g, {
      writes: cfg.params.W,
      barriers: cfg.params.G,
      remote: cfg.params.remote,
      disconnects: cfg.params.disconnect,
      crashes: cfg.params.crash,
    });
  },

  actions: regionsActions,

  next: regionsNext,

  label: (a) => {
    switch (a.kind) {
      case 'write':
        return `write(${a.how}, [${a.start},${a.end}))`;
      case 'flush':
        return `flush(region ${a.r}, up to ${a.cut})`;
      case 'wbDone':
        return `wbDone(region ${a.r})`;
      case 'read':
      case 'reclaim':
      case 'writepage':
        return `${a.kind}(folio ${a.f})`;
      case 'remote':
        return `remote(${a.mode})`;
      case 'barrier':
      case 'disconnect':
      case 'reconnect':
      case 'crash':
        return `${a.kind}()`;
      default:
        return `${a.kind}(write ${a.w})`;
    }
  },

  // Who waits: region locks, flushes in the way, DSYNC writers (a state with one and no enabled action is a deadlock).
  waiting: (s, cfg) => regionsWaiting(s, geometry(cfg.params), cfg),

  always: netfsProperties,
  liveness: regionsLiveness,
  // The RFC promises every rule the family states (KERNEL.md 2.4, R1-R10). Two readings are
  // ours. dsync reads O_DSYNC's promise as "on the server" literally, also while disconnected,
  // where SERVICES (7) saves data to the cache only; whether the cache's copy plus the modified
  // list should count there is an open question for the RFC's author (the dsync finding in the
  // header). no-lost-writes is judged across a client crash from what a read returned after it,
  // the crash taken as cachefiles handles it (header, Crash), where the mail is silent on
  // crashes. Both stay claimed, so that a loss there is reported as a failure of the design
  // rather than hidden as a contrast. disconnected-no-loss judges only what disconnected
  // operation takes on (SERVICES (7)), so it needs no reading of ours.
  claims: [...netfsProperties.map((p) => p.id), ...regionsLiveness.map((l) => l.id)],
  notes: {
    write: 'RFC (6): queued on the pending list; fscache_use_cookie(will_modify) marks the cache dirty',
    activate: 'RFC (6)/(7): pending -> active once its reserved region (box) is free of active writes',
    invalidate: "RFC 06/12, a DIO before its I/O: drop the box's clean folios; a dirty or pinned one: buffered",
    copy: 'RFC (8): copy into the page cache past flushing regions; a DIO: to the server, then invalidate again',
    complete: 'RFC (8): the write becomes a dirty region; DSYNC (4): the writer waits for its flush',
    flush: 'RFC (4)/(5)/(8)/(9): flush a region, earliest group first; split at a page boundary',
    wbDone: 'RFC (10): write-out done; dirty/writeback marks kept while another region is on the page',
    read: 'RFC (3): a read from the server makes a semi-dirty region, written to the cache only',
    reclaim: 'RFC (9): the VM drops a clean folio; ->releasepage() refuses one a region pins',
    writepage: "RFC (11): ->writepage() queues the page's regions for flushing, leaves it dirty",
    barrier: 'RFC (5): a new flush group; older groups are flushed first',
    remote: 'RFC services (6): a remote invalidation, handled in one of the four modes',
    disconnect: 'RFC services (7): disconnected: write-out goes to the cache, modified ranges listed',
    reconnect: 'RFC services (7): the modified ranges are synced back on reconnection',
    crash: 'client crash: regions lost; each write-out lands or not; a CONTENT_DIRTY cache object is discarded',
  },
  sometimes: netfsGoals,
});
