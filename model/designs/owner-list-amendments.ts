/**
 * What it would take for the owner list to answer the two problems of Dave
 * Chinner's list (seed 000) it leaves open (issue 12 §1). Its claims hold
 * as proposed; its counterexamples are contrasts (counterexamples/
 * owner-list/), each naming what the list lacks:
 * - memfail-notify: a (file, offset) that shares the block but never
 *   faulted it is on no list, so the filesystem is never told
 *   (`filesystem-rmap`: the handler asks the filesystem's reverse map too,
 *   as fsdax does through ->notify_failure);
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
    description: 'memory failure also reports the pfn to the filesystem, which finds every (file, offset) of the block in its reverse map and learns each at the report, listed or not; the kills still walk the list',
    source: {
      kind: 'cited',
      cites:
        'Dave Chinner in seed 000: dax_lock_page "needs to report to the filesystem"; what fsdax merged: dax_holder_notify_failure -> xfs_dax_notify_failure -> xfs_rmap_query_range (fs/xfs/xfs_notify_failure.c)',
    },
  },
  [LIST_AT_LOOKUP]: {
    description: 'a fault is on the page\'s list from the moment its lookup finds the pfn (under its entry lock), not only from dax_insert_entry: a memory failure walks its entry first and so waits for it',
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
  const out: (readonly [number, number])[] = s.frame[pfn].owners.map((o) => [Math.floor(o / B), o % B] as const);
  if (amended(cfg, LIST_AT_LOOKUP) && s.fault && s.fault.pfn === pfn) {
    const { f, i } = s.fault;
    const k = out.findIndex(([g, j]) => g === f && j === i);
    if (k >= 0) out.splice(k, 1);
    out.unshift([f, i]);
  }
  return out;
}

/**
 * Under filesystem-rmap, every (file, offset) whose extent maps the block,
 * in rmap order, told at the report: the query is one step under the AGF,
 * released before the walk, which stays the list's. (A walk of the rmap's
 * owners without the AGF held across them was tried: a reflink between two
 * owners adds one it never visits, and memfail-reach breaks.)
 */
export function rmapNotify(s: World, pfn: number, cfg: Config): (readonly [number, number])[] | undefined {
  if (!amended(cfg, FILESYSTEM_RMAP)) return undefined;
  const out: [number, number][] = [];
  s.ext.forEach((row, f) => row.forEach((b, i) => b === pfn && out.push([f, i])));
  return out;
}
