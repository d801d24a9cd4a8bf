/**
 * fragment-owner: Willy's design in seed 002 (Matthew Wilcox, 2020-07-25,
 * "Re: tmpfs reflink"): "both A and B would see DAX entries in their
 * respective page caches. The page would belong to a third address space
 * ... an address space per shared fragment"; "there _shouldn't_ be a
 * refcount from each of file A and B on the page. Instead the refcount from
 * files A and B should be on the fragment ... if we reflink B to C, we don't
 * have to walk every page". KERNEL.md 2.2 (INV-F, INV-G, INV-H).
 *
 * Model: a fragment is the run of blocks one reflink shares (a whole-file
 * reflink of a file of two blocks makes one fragment of two blocks; a range
 * reflink or a dedupe one of one block); fragment k's address space is
 * mapping F + k and owns the page of each of its blocks at the index the
 * block had in the source file. Files' caches hold PFN entries (no page
 * count) for fragment pages, and own their unshared pages as usual. The page
 * cache is write-through (writeback ordering is seeds 003/004's subject), so
 * a clean page a file owns may be reclaimed at any time.
 * Choices where the mail is silent, each the plainest reading:
 * - the fragment's count is one per file that maps any of its blocks
 *   ("the refcount from files A and B should be on the fragment"): a file
 *   that CoWs one block of a two-block fragment and still maps the other
 *   keeps its reference (INV-H: "F.ref is unchanged while A still
 *   references other parts of F"). The other reading, a count per block
 *   reference, would drop it at every partial CoW and free pages another
 *   block of the fragment still needs: bug toggle `fragment-put-per-block`;
 * - the filesystem keeps its per-block extent counts (`ref`, its refcount
 *   btree), which the proposal does not touch: a block no file maps is free
 *   and leaves its fragment, and a CoW copies only the block written;
 * - blocks already in a fragment stay in it when reflinked again (the
 *   destination takes a reference on that fragment, no page is walked:
 *   "if we reflink B to C, we don't have to walk every page"); only blocks
 *   in no fragment form a new one;
 * - when a block first becomes shared, the source's page moves to the
 *   fragment's address space (a `mapping` change, no count change);
 * - a fragment keeps its pages until its count is 0, even after a partial
 *   CoW, and even the page of a block no file maps any more (KERNEL 2.2
 *   failure mode (b), retention: the goal `fragment-retains-page`); reclaim
 *   does not take them before:
 *   "When the fragment's refcount goes to zero, we know there are no more
 *   references to the fragment and all its pages can be freed" makes the
 *   fragment's count the reference that the files' PFN entries do not hold
 *   on the page (INV-G: freeable iff F.ref = 0). In kernel terms the
 *   fragment's mapping is unevictable while referenced (shrink_folio_list:
 *   folio_evictable fails). The other reading, fragment pages as ordinary
 *   evictable page cache, needs the PFN entries invalidated on eviction,
 *   which takes the reverse index the mail does not have: it is the bug
 *   toggle `fragment-reclaimable` (a dangling PFN entry, a use after free);
 * - no fragment -> (file, offset) reverse index exists (the mail has none):
 *   rmap walks (reclaim, memory failure) go through `page->mapping`, the
 *   fragment's, which no vma maps (KERNEL 2.2 failure mode (a));
 * - reflink write-protects the source's ptes (page_mkclean) rather than
 *   unmapping them: the page stays, only writes must fault and CoW;
 * - every fault holds the page it found locked, with a reference, from the
 *   lookup to finish_fault (filemap_fault: "Found the page and have a
 *   reference on it", VM_FAULT_LOCKED), the file's own page or the
 *   fragment's through a PFN entry alike (a lookup through a PFN entry to
 *   RAM must pin the page before use, as every page-cache lookup does): so
 *   reclaim (shrink_folio_list: folio_trylock) skips it and memory failure
 *   (lock_page) waits. The PFN entry itself holds no reference (Willy:
 *   "there _shouldn't_ be a refcount from each of file A and B on the
 *   page"). The fault's transient reference is not in the model's count.
 *   A lookup through a PFN entry left to a freed frame (only under
 *   `fragment-reclaimable`) never gets its reference (filemap_get_entry:
 *   folio_try_get fails on count 0, `goto repeat`): that fault spins and is
 *   not an action. Nothing takes the fault's page out of a cache or frees
 *   it meanwhile: every page_cache_delete runs under the page lock
 *   (filemap_remove_folio), so a punch, a CoW or a reflink that would remove
 *   it (a file's own page, or a fragment's at its last count) waits for
 *   finish_fault, as truncate_inode_pages_range sleeps in folio_lock; an
 *   unpin that would free it waits too, standing for the fault's reference
 *   that keeps it allocated (removesFaultPage);
 * - what it takes (fragment-owner-amendments.ts): Willy's claims hold as
 *   proposed; memory failure reaching the files behind a fragment page
 *   (not claimed) takes the filesystem's reverse map, `fragment-rmap`;
 * - a fault on a page-cache miss reads the page in, as filemap_fault does
 *   (__filemap_get_folio(FGP_CREAT) adds a locked folio, ->read_folio fills
 *   it), into the fragment's address space for a shared block, exactly as
 *   read(2) does; faults on holes are not modelled (read_folio would zero a
 *   page and page_mkwrite allocate its block; write(2) fills holes here);
 * - a page leaves a cache (punch, CoW, the fragment's last reference,
 *   reclaim) through filemap_remove_folio -> page_cache_delete, which sets
 *   `folio->mapping = NULL` whoever still holds the page: a page punched
 *   while pinned (only `no-break-layouts` lets punch run under a pin) lives
 *   on with mapping NULL until unpin_user_page drops the last reference, and
 *   no rmap walk finds a process through it.
 */
import type { Draft } from 'immer';
import type { Config, Design, Goal } from '../design.js';
import { defineDesign } from '../design.js';
import { sharingGoals, sharingProperties } from '../../properties/sharing.js';
import { enabled, label } from '../world/actions.js';
import { ghost, inFlight, installPte, mappers, pinPte, settle, zapPte } from '../world/common.js';
import { HOLE, initWorld, lowestFree, NULL, worldParams, type World } from '../world/state.js';
import type { View } from '../world/view.js';
import { fragPage, fragsOf, readAt, retained, view, type State } from './fragment-owner-view.js';
import { allocFrame, countsChanged, deleteFromCache, dropEntry, formFragment, freeFrame, putBlock, putFragment, putFrame, readIn, reapOrphans, remapFile, shareTo } from './fragment-owner-cache.js';
import { DAX_NOTES } from '../world/dax-notes.js';
import { FRAGMENT_AMENDMENTS } from './fragment-owner-amendments.js';
import { failure } from './fragment-owner-memfail.js';
import { removesFaultPage, type Act } from './fragment-owner-fault-page.js';

/**
 * shrink_folio_list's candidates: clean (write-through), only the cache's
 * reference beside the ptes try_to_unmap can find through page->mapping; a
 * fragment's page only once its fragment is gone, unless `fragment-reclaimable`.
 */
function reclaimable(s: State, fr: World['frame'][number], p: number, cfg: Config): boolean {
  // A page out of every cache (punched while pinned) goes when its last reference does, not by reclaim.
  if (fr.free || fr.mapping === NULL) return false;
  const F = s.ext.length;
  if (fr.mapping >= F && s.fref[fr.mapping - F] > 0 && !cfg.bugs.has('fragment-reclaimable')) return false;
  return fr.count === 1 + (fr.mapping < F ? s.pte[fr.mapping].filter((x) => x === p).length : 0);
}
const pinned = (s: World, pfns: readonly number[]): boolean => s.pin.some((row) => row.some((p) => p !== NULL && pfns.includes(p)));
const faultOn = (s: World, f: number): boolean => s.fault !== null && s.fault.f === f;
/** A miss that can be read in: a block to read, and its fragment's page or a free frame to read it into. */
const canReadIn = (s: State, f: number, i: number): boolean => s.ext[f][i] !== HOLE && (fragPage(s, s.ext[f][i]) !== NULL || freeFrame(s) >= 0);

/**
 * CoW of file f's index i, in state s, to a new block holding `data`: f's
 * entry and pte go, the old block loses f's reference, and f's reference on
 * the old block's fragment stays if f still maps another of its blocks
 * (INV-H: "F.ref is unchanged while A still references other parts of F").
 */
function cowBreak(d: Draft<State>, s: State, f: number, i: number, data: number, cfg: Config): number {
  const b = s.ext[f][i];
  // The page CoW breaks away from: f's own entry, else the block's fragment page (f had not looked it up).
  const old = s.entry[f][i] !== NULL ? s.entry[f][i] : fragPage(s, b);
  if (b !== HOLE && old !== NULL && mappers(s, old).some((g) => g !== f)) d.event = 'cow-mapped';
  const q = lowestFree(d.ref);
  remapFile(d, f, () => {
    zapPte(d, f, i);
    dropEntry(d, f, i);
    d.ref[q] = 1;
    d.disk[q] = data;
    if (b !== HOLE) putBlock(d, b);
    d.ext[f][i] = q;
  });
  const k = b === HOLE ? NULL : s.fragOf[b];
  if (k !== NULL && fragsOf(d as State, f).includes(k)) {
    d.partial = true;
    if (cfg.bugs.has('fragment-put-per-block')) putFragment(d, k);
  }
  return q;
}

/** The seed-002 situations multi-block fragments open (KERNEL 2.2 INV-H and failure mode (b)). */
const FRAGMENT_GOALS: Goal<State, View>[] = [
  {
    id: 'partial-cow-of-fragment',
    guards: ['cow-isolation', 'refcount'],
    description: 'a CoW of one block of a fragment by a file that still references the fragment through another',
    reached: (s) => s.partial,
  },
  { id: 'fragment-retains-page', guards: ['refcount'], description: 'a referenced fragment keeps a page of a block no file maps any more', reached: (s) => retained(s) },
];

const fragmentOwner: Design<State, Act, View> = defineDesign<State, Act, View>({
  name: 'fragment-owner',
  picture: { world: 'dax' },
  summary: 'PFN entries in file caches; shared pages owned by a per-fragment address space, the count on the fragment',
  seed: 'seed 002: Matthew Wilcox, Re: tmpfs reflink, 2020-07-25 (third address space per shared fragment)',
  params: { ...worldParams, M: { default: 3, min: 1, max: 8, description: 'page frames' } },
  bugs: {
    'count-per-page': 'reflink also bumps the count of each shared page (per-file references on the page, which the design removes)',
    'write-in-place-shared': 'a write to a fragment page writes it in place instead of CoW',
    'no-break-layouts': 'punch and reflink do not wait for pins',
    'fragment-reclaimable': 'fragment pages are ordinary evictable page cache: reclaim frees them while the fragment is referenced',
    'fragment-put-per-block': "a CoW of one block drops the writer's reference on the fragment though it still maps another of its blocks (a count per block, not per file)",
  },
  amendments: FRAGMENT_AMENDMENTS,
  bounds: { depth: 6 },
  init: (cfg) => {
    const { F, P } = cfg.params;
    return { ...initWorld(cfg, cfg.params.M, F + P), touched: false, fragOf: new Array<number>(P).fill(NULL), fidx: new Array<number>(P).fill(0), fref: new Array<number>(P).fill(0), partial: false };
  },
  events: { partial: false },
  actions: (s, cfg) =>
    enabled(s, cfg, {
      kinds: new Set(['read', 'write', 'fault', 'finish', 'store', 'unmap', 'reflink', 'reflink-range', 'dedupe', 'punch', 'reclaim', 'memfail', 'mce', 'pin', 'unpin']),
      read: (st, f, i) => readAt(st, f, i),
      memfailPfns: (st) => st.frame.flatMap((fr, p) => (!fr.free && !fr.poison ? [p] : [])),
      reclaimPfns: (st) => st.frame.flatMap((fr, p) => (reclaimable(st, fr, p, cfg) ? [p] : [])),
      allow: (st, a, c) => {
        if (removesFaultPage(st, a as Act, c, fragmentOwner.next)) return false;
        const waitPins = !c.bugs.has('no-break-layouts');
        switch (a.kind) {
          case 'read':
            return st.entry[a.f][a.i] === NULL && canReadIn(st, a.f, a.i);
          // A miss reads the page in (readIn), as `read` does; a hit must get a reference on the page
          // (filemap_get_entry: folio_try_get, else `goto repeat`): through a PFN entry left to a freed
          // frame (fragment-reclaimable) it never does, and the fault spins: not an action.
          case 'fault': {
            const p = st.entry[a.f][a.i];
            return p !== NULL ? !st.frame[p].free : canReadIn(st, a.f, a.i);
          }
          case 'write': {
            const b = st.ext[a.f][a.i];
            if ((b === HOLE || st.ref[b] > 1) && lowestFree(st.ref) < 0) return false;
            return !(st.fault && st.fault.f === a.f && st.fault.i === a.i);
          }
          case 'punch':
            return !faultOn(st, a.f) && !(waitPins && pinned(st, [st.entry[a.f][a.i]]));
          case 'reflink':
            return !faultOn(st, a.s) && !faultOn(st, a.d) && !(waitPins && pinned(st, [...st.entry[a.s], ...st.entry[a.d]]));
          case 'reflink-range':
          case 'dedupe':
            return !faultOn(st, a.s) && !faultOn(st, a.d) && !(waitPins && pinned(st, [st.entry[a.s][a.si], st.entry[a.d][a.di]]));
          // A fault holds the page it found locked, with a reference: reclaim's folio_trylock fails.
          case 'reclaim':
            return !pinned(st, [a.pfn]) && !(st.fault && st.fault.pfn === a.pfn);
          // memory_failure: lock_page(p) before hwpoison_user_mappings waits for the fault.
          case 'memfail':
          case 'mce': {
            const pfn = a.kind === 'memfail' ? a.pfn : st.pte[a.f][a.i];
            return !(st.fault && st.fault.pfn === pfn);
          }
          default:
            return true;
        }
      },
    }) as Act[],
  label,
  next: {
    read:
      ({ f, i }) =>
      (d) => {
        settle(d);
        readIn(d, f, i);
      },
    write:
      ({ f, i, v }, s, cfg) =>
      (d) => {
        settle(d);
        const b = d.ext[f][i];
        if (b !== HOLE && (s.ref[b] === 1 || cfg.bugs.has('write-in-place-shared'))) {
          d.disk[b] = v;
          // The page read(2) would find: the file's entry, else the block's fragment page (a
          // fragment left with one user after a partial CoW still caches the block).
          const p = d.entry[f][i] !== NULL ? d.entry[f][i] : fragPage(d as State, b);
          if (p !== NULL) d.frame[p].data = v;
        } else {
          cowBreak(d, s, f, i, v, cfg);
        }
        ghost.write(d, f, i, v);
      },
    // filemap_fault: the page found, or (a miss) created locked and read in, held locked with a reference.
    fault:
      ({ f, i, write }, s) =>
      (d) => {
        settle(d);
        const pfn = s.entry[f][i] !== NULL ? s.entry[f][i] : readIn(d, f, i);
        d.fault = { f, i, write, pfn, stale: false };
      },
    finish: (_a, s, cfg) => (d) => {
      settle(d);
      const { f, i, write } = s.fault!;
      d.fault = null;
      // filemap_fault and filemap_page_mkwrite: a page whose mapping is gone is unlocked and put, and the
      // fault retries (goto retry_find; VM_FAULT_NOPAGE); that put_page frees a page orphaned meanwhile.
      const orphan = d.frame[s.fault!.pfn].mapping === NULL;
      reapOrphans(d);
      if (orphan) return;
      const p = d.entry[f][i];
      if (p === NULL) return; // the page went meanwhile: the fault retries (VM_FAULT_RETRY)
      if (d.frame[p].poison) return; // __do_fault: PageHWPoison -> VM_FAULT_HWPOISON (SIGBUS)
      const b = d.ext[f][i];
      if (write && d.ref[b] > 1 && !cfg.bugs.has('write-in-place-shared')) {
        if (lowestFree(d.ref) < 0 || freeFrame(d as World) < 0) return;
        const data = d.frame[p].data;
        const q = cowBreak(d, s, f, i, data, cfg);
        installPte(d, f, i, allocFrame(d, f, i, q, data), true);
        return;
      }
      installPte(d, f, i, p, write);
    },
    store:
      ({ f, i, v }) =>
      (d) => {
        settle(d);
        const p = d.pte[f][i];
        d.frame[p].data = v;
        d.disk[d.frame[p].block] = v; // write-through
        ghost.write(d, f, i, v);
      },
    unmap:
      ({ f, i }) =>
      (d) => {
        settle(d);
        zapPte(d, f, i);
      },
    pin:
      ({ f, i }) =>
      (d) => {
        settle(d);
        pinPte(d, f, i);
      },
    unpin:
      ({ f, i }) =>
      (d) => {
        settle(d);
        putFrame(d, d.pin[f][i]);
        d.pin[f][i] = NULL;
      },
    punch:
      ({ f, i }) =>
      (d) => {
        settle(d);
        remapFile(d, f, () => {
          zapPte(d, f, i);
          dropEntry(d, f, i);
          putBlock(d, d.ext[f][i]);
          d.ext[f][i] = HOLE;
        });
        ghost.punch(d, f, i);
      },
    reflink:
      ({ s: src, d: dst }, s, cfg) =>
      (d) => {
        settle(d);
        const idx = [...s.ext[src].keys()];
        for (const i of idx) d.ptew[src][i] = false;
        formFragment(d, src, idx);
        remapFile(d, dst, () => {
          for (const i of idx) shareTo(d, dst, i, d.ext[src][i], cfg);
        });
        ghost.reflink(d, src, dst);
        if (countsChanged(s, d, src, idx)) d.touched = true;
      },
    'reflink-range':
      ({ s: src, si, d: dst, di }, s, cfg) =>
      (d) => {
        settle(d);
        d.event = 'reflink-range';
        d.ptew[src][si] = false;
        formFragment(d, src, [si]);
        remapFile(d, dst, () => shareTo(d, dst, di, d.ext[src][si], cfg));
        ghost.reflinkRange(d, src, si, dst, di);
        if (countsChanged(s, d, src, [si])) d.touched = true;
      },
    dedupe:
      ({ s: src, si, d: dst, di }, s, cfg) =>
      (d) => {
        settle(d);
        d.ptew[src][si] = false;
        formFragment(d, src, [si]);
        remapFile(d, dst, () => shareTo(d, dst, di, d.ext[src][si], cfg));
        if (countsChanged(s, d, src, [si])) d.touched = true;
      },
    // try_to_unmap through page->mapping, then remove the page if only the cache holds it.
    reclaim:
      ({ pfn }) =>
      (d) => {
        settle(d);
        const m = d.frame[pfn].mapping;
        if (m < d.ext.length) zapPte(d, m, d.frame[pfn].index);
        deleteFromCache(d, m, d.frame[pfn].index);
      },
    memfail: ({ pfn }, s, cfg) => failure(s, pfn, NULL, cfg),
    mce: ({ f, i }, s, cfg) => failure(s, s.pte[f][i], f, cfg),
  },
  view,
  waiting: inFlight,
  always: sharingProperties(['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'memfail-notify', 'entry-lock', 'layout-pin', 'reflink-walks-no-pages']),
  // Willy promises one owner per shared page, the third address space (INV-F:
  // single-ownership), the count on the fragment, pages freed when it drops to
  // zero (refcount), reflink without a page walk (reflink-walks-no-pages), and
  // a reflink's copy-on-write (cow-isolation: the point of a reflink).
  // Not claimed: memfail-reach, memfail-notify, entry-lock, layout-pin. The
  // mail says nothing of memory failure, reverse maps, locking across the
  // files' caches or pins ("There are a lot of details to get right around
  // this approach"); KERNEL 2.2's rmap gap is derived, not his promise.
  claims: ['single-ownership', 'refcount', 'cow-isolation', 'reflink-walks-no-pages'],
  notes: {
    store: DAX_NOTES.store,
    unmap: DAX_NOTES.unmap,
    pin: DAX_NOTES.pin,
    unpin: DAX_NOTES.unpin,
    mce: DAX_NOTES.mce,
    read: "filemap_read: the block read into a page; a shared block's page belongs to its fragment",
    write: "generic_perform_write: in place, or a private page replacing a fragment's (CoW)",
    fault: 'filemap_fault, or do_wp_page for a write over a read-only pte: the page held locked',
    finish: 'finish_fault: install the pte; a write to a fragment page first copies it into the file',
    reflink: "the proposed reflink: unshared source blocks form one fragment; each fragment's count +1",
    'reflink-range': 'the proposed reflink of one block to another offset (a fragment shared at two offsets)',
    dedupe: 'the proposed dedupe: compare, then share the block as the reflink does',
    punch: "truncate_inode_pages_range (page_cache_delete: mapping NULL); the fragment's count may drop",
    reclaim: 'shrink_folio_list: folio_trylock, try_to_unmap via page->mapping, remove it from there',
    memfail: 'memory_failure: TestSetPageHWPoison, collect_procs and try_to_unmap via page->mapping',
  },
  sometimes: [...sharingGoals<State>(), ...FRAGMENT_GOALS],
});

export default fragmentOwner;
