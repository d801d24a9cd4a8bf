/**
 * owner-list: the LSFMM 2018 idea Dave Chinner recalls in seed 000 (Dave
 * Chinner, 2019-10-10, "Re: [RFC PATCH 0/7] xfs: add reflink & dedupe support
 * for fsdax"): "a linked list of mapping structures hanging off a struct
 * page, one for each mapping that references the page. Operations would then
 * have to walk all mappings that reference the page." It replaces the 1:1
 * dax_associate_entry he says "needs to go away and be replaced by a
 * mechanism that allows tracking multiple page mapping/index/state tuples".
 *
 * Modelled on fsdax (the DAX world of model/world/dax.ts), since Dave doubts
 * the list is "particularly useful by itself for non-dax reflink purposes"
 * (the page cache would still need the filesystem to find the page).
 * Choices where the mail is silent, each the plainest reading of it:
 * - the list replaces `mapping`/`index` (both stay NULL/0): an entry is
 *   added when a fault associates (file, index) with the pfn
 *   (dax_insert_entry) and removed when the entry goes (dax_disassociate_entry);
 * - a memory failure "walks all mappings that reference the page": it takes
 *   the list as it is when the error is reported and locks each listed
 *   (mapping, index) entry in turn, one step each (no lock is named that
 *   would hold the page across owners, so any operation may run between
 *   two); an entry that no longer holds the page when its turn comes is
 *   skipped (the recheck dax_lock_page does); PageHWPoison is set as
 *   mf_dax_kill_procs sets it, on the page of a visited entry (so a page on
 *   nobody's list is not marked); it signals the processes mapping a listed
 *   entry and tells the filesystem each listed (file, offset). Nothing else is walked: no filesystem reverse map (that is
 *   fsdax-shared's answer), so a file offset that shares the block but never
 *   faulted it is not on the list;
 * - what refuses a fault on a poisoned pfn is the world's one rule for DAX
 *   (model/world/memfail.ts, badPfn): pmem's badblocks, known once the
 *   handling has ended, asked at the fault's lookup (dax_iomap_direct_access).
 *   A fault that looked the pfn up before the poison maps it, during the
 *   walk or after it; if it maps through an offset the walk has yet to visit
 *   (on the list or not), its process is one the walk owes a signal
 *   (memfail-reach); if after, its next load is a machine check, whose own
 *   walk finds it on the list (dax_insert_entry added it) and signals it.
 *
 * What it takes (owner-list-amendments.ts): its claims hold as proposed;
 * the two contrasts are answered by `filesystem-rmap` (the failure goes to
 * the filesystem, whose rmap walk under the AGF visits and tells every owner,
 * as xfs_dax_notify_failure does: what Dave asks) and `list-at-lookup` (a
 * fault listed from its lookup, so the walk waits for it).
 *
 * Bug toggles, the mistakes the thread warns about: a missing reverse-map
 * entry (the 1:1 habit: a second mapping is not added), a tuple not removed,
 * and the common DAX ones. No toggle for "a lock per mapping instead of per
 * pfn": locking every listed entry already fails to exclude a fault that is
 * between its entry lookup and dax_insert_entry, since it is not listed yet
 * (Dave's dax_lock_entry point); the search finds that without a toggle.
 */
import { DAX_BUGS, daxDesign, GRANULARITY_BUGS, SUBBLOCK_BUGS } from '../world/dax.js';
import { DAX_NOTES } from '../world/dax-notes.js';
import { amended } from '../design.js';
import { FILESYSTEM_RMAP, OWNER_LIST_AMENDMENTS, rmapWalk, walkOwners } from './owner-list-amendments.js';

export default daxDesign({
  name: 'owner-list',
  summary: 'fsdax with a list of (mapping, index) owners on each page (LSFMM 2018, recalled in seed 000)',
  seed: 'seed 000: Dave Chinner, Re: [RFC PATCH 0/7] xfs: add reflink & dedupe support for fsdax, 2019-10-10 (LSFMM 2018 owner list)',
  bugs: {
    ...DAX_BUGS,
    ...GRANULARITY_BUGS,
    ...SUBBLOCK_BUGS,
    'owner-not-added': 'a second mapping is not added to a page that already has an owner (missing reverse-map entry: the 1:1 habit)',
    'owner-not-removed': "dax_disassociate_entry leaves the (mapping, index) on the page's list",
  },
  amendments: OWNER_LIST_AMENDMENTS,
  bounds: { depth: 6 },
  readOnlyPins: true,
  ranges: true,
  properties: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'memfail-notify', 'entry-lock', 'layout-pin', 'content-by-own-writes'],
  // The LSFMM idea, as Dave recalls it, promises that a page names every
  // (mapping, index) using it (single-ownership) and that "operations would
  // then have to walk all mappings that reference the page": memory failure
  // reaches every mapper (memfail-reach); the rest of fsdax is unchanged
  // (refcount, cow-isolation, layout-pin).
  // Not claimed: memfail-notify, entry-lock. Of the four problems Dave lists
  // the list answers the fourth (dax_associate_entry's 1:1 tuple); reporting
  // errors to the filesystem (the third) and serialising a page across
  // mappings that do not know each other (the second, dax_lock_entry) are
  // separate, and he doubts the list is "particularly useful by itself"
  // without the filesystem tracking the pages too: contrasts.
  claims: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'layout-pin', 'content-by-own-writes'],
  // The world's liveness, as contrasts: the proposal says nothing of layout breaks or of how long a
  // memory failure's handling takes (properties/liveness.ts).
  liveness: ['layout-break-proceeds', 'memfail-finishes'],
  notes: {
    ...DAX_NOTES,
    finish: "dax_fault_iter: dax_insert_entry adds (mapping, index) to the page's owner list",
    // One note for the proposal and its amendment: under filesystem-rmap the walk is XFS's, not the list.
    memfail: "memory_failure: the owner list (filesystem-rmap: XFS's rmap query), first entry locked",
    'memfail-next': 'the next (mapping, index) of that walk, under its entry lock',
  },
  notApplicable: { 'reflink-walks-no-pages': "fsdax keeps no per-page reference for a file's extent: reflink changes block counts only, a claim only fragment-owner makes" },
  policy: {
    associate: (d, f, i, pfn, _shared, cfg) => {
      const fr = d.frame[pfn];
      const o = f * cfg.params.B + i;
      if (fr.owners.includes(o)) return;
      if (cfg.bugs.has('owner-not-added') && fr.owners.length > 0) return;
      fr.owners.push(o);
      fr.owners.sort((a, b) => a - b);
    },
    disassociate: (d, f, i, pfn, cfg) => {
      if (cfg.bugs.has('owner-not-removed')) return;
      const fr = d.frame[pfn];
      const k = fr.owners.indexOf(f * cfg.params.B + i);
      if (k >= 0) fr.owners.splice(k, 1);
    },
    form: () => 'listed',
    // filesystem-rmap: the filesystem's rmap walk under the AGF (owner-list-amendments.ts, rmapWalk).
    walkHoldsAgf: (cfg) => amended(cfg, FILESYSTEM_RMAP),
    memfail: (s, pfn, cfg) => {
      const rmap = rmapWalk(s, pfn, cfg);
      if (rmap) return { walk: rmap, tells: true, poison: 'entry', holdsAgf: true };
      return { walk: walkOwners(s, pfn, cfg), tells: true, poison: 'entry' };
    },
  },
});
