/**
 * What it would take for fragment-owner to reach the files behind a shared
 * page (issue 12 §1). Willy's design keeps every claim it makes, but its
 * memory-failure counterexamples (counterexamples/fragment-owner/
 * memfail-{reach,notify}, contrasts: not claimed) show what the mail lacks:
 * `page->mapping` of a shared page is the fragment's address space, which no
 * vma maps and no file is behind, so the handler neither signals the
 * processes that map it through their files' PFN entries nor tells the
 * filesystem which (file, offset) lost data (KERNEL 2.2 failure mode (a)).
 * `fragment-rmap` gives the fragment the reverse index fsdax got: the
 * filesystem's rmap, asked for every (file, offset) mapping the page's block.
 */
import { amended, type Amendment, type Config } from '../design.js';
import { HOLE } from '../world/state.js';
import type { State } from './fragment-owner-view.js';

export const FRAGMENT_RMAP = 'fragment-rmap';

export const FRAGMENT_AMENDMENTS: Record<string, Amendment> = {
  [FRAGMENT_RMAP]: {
    description:
      "memory failure on a page asks the filesystem's reverse map for every (file, offset) mapping its block: each is told, and each file's process mapping the page is signalled (early kill) or unmapped, not only page->mapping's",
    source: {
      kind: 'cited',
      cites:
        'the rmap btree\'s role for fsdax: xfs_dax_notify_failure -> xfs_dax_notify_ddev_failure -> xfs_rmap_query_range -> xfs_dax_failure_fn -> mf_dax_kill_procs, one owner (mapping, index) at a time (fs/xfs/xfs_notify_failure.c, mm/memory-failure.c); Dave Chinner in seed 000: memory errors "need to report to the filesystem"',
    },
  },
};

/**
 * Under fragment-rmap, the (file, index) places the reverse map gives for
 * pfn's block, in rmap order; null without the amendment (the handler then
 * goes through page->mapping alone). A page caching no block (a fragment's
 * retained page, an orphan) has no rmap owner.
 */
export function rmapOwners(s: State, pfn: number, cfg: Config): [number, number][] | null {
  if (!amended(cfg, FRAGMENT_RMAP)) return null;
  const b = s.frame[pfn].block;
  const out: [number, number][] = [];
  if (b === HOLE) return out;
  s.ext.forEach((row, f) => row.forEach((x, i) => x === b && out.push([f, i])));
  return out;
}
