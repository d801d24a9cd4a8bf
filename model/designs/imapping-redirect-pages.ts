/**
 * imapping-redirect's page and address-space bookkeeping: page references,
 * ptes, the unshare that copies a shared i_mapping into the inode's own, and
 * the amended hack's repointing. The design and its choices are in
 * imapping-redirect.ts.
 */
import type { Draft } from 'immer';
import type { Config } from '../design.js';
import { disturb, mappers } from '../world/common.js';
import { blankFrame, NULL } from '../world/state.js';
import { followIMapping } from './imapping-redirect-amendments.js';
import { F_, pagesIn, sharedSpace, type State } from './imapping-redirect-view.js';
export function putPage(d: Draft<State>, p: number): void {
  d.frame[p].count -= 1;
  if (d.frame[p].count === 0) {
    Object.assign(d.frame[p], blankFrame());
    disturb(d, p);
  }
}
/** A pte goes (zap_pte_range): its page reference with it, and the page when that was the last (folios_put_refs). */
export function zap(d: Draft<State>, f: number, i: number): void {
  const p = d.pte[f][i];
  if (p === NULL) return;
  d.pte[f][i] = NULL;
  d.ptew[f][i] = false;
  putPage(d, p);
}
export function addPage(d: Draft<State>, m: number, i: number, data: number): number {
  const p = d.frame.findIndex((fr) => fr.free);
  Object.assign(d.frame[p], { ...blankFrame(), free: false, mapping: m, index: i, data, count: 1 });
  d.entry[m][i] = p;
  return p;
}
export function dropPage(d: Draft<State>, m: number, i: number): void {
  const p = d.entry[m][i];
  if (p === NULL) return;
  d.entry[m][i] = NULL;
  if (d.frame[p].mapping === m) d.frame[p].mapping = NULL;
  putPage(d, p);
}
/** A shared space no inode, file or vma uses any more goes, and its pages with it. */
export function releaseSpace(d: Draft<State>, m: number): void {
  if (m < F_(d) || d.imap.includes(m) || d.fmap.includes(m) || d.vmap.includes(m)) return;
  for (let i = 0; i < d.entry[m].length; i++) dropPage(d, m, i);
}
/** Unshare inode f: copy every page of its shared i_mapping into &f->i_data and repoint. */
export function unshare(s: State, d: Draft<State>, f: number, cfg: Config): void {
  const m = s.imap[f];
  if (s.entry[m].some((p) => p !== NULL && mappers(s, p).some((g) => g !== f))) d.event = 'cow-mapped';
  for (let i = 0; i < s.entry[m].length; i++) {
    dropPage(d, f, i);
    if (s.entry[m][i] !== NULL) addPage(d, f, i, s.frame[s.entry[m][i]].data);
  }
  d.imap[f] = f;
  follow(d, f, cfg);
  releaseSpace(d, m);
}
/** An amended hack's open file and vma follow the inode's i_mapping (imapping-redirect-amendments.ts). */
export function follow(d: Draft<State>, f: number, cfg: Config): void {
  for (const m of followIMapping(d, f, cfg, zap)) releaseSpace(d, m);
}
/**
 * Free frames a write by f through mapping `via` asks for: the whole-file copy if f's
 * i_mapping is shared, and a page at i. Counted without the pages the copy
 * replaces (they may be held by ptes), so a write that may not fit is not
 * enabled (ENOSPC) rather than half done.
 */
export function framesForWrite(s: State, f: number, via: number): number {
  return (sharedSpace(s, s.imap[f]) ? pagesIn(s, s.imap[f]) : 0) + (via === NULL ? 0 : 1);
}
