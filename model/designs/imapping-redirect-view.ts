/**
 * imapping-redirect's address spaces (inodes' i_data first, then the shared
 * ones), the lookups its transitions share, and its view for the sharing
 * properties (model/world/view.ts). The transitions are in
 * imapping-redirect.ts.
 */
import { pinsOf, ptesOf } from '../world/common.js';
import { NULL, type World } from '../world/state.js';
import type { CacheEntry, View } from '../world/view.js';

export interface State extends World {
  /** imap[f]: inode f's i_mapping (f for &f->i_data, F.. for a shared address space). */
  imap: number[];
  /** fmap[f]: f_mapping of process f's open file of inode f, captured at open; NULL before. */
  fmap: number[];
  /** vmap[f]: f_mapping of the file process f's vma maps, captured at mmap; NULL before. */
  vmap: number[];
}

export const F_ = (s: World): number => s.pte.length;
export const users = (s: State, m: number): number => s.imap.filter((x) => x === m).length;
export const sharedSpace = (s: State, m: number): boolean => users(s, m) > 1;
export const freeFrames = (s: World): number => s.frame.filter((fr) => fr.free).length;
export const pagesIn = (s: World, m: number): number => s.entry[m].filter((p) => p !== NULL).length;
export const pageAt = (s: World, m: number, i: number): number => (m === NULL ? NULL : s.entry[m][i]);
export const dataAt = (s: World, m: number, i: number): number => (pageAt(s, m, i) === NULL ? 0 : s.frame[pageAt(s, m, i)].data);
/** A shared address space nothing refers to, for a new sharing group. */
export const idleSpace = (s: State): number => {
  for (let m = F_(s); m < s.entry.length; m++) {
    if (!s.imap.includes(m) && !s.fmap.includes(m) && !s.vmap.includes(m) && pagesIn(s, m) === 0) return m;
  }
  return NULL;
};
export const pinned = (s: World, m: number): boolean => pinsOf(s).some((p) => s.frame[p.pfn].mapping === m);
/** Where write_begin writes for an fd whose f_mapping is fm: fm->host's i_mapping (the shared space's host keeps it). */
export const writeTarget = (s: State, fm: number): number => (fm < F_(s) ? s.imap[fm] : fm);

export function view(s: State): View {
  const F = F_(s),
    B = s.pte[0].length;
  const ptes = ptesOf(s),
    pins = pinsOf(s);
  const entries: CacheEntry[] = [];
  const refersTo: { what: string; pfn: number }[] = [];
  const holders = new Array<number>(s.frame.length).fill(0);
  s.entry.forEach((row, m) =>
    row.forEach((pfn, i) => {
      if (pfn === NULL) return;
      entries.push({ m, i, pfn, form: 'owned' });
      refersTo.push({ what: `entry (mapping ${m}, index ${i})`, pfn });
      holders[pfn]++;
    }),
  );
  for (const p of ptes) holders[p.pfn]++;
  for (const p of pins) holders[p.pfn]++;
  return {
    F,
    B,
    ghost: s.ghost,
    // read(2): shmem_file_read_iter looks up file_inode(file)->i_mapping, whatever f_mapping the fd captured.
    read: s.ghost.map((row, f) => row.map((_, i) => dataAt(s, s.imap[f], i))),
    resolve: s.ghost.map((row, f) => row.map((_, i) => pageAt(s, s.imap[f], i))),
    data: (pfn) => s.frame[pfn].data,
    shared: (pfn) => s.frame[pfn].mapping !== NULL && sharedSpace(s, s.frame[pfn].mapping),
    frames: s.frame,
    ptes,
    pins,
    entries,
    counted: s.frame.map((fr, pfn) => ({ what: `pfn ${pfn}`, stored: fr.count, refs: holders[pfn], free: fr.free, leakable: true })),
    refersTo,
    fault: s.fault,
    mf: s.mf,
    event: s.event,
  };
}
