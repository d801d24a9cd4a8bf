/**
 * fragment-owner's view (model/world/view.ts): what its PFN entries, fragment
 * pages and counts amount to for the sharing properties, and what read(2)
 * returns. The design's transitions are in fragment-owner.ts.
 */
import { blockCounts, pinsOf, ptesOf } from '../world/common.js';
import { HOLE, NULL, type World } from '../world/state.js';
import type { CacheEntry, View } from '../world/view.js';

export interface State extends World {
  /** Ghost: some reflink changed a per-page count. */
  touched: boolean;
}

/** The address space of the fragment of block b. */
export const frag = (s: World, b: number): number => s.ext.length + b;

export function view(s: State): View {
  const F = s.ext.length, B = s.ext[0].length;
  const ptes = ptesOf(s), pins = pinsOf(s);
  const entries: CacheEntry[] = [];
  const refersTo: { what: string; pfn: number }[] = [];
  const holders = new Array<number>(s.frame.length).fill(0);
  s.entry.forEach((row, m) =>
    row.forEach((pfn, i) => {
      if (pfn === NULL) return;
      refersTo.push({ what: `entry (mapping ${m}, index ${i})`, pfn });
      if (m >= F || s.frame[pfn].mapping === m) {
        entries.push({ m, i, pfn, form: 'owned' });
        holders[pfn]++;
      } else {
        entries.push({ m, i, pfn, form: 'via', owner: { mapping: frag(s, s.ext[m][i]), index: 0 } });
      }
    }),
  );
  for (const p of ptes) holders[p.pfn]++;
  for (const p of pins) holders[p.pfn]++;
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
      ...s.frame.map((fr, pfn) => ({ what: `pfn ${pfn}`, stored: fr.count, refs: holders[pfn], free: fr.free, leakable: true })),
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
