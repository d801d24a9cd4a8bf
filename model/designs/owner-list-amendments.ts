/**
 * What it would take for the owner list to answer the two problems of Dave
 * Chinner's list (seed 000) it leaves open (issue 12 §1). Its claims hold
 * as proposed; its counterexamples are contrasts (counterexamples/
 * owner-list/), each naming what the list lacks:
 * - memfail-notify: a (file, offset) that shares the block but never
 *   faulted it is on no list, so the filesystem is never told
 *   (`filesystem-rmap`: the failure goes to the filesystem, as fsdax's does
 *   through ->notify_failure, and the filesystem's reverse map, not the
 *   page's list, says whom to visit);
 * - entry-lock: a fault between its entry lookup and dax_insert_entry is not
 *   listed yet, so the walk poisons the page under it (`list-at-lookup`: the
 *   page's list names a fault from its lookup on, so the walk waits for it).
 */
import { amended, type Amendment, type Config } from '../design.js';
import type { World } from '../world/state.js';

export const FILESYSTEM_RMAP = 'filesystem-rmap';
export const LIST_AT_LOOKUP = 'list-at-lookup';

export const OWNER_LIST_AMENDMENTS: Record<string, Amendment> = {
  [FILESYSTEM_RMAP]: {
    description:
      "memory failure is reported to the filesystem, whose reverse-map query (holding the AGF) visits every (file, offset) of the block in turn, listed or not, under that entry's lock: the filesystem learns each, and the processes mapping each are signalled there; the page's list is not walked",
    source: {
      kind: 'cited',
      cites:
        'Dave Chinner in seed 000: dax_lock_page "needs to report to the filesystem"; what fsdax merged: dax_holder_notify_failure -> xfs_dax_notify_failure -> xfs_dax_notify_ddev_failure (xfs_alloc_read_agf, xfs_rmap_query_range) -> xfs_dax_failure_fn -> mf_dax_kill_procs(i_mapping, pgoff) per rmap record (fs/xfs/xfs_notify_failure.c)',
    },
  },
  [LIST_AT_LOOKUP]: {
    description:
      "a fault is on the page's list from the moment its lookup finds the pfn (under its entry lock), not only from dax_insert_entry: a memory failure walks its entry first and so waits for it",
    source: {
      kind: 'smallest-change',
      counterexample: 'counterexamples/owner-list/entry-lock: the walk poisons pfn 0 while the fault through (file 1, index 0), not yet listed, holds it',
    },
  },
};

/**
 * The owners the handler walks for pfn, as (file, index) pairs: the list,
 * with the fault holding the pfn first under list-at-lookup.
 */
export function walkOwners(s: World, pfn: number, cfg: Config): (readonly [number, number])[] {
  const B = cfg.params.B;
  return faultFirst(
    s,
    pfn,
    cfg,
    s.frame[pfn].owners.map((o) => [Math.floor(o / B), o % B] as const),
  );
}

/**
 * Under list-at-lookup, the fault that holds pfn is listed from its lookup,
 * and the walk, the list's or (with filesystem-rmap) the rmap's, visits its
 * entry first, so it waits for that fault.
 */
function faultFirst(s: World, pfn: number, cfg: Config, walk: (readonly [number, number])[]): (readonly [number, number])[] {
  const out = [...walk];
  if (amended(cfg, LIST_AT_LOOKUP) && s.fault && s.fault.pfn === pfn) {
    const { f, i } = s.fault;
    const k = out.findIndex(([g, j]) => g === f && j === i);
    if (k >= 0) out.splice(k, 1);
    out.unshift([f, i]);
  }
  return out;
}

/**
 * Under filesystem-rmap, every (file, offset) whose extent maps the block, in
 * rmapbt order (owner, then offset): the walk itself, each a `memfail-next`
 * step that locks that entry (xfs_dax_failure_fn -> mf_dax_kill_procs ->
 * dax_lock_mapping_entry), the AGF held from the first record to the last
 * (xfs_dax_notify_ddev_failure), as fsdax-shared's handler does; the page's
 * list plays no part in it. (The amendment first told the filesystem at the
 * report and kept the list for the kills: a fault mapping the pfn through an
 * unlisted offset after the list walk was then signalled only by its own
 * machine check, where XFS visits that offset and waits for its entry. The
 * AGF is XFS's, and so is the ABBA it makes with a CoW fault's entry
 * (fsdax-shared: deadlock). A walk of the
 * rmap without the AGF held across it lets a reflink between two owners add
 * one it never visits.)
 */
export function rmapWalk(s: World, pfn: number, cfg: Config): (readonly [number, number])[] | undefined {
  if (!amended(cfg, FILESYSTEM_RMAP)) return undefined;
  const out: [number, number][] = [];
  s.ext.forEach((row, f) => row.forEach((b, i) => b === pfn && out.push([f, i])));
  return faultFirst(s, pfn, cfg, out);
}
