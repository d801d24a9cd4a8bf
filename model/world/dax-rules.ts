/**
 * The DAX world's rules that its guards (dax-allow.ts) and its handlers
 * (dax-next.ts) share, made once per design: the page and block bookkeeping
 * (allocation, references, entries, remaps, layout breaks), the locks and
 * waits they ask about, and the memory-failure hooks. What the world models
 * is in dax.ts's header.
 */
import type { Draft } from 'immer';
import type { Config, Recipe } from '../design.js';
import { disturb, dropRef, mappers, settle, zapPte } from './common.js';
import { badPfn, iomapNeedsAgf } from './memfail.js';
import { HOLE, lowestFree, NULL, type LayoutOp, type World } from './state.js';
import { coveredPfns, idle, opFiles } from './layout-break.js';
import { DEDUPE_UNLOCKED, LONGTERM_GRANTED, type DaxDesignSpec } from './dax-policy.js';

// The pins a layout break waits for (dax_layout_busy_page: any page reference beyond the idle one), a
// FOLL_LONGTERM one too (the count cannot tell it apart): layout-break.ts.
export const pinned = (s: World, pfns: readonly number[]): boolean => !idle(s, pfns, false);
export const faultOn = (s: World, f: number): boolean => s.fault !== null && s.fault.f === f;
// mm/gup refuses FOLL_LONGTERM on fsdax (check_vma_flags' vma_is_fsdax since v4.15's
// get_user_pages_longterm; folio_is_longterm_pinnable since v6.15): only the toggle grants it.
export const longtermGranted = (cfg: Config): boolean => cfg.bugs.has(LONGTERM_GRANTED);

export function daxRules(spec: DaxDesignSpec) {
  const { policy } = spec;
  const pteRef = policy.pteHoldsRef !== false;
  const zap = (d: Draft<World>, f: number, i: number): void => zapPte(d, f, i, pteRef);

  // tmpfs (cacheIsStorage): the page is the block, and it lives while its count does. A page
  // that leaves the cache with a GUP pin on it stays allocated until unpin_user_page drops the
  // last reference (truncate_inode_folio -> filemap_remove_folio; put_page frees at 0), and its
  // block is not reused before. On DAX a frame is free exactly when its block is.
  const pageCache = spec.cacheIsStorage === true;
  const freeBlock = (s: World): number => (pageCache ? s.ref.findIndex((r, b) => r === 0 && s.frame[b].free) : lowestFree(s.ref));
  const freeFrame = (d: Draft<World>, b: number): void => {
    d.frame[b].free = true;
    d.frame[b].poison = false;
    disturb(d, b);
  };
  const alloc = (d: Draft<World>): number => {
    const b = freeBlock(d as World);
    d.ref[b] = 1;
    d.frame[b].free = false;
    return b;
  };
  // unpin_user_page -> put_page: the last reference of a page already out of the cache frees it.
  const putPage = (d: Draft<World>, pfn: number): void => {
    dropRef(d, pfn);
    if (pageCache && d.frame[pfn].count === 0 && d.ref[pfn] === 0 && !d.frame[pfn].free) freeFrame(d, pfn);
  };
  const release = (d: Draft<World>, b: number): void => {
    d.ref[b] -= 1;
    if (d.ref[b] === 0 && !(pageCache && d.frame[b].count > 0)) freeFrame(d, b);
  };
  const dropEntry = (d: Draft<World>, f: number, i: number, cfg: Config): void => {
    const pfn = d.entry[f][i];
    if (pfn === NULL) return;
    policy.disassociate(d, f, i, pfn, cfg);
    d.entry[f][i] = NULL;
  };
  // truncate_pagecache_range / invalidate_inode_pages2_range: ptes, then entries.
  const invalidate = (d: Draft<World>, f: number, i: number, cfg: Config): void => {
    zap(d, f, i);
    dropEntry(d, f, i, cfg);
  };
  const otherMapper = (s: World, f: number, pfn: number): boolean => mappers(s, pfn).some((g) => g !== f);
  const cowShared = (s: World, b: number, cfg: Config): boolean => b !== HOLE && s.ref[b] > 1 && !cfg.bugs.has('write-in-place-shared');
  // Remap (d, di) to block b (reflink, dedupe): the old block's entry and reference go.
  const remap = (d: Draft<World>, t: number, ti: number, b: number, cfg: Config): void => {
    invalidate(d, t, ti, cfg);
    const old = d.ext[t][ti];
    if (old !== HOLE) release(d, old);
    d.ext[t][ti] = b;
    if (b !== HOLE) {
      d.ref[b] += 1;
      if (spec.cacheIsStorage) {
        d.entry[t][ti] = policy.associate(d, t, ti, b, true, cfg) ?? b;
      }
    }
  };
  const breakSource = (d: Draft<World>, f: number, idx: readonly number[], cfg: Config): void => {
    if (!cfg.bugs.has('no-break-layouts')) for (const i of idx) zap(d, f, i);
  };
  // __generic_remap_file_range_prep: filemap_write_and_wait_range of both ranges, layouts broken or not.
  // A writable pte means a write fault dirtied its entry (dax_insert_entry), so DAX writeback
  // (dax_writeback_one -> dax_entry_mkclean) write-protects it; shmem has no writeback (tmpfs).
  const writeback = (d: Draft<World>, f: number, idx: readonly number[]): void => {
    if (!pageCache) for (const i of idx) d.ptew[f][i] = false;
  };
  // Loops, not Array.from or an iterator's spread: these run for every action of every state.
  const range = (from: number, n = 1): number[] => {
    const out: number[] = [];
    for (let k = 0; k < n; k++) out.push(from + k);
    return out;
  };
  const allIdx = (s: World): number[] => range(0, s.ext[0].length);
  // v6.15 dax_break_layout_inode: the whole file unmapped, then its entries deleted (dax_delete_mapping_range).
  const breakInode = (d: Draft<World>, f: number, cfg: Config): void => {
    if (cfg.bugs.has('no-break-layouts')) return;
    for (let i = 0; i < d.ext[f].length; i++) zap(d, f, i);
    for (let i = 0; i < d.ext[f].length; i++) dropEntry(d, f, i, cfg);
  };
  // xfs_ilock2_io_mmap before a remap of src onto dst breaks both files' layouts, whole: until
  // v6.14 xfs_mmaplock_two_inodes_and_break_dax_layout calls xfs_break_dax_layouts on the lower inode
  // and dax_layout_busy_page on the other, and dax_layout_busy_page unmaps the whole mapping
  // (dax_layout_busy_page_range(mapping, 0, LLONG_MAX)); entries stay. v6.15: the lower inode's
  // entries go too (dax_break_layout_inode).
  const breakRemap = (d: Draft<World>, src: number, dst: number, cfg: Config): void => {
    if (policy.layoutBreak !== 'inode') {
      breakSource(d, src, allIdx(d as World), cfg);
      breakSource(d, dst, allIdx(d as World), cfg);
      return;
    }
    breakInode(d, Math.min(src, dst), cfg);
    breakSource(d, Math.max(src, dst), allIdx(d as World), cfg);
  };
  // xfs_reflink_remap_prep -> xfs_reflink_set_inode_flag(src, dest).
  const setReflinkFlag = (d: Draft<World>, src: number, dst: number): void => {
    if (!d.reflinkFlag) return;
    d.reflinkFlag[src] = true;
    d.reflinkFlag[dst] = true;
  };
  const free = (s: World): boolean => freeBlock(s) >= 0;
  const readAt = (st: World, f: number, i: number): number => (st.ext[f][i] === HOLE ? 0 : st.disk[st.ext[f][i]]);

  const hooks = { plan: policy.memfail, target: (s: World, held: number) => (policy.target ? policy.target(s, held) : held), pteRef, owner: policy.owner, walked: policy.walked };
  // The blocks whose pins a layout break waits for: the ranges, or (v6.15) the whole files.
  const breakPfns = (s: World, op: LayoutOp): number[] => coveredPfns(s, op, byInode);
  // DAX breaks sleep while a page is busy (layout-break.ts); tmpfs has no layout break and keeps the rule
  // that the operation is enabled once nothing is pinned.
  const sleeps = !pageCache;
  const waitsFor = (s: World, op: LayoutOp, cfg: Config): boolean => !cfg.bugs.has('no-break-layouts') && pinned(s, breakPfns(s, op));
  // IOLOCK_EXCL held by a sleeping break: write(2) to its files waits; one break sleeps at a time.
  const ioLocked = (s: World, f: number): boolean => s.breaking != null && opFiles(s.breaking).includes(f);
  // write(2) or a write fault at (f, i) allocates a block (a hole) or breaks a share.
  const allocates =
    (s: World, cfg: Config) =>
    (f: number, i: number): boolean =>
      s.ext[f][i] === HOLE || cowShared(s, s.ext[f][i], cfg);
  const byInode = policy.layoutBreak === 'inode';
  const walksAgf = (cfg: Config): boolean => (typeof policy.walkHoldsAgf === 'function' ? policy.walkHoldsAgf(cfg) : policy.walkHoldsAgf === true);
  // dax_fault_iter -> dax_iomap_direct_access(iomap): the block a fault maps as it is, unless the fault allocates
  // (a hole, or a CoW break: iomap is then the new block, and the source is read at the copy, in `finish`).
  const refusedAtLookup = (s: World, f: number, i: number, write: boolean, cfg: Config): boolean => s.ext[f][i] !== HOLE && !(write && allocates(s, cfg)(f, i)) && badPfn(s, s.ext[f][i], false);
  const grabsOnly = (s: World, f: number, i: number, write: boolean, cfg: Config): boolean => s.mf?.agf === true && !s.mf.done && iomapNeedsAgf(s, f, i, write, allocates(s, cfg));
  // A dedupe between its compare and its remap holds IOLOCK_EXCL and MMAPLOCK_EXCL of both files
  // (xfs_ilock2_io_mmap): write(2) (xfs_file_dax_write: IOLOCK_EXCL), faults (MMAPLOCK_SHARED),
  // punch, truncate and remaps of those files wait; the toggle drops the locks before the remap.
  // One or two files, not a rest parameter: asked for every write and fault of every state.
  const involved = (s: World, f: number, g = f): boolean => s.dedupe != null && (f === s.dedupe.s || f === s.dedupe.d || g === s.dedupe.s || g === s.dedupe.d);
  const locked = (s: World, cfg: Config, f: number, g = f): boolean => involved(s, f, g) && !cfg.bugs.has(DEDUPE_UNLOCKED);
  const step =
    (r: Recipe<World>): Recipe<World> =>
    (d) => {
      settle(d);
      r(d);
    };
  return {
    policy,
    pteRef,
    zap,
    pageCache,
    freeBlock,
    freeFrame,
    alloc,
    putPage,
    release,
    dropEntry,
    invalidate,
    otherMapper,
    cowShared,
    remap,
    breakSource,
    writeback,
    range,
    allIdx,
    breakInode,
    breakRemap,
    setReflinkFlag,
    free,
    readAt,
    hooks,
    breakPfns,
    sleeps,
    waitsFor,
    ioLocked,
    allocates,
    byInode,
    walksAgf,
    refusedAtLookup,
    grabsOnly,
    involved,
    locked,
    step,
  };
}

export type DaxRules = ReturnType<typeof daxRules>;
