/**
 * fragment-owner's page cache and fragment counts: pages in and out of an
 * address space, blocks joining a fragment at a reflink, and the files'
 * references on fragments kept as the filesystem would keep them. The
 * design and its choices are in fragment-owner.ts.
 */
import type { Draft } from 'immer';
import type { Config } from '../design.js';
import { disturb, zapPte } from '../world/common.js';
import { HOLE, NULL, type World } from '../world/state.js';
import { fragPage, fragSpace, fragsOf, type State } from './fragment-owner-view.js';

export const freeFrame = (s: World): number => s.frame.findIndex((fr) => fr.free);

export function allocFrame(d: Draft<State>, mapping: number, index: number, block: number, data: number): number {
  const p = d.frame.findIndex((fr) => fr.free);
  Object.assign(d.frame[p], { mapping, index, block, data, count: 1, free: false, poison: false, share: 0 });
  d.entry[mapping][index] = p;
  return p;
}

export function putFrame(d: Draft<State>, p: number): void {
  d.frame[p].count -= 1;
  if (d.frame[p].count === 0) {
    d.frame[p].free = true;
    d.frame[p].mapping = NULL;
    disturb(d, p);
  }
}

/**
 * A page out of every cache whose last reference the handler's try_to_unmap
 * dropped is freed (put_page), but for the in-flight fault's: the fault's
 * reference (not in the model's count; wp_page_shared's get_page, dropped
 * when do_page_mkwrite returns) keeps it until finish-fault reaps it.
 */
export function reapOrphans(d: Draft<State>): void {
  const held = d.fault ? d.fault.pfn : NULL;
  d.frame.forEach((fr, p) => {
    if (!fr.free && fr.count === 0 && p !== held) {
      fr.free = true;
      fr.mapping = NULL;
      disturb(d, p);
    }
  });
}

/**
 * filemap_remove_folio -> page_cache_delete: the page leaves mapping m at i,
 * `folio->mapping = NULL` whoever still holds it (a pin keeps an orphan page
 * alive until unpin_user_page), and the cache's reference goes.
 */
export function deleteFromCache(d: Draft<State>, m: number, i: number): void {
  const p = d.entry[m][i];
  d.entry[m][i] = NULL;
  d.frame[p].mapping = NULL;
  putFrame(d, p);
}

// Drops file f's entry at i: an owned page leaves the cache; a PFN entry holds no reference.
export function dropEntry(d: Draft<State>, f: number, i: number): void {
  const p = d.entry[f][i];
  if (p === NULL) return;
  // Owned: the page points back here. A PFN entry left dangling to a frame since reused
  // (fragment-reclaimable) is still a PFN entry: removing it touches no page.
  if (d.frame[p].mapping === f && d.frame[p].index === i) deleteFromCache(d, f, i);
  else d.entry[f][i] = NULL;
}

/** Fragment k loses a file's reference; at 0 "all its pages can be freed" (seed 002), retained ones included. */
export function putFragment(d: Draft<State>, k: number): void {
  d.fref[k] -= 1;
  if (d.fref[k] > 0) return;
  const m = fragSpace(d as World, k);
  for (let j = 0; j < d.entry[m].length; j++) if (d.entry[m][j] !== NULL) deleteFromCache(d, m, j);
}

/**
 * A change to file f's extents (`change`), with f's references on fragments
 * kept one per file: a fragment f stops mapping loses one, one it starts
 * mapping gains one. Whether a file still maps a fragment is the
 * filesystem's to know from its own extent map; no page is walked.
 */
export function remapFile(d: Draft<State>, f: number, change: () => void): void {
  const before = fragsOf(d as State, f);
  change();
  const after = fragsOf(d as State, f);
  for (const k of before) if (!after.includes(k)) putFragment(d, k);
  for (const k of after) if (!before.includes(k)) d.fref[k] += 1;
}

/**
 * A block's extent reference goes (the filesystem's refcount, which the
 * proposal leaves as it is); at 0 the block is free and leaves its fragment,
 * whose page for it stays until the fragment's count is 0 (retention,
 * KERNEL 2.2 failure mode (b)), caching no block any more.
 */
export function putBlock(d: Draft<State>, b: number): void {
  d.ref[b] -= 1;
  if (d.ref[b] > 0) return;
  const p = fragPage(d as State, b);
  if (p !== NULL) d.frame[p].block = HOLE;
  d.fragOf[b] = NULL;
}

/**
 * The page of file f at i read in on a page-cache miss (filemap_read's
 * filemap_create_folio, or filemap_fault's __filemap_get_folio(FGP_CREAT)
 * then ->read_folio): a fragment block's page is looked up in, or read into,
 * its fragment's address space and the file gets a PFN entry to it.
 */
export function readIn(d: Draft<State>, f: number, i: number): number {
  const b = d.ext[f][i];
  if (d.fragOf[b] === NULL) return allocFrame(d, f, i, b, d.disk[b]);
  const m = fragSpace(d as World, d.fragOf[b]);
  const j = d.fidx[b];
  d.entry[f][i] = d.entry[m][j] !== NULL ? d.entry[m][j] : allocFrame(d, m, j, b, d.disk[b]);
  return d.entry[f][i];
}

/**
 * A reflink of file src's blocks at `idx`: those in no fragment yet become
 * one new fragment, each at its source index, with src's reference on it;
 * src's own page of such a block moves to the fragment's address space (a
 * `mapping` change, no count change) and src's entry becomes a PFN entry.
 */
export function formFragment(d: Draft<State>, src: number, idx: readonly number[]): void {
  const fresh = idx.filter((i) => d.ext[src][i] !== HOLE && d.fragOf[d.ext[src][i]] === NULL);
  if (fresh.length === 0) return;
  const k = d.fref.findIndex((n, x) => n === 0 && d.entry[fragSpace(d as World, x)].every((p) => p === NULL));
  const m = fragSpace(d as World, k);
  remapFile(d, src, () => {
    for (const i of fresh) {
      const b = d.ext[src][i];
      d.fragOf[b] = k;
      d.fidx[b] = i;
      const p = d.entry[src][i];
      if (p !== NULL && d.frame[p].mapping === src) {
        d.frame[p].mapping = m;
        d.frame[p].index = i;
        d.entry[m][i] = p;
      }
    }
  });
}

/** Gives file t's index ti block b (reflink, dedupe): t's old page, pte and block go, b's count rises. */
export function shareTo(d: Draft<State>, t: number, ti: number, b: number, cfg: Config): void {
  zapPte(d, t, ti);
  dropEntry(d, t, ti);
  if (d.ext[t][ti] !== HOLE) putBlock(d, d.ext[t][ti]);
  d.ext[t][ti] = b;
  if (b === HOLE) return;
  d.ref[b] += 1;
  const fp = fragPage(d as State, b);
  if (cfg.bugs.has('count-per-page') && fp !== NULL) d.frame[fp].count += 1;
}

/**
 * A count raised on the pages being shared (the source's, and its blocks'
 * fragment pages): Willy's claim is that reflink need not "walk every page
 * ... and increase its refcount"; the destination's old references are
 * dropped by any reflink.
 */
export function countsChanged(before: State, d: Draft<State>, src: number, idx: readonly number[]): boolean {
  const pages = idx.flatMap((i) => [before.entry[src][i], fragPage(before, before.ext[src][i])]);
  return pages.some((p) => p !== NULL && d.frame[p].count > before.frame[p].count);
}
