/**
 * Memory failure in the DAX world, one owner at a time. The design's handler
 * (DaxPolicy.memfail) says which (mapping, index) entries it visits, in
 * order; the world runs them as steps:
 * - `memfail(pfn)` / `mce(f, i)`: the report and the first entry. The report
 *   itself changes nothing another CPU could see (xfs_dax_notify_failure ->
 *   xfs_rmap_query_range calls xfs_dax_failure_fn for its first record at
 *   once; pre-2022 memory_failure_dev_pagemap goes straight to dax_lock_page),
 *   so a separate "begin" step would only add interleavings equal to ones
 *   before the report;
 * - `memfail-next`: each further entry, under that entry's lock
 *   (mf_dax_kill_procs: dax_lock_mapping_entry(mapping, index)); the last one
 *   ends the failure, as nothing after it (xfs_trans_cancel) is seen either.
 * Per entry, as mf_dax_kill_procs does it: lock the entry (wait for a fault
 * holding it); if it holds the failing page, SetPageHWPoison, collect the
 * processes whose vma covers (mapping, index) that are early-kill or
 * `current` (collect_procs_fsdax: task_early_kill(tsk, true)) and map the
 * address (__add_to_kill: for a ZONE_DEVICE page dev_pagemap_mapping_shift
 * is 0 without a pte there, "effectively checks no mapping", and the task is
 * not added; a page-cache page is added whatever its pte), unmap the
 * range and signal them (unmap_and_kill: nothing is unmapped when nobody was
 * collected); the filesystem learns (file, index) where its rmap found it.
 */
import type { Draft } from 'immer';
import type { Config } from '../design.js';
import { closeMemFail, disturb, kill, mappers, memfailReach, openMemFail, relate, tell, zapPte } from './common.js';
import { HOLE, NULL, type World } from './state.js';

/** What a design's memory-failure handler does with a pfn, decided when the error is reported. */
export interface MemFailPlan {
  /**
   * It gives up with -EBUSY before SetPageHWPoison: pre-2022
   * memory_failure_dev_pagemap and mf_generic_kill_procs when dax_lock_page
   * (dax_lock_folio) finds page->mapping NULL.
   */
  readonly busy?: boolean;
  /** The (mapping, index) entries it visits in turn, each under its own lock. */
  readonly walk: readonly (readonly [number, number])[];
  /** The filesystem learns each visited (file, index) (xfs_dax_failure_fn is the filesystem's own walk). */
  readonly tells: boolean;
  /**
   * When PageHWPoison is set: `report` before any owner is looked up (the page
   * cache's TestSetPageHWPoison, or pre-2022 DAX right after dax_lock_page
   * succeeds); `entry` on the page an entry holds (mf_dax_kill_procs).
   */
  readonly poison: 'report' | 'entry';
  /**
   * A page-cache page (memory_failure's own path, not DAX): try_to_unmap
   * zaps every pte its rmap finds, collected or not, and a page left mapped
   * makes the handler fail (hwpoison_user_mappings -> MF_FAILED), so the
   * machine check kills the consuming process itself (kill_me_now).
   */
  readonly pageCache?: boolean;
  /**
   * The walk is the filesystem's rmap query under the AGF
   * (xfs_dax_notify_ddev_failure), taken before the first owner and held to
   * the last; absent for the generic handlers (mf_generic_kill_procs,
   * memory_failure_dev_pagemap), which hold no filesystem lock.
   */
  readonly holdsAgf?: boolean;
}

/** The parts of a DAX design the handler needs. */
export interface MemFailHooks {
  plan(s: World, pfn: number, cfg: Config): MemFailPlan;
  /** The pfn an entry holding `held` maps (a shadow's master). */
  target(s: World, held: number): number;
  /** A pte holds a page reference (v6.15's fs/dax.c); before it only GUP pins did (common.ts, zapPte). */
  readonly pteRef?: boolean;
  /** DaxPolicy.owner: whether the walk may look at mapping m (its inode is in core), and what it does when not. */
  readonly owner?: (d: Draft<World>, s: World, m: number, cfg: Config) => boolean;
  /** DaxPolicy.walked: what the handler does once its walk has ended. */
  readonly walked?: (d: Draft<World>, cfg: Config) => void;
}

const encode = (walk: MemFailPlan['walk'], B: number): number[] => walk.map(([m, i]) => m * B + i);

/** The entry a step must lock: a fault between its lookup and its pte install holds it. */
export function entryFree(s: World, m: number, i: number): boolean {
  return !(s.fault && s.fault.f === m && s.fault.i === i);
}

/**
 * Whether the report on pfn may start now: its first entry must be free,
 * except where the handler takes the AGF first (xfs_dax_notify_ddev_failure:
 * xfs_alloc_read_agf, then xfs_rmap_query_range, whose first record's
 * mf_dax_kill_procs waits in dax_lock_mapping_entry): that report starts,
 * holds the AGF, and its first owner waits as a `memfail-next`. Elsewhere
 * nothing is held before the first entry lock, so waiting before the report
 * is the same.
 */
export function reportAllowed(s: World, pfn: number, cfg: Config, hooks: MemFailHooks): boolean {
  const plan = hooks.plan(s, pfn, cfg);
  return plan.busy || plan.walk.length === 0 || plan.holdsAgf === true || entryFree(s, plan.walk[0][0], plan.walk[0][1]);
}

export function nextAllowed(s: World, ignoreLock = false): boolean {
  const mf = s.mf;
  if (!mf || mf.done || mf.walk.length === 0) return false;
  const B = s.ext[0].length;
  return ignoreLock || entryFree(s, Math.floor(mf.walk[0] / B), mf.walk[0] % B);
}

function visit(d: Draft<World>, s: World, hooks: MemFailHooks, plan: MemFailPlan, cfg: Config): void {
  const mf = d.mf!;
  const F = s.ext.length,
    B = s.ext[0].length;
  const o = mf.walk.shift()!;
  const m = Math.floor(o / B),
    i = o % B;
  if (m < F) mf.visited?.push(o);
  const held = m < F ? s.entry[m][i] : NULL;
  const incore = m >= F || !hooks.owner || hooks.owner(d, s, m, cfg);
  if (incore && held !== NULL && hooks.target(s, held) === mf.pfn) {
    if (!d.frame[mf.pfn].poison) {
      d.frame[mf.pfn].poison = true;
      disturb(d, mf.pfn);
    }
    const collected = (mf.early || mf.by === m) && (plan.pageCache === true || s.pte[m][i] !== NULL);
    if (collected) kill(d, [m]);
    // unmap_and_kill: unmap_mapping_range(mapping, index) once someone was collected (a collected task maps
    // the page there); try_to_unmap on a page-cache page whoever was collected. The rest of the process stays.
    if (collected || plan.pageCache) zapPte(d, m, i, plan.pageCache === true || hooks.pteRef !== false);
  }
  if (plan.tells && m < F) tell(d, m, i, B);
  if (mf.walk.length === 0) close(d, plan, hooks, cfg);
}

function close(d: Draft<World>, plan: MemFailPlan, hooks: MemFailHooks, cfg: Config): void {
  closeMemFail(d, plan.pageCache === true && mappers(d as World, d.mf!.pfn).length > 0);
  hooks.walked?.(d, cfg);
}

/** `memfail(pfn)` (by NULL) or `mce(f, i)` (by f): the report and the handler's first entry. */
export function report(s: World, pfn: number, by: number, cfg: Config, hooks: MemFailHooks): (d: Draft<World>) => void {
  const plan = hooks.plan(s, pfn, cfg);
  const F = s.ext.length,
    B = s.ext[0].length;
  const reach = memfailReach(s, pfn, F, B, (f, i) => s.ext[f][i]);
  return (d) => {
    const holdsAgf = plan.holdsAgf === true && !plan.busy && plan.walk.length > 0;
    openMemFail(d, { pfn, by, early: cfg.params.E === 1, shared: s.ref[pfn] > 1 }, reach, encode(plan.walk, B), holdsAgf);
    // Kept where the walk spans steps, the only walks between whose owners a pte can be installed.
    if (plan.walk.length > 1) d.mf!.visited = [];
    if (plan.busy) {
      d.mf!.busy = true;
      closeMemFail(d, true);
      return;
    }
    if (plan.poison === 'report' && !d.frame[pfn].poison) {
      d.frame[pfn].poison = true;
      disturb(d, pfn);
    }
    if (plan.walk.length === 0) close(d, plan, hooks, cfg);
    else if (cfg.bugs.has('no-entry-lock') || entryFree(s, plan.walk[0][0], plan.walk[0][1])) visit(d, s, hooks, plan, cfg);
  };
}

/** `memfail-next`: the handler's next entry (the plan's walk was fixed at the report; its other fields are the design's). */
export function next(s: World, cfg: Config, hooks: MemFailHooks): (d: Draft<World>) => void {
  const F = s.ext.length,
    B = s.ext[0].length;
  const reach = memfailReach(s, s.mf!.pfn, F, B, (f, i) => s.ext[f][i]);
  const plan = hooks.plan(s, s.mf!.pfn, cfg);
  return (d) => {
    relate(d, reach.related);
    visit(d, s, hooks, plan, cfg);
  };
}

/**
 * What waits for a walk under way, where the handler walks the filesystem's
 * rmap: xfs_dax_notify_ddev_failure holds the AGF buffer (xfs_alloc_read_agf
 * with its transaction) across xfs_rmap_query_range, and the world has one
 * AG, so everything that reads or changes it waits until the walk ends:
 * - reflink and dedupe's remap (xfs_reflink_remap_extent), punch and
 *   truncate (xfs_bunmapi); dedupe's compare where iomap_begin of either
 *   range would read it (below);
 * - iomap_begin of a fault or of write(2) on a written extent of a file with
 *   XFS_DIFLAG2_REFLINK, read or write: xfs_read_iomap_begin calls
 *   xfs_reflink_trim_around_shared for IS_DAX, and xfs_direct_write_iomap_begin
 *   (xfs_dax_write_iomap_ops) calls xfs_reflink_allocate_cow ->
 *   xfs_find_trim_cow_extent -> xfs_bmap_trim_cow -> trim_around_shared, which
 *   is xfs_reflink_find_shared -> xfs_alloc_read_agf(pag, NULL, 0), no trylock.
 *   Holes, unwritten and delalloc extents return before it ("cannot be
 *   shared"), and the world has no CoW fork left over between operations;
 * - what allocates: a write to a hole or a CoW break (xfs_iomap_write_direct,
 *   xfs_reflink_allocate_cow), and the CoW remap at the end of a write fault
 *   (xfs_dax_write_iomap_end -> xfs_reflink_end_cow), which runs before
 *   dax_iomap_pte_fault unlocks the entry, so `finish` waits here.
 * A fault takes its entry lock (grab_mapping_entry) before iomap_begin: one
 * that must read the AGF while a walk holds it stops after the grab
 * (Fault.grabbed) and runs `iomap` once the walk has ended, still holding
 * its entry; a walk that reaches that entry waits for it: the ABBA of
 * daxWaiting. The iomap step is split off only where the AGF is held at the
 * fault: elsewhere iomap_begin commutes with every other action (what it
 * reads, the file's extent, only changes under MMAPLOCK_EXCL or that entry),
 * so a fault whose grab precedes a report by other actions is the same as
 * one that grabs after it, except when its entry is the walk's first; that
 * deadlock is the same ABBA as one reached through a later owner.
 */
export function iomapNeedsAgf(s: World, f: number, i: number, write: boolean, allocates: (f: number, i: number) => boolean): boolean {
  return (s.reflinkFlag?.[f] === true && s.ext[f][i] !== HOLE) || (write && allocates(f, i));
}

export function agfHeld(
  s: World,
  a: { kind: string; f?: number; i?: number; write?: boolean; s?: number; si?: number; d?: number; di?: number },
  allocates: (f: number, i: number) => boolean,
): boolean {
  if (!s.mf || s.mf.done || !s.mf.agf) return false;
  switch (a.kind) {
    case 'reflink':
    case 'reflink-range':
    case 'dedupe-remap':
    case 'punch':
    case 'truncate':
      return true;
    // dax_dedupe_file_range_compare maps both ranges through xfs_read_iomap_ops.
    case 'dedupe':
      return iomapNeedsAgf(s, a.s!, a.si!, false, allocates) || iomapNeedsAgf(s, a.d!, a.di!, false, allocates);
    case 'write':
      return iomapNeedsAgf(s, a.f!, a.i!, true, allocates);
    case 'iomap':
      return s.fault !== null && iomapNeedsAgf(s, s.fault.f, s.fault.i, s.fault.write, allocates);
    case 'finish':
      return s.fault !== null && s.fault.write && allocates(s.fault.f, s.fault.i);
    default:
      return false;
  }
}

/**
 * The pmem driver's badblocks, which is what refuses a DAX access to a bad
 * pfn: dax_iomap_direct_access / dax_direct_access -> __pmem_direct_access
 * fails (-EHWPOISON) for a sector in pmem->bb, so the fault gets
 * VM_FAULT_SIGBUS and write(2) -EIO. fs/dax.c never tests PageHWPoison, and
 * memory failure does not add the sector: pmem_pagemap_memory_failure only
 * calls dax_holder_notify_failure. On x86 nfit_handle_mce adds it on the MCE
 * decoder chain after uc_decode_notifier's memory_failure has returned
 * (MCE_PRIO_NFIT below MCE_PRIO_UC), and an ARS scrub adds it later still. So
 * the world takes a pfn as in badblocks once it is poisoned and its handling
 * has ended, and never while it is handled. That is the optimistic end (a
 * software injection, madvise or hwpoison_inject, never reaches badblocks),
 * chosen so that no verdict rests on a fault mapping a pfn long known bad.
 * A DAX fault asks at its lookup (dax_fault_iter -> dax_iomap_direct_access,
 * before dax_insert_entry) and, for a CoW, at the copy from the shared block
 * (dax_iomap_copy_around); a pfn that turns bad after the lookup is mapped
 * all the same (model/world/dax.ts, `fault` and `finish`).
 * The page cache (tmpfs) tests the flag itself (__do_fault: PageHWPoison ->
 * VM_FAULT_HWPOISON), so there the flag is enough.
 */
export function badPfn(s: World, pfn: number, pageCache: boolean): boolean {
  if (!s.frame[pfn].poison) return false;
  return pageCache || !(s.mf && !s.mf.done && s.mf.pfn === pfn);
}

/**
 * Who waits, in words (for the checker's deadlock report), or undefined:
 * the one fault in flight, holding its entry, waiting for the AGF a walk
 * holds; the walk waiting for the entry a fault holds.
 */
export function daxWaiting(s: World, cfg?: Config): string | undefined {
  const out: string[] = [];
  const mf = s.mf && !s.mf.done ? s.mf : null;
  const f = s.fault;
  if (f && mf?.agf) {
    const allocates = (g: number, j: number): boolean => s.ext[g][j] === HOLE || (s.ref[s.ext[g][j]] > 1 && !cfg?.bugs.has('write-in-place-shared'));
    const needs = f.grabbed ? iomapNeedsAgf(s, f.f, f.i, f.write, allocates) : f.write && allocates(f.f, f.i);
    if (needs) out.push(`a fault through (file ${f.f}, index ${f.i}) holds its entry and waits for the AGF`);
  }
  if (mf && mf.walk.length > 0 && !cfg?.bugs.has('no-entry-lock')) {
    const B = s.ext[0].length;
    const m = Math.floor(mf.walk[0] / B),
      i = mf.walk[0] % B;
    if (!entryFree(s, m, i)) out.push(`the memory-failure walk ${mf.agf ? 'holds the AGF and ' : ''}waits for the entry (file ${m}, index ${i})`);
  }
  return out.length > 0 ? out.join('; ') : undefined;
}
