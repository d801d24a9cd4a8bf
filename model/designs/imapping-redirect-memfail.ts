/**
 * imapping-redirect's memory-failure handler, memory_failure's tmpfs path.
 * The design and its choices are in imapping-redirect.ts.
 */
import type { Draft } from 'immer';
import type { Config } from '../design.js';
import { alreadyPoisoned, closeMemFail, disturb, kill, mappers, memfailReach, openMemFail, settle, tell } from '../world/common.js';
import { NULL, type World } from '../world/state.js';
import { sharedSpace, type State } from './imapping-redirect-view.js';
import { zap } from './imapping-redirect-pages.js';
/**
 * memory_failure on a tmpfs page, in one step: TestSetPageHWPoison, then
 * collect_procs_file and try_to_unmap through page->mapping (the vmas whose
 * file's f_mapping is that mapping); once nothing maps the page,
 * identify_page_state's truncate_error_page, and the filesystem, which set up
 * every i_mapping, learns each inode whose i_mapping is page->mapping. A page
 * left mapped (a vma on another mapping) fails the handler before that
 * (MF_MSG_UNMAP_FAILED): nobody is told, and a consuming load is killed by
 * the machine check (kill_me_maybe -> kill_me_now).
 */
export function failure(s: State, pfn: number, by: number, cfg: Config): (d: Draft<State>) => void {
  const fr = s.frame[pfn];
  const B = s.pte[0].length;
  const early = cfg.params.E === 1;
  const { owners, due, related } = memfailReach(s, pfn, s.imap.length, B, (f, i) => s.entry[s.imap[f]][i]);
  const m = fr.mapping;
  const found = m === NULL ? [] : due.filter((f) => s.vmap[f] === m);
  const told = m === NULL ? [] : cfg.bugs.has('memfail-host-only') ? (m < s.imap.length ? [m] : []) : s.imap.flatMap((x, f) => (x === m ? [f] : []));
  // TestSetPageHWPoison: already poisoned, so kill_accessing_process(current) only (world/common.ts).
  if (s.frame[pfn].poison) {
    return (d) => {
      settle(d);
      alreadyPoisoned(d, { pfn, by, early, shared: m !== NULL && sharedSpace(s, m) }, related);
    };
  }
  return (d) => {
    settle(d);
    openMemFail(d, { pfn, by, early, shared: m !== NULL && sharedSpace(s, m) }, { owners, due, related }, []);
    d.frame[pfn].poison = true;
    disturb(d, pfn);
    for (const f of found) {
      // try_to_unmap zaps every pte to the page it finds, collected or not; the signal takes nothing else (world/common.ts, kill).
      if (early || f === by) kill(d, [f]);
      for (let i = 0; i < B; i++) if (d.pte[f][i] === pfn) zap(d, f, i);
    }
    // A page left mapped: hwpoison_user_mappings fails, MF_MSG_UNMAP_FAILED, `goto out` before identify_page_state.
    const unmapped = mappers(d as World, pfn).length === 0;
    if (unmapped) for (const f of told) tell(d, f, fr.index, B);
    closeMemFail(d, !unmapped);
  };
}
