/**
 * fragment-owner's memory-failure handler: memory_failure's page-cache path
 * through page->mapping (or, amended, the fragment's reverse map). The
 * design and its choices are in fragment-owner.ts.
 */
import type { Draft } from 'immer';
import type { Config } from '../design.js';
import { alreadyPoisoned, closeMemFail, disturb, kill, mappers, memfailReach, openMemFail, settle, tell, zapPte } from '../world/common.js';
import { HOLE, NULL, type World } from '../world/state.js';
import type { State } from './fragment-owner-view.js';
import { reapOrphans } from './fragment-owner-cache.js';
import { rmapOwners } from './fragment-owner-amendments.js';

/**
 * memory_failure on a page-cache page, in one step: TestSetPageHWPoison, then
 * collect_procs, try_to_unmap and error_remove_folio through page->mapping
 * alone (the fragment's, when shared, which no vma maps). A page left mapped
 * fails the handler (MF_FAILED), so a consuming load is killed by the machine
 * check (kill_me_maybe -> kill_me_now). The page is not removed from the
 * cache here (the proposal says nothing of truncating a fragment); faults on
 * it get VM_FAULT_HWPOISON.
 */
export function failure(s: State, pfn: number, by: number, cfg: Config): (d: Draft<State>) => void {
  const F = s.ext.length,
    B = s.ext[0].length;
  const reach = memfailReach(s, pfn, F, B, (f, i) => s.entry[f][i]);
  const fr = s.frame[pfn];
  const early = cfg.params.E === 1;
  // TestSetPageHWPoison: already poisoned, so kill_accessing_process(current) only (world/common.ts).
  if (s.frame[pfn].poison) {
    return (d) => {
      settle(d);
      alreadyPoisoned(d, { pfn, by, early, shared: fr.block !== HOLE && s.ref[fr.block] > 1 }, reach.related);
    };
  }
  return (d) => {
    settle(d);
    openMemFail(d, { pfn, by, early, shared: fr.block !== HOLE && d.ref[fr.block] > 1 }, reach, []);
    d.frame[pfn].poison = true;
    disturb(d, pfn);
    // Through page->mapping alone, or (fragment-rmap) every owner the filesystem's reverse map gives.
    const owners = rmapOwners(s, pfn, cfg) ?? (fr.mapping !== NULL && fr.mapping < F ? [[fr.mapping, fr.index] as [number, number]] : []);
    for (const [g, j] of owners) {
      // collect_procs_file: a vma over the page's (mapping, index), or (fragment-rmap) a pte to it; try_to_unmap
      // zaps the pte to the page, collected or not; the signal takes nothing else (world/common.ts, kill).
      if (d.pte[g][j] === pfn || (g === fr.mapping && j === fr.index)) {
        if (early || by === g) kill(d, [g]);
        if (d.pte[g][j] === pfn) zapPte(d, g, j);
      }
      tell(d, g, j, B);
    }
    closeMemFail(d, mappers(d as World, pfn).length > 0);
    reapOrphans(d);
  };
}
