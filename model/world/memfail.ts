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
 * `current` (collect_procs_fsdax: task_early_kill(tsk, true)), unmap the
 * range and signal them (unmap_and_kill: nothing is unmapped when nobody was
 * collected); the filesystem learns (file, index) where its rmap found it.
 */
import type { Draft } from 'immer';
import type { Config } from '../design.js';
import type { WorldAction } from './actions.js';
import { closeMemFail, disturb, kill, mappers, memfailReach, openMemFail, relate, tell, zapPte } from './common.js';
import { NULL, type World } from './state.js';

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
}

/** The parts of a DAX design the handler needs. */
export interface MemFailHooks {
  plan(s: World, pfn: number, cfg: Config): MemFailPlan;
  /** The pfn an entry holding `held` maps (a shadow's master). */
  target(s: World, held: number): number;
}

const encode = (walk: MemFailPlan['walk'], B: number): number[] => walk.map(([m, i]) => m * B + i);

/** The entry a step must lock: a fault between its lookup and its pte install holds it. */
export function entryFree(s: World, m: number, i: number): boolean {
  return !(s.fault && s.fault.f === m && s.fault.i === i);
}

/** Whether the report on pfn may start now: its first entry must be free. */
export function reportAllowed(s: World, pfn: number, cfg: Config, hooks: MemFailHooks): boolean {
  const plan = hooks.plan(s, pfn, cfg);
  return plan.busy || plan.walk.length === 0 || entryFree(s, plan.walk[0][0], plan.walk[0][1]);
}

export function nextAllowed(s: World, ignoreLock = false): boolean {
  const mf = s.mf;
  if (!mf || mf.done || mf.walk.length === 0) return false;
  const B = s.ext[0].length;
  return ignoreLock || entryFree(s, Math.floor(mf.walk[0] / B), mf.walk[0] % B);
}

function visit(d: Draft<World>, s: World, hooks: MemFailHooks, plan: MemFailPlan): void {
  const mf = d.mf!;
  const F = s.ext.length, B = s.ext[0].length;
  const o = mf.walk.shift()!;
  const m = Math.floor(o / B), i = o % B;
  const held = m < F ? s.entry[m][i] : NULL;
  if (held !== NULL && hooks.target(s, held) === mf.pfn) {
    if (!d.frame[mf.pfn].poison) {
      d.frame[mf.pfn].poison = true;
      disturb(d, mf.pfn);
    }
    if (mf.early || mf.by === m) kill(d, [m]);
    else if (plan.pageCache) zapPte(d, m, i);
  }
  if (plan.tells && m < F) tell(d, m, i, B);
  if (mf.walk.length === 0) close(d, plan);
}

function close(d: Draft<World>, plan: MemFailPlan): void {
  closeMemFail(d, plan.pageCache === true && mappers(d as World, d.mf!.pfn).length > 0);
}

/** `memfail(pfn)` (by NULL) or `mce(f, i)` (by f): the report and the handler's first entry. */
export function report(s: World, pfn: number, by: number, cfg: Config, hooks: MemFailHooks): (d: Draft<World>) => void {
  const plan = hooks.plan(s, pfn, cfg);
  const F = s.ext.length, B = s.ext[0].length;
  const reach = memfailReach(s, pfn, F, B, (f, i) => s.ext[f][i]);
  return (d) => {
    openMemFail(d, { pfn, by, early: cfg.params.E === 1, shared: s.ref[pfn] > 1 }, reach, encode(plan.walk, B));
    if (plan.busy) {
      d.mf!.busy = true;
      closeMemFail(d, true);
      return;
    }
    if (plan.poison === 'report' && !d.frame[pfn].poison) {
      d.frame[pfn].poison = true;
      disturb(d, pfn);
    }
    if (plan.walk.length === 0) close(d, plan);
    else visit(d, s, hooks, plan);
  };
}

/** `memfail-next`: the handler's next entry (the plan's walk was fixed at the report; its other fields are the design's). */
export function next(s: World, cfg: Config, hooks: MemFailHooks): (d: Draft<World>) => void {
  const F = s.ext.length, B = s.ext[0].length;
  const reach = memfailReach(s, s.mf!.pfn, F, B, (f, i) => s.ext[f][i]);
  const plan = hooks.plan(s, s.mf!.pfn, cfg);
  return (d) => {
    relate(d, reach.related);
    visit(d, s, hooks, plan);
  };
}

/**
 * What waits for a walk under way, where the handler walks the filesystem's
 * rmap: xfs_dax_notify_ddev_failure holds the AGF buffer (xfs_alloc_read_agf
 * with its transaction) across xfs_rmap_query_range, so whatever changes that
 * AG's rmap or free space waits until the walk ends: reflink and dedupe
 * (xfs_reflink_remap_extent), punch and truncate (xfs_bunmapi), and a write
 * that allocates or breaks a share (xfs_bmapi_write, xfs_reflink_end_cow).
 * The world has one AG. A fault that must allocate has taken its entry lock
 * first (grab_mapping_entry), so its second half waits here.
 */
export function agfHeld(s: World, a: WorldAction, allocates: (f: number, i: number) => boolean): boolean {
  if (!s.mf || s.mf.done) return false;
  switch (a.kind) {
    case 'reflink':
    case 'reflink-range':
    case 'dedupe':
    case 'punch':
    case 'truncate':
      return true;
    case 'write':
      return allocates(a.f, a.i);
    case 'finish':
      return s.fault !== null && s.fault.write && allocates(s.fault.f, s.fault.i);
    default:
      return false;
  }
}
