/**
 * pmem-map-sync: MAP_SYNC as merged in v4.15 (libnvdimm-for-4.15, merge
 * a3841f94c7ec; "dax, iomap: Add support for synchronous faults",
 * "dax: Implement dax_finish_sync_fault()", ext4/xfs "support for
 * synchronous DAX faults"). Metadata changes are journalled: they wait in
 * the running transaction and reach the media as a log record and a commit
 * record ordered after it; mount replays the newest committed record.
 *
 * The pull text: "every write-fault that dirties metadata completes an
 * fsync() before returning" (dax_fault_is_synchronous = IOMAP_WRITE &&
 * VM_SYNC && IOMAP_F_DIRTY; dax_finish_sync_fault = vfs_fsync_range with
 * datasync). fs/dax.c: "guarantees dirty metadata is flushed on write-faults
 * (non-cow), but not read-faults". User data is not covered: it still needs
 * flush and fence, or msync/fsync. MAP_SYNC is ignored on a plain
 * MAP_SHARED mapping (modelled as `mmap(sync=false)`): no promise there.
 *
 * IOMAP_F_DIRTY is the inode's: any dirty metadata of the file, not only the
 * faulting block's, so the force covers a split another fault left in the
 * transaction. In-place checkpointing of the log is not modelled: replay at
 * mount stands in for it.
 */
import { crashPoint, defineDesign } from '../design.js';
import { crashGoals, crashProperties } from '../../properties/pmem-crash.js';
import { beginFault, crash, endFault, forceLog, initState, metadataDirty, params, step, syncAll, worldActions, worldNext, type PmemAction, type PmemState } from '../pmem.js';

export default defineDesign<PmemState, PmemAction>({
  name: 'pmem-map-sync',
  summary: 'MAP_SYNC (v4.15): a write fault that dirtied metadata forces the log before it returns; read faults promise nothing',
  seed: 'MAP_SYNC, merged in v4.15 (libnvdimm-for-4.15 pull, merge a3841f94c7ec, 2017-11-17; Jan Kara, "mm: Define MAP_SYNC and VM_SYNC flags" and "dax: Implement dax_finish_sync_fault()"), the outcome of seeds/003',
  params,
  bugs: {
    'mkwrite-no-sync': 'a write fault on a block a read fault already allocated does not see the inode dirty, and returns without forcing the log',
    'read-fault-promise': 'a read fault on a MAP_SYNC mapping is taken as a promise, though it forced nothing',
    'unordered-zeroing': 'the log record naming a new block is not ordered after the block\'s zeroing',
  },
  bounds: { depth: 14 },
  init: (cfg) => initState(cfg),
  actions: worldActions,
  next: {
    ...worldNext,
    fault: ({ off, write }, _s, cfg) =>
      step((d) => {
        beginFault(d, off, write, cfg, 'journal');
      }),
    'fault-done': (_a, s, cfg) =>
      step((d) => {
        const { off, write } = s.fault!;
        const synchronous = s.vma === 'sync' && write;
        const upgrade = s.pte[off] === 'ro';
        if (synchronous && metadataDirty(s) && !(upgrade && cfg.bugs.has('mkwrite-no-sync'))) forceLog(d, cfg);
        endFault(d, synchronous || (s.vma === 'sync' && cfg.bugs.has('read-fault-promise')));
      }),
    fsync: (_a, _s, cfg) => step((d) => syncAll(d, cfg, true)),
    msync: (_a, _s, cfg) => step((d) => syncAll(d, cfg, true)),
    crash: crashPoint((_a, s) => crash(s)),
  },
  always: crashProperties,
  sometimes: crashGoals,
});
