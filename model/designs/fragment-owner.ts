/**
 * fragment-owner: Willy's design in seed 002 (Matthew Wilcox, 2020-07-25,
 * "Re: tmpfs reflink"): "both A and B would see DAX entries in their
 * respective page caches. The page would belong to a third address space
 * ... an address space per shared fragment"; "there _shouldn't_ be a
 * refcount from each of file A and B on the page. Instead the refcount from
 * files A and B should be on the fragment ... if we reflink B to C, we don't
 * have to walk every page". KERNEL.md 2.2 (INV-F, INV-G, INV-H).
 *
 * Model: a fragment is one shared block b; its address space is mapping
 * F + b and owns the block's page at index 0; its count is the block's
 * extent reference count. Files' caches hold PFN entries (no page count) for
 * fragment pages, and own their unshared pages as usual. The page cache is
 * write-through (writeback ordering is seeds 003/004's subject), so a clean
 * page a file owns may be reclaimed at any time.
 * Choices where the mail is silent, each the plainest reading:
 * - when a block first becomes shared, the source's page moves to the
 *   fragment's address space (a `mapping` change, no count change);
 * - a fragment keeps its page until its count is 0, even after a partial
 *   CoW (KERNEL 2.2 failure mode (b)), and reclaim does not take it before:
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
 */
import type { Draft } from 'immer';
import type { Config } from '../design.js';
import { defineDesign } from '../design.js';
import { sharingGoals, sharingProperties } from '../../properties/sharing.js';
import { enabled, label, type WorldAction } from '../world/actions.js';
import { closeMemFail, disturb, ghost, inFlight, installPte, kill, mappers, memfailReach, openMemFail, pinPte, settle, tell, zapPte } from '../world/common.js';
import { HOLE, initWorld, lowestFree, NULL, worldParams, type World } from '../world/state.js';
import type { View } from '../world/view.js';
import { frag, readAt, view, type State } from './fragment-owner-view.js';
import { DAX_NOTES } from '../world/dax-notes.js';

type Act = Exclude<WorldAction, { kind: 'truncate' | 'memfail-next' }>;

const freeFrame = (s: World): number => s.frame.findIndex((fr) => fr.free);
/**
 * shrink_folio_list's candidates: clean (write-through), only the cache's
 * reference beside the ptes try_to_unmap can find through page->mapping; a
 * fragment's page only once its fragment is gone, unless `fragment-reclaimable`.
 */
function reclaimable(s: World, fr: World['frame'][number], p: number, cfg: Config): boolean {
  if (fr.free) return false;
  const F = s.ext.length;
  if (fr.mapping >= F && s.ref[fr.block] > 0 && !cfg.bugs.has('fragment-reclaimable')) return false;
  return fr.count === 1 + (fr.mapping >= 0 && fr.mapping < F ? s.pte[fr.mapping].filter((x) => x === p).length : 0);
}
const pinned = (s: World, pfns: readonly number[]): boolean => s.pin.some((row) => row.some((p) => p !== NULL && pfns.includes(p)));
const faultOn = (s: World, f: number): boolean => s.fault !== null && s.fault.f === f;

function allocFrame(d: Draft<State>, mapping: number, index: number, block: number, data: number): number {
  const p = d.frame.findIndex((fr) => fr.free);
  Object.assign(d.frame[p], { mapping, index, block, data, count: 1, free: false, poison: false, share: 0 });
  d.entry[mapping][index] = p;
  return p;
}
function putFrame(d: Draft<State>, p: number): void {
  d.frame[p].count -= 1;
  if (d.frame[p].count === 0) {
    d.frame[p].free = true;
    d.frame[p].mapping = NULL;
    disturb(d, p);
  }
}
// Drops file f's entry at i: an owned page loses its cache reference; a PFN entry holds none.
function dropEntry(d: Draft<State>, f: number, i: number): void {
  const p = d.entry[f][i];
  if (p === NULL) return;
  d.entry[f][i] = NULL;
  if (d.frame[p].mapping === f) putFrame(d, p);
}
// The fragment's count drops; at 0 the fragment goes, and its page with it.
function putBlock(d: Draft<State>, b: number): void {
  d.ref[b] -= 1;
  if (d.ref[b] > 0) return;
  const m = d.ext.length + b;
  const p = d.entry[m][0];
  if (p !== NULL) {
    d.entry[m][0] = NULL;
    putFrame(d, p);
  }
}
// Gives file f's (t, ti) the block b, shared: the fragment count rises; an owned page moves to the fragment.
function share(d: Draft<State>, src: number, si: number, t: number, ti: number, cfg: Config): void {
  const b = d.ext[src][si];
  zapPte(d, t, ti);
  dropEntry(d, t, ti);
  if (d.ext[t][ti] !== HOLE) putBlock(d, d.ext[t][ti]);
  d.ext[t][ti] = b;
  d.ref[b] += 1;
  const p = d.entry[src][si];
  if (p !== NULL && d.frame[p].mapping === src) {
    const m = d.ext.length + b;
    d.frame[p].mapping = m;
    d.frame[p].index = 0;
    d.entry[m][0] = p;
  }
  const fp = d.entry[d.ext.length + b][0];
  if (cfg.bugs.has('count-per-page') && fp !== NULL) d.frame[fp].count += 1;
}
// A count raised on the pages being shared (the source's, and its blocks' fragment pages):
// Willy's claim is that reflink need not "walk every page ... and increase its refcount";
// the destination's old references are dropped by any reflink.
function countsChanged(before: World, d: Draft<State>, src: number, idx: readonly number[]): boolean {
  const F = before.ext.length;
  const pages = idx.flatMap((i) => [before.entry[src][i], before.ext[src][i] === HOLE ? NULL : before.entry[F + before.ext[src][i]][0]]);
  return pages.some((p) => p !== NULL && d.frame[p].count > before.frame[p].count);
}

/**
 * memory_failure on a page-cache page, in one step: TestSetPageHWPoison, then
 * collect_procs, try_to_unmap and error_remove_folio through page->mapping
 * alone (the fragment's, when shared, which no vma maps). A page left mapped
 * fails the handler (MF_FAILED), so a consuming load is killed by the machine
 * check (kill_me_maybe -> kill_me_now). The page is not removed from the
 * cache here (the proposal says nothing of truncating a fragment); faults on
 * it get VM_FAULT_HWPOISON.
 */
function failure(s: State, pfn: number, by: number, cfg: Config): (d: Draft<State>) => void {
  const F = s.ext.length, B = s.ext[0].length;
  const reach = memfailReach(s, pfn, F, B, (f, i) => s.entry[f][i]);
  const fr = s.frame[pfn];
  const early = cfg.params.E === 1;
  return (d) => {
    settle(d);
    openMemFail(d, { pfn, by, early, shared: d.ref[fr.block] > 1 }, reach, []);
    d.frame[pfn].poison = true;
    disturb(d, pfn);
    if (fr.mapping !== NULL && fr.mapping < F) {
      if (early || by === fr.mapping) kill(d, [fr.mapping], putFrame);
      else zapPte(d, fr.mapping, fr.index);
      tell(d, fr.mapping, fr.index, B);
    }
    closeMemFail(d, mappers(d as World, pfn).length > 0, putFrame);
  };
}

export default defineDesign<State, Act, View>({
  name: 'fragment-owner',
  summary: 'PFN entries in file caches; shared pages owned by a per-fragment address space, the count on the fragment',
  seed: 'seed 002: Matthew Wilcox, Re: tmpfs reflink, 2020-07-25 (third address space per shared fragment)',
  params: { ...worldParams, M: { default: 3, min: 1, max: 8, description: 'page frames' } },
  bugs: {
    'count-per-page': 'reflink also bumps the count of each shared page (per-file references on the page, which the design removes)',
    'write-in-place-shared': 'a write to a fragment page writes it in place instead of CoW',
    'no-break-layouts': 'punch and reflink do not wait for pins',
    'fragment-reclaimable': 'fragment pages are ordinary evictable page cache: reclaim frees them while the fragment is referenced',
  },
  bounds: { depth: 6 },
  init: (cfg) => ({ ...initWorld(cfg, cfg.params.M, cfg.params.F + cfg.params.P), touched: false }),
  actions: (s, cfg) =>
    enabled(s, cfg, {
      kinds: new Set(['read', 'write', 'fault', 'finish', 'store', 'unmap', 'reflink', 'reflink-range', 'dedupe', 'punch', 'reclaim', 'memfail', 'mce', 'pin', 'unpin']),
      read: (st, f, i) => readAt(st as State, f, i),
      memfailPfns: (st) => st.frame.flatMap((fr, p) => (!fr.free && !fr.poison ? [p] : [])),
      reclaimPfns: (st) => st.frame.flatMap((fr, p) => (reclaimable(st, fr, p, cfg) ? [p] : [])),
      allow: (st, a, c) => {
        const waitPins = !c.bugs.has('no-break-layouts');
        switch (a.kind) {
          case 'read':
            return st.entry[a.f][a.i] === NULL && st.ext[a.f][a.i] !== HOLE && (st.entry[frag(st, st.ext[a.f][a.i])][0] !== NULL || freeFrame(st) >= 0);
          case 'fault':
            return st.entry[a.f][a.i] !== NULL;
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
    read: ({ f, i }) => (d) => {
      settle(d);
      const b = d.ext[f][i];
      const m = d.ext.length + b;
      if (d.entry[m][0] !== NULL) d.entry[f][i] = d.entry[m][0];
      else if (d.ref[b] > 1) d.entry[f][i] = allocFrame(d, m, 0, b, d.disk[b]);
      else allocFrame(d, f, i, b, d.disk[b]);
    },
    write: ({ f, i, v }, s, cfg) => (d) => {
      settle(d);
      const b = d.ext[f][i];
      if (b !== HOLE && (s.ref[b] === 1 || cfg.bugs.has('write-in-place-shared'))) {
        d.disk[b] = v;
        // The page read(2) would find: the file's entry, else the block's fragment page (a
        // fragment left with one user after a partial CoW still caches the block).
        const p = d.entry[f][i] !== NULL ? d.entry[f][i] : d.entry[d.ext.length + b][0];
        if (p !== NULL) d.frame[p].data = v;
      } else {
        if (b !== HOLE && mappers(s, s.entry[f][i]).some((g) => g !== f)) d.event = 'cow-mapped';
        zapPte(d, f, i);
        dropEntry(d, f, i);
        const q = lowestFree(d.ref);
        d.ref[q] = 1;
        d.disk[q] = v;
        if (b !== HOLE) putBlock(d, b);
        d.ext[f][i] = q;
      }
      ghost.write(d, f, i, v);
    },
    fault: ({ f, i, write }, s) => (d) => {
      settle(d);
      d.fault = { f, i, write, pfn: s.entry[f][i], stale: false };
    },
    finish: (_a, s, cfg) => (d) => {
      settle(d);
      const { f, i, write } = s.fault!;
      d.fault = null;
      const p = d.entry[f][i];
      if (p === NULL) return; // the page went meanwhile: the fault retries (VM_FAULT_RETRY)
      if (d.frame[p].poison) return; // __do_fault: PageHWPoison -> VM_FAULT_HWPOISON (SIGBUS)
      const b = d.ext[f][i];
      if (write && d.ref[b] > 1 && !cfg.bugs.has('write-in-place-shared')) {
        if (lowestFree(d.ref) < 0 || freeFrame(d as World) < 0) return;
        if (mappers(s, p).some((g) => g !== f)) d.event = 'cow-mapped';
        const data = d.frame[p].data;
        zapPte(d, f, i);
        dropEntry(d, f, i);
        const q = lowestFree(d.ref);
        d.ref[q] = 1;
        d.disk[q] = data;
        putBlock(d, b);
        d.ext[f][i] = q;
        installPte(d, f, i, allocFrame(d, f, i, q, data), true);
        return;
      }
      installPte(d, f, i, p, write);
    },
    store: ({ f, i, v }) => (d) => {
      settle(d);
      const p = d.pte[f][i];
      d.frame[p].data = v;
      d.disk[d.frame[p].block] = v; // write-through
      ghost.write(d, f, i, v);
    },
    unmap: ({ f, i }) => (d) => {
      settle(d);
      zapPte(d, f, i);
    },
    pin: ({ f, i }) => (d) => {
      settle(d);
      pinPte(d, f, i);
    },
    unpin: ({ f, i }) => (d) => {
      settle(d);
      putFrame(d, d.pin[f][i]);
      d.pin[f][i] = NULL;
    },
    punch: ({ f, i }) => (d) => {
      settle(d);
      zapPte(d, f, i);
      dropEntry(d, f, i);
      putBlock(d, d.ext[f][i]);
      d.ext[f][i] = HOLE;
      ghost.punch(d, f, i);
    },
    reflink: ({ s: src, d: dst }, s, cfg) => (d) => {
      settle(d);
      for (let i = 0; i < s.ext[src].length; i++) d.ptew[src][i] = false;
      for (let i = 0; i < s.ext[src].length; i++) {
        if (s.ext[src][i] !== HOLE) share(d, src, i, dst, i, cfg);
        else {
          zapPte(d, dst, i);
          dropEntry(d, dst, i);
          if (d.ext[dst][i] !== HOLE) putBlock(d, d.ext[dst][i]);
          d.ext[dst][i] = HOLE;
        }
      }
      ghost.reflink(d, src, dst);
      if (countsChanged(s, d, src, [...s.ext[src].keys()])) d.touched = true;
    },
    'reflink-range': ({ s: src, si, d: dst, di }, s, cfg) => (d) => {
      settle(d);
      d.event = 'reflink-range';
      d.ptew[src][si] = false;
      share(d, src, si, dst, di, cfg);
      ghost.reflinkRange(d, src, si, dst, di);
      if (countsChanged(s, d, src, [si])) d.touched = true;
    },
    dedupe: ({ s: src, si, d: dst, di }, s, cfg) => (d) => {
      settle(d);
      d.ptew[src][si] = false;
      share(d, src, si, dst, di, cfg);
      if (countsChanged(s, d, src, [si])) d.touched = true;
    },
    // try_to_unmap through page->mapping, then remove the page if only the cache holds it.
    reclaim: ({ pfn }) => (d) => {
      settle(d);
      const m = d.frame[pfn].mapping;
      if (m < d.ext.length) zapPte(d, m, d.frame[pfn].index);
      d.entry[m][d.frame[pfn].index] = NULL;
      putFrame(d, pfn);
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
    read: 'filemap_read: the block read into a page; a shared block\'s page belongs to its fragment',
    write: 'generic_perform_write: in place, or a private page replacing a fragment\'s (CoW)',
    fault: 'filemap_fault: the page (own, or the fragment\'s via the PFN entry), locked, with a reference',
    finish: 'finish_fault: install the pte; a write to a fragment page first copies it into the file',
    reflink: 'the proposed reflink: fragment counts raised, the source page moved to its fragment',
    'reflink-range': 'the proposed reflink of one block to another offset (a fragment shared at two offsets)',
    dedupe: 'the proposed dedupe: compare, then share the block as the reflink does',
    punch: 'truncate_inode_pages_range on the file, the fragment\'s count dropped',
    reclaim: 'shrink_folio_list: folio_trylock, try_to_unmap via page->mapping, remove it from there',
    memfail: 'memory_failure: TestSetPageHWPoison, collect_procs and try_to_unmap via page->mapping',
  },
  sometimes: sharingGoals(),
});
