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
 */
import { crashPoint, defineDesign } from '../design.js';
import { crashGoals, crashProperties } from '../../properties/pmem-crash.js';
import { beginFault, crash, endFault, initState, params, step, syncAll, syncMetadata, worldActions, worldNext, type PmemAction, type PmemState } from '../pmem.js';

export default defineDesign<PmemState, PmemAction>({
  name: 'pmem-nofsync-naive',
  summary: 'per-block "no fsync needed" promise over in-place, non-atomic extent-tree updates',
  seed: 'Nick Piggin, "Re: DAX mapping detection (was: Re: [PATCH] Fix region lost in /proc/self/smaps)", lkml 2016-09-12 21:53 (seeds/003), answering Dave Chinner',
  params,
  bugs: {
    'promise-before-sync': 'the fault sets the "no fsync" flag and returns without syncing the metadata it dirtied',
    'unordered-zeroing': 'a new block is named by metadata that is not ordered after its zeroing',
  },
  bounds: { depth: 14 },
  init: (cfg) => initState(cfg),
  actions: worldActions,
  next: {
    ...worldNext,
    fault: ({ off, write }, _s, cfg) =>
      step((d) => {
        beginFault(d, off, write, cfg, 'in-place');
      }),
    'fault-done': (_a, s, cfg) =>
      step((d) => {
        const promise = s.vma === 'sync';
        if (promise && !cfg.bugs.has('promise-before-sync')) syncMetadata(d);
        endFault(d, promise);
      }),
    fsync: (_a, _s, cfg) => step((d) => syncAll(d, cfg, false)),
    msync: (_a, _s, cfg) => step((d) => syncAll(d, cfg, false)),
    crash: crashPoint((_a, s) => crash(s)),
  },
  always: crashProperties,
  sometimes: crashGoals,
});
