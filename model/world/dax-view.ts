/**
 * The common view (model/world/view.ts) of a DAX world's state: what read(2)
 * returns is the block's contents, a pfn is its block, each entry claims the
 * ownership the design's association gives it, and a frame's count must equal
 * its holders: pins, ptes where a pte holds a reference (DaxPolicy.pteHoldsRef),
 * and the design's own structures.
 */
import { blockCounts, pinsOf, ptesOf } from './common.js';
import type { DaxPolicy } from './dax-policy.js';
import { HOLE, NULL, type World } from './state.js';
import type { CacheEntry, View } from './view.js';

export function daxView(s: World, policy: DaxPolicy): View {
  const F = s.ext.length,
    B = s.ext[0].length;
  const ptes = ptesOf(s),
    pins = pinsOf(s);
  const entries: CacheEntry[] = [];
  const refersTo: { what: string; pfn: number }[] = [];
  for (let f = 0; f < F; f++) {
    for (let i = 0; i < B; i++) {
      const pfn = s.entry[f][i];
      if (pfn === NULL) continue;
      if (policy.entries) entries.push(...policy.entries(s, f, i, pfn));
      else entries.push({ m: f, i, pfn, form: policy.form(s, pfn) });
      refersTo.push({ what: `entry (file ${f}, index ${i})`, pfn });
    }
  }
  const holders = new Array<number>(s.frame.length).fill(0);
  if (policy.pteHoldsRef !== false) for (const p of ptes) holders[p.pfn]++;
  for (const p of pins) holders[p.pfn]++;
  if (policy.refers) refersTo.push(...policy.refers(s));
  const view: View = {
    F,
    B,
    ghost: s.ghost,
    read: s.ext.map((row) => row.map((b) => (b === HOLE ? 0 : s.disk[b]))),
    resolve: s.ext,
    data: (pfn) => s.disk[pfn],
    shared: (pfn) => s.ref[pfn] > 1,
    frames: s.frame,
    ptes,
    pins,
    entries,
    counted: [
      ...blockCounts(s),
      ...s.frame.map((fr, pfn) => ({ what: `pfn ${pfn}`, stored: fr.count, refs: holders[pfn] + (policy.extraRefs?.(s, pfn) ?? 0), free: fr.free, leakable: policy.leakable?.(s, pfn) ?? false })),
    ],
    refersTo,
    fault: s.fault,
    mf: s.mf,
    event: s.event,
  };
  // Assigned, not spread from a condition (a slow path for every state); last, as the spread put it.
  if (s.deduped !== undefined && s.deduped !== NULL) (view as { deduped?: View['deduped'] }).deduped = { f: Math.floor(s.deduped / B), i: s.deduped % B };
  return view;
}
