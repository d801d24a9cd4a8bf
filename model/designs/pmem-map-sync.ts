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
 * datasync, then dax_insert_pfn_mkwrite). fs/dax.c: "guarantees dirty
 * metadata is flushed on write-faults (non-cow), but not read-faults". User
 * data is not covered: it still needs flush and fence, or msync/fsync.
 * MAP_SYNC is ignored on a plain MAP_SHARED mapping (modelled as
 * `mmap(sync=false)`): no promise there.
 *
 * A read fault allocates nothing (dax_load_hole maps the zero page of a
 * hole), so the first write to a page a read fault mapped is a write fault
 * of its own: do_wp_page -> wp_pfn_shared -> xfs_filemap_pfn_mkwrite, which
 * XFS handles "as standard write fault" (__xfs_filemap_fault(write_fault =
 * true)); on the zero page it allocates, dirties the inode, and syncs.
 *
 * IOMAP_F_DIRTY is the inode's (xfs_bmbt_to_iomap: xfs_ipincount and
 * ili_fsync_fields), not the fault's: the force covers any dirty metadata of
 * the file. In-place checkpointing of the log is not modelled: replay at
 * mount stands in for it.
 *
 * A bug toggle `read-fault-promise` (a read fault taken as a promise) was
 * dropped with the zero page: a read fault on a hole maps no block to
 * promise, and one on a block finds its record already durable (only a
 * MAP_SYNC write fault of the same mapping, which forced the log, or mount
 * put it there), so the toggle could not be caught. It would return with a
 * second writer of the file's metadata (write(2), or a plain mapping beside
 * the MAP_SYNC one), which this world does not have.
 *
 * Who waits: a fault in flight (model/pmem/world.ts pmemWaiting). The
 * synchronous fault's second half runs after dax_iomap_pte_fault has
 * unlocked the entry: it returns VM_FAULT_NEEDDSYNC from
 * dax_fault_synchronous_pfnp ("we can insert the PTE/PMD into page tables
 * only after that fsync happened. Skip insertion for now and return the pfn
 * so that caller can insert it after the fsync is done") through
 * `unlock_entry: dax_unlock_entry`, and dax_finish_sync_fault's
 * dax_insert_pfn_mkwrite then takes the entry again (get_unlocked_entry,
 * which waits for it to be unlocked). The toggle `sync-under-entry-lock`
 * keeps the entry locked across that gap, so the fault waits for itself.
 * A crash stays enabled until the history's K crashes are spent, so the
 * shortest deadlock at K=1 starts by spending it (crash; mmap; fault); at
 * K=0 it is the two actions mmap(sync); fault.
 */
import { crashPoint, defineDesign } from '../design.js';
import { crashGoals, crashProperties } from '../../properties/pmem-crash.js';
import type { Config } from '../design.js';
import { mapSyncFaultCompletes } from '../../properties/liveness.js';
import { beginFault, crash, endFault, forceLog, initState, metadataDirty, params, pmemWaiting, step, syncAll, worldActions, worldNext, type PmemAction, type PmemState } from '../pmem.js';

/** Whether the fault in flight is a synchronous one that must force the log (dax_fault_is_synchronous: IOMAP_WRITE, VM_SYNC, IOMAP_F_DIRTY). */
function needsDsync(s: PmemState): boolean {
  return s.fault !== null && s.vma === 'sync' && s.fault.write && metadataDirty(s);
}

/** Under `sync-under-entry-lock`, a fault that needs the sync waits for its own entry lock. */
function selfLocked(s: PmemState, cfg: Config): boolean {
  return cfg.bugs.has('sync-under-entry-lock') && needsDsync(s);
}

export default defineDesign<PmemState, PmemAction>({
  name: 'pmem-map-sync',
  picture: { world: 'pmem' },
  summary: 'MAP_SYNC (v4.15): a write fault that dirtied metadata forces the log before it returns; read faults promise nothing',
  seed: 'MAP_SYNC, merged in v4.15 (libnvdimm-for-4.15 pull, merge a3841f94c7ec, 2017-11-17; Jan Kara, "mm: Define MAP_SYNC and VM_SYNC flags" and "dax: Implement dax_finish_sync_fault()"), the outcome of seeds/003',
  params,
  bugs: {
    'mkwrite-no-sync':
      'a write to a page a read fault mapped read-only (the zero page of a hole: ->pfn_mkwrite) allocates its block and completes as a non-synchronous fault: the pte goes writable without the log force of dax_finish_sync_fault (the missing VM_FAULT_NEEDDSYNC handling Jan Kara caught in xfs_filemap_pfn_mkwrite, 2017-10-27)',
    'unordered-zeroing': "the log record naming a new block is not ordered after the block's zeroing",
    'sync-under-entry-lock':
      'a synchronous fault returns VM_FAULT_NEEDDSYNC with its entry still locked (no dax_unlock_entry before dax_finish_sync_fault), so dax_insert_pfn_mkwrite waits in get_unlocked_entry for a lock its own fault holds',
  },
  // The whole state space at the defaults has diameter 17, so depth 18 sees all of it: the liveness
  // property is judged on the whole graph only (engine/liveness.ts).
  bounds: { depth: 18 },
  init: (cfg) => initState(cfg),
  actions: (s, cfg) => (selfLocked(s, cfg) ? worldActions(s, cfg).filter((a) => a.kind !== 'fault-done') : worldActions(s, cfg)),
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
        const mkwrite = s.pte[off] === 'zero' || s.pte[off] === 'ro';
        if (synchronous && metadataDirty(s) && !(mkwrite && cfg.bugs.has('mkwrite-no-sync'))) forceLog(d, cfg);
        endFault(d, synchronous);
      }),
    fsync: (_a, _s, cfg) => step((d) => syncAll(d, cfg, true)),
    msync: (_a, _s, cfg) => step((d) => syncAll(d, cfg, true)),
    crash: crashPoint((_a, s) => crash(s)),
  },
  always: crashProperties,
  sometimes: crashGoals,
  waiting: (s, cfg) =>
    selfLocked(s, cfg) ? `fault(off=${s.fault!.off}, write=true) holds its entry lock, and its dax_finish_sync_fault waits for that entry to be unlocked (get_unlocked_entry)` : pmemWaiting(s),
  // The pull text promises the metadata of a write fault ("flushed ('on
  // disk') before the kernel returns to userspace": crash-ordering); mmap(2)
  // adds that "while some memory is mapped writable ... it will be visible in
  // the same file at the same offset even after the system crashes", made
  // persistent "in conjunction with the use of appropriate CPU instructions"
  // (crash-durability, KERNEL.md INV-I); and XFS keeps fsync's contract
  // (no-lost-writes).
  // And the fault itself returns (sync-fault-completes): dax_finish_sync_fault either installs the pte
  // or gives VM_FAULT_SIGBUS, so a MAP_SYNC write fault never waits for ever.
  claims: ['crash-durability', 'crash-ordering', 'no-lost-writes', 'sync-fault-completes'],
  liveness: [mapSyncFaultCompletes],
  notes: {
    mmap: 'mmap: sync=true is MAP_SHARED_VALIDATE|MAP_SYNC (VM_SYNC); sync=false plain MAP_SHARED',
    fault: 'dax_iomap_pte_fault: read -> dax_load_hole (zero page) or ro; write -> iomap_begin allocates',
    'fault-done': 'dax_fault_is_synchronous -> dax_finish_sync_fault (vfs_fsync_range: log force); pte',
    store: 'a user store through the writable pte: it sits in a CPU cache line',
    flush: "clwb of the block's line: durable at the next sfence",
    fence: 'sfence: every flushed line reaches the media',
    fsync: 'xfs_file_fsync: dax_writeback_mapping_range (dax_flush per dirty entry), then the log force',
    msync: 'msync(MS_SYNC) -> vfs_fsync_range -> xfs_file_fsync: as fsync',
    crash: 'power loss: any pending write may have reached the media; mount replays the committed log',
  },
});
