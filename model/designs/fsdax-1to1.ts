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
 * - memory failure: memory_failure_dev_pagemap -> dax_lock_page, which finds
 *   the entry through page->mapping (nothing when it is NULL: -EBUSY), locks
 *   (mapping, index) alone, kills the processes mapping that file there, and
 *   tells the filesystem nothing (the fs notify path came in 2022).
 */
import { DAX_BUGS, daxDesign } from '../world/dax.js';
import { NULL } from '../world/state.js';

export default daxDesign({
  name: 'fsdax-1to1',
  summary: 'fsdax reflink/dedupe (2019 RFC) with one mapping/index per page',
  seed: 'seed 001: Shiyang Ruan, [RFC PATCH 0/7] xfs: add reflink & dedupe support for fsdax, 2019-07-31; seed 000: hch 2019-10-08, Dave Chinner 2019-10-10',
  bugs: DAX_BUGS,
  bounds: { depth: 6 },
  properties: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'entry-lock', 'layout-pin'],
  notApplicable: { 'reflink-walks-no-pages': 'fsdax keeps no per-page reference for a file\'s extent: reflink changes block counts only, a claim only fragment-owner makes' },
  policy: {
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
      if (fr.mapping === NULL) return { locks: [], kill: [], tell: [] };
      return { locks: [[fr.mapping, fr.index]], kill: [fr.mapping], tell: [] };
    },
  },
});
