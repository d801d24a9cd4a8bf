/**
 * fsdax-shared: what mainline merged for reflink on DAX (KERNEL.md 1.1 and
 * 2.1, fs/dax.c ~v6.15): a folio faulted through a second mapping of a shared
 * extent is converted to shared (`mapping` NULL, `share` counts its entries),
 * the conversion never reverts, CoW always takes a new pfn, and a memory
 * failure goes pmem -> dax_holder_notify_failure -> xfs_dax_notify_failure,
 * whose rmap query finds every owning (inode, offset) and calls
 * mf_dax_kill_procs for each, locking each (mapping, index) entry in turn.
 *
 * Commits: ea6c49b784f0 "xfs: support CoW in fsdax mode"; "fsdax: set a CoW
 * flag when associate reflink mappings"; "fsdax: introduce page->share for
 * fsdax in reflink mode"; "fs/dax: remove PAGE_MAPPING_DAX_SHARED mapping
 * flag" (Alistair Popple, 2025); "mm: introduce mf_dax_kill_procs()";
 * "xfs: implement ->notify_failure() for XFS". Answers seed 000 (Dave Chinner,
 * 2019-10-10) on dax_associate_entry and on reporting to the filesystem.
 *
 * Memory failure is one step per rmap record (model/world/memfail.ts): the
 * walk holds the AGF buffer (xfs_dax_notify_ddev_failure) from its first
 * record to its last, so reflink, punch, truncate and allocating writes wait
 * for it, and so does every DAX fault and write(2) on a written extent of an
 * inode with the reflink flag, read or write: xfs_read_iomap_begin (IS_DAX)
 * and xfs_direct_write_iomap_begin reach xfs_reflink_trim_around_shared ->
 * xfs_reflink_find_shared -> xfs_alloc_read_agf (fs/xfs/xfs_iomap.c,
 * xfs_reflink.c since "fsdax,xfs: set the shared flag when file extent is
 * shared", xfs-6.2). Such a fault has locked its entry first
 * (grab_mapping_entry), so a walk that still has that entry to visit and the
 * fault wait for each other: an ABBA of the entry lock and the AGF that the
 * search reaches (model/world/memfail.ts, daxWaiting). Faults on files never
 * reflinked, stores, unmaps and pins run between owners. Only owners whose
 * entry holds the page are poisoned and signalled (mf_dax_kill_procs: no
 * page, goto unlock), but every rmap owner is the filesystem's to know.
 *
 * Layouts are broken as v6.15 does (DaxPolicy.layoutBreak 'inode'):
 * xfs_break_dax_layouts is dax_break_layout_inode, which unmaps the file,
 * waits for its pins and deletes its DAX entries (dax_delete_mapping_range);
 * on a remap xfs_mmaplock_two_inodes_and_break_dax_layout gives that to the
 * lower-numbered inode and only unmaps and waits for the other
 * (dax_layout_busy_page, dax_page_is_idle). v6.2-v6.14 kept the entries.
 * The realtime device (rtgroups: XFS_RTGLOCK_RMAP and _REFCOUNT instead of
 * the AGF) is not modelled: the world has one data-device AG.
 *
 * The rest of xfs_notify_failure.c (a metadata block's poison shuts XFS
 * down, owners not in core, no rmapbt, no reflink on a partition) is in
 * fsdax-shared-notify.ts, as parameters that are off at the defaults.
 *
 * Bug toggles: the known holes and the mistakes of the thread: the generic
 * fallback (mf_generic_kill_procs: dax_lock_folio needs folio->mapping, so a
 * shared folio gets -EBUSY), an rmap that misses the reflinked owners, a
 * share count not dropped, plus the common DAX ones.
 */
import { DAX_BUGS, daxDesign, GRANULARITY_BUGS, SUBBLOCK_BUGS, type DaxDesignSpec } from '../world/dax.js';
import { DAX_NOTES } from '../world/dax-notes.js';
import { NULL } from '../world/state.js';
import { NOTIFY_BUGS, notifyFrames, notifyOwner, notifyPlan, notifyWalked, withNotifyFailure } from './fsdax-shared-notify.js';

const isShared = (fr: { mapping: number; share: number }): boolean => fr.mapping === NULL && fr.share > 0;

const spec: DaxDesignSpec = {
  name: 'fsdax-shared',
  summary: 'mainline fsdax reflink: shared folios with mapping NULL and a share count, rmap-driven memory failure',
  seed: 'KERNEL.md 2.1; ea6c49b784f0 xfs: support CoW in fsdax mode; fs/dax: remove PAGE_MAPPING_DAX_SHARED mapping flag (v6.15); answers seed 000 (Dave Chinner, 2019-10-10)',
  bugs: {
    ...DAX_BUGS,
    ...GRANULARITY_BUGS,
    ...SUBBLOCK_BUGS,
    'generic-fallback': 'memory failure takes mf_generic_kill_procs (no notify_failure holder, e.g. a partition): dax_lock_folio needs folio->mapping; the same path as --param R=0 (no rmapbt)',
    'missing-rmap-entry': 'the rmap query returns only the first owner of the block (a reverse-map record missing for the reflinked ones)',
    'share-not-dropped': 'dax_folio_put does not decrement folio->share',
    ...NOTIFY_BUGS,
  },
  bounds: { depth: 6 },
  frames: notifyFrames,
  readOnlyPins: true,
  ranges: true,
  properties: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'memfail-notify', 'entry-lock', 'layout-pin', 'content-by-own-writes'],
  // What mainline keeps (KERNEL 2.1): INV-A2 ("DAX maintains the invariant
  // that folio->share != 0 only when folio->mapping == NULL"), the counts,
  // CoW isolation, INV-B and the filesystem's notification through the rmap
  // (xfs_dax_notify_failure: the answer to Dave's demand), layout breaking.
  // Not claimed: entry-lock. Mainline does not serialise a change of a shared
  // pfn against faults through every mapping (INV-E); KERNEL 2.1 records that
  // it sidesteps it: shared pfns are never written in place, and poison is
  // handled one (mapping, index) at a time. The search shows where a fault
  // through one mapping runs beside poisoning through another.
  claims: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'memfail-notify', 'layout-pin', 'content-by-own-writes', 'layout-break-proceeds', 'memfail-finishes'],
  // The break's wait must end (mm/gup.c refuses FOLL_LONGTERM on fsdax for it: "Filesystems can only
  // tolerate transient delays to truncate and hole-punch operations"), and so must a memory failure's
  // handling (properties/liveness.ts). In v6.15 the sleeper wakes only at a page count of 0
  // (dax_page_is_idle; free_zone_device_folio's wake_up_var) and a pte holds a reference, while
  // xfs_wait_dax_page drops MMAPLOCK_EXCL around schedule(): a pte faulted in during the sleep keeps the
  // break asleep until the process unmaps, which no fairness covers (munmap is the application's). The
  // search finds that lasso; it is derived from the code, and we know of no report of it.
  liveness: ['layout-break-proceeds', 'memfail-finishes'],
  notes: {
    ...DAX_NOTES,
    finish: 'dax_fault_iter: CoW copy, dax_insert_entry (dax_associate_entry: make shared, share++), insert pfn',
    fault: 'dax_iomap_pte_fault: grab_mapping_entry, iomap_begin; only the grab while a walk holds the AGF',
    reflink: 'xfs_reflink_remap_range after dax_break_layout_inode on the lower inode (entries deleted)',
    'reflink-range': 'FICLONERANGE: xfs_reflink_remap_blocks of the range, after both layout breaks',
    punch: "xfs_free_file_space after dax_break_layout_inode (the file's entries deleted), xfs_bunmapi",
    truncate: 'xfs_setattr_size after dax_break_layout_inode, truncate_setsize, xfs_itruncate_extents',
  },
  notApplicable: { 'reflink-walks-no-pages': "fsdax keeps no per-page reference for a file's extent: reflink changes block counts only, a claim only fragment-owner makes" },
  policy: {
    walkHoldsAgf: true,
    // v6.15: xfs_break_dax_layouts is dax_break_layout_inode, which deletes the lower inode's entries on a remap.
    layoutBreak: 'inode',
    associate: (d, f, i, pfn, shared) => {
      const fr = d.frame[pfn];
      if (shared && (fr.mapping !== NULL || fr.share > 0)) {
        if (fr.mapping !== NULL) {
          // dax_folio_make_shared
          fr.mapping = NULL;
          fr.share = 1;
        }
        fr.share += 1;
        return;
      }
      fr.mapping = f; // WARN_ON_ONCE(folio->mapping) in the kernel
      fr.index = i;
    },
    // dax_folio_put: the share count drops; mapping is cleared at zero, and never restored.
    disassociate: (d, _f, _i, pfn, cfg) => {
      const fr = d.frame[pfn];
      if (isShared(fr)) {
        if (!cfg.bugs.has('share-not-dropped')) fr.share -= 1;
        if (fr.share > 0) return;
      }
      fr.mapping = NULL;
      fr.index = 0;
    },
    form: (s, pfn) => (isShared(s.frame[pfn]) ? 'shared' : 'owned'),
    memfail: (s, pfn, cfg) =>
      notifyPlan(
        s,
        pfn,
        cfg,
        () => {
          // mf_generic_kill_procs: dax_lock_folio (-EBUSY without folio->mapping), SetPageHWPoison, collect_procs.
          const fr = s.frame[pfn];
          if (fr.mapping === NULL) return { busy: true, walk: [], tells: false, poison: 'report' };
          return { walk: [[fr.mapping, fr.index]], tells: false, poison: 'report' };
        },
        () => {
          // xfs_dax_failure_fn for every rmap record of the block, in rmapbt order (owner, then offset).
          const owners: [number, number][] = [];
          s.ext.forEach((row, f) => row.forEach((b, i) => b === pfn && owners.push([f, i])));
          const found = cfg.bugs.has('missing-rmap-entry') ? owners.slice(0, 1) : owners;
          return { walk: found, tells: true, poison: 'entry', holdsAgf: true };
        },
      ),
    owner: notifyOwner,
    walked: notifyWalked,
  },
};

// The notify-failure paths (metadata, shutdown, inodes out of core, no rmapbt, partitions): fsdax-shared-notify.ts.
export default withNotifyFailure(daxDesign(spec), spec.policy);
