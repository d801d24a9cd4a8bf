/**
 * fsdax-1to1: reflink and dedupe on DAX as the 2019 series had it, with the
 * classic one-owner page association.
 *
 * Seed 001: Shiyang Ruan, "[RFC PATCH 0/7] xfs: add reflink & dedupe support
 * for fsdax" (20190731114935.11030-1-ruansy.fnst@cn.fujitsu.com): IOMAP_COW
 * for writes to shared extents, a dax compare for dedupe, xfs_break_layouts.
 * Seed 000: hch (2019-10-08): "page->mapping and page->index can point back
 * to exactly one file"; Dave Chinner (2019-10-10): dax_associate_entry "can
 * only work for a 1:1 page:mapping,index relationship", dax_lock_entry is not
 * held on the page, and dax_lock_page "needs to report to the filesystem".
 *
 * Rules, from the pre-2022 fs/dax.c (KERNEL.md 2.1, INV-A1):
 * - dax_associate_entry: WARN_ON_ONCE(page->mapping), then mapping/index are
 *   set to the faulting file's: a second file's fault on a shared pfn
 *   overwrites the first's back-pointer (the WARN fires, the code goes on);
 * - dax_disassociate_entry: mapping = NULL, index = 0, whoever else uses it;
 * - memory failure (mm/memory-failure.c before the 2022 notify series, e.g.
 *   v5.17): memory_failure_dev_pagemap -> dax_lock_page, which finds the
 *   entry through page->mapping; with page->mapping NULL it returns 0 and the
 *   handler bails out with -EBUSY before SetPageHWPoison, so nothing happens
 *   to the page at all (a consuming load is then killed by the machine check
 *   code: kill_me_maybe -> kill_me_now). Otherwise it locks that one
 *   (mapping, index), sets PageHWPoison, collect_procs -> collect_procs_file
 *   walks that one file's i_mmap (early-kill processes and `current`), unmaps
 *   and kills them, and tells the filesystem nothing (the notify path came in
 *   2022). One owner, so one step;
 * - page counts: insert_pfn makes a pte_devmap without get_page, so only GUP
 *   pins hold a page reference (an idle ZONE_DEVICE page sits at refcount 1,
 *   dax_layout_busy_page tests `page_ref_count(page) > 1`): DaxPolicy
 *   pteHoldsRef false. The count-not-dropped toggle is therefore a put_page
 *   missing after get_user_pages (unpin), not a zap forgetting a reference
 *   that v6.15 introduced.
 * Granularity (issue 10 section 2) is the DAX world's (model/world/dax.ts):
 * the RFC's dedupe is the VFS one (its "dax compare for dedupe" is
 * dax_dedupe_file_range_compare inside the remap prep, under both files'
 * locks), so its promise that dedupe works is content-by-own-writes.
 */
import { DAX_BUGS, daxDesign, GRANULARITY_BUGS, SUBBLOCK_BUGS } from '../world/dax.js';
import { NULL } from '../world/state.js';
import { DAX_NOTES } from '../world/dax-notes.js';

export default daxDesign({
  name: 'fsdax-1to1',
  summary: 'fsdax reflink/dedupe (2019 RFC) with one mapping/index per page',
  seed: 'seed 001: Shiyang Ruan, [RFC PATCH 0/7] xfs: add reflink & dedupe support for fsdax, 2019-07-31; seed 000: hch 2019-10-08, Dave Chinner 2019-10-10',
  bugs: {
    ...DAX_BUGS,
    ...GRANULARITY_BUGS,
    ...SUBBLOCK_BUGS,
    // The kernel of 2019 took no page reference for a DAX pte (pteHoldsRef below): the reference a
    // count-not-dropped forgets is a GUP pin's (a put_page missing after get_user_pages).
    'count-not-dropped': 'unpin does not drop the page reference get_user_pages took (ptes hold none before v6.15)',
  },
  bounds: { depth: 6 },
  readOnlyPins: true,
  ranges: true,
  properties: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'memfail-notify', 'entry-lock', 'layout-pin', 'content-by-own-writes'],
  // The RFC's promise is that reflink and dedupe "work correctly" on DAX (seed
  // 001), on the DAX code it left as it was: that code asserts one owner per
  // page (dax_associate_entry's WARN_ON_ONCE(page->mapping)), signals every
  // mapper on a memory failure (memory_failure_dev_pagemap) and serialises
  // that against faults (its comment: dax_lock_page "prevents changes to the
  // mapping of this pfn until poison signaling is complete"). hch and Dave
  // (seed 000) show the series breaks those; they are its claims.
  // Not claimed: memfail-notify. Telling the filesystem is Dave's demand
  // (dax_lock_page "needs to report to the filesystem for processing and
  // repair"), which no kernel of 2019 met even for an unshared file; the RFC
  // neither provided nor promised it (the notify path is the 2022 series,
  // KERNEL 1.1). It is reported as the contrast Dave drew.
  claims: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'entry-lock', 'layout-pin', 'content-by-own-writes', 'layout-break-proceeds', 'memfail-finishes'],
  // The break's wait must end (mm/gup.c refuses FOLL_LONGTERM on fsdax for it: "Filesystems can only
  // tolerate transient delays to truncate and hole-punch operations"), and so must a memory failure's
  // handling (properties/liveness.ts). Here (before v6.15) the sleeper wakes at a page count of 1: a
  // DAX pte holds no reference, so only the pins count, and the short-term ones are released.
  liveness: ['layout-break-proceeds', 'memfail-finishes'],
  notes: {
    ...DAX_NOTES,
    memfail: 'memory_failure_dev_pagemap: dax_lock_page by page->mapping (NULL: -EBUSY, no poison), collect_procs',
    mce: '#MC on a load: kill_me_maybe -> memory_failure(MF_ACTION_REQUIRED), current = f; as memfail',
    'memfail-next': 'not taken: memory_failure_dev_pagemap handles its one page->mapping owner at once',
  },
  notApplicable: { 'reflink-walks-no-pages': "fsdax keeps no per-page reference for a file's extent: reflink changes block counts only, a claim only fragment-owner makes" },
  policy: {
    // Before "fs/dax: properly refcount fs dax pages" (v6.15) insert_pfn took no page reference.
    pteHoldsRef: false,
    associate: (d, f, i, pfn) => {
      const fr = d.frame[pfn];
      fr.mapping = f;
      fr.index = i;
    },
    disassociate: (d, _f, _i, pfn) => {
      d.frame[pfn].mapping = NULL;
      d.frame[pfn].index = 0;
    },
    form: () => 'owned',
    memfail: (s, pfn) => {
      const fr = s.frame[pfn];
      if (fr.mapping === NULL) return { busy: true, walk: [], tells: false, poison: 'report' };
      return { walk: [[fr.mapping, fr.index]], tells: false, poison: 'report' };
    },
  },
});
