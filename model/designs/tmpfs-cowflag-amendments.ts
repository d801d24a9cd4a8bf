/**
 * What it would take for tmpfs-cowflag (issue 12 §1). As proposed nothing
 * claimed is violated, but nothing is proven either: every lookup through a
 * file the page does not name spins (shmem_get_folio_gfp: `folio->mapping !=
 * inode->i_mapping -> goto repeat`), so the destination of a reflink can
 * never read, fault, write or punch what it was given, and the goals that
 * guard refcount and cow-isolation (a page mapped by two files, a CoW break
 * of a mapped shared page) cannot be reached. Vito's mail names the cause
 * ("a struct page would only belong to a single struct address_space at a
 * time") and no remedy, so the amendment is the smallest change the
 * vacuous verdicts point to, proposed by nobody: a lookup accepts a page
 * found in its own xarray that carries the CoW flag whatever mapping it
 * names (the flag is the count from more than one file, as the design
 * reads it), and when the page's owner lets it go (CoW, punch) while
 * another file's xarray still holds it, page->mapping passes to that file,
 * so that the last holder, whose page no longer carries the flag, does not
 * spin on a page that names nobody.
 */
import type { Draft } from 'immer';
import { amended, type Amendment, type Config } from '../design.js';
import type { World } from '../world/state.js';

export const FLAGGED_LOOKUP = 'flagged-lookup';

export const COWFLAG_AMENDMENTS: Record<string, Amendment> = {
  [FLAGGED_LOOKUP]: {
    description:
      "shmem's lookups (fault, write, punch, truncate) accept a page found in the file's own xarray that carries the CoW flag although page->mapping names the source, and an owner letting the page go hands page->mapping to a file that still holds it: the destination can use what the reflink gave it",
    source: {
      kind: 'smallest-change',
      counterexample:
        "tmpfs-cowflag's vacuous refcount and cow-isolation: goals pfn-mapped-by-two-files and cow-break-of-mapped-shared are never reached, because every lookup through the destination spins",
    },
  },
};

export const flaggedLookup = (cfg: Config): boolean => amended(cfg, FLAGGED_LOOKUP);

/** Under flagged-lookup, the page's owner (f, i) let it go: another entry still holding it becomes its owner. */
export function handOver(d: Draft<World>, f: number, i: number, pfn: number, cfg: Config): void {
  if (!flaggedLookup(cfg)) return;
  for (let g = 0; g < d.entry.length; g++) {
    for (let j = 0; j < d.entry[g].length; j++) {
      if ((g !== f || j !== i) && d.entry[g][j] === pfn) {
        d.frame[pfn].mapping = g;
        d.frame[pfn].index = j;
        return;
      }
    }
  }
}
