/**
 * Kernel liveness properties (issue 14 section 3): "whoever waits, eventually
 * goes on", each under the fairness of the actions the kernel itself makes
 * happen. An action no fairness names may never be taken: a user who never
 * munmaps, an RDMA registration never dropped, a signal never sent.
 */
import type { LiveProperty } from '../model/design.js';
import type { World } from '../model/world/state.js';
import type { View } from '../model/world/view.js';
import type { PmemState } from '../model/pmem.js';

export type DaxLiveId = 'layout-break-proceeds' | 'memfail-finishes';

/**
 * What the kernel finishes by itself in the DAX world, so what is fair:
 * - `unpin`: a short-term GUP pin (O_DIRECT, the world's FOLL_WRITE and
 *   read-only pins) is released when its I/O completes (unpin_user_page, once
 *   put_user_page, after the bio ends: bio_release_pages); never
 *   `unpin-longterm`, a FOLL_LONGTERM pin, which userspace drops "at some
 *   undefined point in the future" (Dan Williams, get_user_pages_longterm,
 *   2017-11-14);
 * - `finish`, `iomap`: a fault in flight completes (it holds the entry lock
 *   and MMAPLOCK_SHARED for a bounded time);
 * - `dedupe-remap`: a dedupe whose compare matched remaps and unlocks;
 * - `memfail-next`: the memory-failure handler goes on to its next owner;
 * - `resume`, strongly: a layout break whose pages become idle infinitely
 *   often is eventually woken at such a moment (wake_up_var when the count
 *   drops) and runs. Weak fairness would not do: a fault in flight on its file
 *   disables it now and then, and the sleeper is owed its turn all the same.
 * Not fair: `unmap` (munmap, or a process's exit, is the application's
 * choice), `store`, `pin`, faults (`fault`), memory failures, and every
 * operation a user may or may not ask for.
 */
const KERNEL_FINISHES = { weak: ['unpin', 'finish', 'iomap', 'dedupe-remap'], strong: ['resume', 'memfail-next'] } as const;

const DAX_LIVENESS: Record<DaxLiveId, LiveProperty<World, View>> = {
  // mm/gup.c folio_is_longterm_pinnable (v6.15, "mm/gup: don't allow FOLL_LONGTERM pinning of FS DAX
  // pages"): "Filesystems can only tolerate transient delays to truncate and hole-punch operations";
  // Dan Williams, get_user_pages_longterm (2017-11-14): the filesystem "needs reasonable limits on how
  // long it can wait for pages in a mapping to become idle".
  'layout-break-proceeds': {
    id: 'layout-break-proceeds',
    description: 'a punch, truncate, reflink or dedupe asleep in its layout break (xfs_break_dax_layouts) eventually goes on, under fairness of pin release, fault completion and the wake-up',
    p: (s) => s.breaking != null,
    q: (s) => s.breaking == null,
    fairness: KERNEL_FINISHES,
  },
  // mm/memory-failure.c memory_failure -> mf_dax_kill_procs per owner (xfs_dax_failure_fn), one
  // dax_lock_mapping_entry after another: the handling ends, every owner visited (Dave Chinner, seed 000:
  // a per-mapping entry lock cannot serialise across mappings, so the walk must not wait on itself).
  'memfail-finishes': {
    id: 'memfail-finishes',
    description: 'a memory failure being handled eventually finishes, every owner visited, under fairness of fault completion and of the handler itself',
    p: (s) => s.mf != null && !s.mf.done,
    q: (s) => s.mf == null || s.mf.done,
    fairness: KERNEL_FINISHES,
  },
};

export function daxLiveness(ids: readonly DaxLiveId[]): LiveProperty<World, View>[] {
  return ids.map((id) => DAX_LIVENESS[id]);
}

/**
 * A MAP_SYNC write fault eventually completes: dax_finish_sync_fault returns
 * (pte installed) or fails with VM_FAULT_SIGBUS; a crash ends it too (the
 * process is gone). Fair: the fault's own second half (`fault-done`).
 */
export const mapSyncFaultCompletes: LiveProperty<PmemState> = {
  id: 'sync-fault-completes',
  description: 'a write fault on a MAP_SYNC mapping eventually completes (dax_finish_sync_fault: the log forced, the pte installed) or SIGBUSes, under fairness of the fault itself',
  p: (s) => s.fault !== null && s.fault.write && s.vma === 'sync',
  q: (s) => s.fault === null,
  fairness: { weak: ['fault-done'] },
};
