/**
 * A DAX filesystem (fs/dax.c plus XFS's reflink paths) with the page
 * association left to the design: a pfn is the pmem block itself, a mapping's
 * entry is a PFN entry, faults install ptes straight to the block, and CoW
 * always means a new block. fsdax-1to1 and fsdax-shared differ only in
 * dax_associate_entry/dax_disassociate_entry and in how a memory failure
 * finds its victims, which is exactly where their threads differ; the rest is
 * written once, here, so that the comparison is between those rules alone.
 *
 * Kernel rules kept (KERNEL.md 2.1, fs/dax.c, xfs):
 * - a fault locks the entry of (its mapping, index) from lookup to pte
 *   install (grab_mapping_entry ... dax_unlock_entry); punch, truncate,
 *   reflink and dedupe take the files' MMAPLOCK exclusively, so they wait for
 *   faults on those files, but nothing on other files;
 * - a write fault on a shared extent goes through the CoW srcmap to a new
 *   block (IOMAP_F_SHARED), the old entry is disassociated and the new one
 *   associated (dax_insert_entry); a read fault maps read-only;
 * - write(2) to a shared or new extent invalidates the file's own entries and
 *   ptes over the range (dax_iomap_iter: IOMAP_F_NEW || cow);
 * - punch, truncate, reflink and dedupe break layouts first: unmap and wait
 *   for pins (xfs_break_layouts, seed 001). Until v6.14 the DAX entries stay
 *   (dax_layout_busy_page). A remap breaks both files whole
 *   (xfs_ilock2_io_mmap -> xfs_mmaplock_two_inodes_and_break_dax_layout:
 *   xfs_break_dax_layouts on the lower inode, dax_layout_busy_page on the
 *   other, and dax_layout_busy_page unmaps the whole mapping), and waits for
 *   the pins of both. KERNEL.md leaves open which files the 2019 RFC broke
 *   ([R]); the designs on that code take the merged rule. A design may take
 *   v6.15's (DaxPolicy.layoutBreak: dax_break_layout_inode deletes the
 *   lower inode's entries too);
 * - the remap prep writes both ranges back (__generic_remap_file_range_prep:
 *   filemap_write_and_wait_range), layouts broken or not: a writable pte's
 *   entry is dirty, and dax_writeback_one -> dax_entry_mkclean write-protects
 *   it (tmpfs: no writeback);
 * - FIDEDUPERANGE is two steps: `dedupe` is xfs_reflink_remap_prep (the
 *   locks, the layout breaks, the writeback, dax_dedupe_file_range_compare,
 *   xfs_reflink_set_inode_flag), offered only where the compare matches
 *   (else -EBADE, no change); `dedupe-remap` is xfs_reflink_remap_blocks and
 *   the unlock. Between them IOLOCK_EXCL and MMAPLOCK_EXCL of both files are
 *   held: write(2), faults, punch, truncate and remaps of those files wait
 *   (the dedupe-unlocked toggle drops them: generic/630's race). One dedupe
 *   is in flight at a time;
 * - FICLONERANGE of any range, and pins with and without FOLL_WRITE, where
 *   the design asks (DaxDesignSpec.ranges, readOnlyPins); FOLL_LONGTERM is
 *   refused on fsdax but under a toggle (dax-policy.ts, LONGTERM_GRANTED);
 * - a fault is one step while nothing it needs is held: grab_mapping_entry,
 *   iomap_begin, dax_iomap_direct_access; where a memory-failure walk holds
 *   the AGF and iomap_begin must read it, the fault stops after the grab and
 *   `iomap` finishes that half later (model/world/memfail.ts, agfHeld);
 * - memory failure: one step per owner the design's handler visits
 *   (model/world/memfail.ts). What refuses a fault (VM_FAULT_SIGBUS) or
 *   write(2) (-EIO) on a bad pfn is the pmem driver's badblocks, taken as
 *   known once the failure's handling has ended, never during it
 *   (memfail.ts, badPfn: fs/dax.c never tests PageHWPoison); DAX recovery
 *   writes are not modelled, and a freed block's poison is forgotten (what
 *   XFS does with a bad block it reallocates is not modelled). A fault tests
 *   it where dax_fault_iter calls dax_iomap_direct_access: at its lookup for
 *   the block it maps, at the CoW copy for the block it copies from; a pfn
 *   poisoned between the lookup and the pte install is mapped, and a load
 *   through a pte to a poisoned pfn is a machine check (`mce`) under either
 *   kill policy: memory_failure again, whose handler signals the loader (the
 *   late SIGBUS) or fails to.
 * - write(2) and stores cover a sector range of a block where S > 1
 *   (model/world/sectors.ts): a partial CoW copies the rest of the block
 *   (dax_iomap_copy_around), a partial write into a hole leaves it zero;
 *   faults, remaps, punch and truncate stay block-sized (dax_fault_iter maps
 *   and copies whole pages). S = 1 by default: S = 2 multiplies
 *   fsdax-shared's states by 6.0 at depth 4 (77,937 against 13,087) and 8.6
 *   at depth 5 (501,244 against 58,604), and its default search (depth 6,
 *   220,230 states at S = 1) no longer completes in its time bound, so the
 *   default verdicts would turn inconclusive (tmpfs-cowflag's, depth 5,
 *   54,614 states, likewise); tests and `--param S=2` check sub-block
 *   writes at smaller depths.
 *   Partial punch and truncate (dax_zero_range / dax_truncate_page, which
 *   CoW a shared block through dax_memzero's copy-around) are not modelled.
 * Not modelled: read faults on holes (the zero page), buffered reads (they
 * change no state: `read` in the view is what read(2) returns), reclaim
 * (pmem is not reclaimed).
 */
import type { Draft } from 'immer';
import type { Config, Design, Recipe } from '../design.js';
import { sharingGoals, sharingProperties } from '../../properties/sharing.js';
import { enabled, label, type WorldAction } from './actions.js';
import { disturb, dropRef, ghost, inFlight, installPte, mappers, pinPte, settle, unpinAt, zapPte } from './common.js';
import { daxView } from './dax-view.js';
import { agfHeld, badPfn, daxWaiting, iomapNeedsAgf, nextAllowed, report, reportAllowed, next as memfailNext } from './memfail.js';
import { grid, HOLE, initWorld, lowestFree, NULL, worldParams, type LayoutOp, type World } from './state.js';
import { breakWaiting, coveredPfns, firstBusy, idle, opFiles, sleepOn, sleepOnBusyPages, unmapFiles } from './layout-break.js';
import { daxLiveness } from '../../properties/liveness.js';
import type { View } from './view.js';
import { DEDUPE_UNLOCKED, LONGTERM_GRANTED, type DaxAction, type DaxDesignSpec, type DaxPolicy } from './dax-policy.js';
import { fill, newBlock, NO_COPY_AROUND, NO_ZERO_EDGES, put, sectorParam, sectorsOf, spanOf } from './sectors.js';

/** `iomap`: the second part of a fault's first half, split off where a walk holds the AGF (memfail.ts, agfHeld). */
export type { DaxAction, DaxDesignSpec, DaxPolicy } from './dax-policy.js';
export { DAX_BUGS, DEDUPE_UNLOCKED, GRANULARITY_BUGS, LONGTERM_GRANTED } from './dax-policy.js';
export { SUBBLOCK_BUGS } from './sectors.js';
export type { MemFailPlan } from './memfail.js';
export { daxWaiting } from './memfail.js';
export { daxView } from './dax-view.js';

// The pins a layout break waits for (dax_layout_busy_page: any page reference beyond the idle one), a
// FOLL_LONGTERM one too (the count cannot tell it apart): layout-break.ts.
const pinned = (s: World, pfns: readonly number[]): boolean => !idle(s, pfns, false);
const faultOn = (s: World, f: number): boolean => s.fault !== null && s.fault.f === f;
// mm/gup refuses FOLL_LONGTERM on fsdax (check_vma_flags' vma_is_fsdax since v4.15's
// get_user_pages_longterm; folio_is_longterm_pinnable since v6.15): only the toggle grants it.
const longtermGranted = (cfg: Config): boolean => cfg.bugs.has(LONGTERM_GRANTED);
const blocksOf = (s: World, f: number, from = 0, to = s.ext[f].length): number[] => s.ext[f].slice(from, to).filter((b) => b !== HOLE);

export function daxDesign(spec: DaxDesignSpec): Design<World, DaxAction, View> {
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
  const wholeFiles = (s: World, ...fs: number[]): number[] => fs.flatMap((f) => blocksOf(s, f));
  const breakPfns = (s: World, op: LayoutOp): number[] => coveredPfns(s, op, byInode);
  // DAX breaks sleep while a page is busy (layout-break.ts); tmpfs has no layout break and keeps the rule
  // that the operation is enabled once nothing is pinned.
  const sleeps = !pageCache;
  const waitsFor = (s: World, op: LayoutOp, cfg: Config): boolean => !cfg.bugs.has('no-break-layouts') && pinned(s, breakPfns(s, op));
  // IOLOCK_EXCL held by a sleeping break: write(2) to its files waits; one break sleeps at a time.
  const ioLocked = (s: World, f: number): boolean => s.breaking != null && opFiles(s.breaking).includes(f);
  // write(2) or a write fault at (f, i) allocates a block (a hole) or breaks a share.
  const allocates = (s: World, cfg: Config) => (f: number, i: number): boolean => s.ext[f][i] === HOLE || cowShared(s, s.ext[f][i], cfg);
  const byInode = policy.layoutBreak === 'inode';
  const walksAgf = (cfg: Config): boolean => (typeof policy.walkHoldsAgf === 'function' ? policy.walkHoldsAgf(cfg) : policy.walkHoldsAgf === true);
  // dax_fault_iter -> dax_iomap_direct_access(iomap): the block a fault maps as it is, unless the fault allocates
  // (a hole, or a CoW break: iomap is then the new block, and the source is read at the copy, in `finish`).
  const refusedAtLookup = (s: World, f: number, i: number, write: boolean, cfg: Config): boolean =>
    s.ext[f][i] !== HOLE && !(write && allocates(s, cfg)(f, i)) && badPfn(s, s.ext[f][i], false);
  const grabsOnly = (s: World, f: number, i: number, write: boolean, cfg: Config): boolean =>
    s.mf?.agf === true && !s.mf.done && iomapNeedsAgf(s, f, i, write, allocates(s, cfg));
  // A dedupe between its compare and its remap holds IOLOCK_EXCL and MMAPLOCK_EXCL of both files
  // (xfs_ilock2_io_mmap): write(2) (xfs_file_dax_write: IOLOCK_EXCL), faults (MMAPLOCK_SHARED),
  // punch, truncate and remaps of those files wait; the toggle drops the locks before the remap.
  // One or two files, not a rest parameter: asked for every write and fault of every state.
  const involved = (s: World, f: number, g = f): boolean => s.dedupe != null && (f === s.dedupe.s || f === s.dedupe.d || g === s.dedupe.s || g === s.dedupe.d);
  const locked = (s: World, cfg: Config, f: number, g = f): boolean => involved(s, f, g) && !cfg.bugs.has(DEDUPE_UNLOCKED);
  const allow = (s: World, a: DaxAction, cfg: Config): boolean => {
    const waitPins = !cfg.bugs.has('no-break-layouts');
    if (walksAgf(cfg) && agfHeld(s, a, allocates(s, cfg))) return false;
    switch (a.kind) {
      case 'write': {
        if (locked(s, cfg, a.f) || ioLocked(s, a.f)) return false;
        const b = s.ext[a.f][a.i];
        if ((b === HOLE || cowShared(s, b, cfg)) && !free(s)) return false;
        // -EIO: dax_direct_access on a bad block, the one written in place or the shared one a CoW copies
        // from: dax_iomap_copy_around reads the srcmap through dax_iomap_direct_access for a whole block
        // too (copy_all copies it, then the write overwrites it). A hole's zeroed edges read nothing. The
        // tmpfs proposal's CoW copy is no kernel code, and is left as it was.
        if (b !== HOLE && (!cowShared(s, b, cfg) || !pageCache) && badPfn(s, b, pageCache)) return false;
        return !(s.fault && s.fault.f === a.f && s.fault.i === a.i);
      }
      // VM_FAULT_SIGBUS at the lookup: dax_iomap_direct_access on the block the fault maps fails (-EHWPOISON,
      // badPfn), nothing changes. A fault that stops after its grab (the AGF held) tests it at `iomap`.
      case 'fault':
        return !locked(s, cfg, a.f) && (pageCache || grabsOnly(s, a.f, a.i, a.write, cfg) || !refusedAtLookup(s, a.f, a.i, a.write, cfg));
      case 'finish':
        return !s.fault?.grabbed;
      // A DAX operation starts and, on a busy page, sleeps in its break (the handlers: sleepOr); tmpfs's waits.
      case 'punch':
        return !s.breaking && !locked(s, cfg, a.f) && !faultOn(s, a.f) && !(!sleeps && waitPins && pinned(s, breakPfns(s, a)));
      case 'truncate':
        return !s.breaking && !locked(s, cfg, a.f) && !faultOn(s, a.f) && !(!sleeps && waitPins && pinned(s, breakPfns(s, a)));
      case 'reflink':
      case 'reflink-range':
        return !s.breaking && !locked(s, cfg, a.s, a.d) && !faultOn(s, a.s) && !faultOn(s, a.d) && !(!sleeps && waitPins && pinned(s, breakPfns(s, a)));
      // One FIDEDUPERANGE at a time: the world keeps one between compare and remap (with F=2, the locks say as much).
      case 'dedupe':
        return !s.breaking && !s.dedupe && !faultOn(s, a.s) && !faultOn(s, a.d) && !(!sleeps && waitPins && pinned(s, breakPfns(s, a)));
      // The sleeper wakes once the page it sleeps on is idle (dax_page_is_idle: v6.15 counts pte references
      // too), retakes MMAPLOCK_EXCL (so waits for a fault in flight on its files) and rescans; a walk holding
      // the AGF holds off what the operation itself would wait for.
      case 'resume': {
        const op = s.breaking;
        if (!op) return false;
        const fs = opFiles(op);
        if (fs.some((f) => faultOn(s, f)) || (walksAgf(cfg) && agfHeld(s, op, allocates(s, cfg)))) return false;
        return idle(s, [op.on], pteRef);
      }
      // No new GUP pin while a break sleeps (layout-break.ts says why).
      case 'pin':
        return !s.breaking;
      case 'memfail':
        return cfg.bugs.has('no-entry-lock') || reportAllowed(s, a.pfn, cfg, hooks);
      case 'mce':
        return cfg.bugs.has('no-entry-lock') || reportAllowed(s, s.pte[a.f][a.i], cfg, hooks);
      case 'memfail-next':
        return nextAllowed(s, cfg.bugs.has('no-entry-lock'));
      default:
        return true;
    }
  };

  const kinds = new Set<WorldAction['kind']>(['write', 'fault', 'finish', 'store', 'unmap', 'reflink', 'reflink-range', 'dedupe', 'punch', 'truncate', 'memfail', 'mce', 'memfail-next', 'pin', 'unpin']);
  if (policy.reclaim) kinds.add('reclaim');
  const step = (r: Recipe<World>): Recipe<World> => (d) => {
    settle(d);
    r(d);
  };

  const design: Design<World, DaxAction, View> = {
    name: spec.name,
    summary: spec.summary,
    seed: spec.seed,
    // S: sectors per block, for write(2) and stores (model/world/sectors.ts).
    params: { ...(spec.params ?? worldParams), S: sectorParam },
    bugs: spec.bugs,
    ...(spec.amendments && { amendments: spec.amendments }),
    bounds: spec.bounds,
    picture: { world: 'dax' },
    init: (cfg) => {
      const w = initWorld(cfg, spec.frames?.(cfg) ?? cfg.params.P, cfg.params.F);
      // The flag only matters where a walk holds the AGF; elsewhere it would split states that behave alike.
      if (walksAgf(cfg)) w.reflinkFlag = new Array<boolean>(cfg.params.F).fill(false);
      w.dedupe = null;
      w.deduped = NULL;
      if (sleeps) w.breaking = null;
      if (spec.readOnlyPins) w.pinro = grid(cfg.params.F, cfg.params.B, false);
      if (longtermGranted(cfg)) w.pinlong = grid(cfg.params.F, cfg.params.B, false);
      // A DAX frame is its block: allocated exactly when the block is.
      w.ref.forEach((r, b) => (w.frame[b].free = r === 0));
      // Every sector of a file's first block holds its value (sectors.ts; nothing changes at S = 1).
      const S = sectorsOf(cfg);
      w.disk = w.disk.map((x) => fill(x, S));
      w.ghost = w.ghost.map((row) => row.map((x) => fill(x, S)));
      if (spec.cacheIsStorage) {
        w.ext.forEach((row, f) =>
          row.forEach((b, i) => {
            if (b === HOLE) return;
            w.entry[f][i] = policy.associate(w as Draft<World>, f, i, b, false, cfg) ?? b;
          }),
        );
      }
      return w;
    },
    actions: (s, cfg) => {
      const out = enabled(s, cfg, {
        kinds,
        read: readAt,
        // A pfn no entry held when it failed is not marked (mf_dax_kill_procs: no page -> goto unlock), so a
        // second report on it runs as the first did; so would one on a marked pfn (memory_failure hands a
        // ZONE_DEVICE pfn to memory_failure_dev_pagemap before TestSetPageHWPoison), left to a load's `mce` here.
        memfailPfns: (st) => {
          const out: number[] = [];
          for (let pfn = 0; pfn < st.ref.length; pfn++) if (st.ref[pfn] > 0 && !st.frame[pfn].poison) out.push(pfn);
          return out;
        },
        reclaimPfns: policy.reclaim?.pfns,
        allow: (st, a, c) => allow(st, a as DaxAction, c),
        pins: { readOnly: spec.readOnlyPins === true, longterm: longtermGranted(cfg) },
        ranges: spec.ranges === true,
      }) as DaxAction[];
      const iomap: DaxAction = { kind: 'iomap' };
      if (s.fault?.grabbed && allow(s, iomap, cfg)) out.unshift(iomap);
      const remapNow: DaxAction = { kind: 'dedupe-remap' };
      if (s.dedupe && allow(s, remapNow, cfg)) out.unshift(remapNow);
      const resume: DaxAction = { kind: 'resume' };
      if (s.breaking && allow(s, resume, cfg)) out.unshift(resume);
      // A FOLL_LONGTERM pin (only under the toggle) is released by its own kind: no fairness covers it.
      return s.pinlong ? out.map((a) => (a.kind === 'unpin' && s.pinlong![a.f][a.i] ? { kind: 'unpin-longterm', f: a.f, i: a.i } : a)) : out;
    },
    label: (a) =>
      a.kind === 'iomap' ? 'iomap-begin' : a.kind === 'dedupe-remap' ? 'dedupe-remap' : a.kind === 'resume' ? 'resume' : a.kind === 'unpin-longterm' ? `unpin-longterm(f=${a.f}, i=${a.i})` : label(a),
    next: {
      // A write of sectors [sec, sec + nsec): in place on a block of the file's own, else to a new block
      // whose other sectors are copied from the shared one or zeroed on a hole (sectors.ts).
      write: (a, s, cfg) =>
        step((d) => {
          const { f, i, v } = a;
          const S = sectorsOf(cfg), span = spanOf(a, S);
          const b = d.ext[f][i];
          if (b !== HOLE && !cowShared(s, b, cfg)) {
            d.disk[b] = put(s.disk[b], span, v, S);
          } else {
            if (b !== HOLE && otherMapper(s, f, b)) d.event = 'cow-mapped';
            invalidate(d, f, i, cfg);
            const q = alloc(d);
            const broken = cfg.bugs.has(b === HOLE ? NO_ZERO_EDGES : NO_COPY_AROUND);
            d.disk[q] = newBlock(b === HOLE ? 0 : s.disk[b], s.disk[q], span, v, S, broken);
            if (b !== HOLE) release(d, b);
            d.ext[f][i] = q;
            if (spec.cacheIsStorage) {
              d.entry[f][i] = policy.associate(d, f, i, q, false, cfg) ?? q;
            }
          }
          ghost.write(d, f, i, put(s.ghost[f][i], span, v, S));
        }),
      // grab_mapping_entry, then iomap_begin and dax_iomap_direct_access, unless iomap_begin must wait for the AGF.
      fault: ({ f, i, write }, s, cfg) =>
        step((d) => {
          if (grabsOnly(s, f, i, write, cfg)) d.fault = { f, i, write, pfn: NULL, stale: false, grabbed: true };
          else d.fault = { f, i, write, pfn: s.ext[f][i], stale: false };
        }),
      // A bad block found now ends the fault (VM_FAULT_SIGBUS; dax_iomap_pte_fault unlocks the entry).
      iomap: (_a, s, cfg) =>
        step((d) => {
          const { f, i, write } = s.fault!;
          d.fault = !pageCache && refusedAtLookup(s, f, i, write, cfg) ? null : { f, i, write, pfn: s.ext[f][i], stale: false };
        }),
      finish: (_a, s, cfg) =>
        step((d) => {
          const { f, i, write } = s.fault!;
          d.fault = null;
          const b = d.ext[f][i];
          // VM_FAULT_SIGBUS on a bad pfn (badPfn). DAX tests the block it maps at the lookup only
          // (dax_iomap_direct_access, `fault` above): dax_insert_entry and vmf_insert_page_mkwrite test no
          // poison, so a pfn poisoned since the lookup is mapped, and a load through it is a machine check of
          // its own (`mce`: the late SIGBUS). A CoW reads its source here, through dax_iomap_copy_around ->
          // dax_iomap_direct_access(srcmap). shmem tests PageHWPoison after ->fault (__do_fault), under the page
          // lock memory_failure waits for, so there the test here is the same as one at the lookup.
          if (b !== HOLE && (pageCache || (write && cowShared(s, b, cfg))) && badPfn(s, b, pageCache)) return;
          // A read fault whose block went while it waited (only under dedupe-unlocked, whose remap no
          // MMAPLOCK holds off) finds a hole: dax_load_hole maps the zero page, which the world leaves out.
          if (!write && b === HOLE) return;
          if (write && (b === HOLE || cowShared(s, b, cfg))) {
            if (!free(s)) return; // VM_FAULT_SIGBUS: no space for the CoW/allocation
            if (b !== HOLE && otherMapper(s, f, b)) d.event = 'cow-mapped';
            dropEntry(d, f, i, cfg);
            const q = alloc(d);
            d.disk[q] = b === HOLE ? 0 : d.disk[b];
            if (b !== HOLE) release(d, b);
            d.ext[f][i] = q;
            d.entry[f][i] = policy.associate(d, f, i, q, false, cfg) ?? q;
            installPte(d, f, i, q, true, pteRef);
            return;
          }
          const held = s.entry[f][i];
          if (held === NULL || (policy.target ? policy.target(s, held) : held) !== b) {
            dropEntry(d, f, i, cfg);
            d.entry[f][i] = policy.associate(d, f, i, b, s.ref[b] > 1, cfg) ?? b;
          }
          installPte(d, f, i, b, write, pteRef);
        }),
      store: (a, s, cfg) =>
        step((d) => {
          const { f, i, v } = a;
          const S = sectorsOf(cfg), span = spanOf(a, S);
          d.disk[s.pte[f][i]] = put(s.disk[s.pte[f][i]], span, v, S);
          ghost.write(d, f, i, put(s.ghost[f][i], span, v, S));
        }),
      // count-not-dropped: where a pte holds a page reference (v6.15), the zap forgets it; before, a
      // DAX pte held none, and the reference forgotten is a GUP pin's (unpin below).
      unmap: ({ f, i }, _s, cfg) =>
        step((d) => {
          const pfn = d.pte[f][i];
          zap(d, f, i);
          if (pteRef && cfg.bugs.has('count-not-dropped')) d.frame[pfn].count += 1;
        }),
      pin: ({ f, i, ro, longterm }) => step((d) => pinPte(d, f, i, { ro, longterm })),
      unpin: ({ f, i }, _s, cfg) => step((d) => unpinAt(d, f, i, !pteRef && cfg.bugs.has('count-not-dropped') ? () => undefined : putPage)),
      'unpin-longterm': ({ f, i }, _s, cfg) => step((d) => unpinAt(d, f, i, !pteRef && cfg.bugs.has('count-not-dropped') ? () => undefined : putPage)),
      // The page the sleeper sleeps on is idle: dax_break_layout loops and unmaps its files again
      // (dax_layout_busy_page_range: unmap_mapping_pages). A page still busy puts it to sleep on that one;
      // else the operation goes on as if it had not slept (its handler, on the state as it is now). A
      // dedupe compares after its break (generic_remap_file_range_prep): contents changed during the
      // sleep (a store through a pte faulted in meanwhile) are -EBADE, and it ends with nothing done.
      resume: (_a, s, cfg) => {
        const { on: _on, ...op } = s.breaking!;
        const unmap: Recipe<World> = (d) => unmapFiles(d, op, zap);
        const busy = firstBusy(s, op, breakPfns(s, op));
        if (busy !== NULL) return step((d) => sleepOn(d, op, busy, zap));
        const end: Recipe<World> = (d) => {
          d.breaking = null;
        };
        if (op.kind === 'dedupe' && readAt(s, op.s, op.si) !== readAt(s, op.d, op.di)) {
          return step((d) => {
            unmap(d);
            end(d);
          });
        }
        const go = (design.next[op.kind] as (a: LayoutOp, st: World, c: Config) => Recipe<World>)(op, s, cfg);
        return (d) => {
          unmap(d);
          go(d);
          end(d);
        };
      },
      punch: ({ f, i }, _s, cfg) =>
        step((d) => {
          if (byInode) breakInode(d, f, cfg);
          remap(d, f, i, HOLE, cfg);
          ghost.punch(d, f, i);
        }),
      truncate: ({ f, n }, s, cfg) =>
        step((d) => {
          if (byInode) breakInode(d, f, cfg);
          for (let i = n; i < s.ext[f].length; i++) {
            remap(d, f, i, HOLE, cfg);
            ghost.punch(d, f, i);
          }
          // xfs_itruncate_clear_reflink_flags: the flag goes with the last data extent.
          if (d.reflinkFlag && d.ext[f].every((b) => b === HOLE)) d.reflinkFlag[f] = false;
        }),
      reflink: ({ s: src, d: dst }, s, cfg) =>
        step((d) => {
          const B = s.ext[src].length;
          breakRemap(d, src, dst, cfg);
          writeback(d, src, range(0, B));
          writeback(d, dst, range(0, B));
          setReflinkFlag(d, src, dst);
          for (let i = 0; i < B; i++) remap(d, dst, i, s.ext[src][i], cfg);
          ghost.reflink(d, src, dst);
        }),
      'reflink-range': ({ s: src, si, d: dst, di, n = 1 }, s, cfg) =>
        step((d) => {
          breakRemap(d, src, dst, cfg);
          writeback(d, src, range(si, n));
          writeback(d, dst, range(di, n));
          setReflinkFlag(d, src, dst);
          for (let k = 0; k < n; k++) {
            remap(d, dst, di + k, s.ext[src][si + k], cfg);
            ghost.reflinkRange(d, src, si + k, dst, di + k);
          }
          if (di !== si) d.event = 'reflink-range';
        }),
      // xfs_reflink_remap_prep: xfs_ilock2_io_mmap (IOLOCK_EXCL, layouts broken, MMAPLOCK_EXCL, both
      // files), dax_remap_file_range_prep (writeback of both ranges, dax_dedupe_file_range_compare),
      // xfs_reflink_set_inode_flag; it returns holding the locks. A mismatch is -EBADE and no action.
      dedupe: ({ s: src, si, d: dst, di }, _s, cfg) =>
        step((d) => {
          breakRemap(d, src, dst, cfg);
          writeback(d, src, [si]);
          writeback(d, dst, [di]);
          setReflinkFlag(d, src, dst);
          d.dedupe = { s: src, si, d: dst, di };
        }),
      // xfs_file_remap_range: xfs_reflink_remap_blocks maps the source's extent as it is now, then
      // xfs_iunlock2_io_mmap. The contents stay the file's: dedupe writes nothing (content-by-own-writes).
      'dedupe-remap': (_a, s, cfg) =>
        step((d) => {
          const { s: src, si, d: dst, di } = s.dedupe!;
          remap(d, dst, di, s.ext[src][si], cfg);
          d.dedupe = null;
          d.deduped = dst * s.ext[0].length + di;
          d.event = 'dedupe-remap';
        }),
      reclaim: ({ pfn }, _s, cfg) => step((d) => policy.reclaim!.apply(d, pfn, cfg)),
      memfail: ({ pfn }, s, cfg) => step(report(s, pfn, NULL, cfg, hooks)),
      mce: ({ f, i }, s, cfg) => step(report(s, s.pte[f][i], f, cfg, hooks)),
      'memfail-next': (_a, s, cfg) => step(memfailNext(s, cfg, hooks)),
    },
    view: (s) => daxView(s, policy),
    // Who waits: the AGF and entry waits of the memory-failure walk, else any fault or failure in
    // flight (a state with one of those and nothing enabled is a deadlock).
    waiting: (s, cfg) => daxWaiting(s, cfg) ?? inFlight(s) ?? breakWaiting(s),
    always: sharingProperties(spec.properties),
    sometimes: sharingGoals(spec.properties),
    ...(sleeps && { liveness: daxLiveness(spec.liveness ?? []) }),
    notApplicable: spec.notApplicable,
    ...(spec.claims && { claims: spec.claims }),
    ...(spec.notes && { notes: spec.notes }),
  };
  // A DAX operation whose break finds a busy page unmaps and sleeps (layout-break.ts).
  if (sleeps) {
    sleepOnBusyPages(design.next as unknown as Record<string, (a: LayoutOp, st: World, c: Config) => Recipe<World>>, waitsFor, (r) => step(r), zap, breakPfns);
  } else {
    delete (design.next as Record<string, unknown>).resume;
    delete (design.next as Record<string, unknown>)['unpin-longterm'];
  }
  // Only a design with its own reclaim has the action (coverage lists every handler).
  if (!policy.reclaim) delete (design.next as Record<string, unknown>).reclaim;
  // Nor is iomap split off a fault where no walk holds the AGF, nor noted.
  if (!policy.walkHoldsAgf) delete (design.next as Record<string, unknown>).iomap;
  // A kind whose handler went is not noted either (iomap, and resume and unpin-longterm in tmpfs).
  if (spec.notes) {
    const notes = Object.fromEntries(Object.entries(spec.notes).filter(([k]) => k in design.next));
    (design as { notes?: typeof notes }).notes = notes;
  }
  return design;
}
