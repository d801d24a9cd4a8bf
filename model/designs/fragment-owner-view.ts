/**
 * fragment-owner's state beyond the world, the lookups its transitions share,
 * and its view (model/world/view.ts): what its PFN entries, fragment pages
 * and counts amount to for the sharing properties, and what read(2) returns.
 * The transitions are in fragment-owner.ts and fragment-owner-cache.ts.
 */
import { blockCounts, pinsOf, ptesOf } from '../world/common.js';
import { HOLE, NULL, type World } from '../world/state.js';
import type { CacheEntry, View } from '../world/view.js';

export interface State extends World {
  /** Ghost: some reflink changed a per-page count. */
  touched: boolean;
  /**
   * fragOf[b]: the fragment block b belongs to, or NULL. Fragment k's address
   * space is mapping F + k; a fragment is the run of blocks one reflink
   * shared, so a whole-file reflink of a file of two blocks makes one
   * fragment of two blocks.
   */
  fragOf: number[];
  /** fidx[b]: b's index in its fragment's address space (the source file's index it was shared from). */
  fidx: number[];
  /**
   * fref[k]: fragment k's count, one per file that references it (Willy:
   * "the refcount from files A and B should be on the fragment"): a file that
   * CoWs one block of a fragment but still maps another keeps its reference.
   */
  fref: number[];
  /** Event: this step CoW-broke one block of a fragment the writing file still references through another. */
  partial: boolean;
}

/** The address space of fragment k. */
export const fragSpace = (s: World, k: number): number => s.ext.length + k;

/** The page fragment-owner caches block b in, if b is in a fragment and its page is there. */
export function fragPage(s: State, b: number): number {
  if (b === HOLE || s.fragOf[b] === NULL) return NULL;
  return s.entry[fragSpace(s, s.fragOf[b])][s.fidx[b]];
}

/** The fragments file f references (maps some block of), ascending. */
export function fragsOf(s: State, f: number): number[] {
  const out: number[] = [];
  for (const b of s.ext[f]) if (b !== HOLE && s.fragOf[b] !== NULL && !out.includes(s.fragOf[b])) out.push(s.fragOf[b]);
  return out.sort((x, y) => x - y);
}

/** A page a fragment keeps that no file maps any more (KERNEL 2.2 failure mode (b), retention). */
export const retained = (s: State): boolean => s.frame.some((fr) => !fr.free && fr.mapping >= s.ext.length && fr.block === HOLE && s.fref[fr.mapping - s.ext.length] > 0);

export function view(s: State): View {
  const F = s.ext.length,
    B = s.ext[0].length;
  const ptes = ptesOf(s),
    pins = pinsOf(s);
  const entries: CacheEntry[] = [];
  const refersTo: { what: string; pfn: number }[] = [];
  const holders = new Array<number>(s.frame.length).fill(0);
  s.entry.forEach((row, m) =>
    row.forEach((pfn, i) => {
      if (pfn === NULL) return;
      refersTo.push({ what: `entry (mapping ${m}, index ${i})`, pfn });
      const fr = s.frame[pfn];
      if (m >= F || (fr.mapping === m && fr.index === i)) {
        entries.push({ m, i, pfn, form: 'owned' });
        holders[pfn]++;
      } else {
        // A PFN entry stands for the page of its block's fragment.
        const b = s.ext[m][i];
        const k = b === HOLE ? NULL : s.fragOf[b];
        entries.push({ m, i, pfn, form: 'via', owner: k === NULL ? { mapping: NULL, index: 0 } : { mapping: fragSpace(s, k), index: s.fidx[b] } });
      }
    }),
  );
  for (const p of ptes) holders[p.pfn]++;
  for (const p of pins) holders[p.pfn]++;
  const users = s.fref.map((_, k) => s.ext.filter((_row, f) => fragsOf(s, f).includes(k)).length);
  return {
    F,
    B,
    ghost: s.ghost,
    read: s.ext.map((row, f) => row.map((_, i) => readAt(s, f, i))),
    resolve: s.entry.slice(0, F),
    data: (pfn) => s.frame[pfn].data,
    shared: (pfn) => s.frame[pfn].block !== HOLE && s.ref[s.frame[pfn].block] > 1,
    frames: s.frame,
    ptes,
    pins,
    entries,
    counted: [
      ...blockCounts(s),
      // The in-flight fault's reference is not in the count (fragment-owner.ts): its page is held, not leaked.
      ...s.frame.map((fr, pfn) => ({ what: `pfn ${pfn}`, stored: fr.count, refs: holders[pfn], free: fr.free, leakable: s.fault === null || s.fault.pfn !== pfn })),
      // A fragment with no count must have let its pages go (seed 002: "all its pages can be freed").
      ...s.fref.map((stored, k) => ({
        what: `fragment ${k}`,
        stored,
        refs: users[k],
        free: stored === 0 && s.entry[fragSpace(s, k)].every((p) => p === NULL),
        leakable: true,
      })),
    ],
    refersTo,
    fault: s.fault,
    mf: s.mf,
    event: s.event,
    reflinkTouchedPages: s.touched,
  };
}

/** What read(2) of file f at index i returns: the cached frame's data, else the block's. */
export function readAt(s: State, f: number, i: number): number {
  const pfn = s.entry[f][i];
  if (pfn !== NULL) return s.frame[pfn].data;
  const b = s.ext[f][i];
  return b === HOLE ? 0 : s.disk[b];
}
