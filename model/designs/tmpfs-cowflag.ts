/**
 * tmpfs-cowflag: reflink on tmpfs by adding the source's pages to the
 * destination's address_space with their counts bumped and a CoW flag set to
 * prevent writes: the idea that opens seed 002 (Vito Caputo, 2020-07-24,
 * "tmpfs reflink"), which he doubts himself because "a struct page would
 * only belong to a single struct address_space at a time, as it has single
 * mapping and index members".
 *
 * On tmpfs the page is the storage, so the world's pfn is its block (as on
 * DAX): a block's reference count is the page count the reflink bumps, and
 * "shared" (count from more than one file) is the CoW flag. Choices where the
 * mail is silent, each the plainest reading of it:
 * - the page keeps the source's `mapping`/`index`; another file's entry to it
 *   is a second entry with no back-pointer (nothing else exists to record it);
 * - a write through a file whose page has the CoW flag copies it (the flag
 *   "prevents writes"), like any CoW;
 * - the proposal changes no lookup. shmem finds a page through the
 *   inode's xarray and then checks that the page names that mapping:
 *   shmem_get_folio_gfp (shmem_fault, write(2)'s shmem_write_begin, read(2))
 *   does `if (folio->mapping != inode->i_mapping) { unlock; put; goto
 *   repeat; }` (mm/shmem.c, v6.14 era; in 2020, v5.8, find_lock_entry's
 *   `page_mapping(page) != mapping -> goto repeat`), and shmem_undo_range
 *   (punch, truncate) retries the same index on `folio_mapping(folio) !=
 *   mapping`. Through any file but page->mapping's the page is found again
 *   at every retry, so the lookup spins for ever: a livelock, not a lookup.
 *   Such a fault, write, punch or truncate is not an action here (it never
 *   completes and changes nothing another CPU sees). A read(2) that spins
 *   (shmem_file_read_iter -> shmem_get_folio) returns nothing, so it shows
 *   no wrong contents: the view's read there is the file's ghost contents,
 *   and cow-isolation judges only reads that complete (review of the
 *   write-in-place-shared trace). Only the owner's lookups see the page,
 *   and so the CoW flag;
 * - a fault on a hole is shmem_fault's page-cache miss: shmem_get_folio_gfp
 *   (SGP_CACHE) adds a zeroed page to the file's cache at the lookup, for a
 *   read fault as for a write fault (DAX would map the zero page), and the
 *   fault holds it locked until finish_fault. Swap (shmem_swapin_folio) is
 *   not modelled: a page swapped in comes back to page->mapping's xarray
 *   only, so it would not open a lookup that spins here;
 * - the fault's page lock (VM_FAULT_LOCKED until finish_fault) is taken by
 *   every shmem lookup that finds that page, whatever index it came
 *   through: write(2) (shmem_write_begin -> shmem_get_folio_gfp: folio_lock)
 *   and shmem_undo_range (punch, truncate) wait for it;
 * - the page is the block, and it lives while its count does: a page
 *   punched while pinned (only `no-break-layouts` lets punch run under a pin)
 *   leaves the cache (truncate_inode_folio -> filemap_remove_folio) but stays
 *   allocated until unpin_user_page drops the last reference, and its block
 *   is not reused before (model/world/dax.ts, cacheIsStorage). That shmem
 *   punch waits for pins at all is the DAX world's xfs_break_layouts, which
 *   shmem_fallocate does not do: kept, so that the toggle stays the contrast;
 * - memory failure is memory_failure's page-cache path (mm/memory-failure.c
 *   @ a76cafbae7af), one step: TestSetPageHWPoison, then lock_page(p), which
 *   waits for a fault holding the page (shmem's lock is on the page,
 *   whichever file the fault came through); hwpoison_user_mappings returns
 *   at once when nothing maps the page (`if (!page_mapped(hpage)) return
 *   true`), else collect_procs_file and try_to_unmap walk page->mapping's
 *   i_mmap, the one owner the page can name; a page still mapped fails the
 *   handler before identify_page_state. Otherwise me_pagecache_dirty ->
 *   truncate_error_page(page->mapping) tells that file (shmem's
 *   error_remove_folio keeps the page, v6.x), and another cache's reference
 *   makes the result MF_FAILED, so a consuming load is killed by the machine
 *   check (kill_me_maybe -> kill_me_now). Not modelled: PG_hwpoison set
 *   while a fault holds the page lock, seen by __do_fault as
 *   VM_FAULT_HWPOISON (the fault ends without a pte; here the fault finishes
 *   first and the failure then finds the page mapped).
 */
import type { Config, Design, Recipe } from '../design.js';
import { DAX_BUGS, daxDesign, type DaxAction } from '../world/dax.js';
import { DAX_NOTES } from '../world/dax-notes.js';
import { alreadyPoisoned, closeMemFail, disturb, kill, mappers, memfailReach, openMemFail, pinsOf, settle, tell, zapPte } from '../world/common.js';
import { HOLE, NULL, type World } from '../world/state.js';
import type { View } from '../world/view.js';
import { COWFLAG_AMENDMENTS, flaggedLookup, handOver } from './tmpfs-cowflag-amendments.js';

const base = daxDesign({
  name: 'tmpfs-cowflag',
  summary: 'tmpfs reflink by bumping page counts with a CoW flag, one mapping/index per page (seed 002 opening)',
  seed: 'seed 002: Vito Caputo, "tmpfs reflink" idea, 2020-07-24 (and Willy\'s reply, 2020-07-25)',
  bugs: {
    'write-in-place-shared': 'the CoW flag is not checked: a write to a page with the flag set writes it in place',
    'count-not-dropped': DAX_BUGS['count-not-dropped'],
    'no-break-layouts': DAX_BUGS['no-break-layouts'],
  },
  amendments: COWFLAG_AMENDMENTS,
  bounds: { depth: 5 },
  cacheIsStorage: true,
  properties: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'memfail-notify', 'entry-lock', 'layout-pin'],
  // Vito's idea promises only that pages are shared with their counts bumped
  // and that the CoW flag prevents writes: cow-isolation and refcount. He
  // doubts the rest himself ("a struct page would only belong to a single
  // struct address_space at a time"), and the mail says nothing of memory
  // failure, locking across mappings or pins: single-ownership, memfail-reach,
  // memfail-notify, entry-lock and layout-pin are contrasts with the rules of
  // the designs that answer him (seed 002), not promises of his.
  // Since no lookup through a file the page does not name completes, no pfn is
  // ever mapped by two files and no mapped shared page is CoW-broken: the goals
  // guarding these claims cannot be reached, so they hold only vacuously. The
  // read-in path (a fault on a hole allocating its page) does not change that:
  // it adds pages to the faulting file's own cache, which no other file's
  // lookup returns. Under the amendment `flagged-lookup` (the destination's
  // lookups accept a CoW-flagged page: tmpfs-cowflag-amendments.ts) both
  // goals are reached and both claims are checked for real.
  claims: ['refcount', 'cow-isolation'],
  notes: {
    ...DAX_NOTES,
    write: 'shmem_write_begin: folio_lock, in place or a copy if CoW-flagged (non-owner: spins)',
    fault: 'shmem_fault: the page locked, or a new zeroed one on a hole (non-owner: spins)',
    finish: 'finish_fault: install the pte; a write to a page with the CoW flag copies it first',
    reflink: 'the proposed tmpfs reflink: the source pages go into the destination cache, counts bumped',
    'reflink-range': 'the proposed tmpfs reflink of one page to another offset',
    dedupe: 'the proposed tmpfs dedupe: compare, then share the page as the reflink does',
    punch: 'shmem_fallocate(PUNCH_HOLE) -> shmem_undo_range (a page another file owns: spins)',
    truncate: 'shmem_setattr -> shmem_undo_range (a page another file owns: spins)',
    memfail: 'memory_failure: lock_page, hwpoison_user_mappings via page->mapping, error_remove_folio',
    'memfail-next': 'not taken: memory_failure handles the page in one step, under lock_page',
  },
  notApplicable: { 'reflink-walks-no-pages': "this design walks the pages by construction (it bumps each page's count); the claim is fragment-owner's" },
  policy: {
    // The page is added to the second address_space without changing its owner.
    associate: (d, f, i, pfn) => {
      const fr = d.frame[pfn];
      if (fr.mapping !== NULL) return;
      fr.mapping = f;
      fr.index = i;
    },
    disassociate: (d, f, i, pfn, cfg) => {
      const fr = d.frame[pfn];
      if (fr.mapping === f && fr.index === i) {
        fr.mapping = NULL;
        fr.index = 0;
        handOver(d, f, i, pfn, cfg);
      }
    },
    form: () => 'owned',
    // The world's owner-by-owner walk is not this design's: memory_failure below replaces it.
    memfail: () => ({ walk: [], tells: true, poison: 'report', pageCache: true }),
  },
});

/**
 * A lookup through file f at index i spins: the page there names another
 * mapping (or none); under `flagged-lookup` a page with the CoW flag (a
 * count from more than one file) is accepted (tmpfs-cowflag-amendments.ts).
 */
const spins = (s: World, f: number, i: number, cfg: Config): boolean => {
  const p = s.entry[f][i];
  if (p === NULL || s.frame[p].mapping === f) return false;
  return !(flaggedLookup(cfg) && s.ref[p] > 1);
};
/** The fault between shmem_fault and finish_fault holds its page's lock. */
const pageLocked = (s: World, pfn: number): boolean => s.fault !== null && s.fault.pfn === pfn;

/**
 * Waits for the page lock a fault holds (shmem_fault returns its page locked,
 * VM_FAULT_LOCKED, until finish_fault): write(2)'s shmem_write_begin ->
 * shmem_get_folio_gfp and shmem_undo_range (punch, truncate) lock every page
 * they find, whatever index the fault came through.
 */
function waitsForPageLock(s: World, a: DaxAction): boolean {
  const locked = (f: number, i: number): boolean => s.entry[f][i] !== NULL && pageLocked(s, s.entry[f][i]);
  switch (a.kind) {
    case 'write':
    case 'punch':
      return locked(a.f, a.i);
    case 'truncate':
      return s.entry[a.f].some((_, i) => i >= a.n && locked(a.f, i));
    default:
      return false;
  }
}

function livelocked(s: World, a: DaxAction, cfg: Config): boolean {
  switch (a.kind) {
    case 'fault':
    case 'write':
    case 'punch':
      return spins(s, a.f, a.i, cfg);
    case 'truncate':
      return s.entry[a.f].some((_, i) => i >= a.n && spins(s, a.f, i, cfg));
    default:
      return false;
  }
}

/** memory_failure on a shmem page (see the header), reported by a scrub (by NULL) or by process by's load. */
function failure(s: World, pfn: number, by: number, cfg: Config): Recipe<World> {
  const F = s.ext.length,
    B = s.ext[0].length;
  const reach = memfailReach(s, pfn, F, B, (f, i) => s.ext[f][i]);
  const { mapping: m, index } = s.frame[pfn];
  const early = cfg.params.E === 1;
  const mapped = mappers(s, pfn).length > 0;
  // TestSetPageHWPoison: already poisoned, so kill_accessing_process(current) only (world/common.ts).
  if (s.frame[pfn].poison) {
    return (d) => {
      settle(d);
      alreadyPoisoned(d, { pfn, by, early, shared: s.ref[pfn] > 1 }, reach.related);
    };
  }
  return (d) => {
    settle(d);
    openMemFail(d, { pfn, by, early, shared: s.ref[pfn] > 1 }, reach, []);
    d.frame[pfn].poison = true;
    disturb(d, pfn);
    if (mapped && m !== NULL) {
      // collect_procs_file: process m's vma covers (m, index); try_to_unmap finds its pte there.
      // try_to_unmap zaps the pte, collected or not; the signal takes nothing else (world/common.ts, kill).
      if (early || by === m) kill(d, [m]);
      if (d.pte[m][index] === pfn) zapPte(d, m, index);
    }
    const unmapped = mappers(d as World, pfn).length === 0;
    if (unmapped && m !== NULL) tell(d, m, index, B);
    const extraRefs = s.ref[pfn] > 1 || pinsOf(s).some((p) => p.pfn === pfn);
    closeMemFail(d, !unmapped || m === NULL || extraRefs);
    // A page already out of the cache whose last reference was the pte try_to_unmap zapped is freed (put_page).
    d.frame.forEach((fr, p) => {
      if (!fr.free && fr.count === 0 && d.ref[p] === 0) {
        fr.free = true;
        fr.poison = false;
        disturb(d, p);
      }
    });
  };
}

/**
 * shmem_fault on a hole: shmem_get_folio_gfp(SGP_CACHE) finds no folio and
 * adds a new zeroed one to the file's cache at once (shmem_alloc_and_add_folio),
 * locked, for a read fault as for a write fault; finish_fault then maps it
 * (read-only for a read). Without a free page the fault ends VM_FAULT_OOM.
 */
function faultOnHole(s: World, f: number, i: number, write: boolean): Recipe<World> {
  return (d) => {
    settle(d);
    const q = s.ref.findIndex((r, b) => r === 0 && s.frame[b].free);
    if (q < 0) return;
    d.ref[q] = 1;
    Object.assign(d.frame[q], { free: false, mapping: f, index: i });
    d.disk[q] = 0;
    d.ext[f][i] = q;
    d.entry[f][i] = q;
    d.fault = { f, i, write, pfn: q, stale: false };
  };
}

const design: Design<World, DaxAction, View> = {
  ...base,
  actions: (s, cfg) => {
    const out = base.actions(s, cfg).filter((a) => {
      if (livelocked(s, a, cfg) || waitsForPageLock(s, a)) return false;
      if (a.kind === 'memfail') return !pageLocked(s, a.pfn);
      if (a.kind === 'mce') return !pageLocked(s, s.pte[a.f][a.i]);
      return true;
    });
    // The world has no read fault on a hole (DAX maps the zero page there, dax_load_hole); shmem allocates one.
    if (!s.fault) {
      for (let f = 0; f < s.ext.length; f++) {
        for (let i = 0; i < s.ext[f].length; i++) if (s.ext[f][i] === HOLE && s.pte[f][i] === NULL) out.push({ kind: 'fault', f, i, write: false });
      }
    }
    return out;
  },
  view: (s, cfg) => {
    const v = base.view!(s, cfg);
    return { ...v, read: v.read.map((row, f) => row.map((x, i) => (spins(s, f, i, cfg) ? s.ghost[f][i] : x))) };
  },
  next: {
    ...base.next,
    fault: (a, s, cfg) => (s.ext[a.f][a.i] === HOLE ? faultOnHole(s, a.f, a.i, a.write) : base.next.fault(a, s, cfg)),
    memfail: ({ pfn }, s, cfg) => failure(s, pfn, NULL, cfg),
    mce: ({ f, i }, s, cfg) => failure(s, s.pte[f][i], f, cfg),
  },
};

export default design;
