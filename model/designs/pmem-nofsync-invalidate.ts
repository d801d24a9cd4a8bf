/**
 * pmem-nofsync-invalidate: Nick Piggin's promise with his answer to Dave:
 * when a metadata operation moves the record of a mapped block, the file
 * system invalidates that mapping; the next access re-faults, and the
 * re-fault pays the sync before the promise is made again. The metadata is
 * still updated in place, one block write at a time.
 *
 * Seed 003 (Nick Piggin, lkml 2016-09-12 21:53): "You don't, because the
 * filesystem can invalidate existing mappings and do the right thing when
 * they are faulted in again. That's the big^Wmedium hammer approach". In
 * mainline this is layout breaking (dax_layout_busy_page_range, then
 * dax_delete_mapping_range; KERNEL.md 1.2).
 *
 * Choices left open by the mail:
 * - invalidation withdraws the promise for the block (it has no mapping any
 *   more), but not what the promise already made durable: the properties
 *   hold the design to Nick's own "a crash must return with above data (or
 *   newer)", and crash-ordering to the record the promise made durable;
 * - as in pmem-nofsync-naive, and for the same reading of Nick's words, only
 *   a write fault promises: a read fault maps the zero page of a hole
 *   (dax_load_hole) or the block read-only, allocates nothing, syncs
 *   nothing. A zero-page pte has no record to move, so nothing invalidates
 *   it; the write that follows is a write fault, which allocates.
 *
 * What it takes (amendments). Invalidation withdraws the promise before the
 * split's writes are issued, but it cannot make the torn split safe: the
 * record the promise (or fsync) made durable is still moved by unordered
 * in-place writes, and a crash before the re-fault loses it
 * (counterexamples/pmem-nofsync-invalidate/; the review's 8-action history
 * loses data flushed under the promise the same way). The amendments are
 * the naive design's (see its header: `ordered-split`, the smallest change
 * the traces point to, proposed by nobody; `journalled-split`, XFS's
 * transaction and log force, which is where MAP_SYNC ended up), and the
 * journal wins when both are on. Nick's "do the right thing when they are
 * faulted in again" is kept as it is: the re-fault pays the sync, under the
 * journal a log force.
 */
import { crashPoint, defineDesign } from '../design.js';
import { crashGoals, crashProperties } from '../../properties/pmem-crash.js';
import {
  beginFault,
  crash,
  endFault,
  forceLog,
  initState,
  inPlaceMetadata,
  NONE,
  params,
  pmemWaiting,
  step,
  syncAll,
  syncMetadata,
  treeAmendments,
  worldActions,
  worldNext,
  type PmemAction,
  type PmemState,
} from '../pmem.js';

export default defineDesign<PmemState, PmemAction>({
  name: 'pmem-nofsync-invalidate',
  picture: { world: 'pmem' },
  summary: 'per-block "no fsync needed" promise; mappings whose metadata moves are invalidated and re-fault with a sync',
  seed: 'Nick Piggin, "Re: DAX mapping detection", lkml 2016-09-12 21:53 (seeds/003): "the filesystem can invalidate existing mappings and do the right thing when they are faulted in again"',
  params,
  bugs: {
    'skip-invalidate': "a split that moves a mapped block's record leaves its mapping (and promise) in place",
    'unordered-zeroing': 'a new block is named by metadata that is not ordered after its zeroing',
  },
  amendments: treeAmendments('pmem-nofsync-invalidate'),
  // The whole state space, not a depth: at the defaults it is finite and small (49,420 states, diameter 20; every
  // bug toggle and amendment under 110,000 states), so a verdict holds in every reachable state.
  // The state cap makes a model grown past it stop, inconclusive, rather than run on.
  bounds: { maxStates: 1_000_000 },
  init: (cfg) => initState(cfg),
  actions: worldActions,
  next: {
    ...worldNext,
    fault: ({ off, write }, _s, cfg) =>
      step((d) => {
        const moved = beginFault(d, off, write, cfg, inPlaceMetadata(cfg));
        if (cfg.bugs.has('skip-invalidate')) return;
        for (const o of moved) {
          if (o === off || d.pte[o] === 'none') continue;
          d.pte[o] = 'none';
          d.ghost.promised[o] = NONE;
        }
      }),
    'fault-done': (_a, s, cfg) =>
      step((d) => {
        const promise = s.vma === 'sync' && s.fault!.write;
        // A re-fault pays the same sync as a first fault. (A toggle skipping
        // it cannot matter here: faults are one at a time, so the split that
        // invalidated the block was synced by its own fault-done first.)
        if (promise) {
          if (inPlaceMetadata(cfg) === 'journal') forceLog(d, cfg);
          else syncMetadata(d);
        }
        endFault(d, promise);
      }),
    fsync: (_a, _s, cfg) => step((d) => syncAll(d, cfg, inPlaceMetadata(cfg) === 'journal')),
    msync: (_a, _s, cfg) => step((d) => syncAll(d, cfg, inPlaceMetadata(cfg) === 'journal')),
    crash: crashPoint((_a, s) => crash(s)),
  },
  always: crashProperties,
  sometimes: crashGoals,
  waiting: pmemWaiting,
  // Nick's answer is meant to keep every promise of the naive design: the
  // block's data ("a crash must return with above data (or newer)":
  // crash-durability, no-lost-writes) and its metadata (crash-ordering); and
  // fsync's ordinary contract is not given up.
  claims: ['crash-durability', 'crash-ordering', 'no-lost-writes'],
  notes: {
    mmap: 'mmap of the DAX file; sync=true: a mapping that asked for the "no fsync" promise',
    fault: 'dax_iomap_pte_fault; a write on a hole allocates in place; moved mapped records are unmapped',
    'fault-done': 'Nick: the (re-)fault "syncs metadata, sets \'no fsync\' flag" (write faults); then the pte',
    store: 'a user store through the writable pte: it sits in a CPU cache line',
    flush: "clwb of the block's line: durable at the next sfence",
    fence: 'sfence: every flushed line reaches the media',
    fsync: 'fsync: dax_flush of every dirty line, then every pending metadata write',
    msync: 'msync(MS_SYNC) -> vfs_fsync_range: as fsync',
    crash: 'power loss: any pending write may have reached the media; mount reads the tree as it is',
  },
});
