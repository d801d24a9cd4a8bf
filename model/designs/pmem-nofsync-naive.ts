/**
 * pmem-nofsync-naive: Nick Piggin's per-block "no fsync needed" promise,
 * over a file system that updates its extent tree in place, one metadata
 * block write at a time, with no log and no order among them.
 *
 * Seed 003 (Nick Piggin, "Re: DAX mapping detection", lkml 2016-09-12
 * 21:53): "FS allocates block, creates mappings, syncs metadata, sets 'no
 * fsync' flag for that block, and completes the fault"; "Application writes
 * some data to block 0, completes userspace flushes. At this point, a crash
 * must return with above data (or newer)". Dave Chinner's reply to it: "an
 * extent operation in some other area of the file can cause a tip-to-root
 * extent tree split ... that moves the metadata that points to the mapped
 * block".
 *
 * The promise is made by a fault on a mapping that asked for it (modelled
 * as `mmap(sync=true)`); a plain mapping gets the usual contract (fsync).
 * Nick's "syncs metadata" is taken as: every pending metadata write is made
 * durable before the fault returns.
 *
 * Is a read fault a promise? No, here. The fault Nick describes is the one
 * that "allocates block", after which the application "writes some data to
 * block 0": a fault that allocates and is written through is a write fault
 * (a read fault on a hole maps the zero page, dax_load_hole, and allocates
 * nothing). So only a write fault on a promising mapping syncs and sets the
 * flag; a read fault maps the zero page (or the block, read-only) and
 * promises nothing, as MAP_SYNC's own rule reads ("guarantees dirty metadata
 * is flushed on write-faults (non-cow), but not read-faults"). The write
 * that follows a read is a write fault and makes the promise then. Nick's
 * wider "for a given block after it has a mapping and page fault returns"
 * could also cover a read fault on an allocated block; in this world such a
 * block's record is already durable (it was allocated by a promising write
 * fault of the same mapping, or mounted from the media), so that reading
 * would change no verdict.
 *
 * What it takes (amendments). Every counterexample of the design as
 * proposed is one torn split: a fault elsewhere in the file moves the
 * record of a block made durable (by the promise, or by fsync) into a new
 * leaf, the new root reaches the media before that leaf, and the crash
 * leaves the block with no record (counterexamples/pmem-nofsync-naive/, and
 * the experiment in docs/findings/pmem-ordered-split.md). Two changes close
 * it, both outside Nick's mail, which asks of the file system only that it
 * "syncs metadata" at the fault and leaves its write order open:
 * - `ordered-split`: the tree is still written in place, but one change's
 *   blocks go out in soft updates' order (model/pmem/world.ts
 *   issueOrdered). Nobody in the thread proposes it: it is the smallest
 *   change the torn-split traces point to. Nick's closing question ("How
 *   does your filesystem lose data before the sync") presumes a file system
 *   that keeps it.
 * - `journalled-split`: the tree change, the split included, is one
 *   transaction in the log, forced by the promising fault (and by fsync),
 *   which is XFS's own answer: xfs_bmap_extents_to_btree and
 *   xfs_bmap_btree split run inside the allocating transaction of
 *   xfs_iomap_write_direct, and xfs_file_fsync / dax_finish_sync_fault force
 *   the log (xfs_log_force_seq). It turns the design into what mainline
 *   merged (pmem-map-sync), so it answers Dave's ordering objection with his
 *   own file system's log rather than with Nick's flag.
 * With both, the journal wins: the tree is written only through the log, so
 * there are no in-place writes left to order. Both keep the proposal's idea
 * (a per-block promise made by the fault, with no fsync after it): neither
 * adds a sync the proposal does not make.
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
  name: 'pmem-nofsync-naive',
  picture: { world: 'pmem' },
  summary: 'per-block "no fsync needed" promise over in-place, non-atomic extent-tree updates',
  seed: 'Nick Piggin, "Re: DAX mapping detection (was: Re: [PATCH] Fix region lost in /proc/self/smaps)", lkml 2016-09-12 21:53 (seeds/003), answering Dave Chinner',
  params,
  bugs: {
    'promise-before-sync': 'the write fault sets the "no fsync" flag and returns without syncing the metadata it dirtied',
    'unordered-zeroing': 'a new block is named by metadata that is not ordered after its zeroing',
  },
  amendments: treeAmendments('pmem-nofsync-naive'),
  // The whole state space, not a depth: at the defaults it is finite and small (42,391 states, diameter 17; every
  // bug toggle and amendment under 110,000 states), so a verdict holds in every reachable state.
  // The state cap makes a model grown past it stop, inconclusive, rather than run on.
  bounds: { maxStates: 1_000_000 },
  init: (cfg) => initState(cfg),
  actions: worldActions,
  next: {
    ...worldNext,
    fault: ({ off, write }, _s, cfg) =>
      step((d) => {
        beginFault(d, off, write, cfg, inPlaceMetadata(cfg));
      }),
    'fault-done': (_a, s, cfg) =>
      step((d) => {
        const promise = s.vma === 'sync' && s.fault!.write;
        // Nick's "syncs metadata": under the journal, the log force.
        if (promise && !cfg.bugs.has('promise-before-sync')) {
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
  // Nick promises the block's data ("a crash must return with above data (or
  // newer)": crash-durability, and no-lost-writes for what the promise made
  // durable) and its metadata ("it only has to guarantee that is the case
  // for a given block after it has a mapping and page fault returns":
  // crash-ordering); nothing in his mail gives up fsync's ordinary contract,
  // which the other halves of crash-ordering and no-lost-writes judge.
  claims: ['crash-durability', 'crash-ordering', 'no-lost-writes'],
  notes: {
    mmap: 'mmap of the DAX file; sync=true: a mapping that asked for the "no fsync" promise',
    fault: 'dax_iomap_pte_fault: read -> zero page (dax_load_hole) or ro; write on a hole allocates in place',
    'fault-done': 'Nick: write fault "syncs metadata, sets \'no fsync\' flag for that block"; then the pte',
    store: 'a user store through the writable pte: it sits in a CPU cache line',
    flush: "clwb of the block's line: durable at the next sfence",
    fence: 'sfence: every flushed line reaches the media',
    fsync: 'fsync: dax_flush of every dirty line, then every pending metadata write',
    msync: 'msync(MS_SYNC) -> vfs_fsync_range: as fsync',
    crash: 'power loss: any pending write may have reached the media; mount reads the tree as it is',
  },
});
