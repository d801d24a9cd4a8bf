/**
 * tmpfs-cowflag: reflink on tmpfs by adding the source's pages to the
 * destination's address_space with their counts bumped and a CoW flag set to
 * prevent writes: the idea that opens seed 002 (Vito Caputo, 2020-07-24,
 * "tmpfs reflink"), which he doubts himself because "a struct page would
 * only belong to a single struct address_space at a time, as it has single
 * mapping and index members".
 *
 * On tmpfs the page is the storage, so the world's pfn is its block (as on
 * DAX): a block's reference count is the page count the reflink bumps, and
 * "shared" (count from more than one file) is the CoW flag. Choices where the
 * mail is silent, each the plainest reading of it:
 * - the page keeps the source's `mapping`/`index`; another file's entry to it
 *   is a second entry with no back-pointer (nothing else exists to record it);
 * - a write through a file whose page has the CoW flag copies it (the flag
 *   "prevents writes"), like any CoW;
 * - memory failure (shmem's error_remove_folio) and rmap walks go through
 *   page->mapping, the one owner the page can name; the file truncated there
 *   is what the filesystem learns.
 */
import { DAX_BUGS, daxDesign } from '../world/dax.js';
import { NULL } from '../world/state.js';

export default daxDesign({
  name: 'tmpfs-cowflag',
  summary: 'tmpfs reflink by bumping page counts with a CoW flag, one mapping/index per page (seed 002 opening)',
  seed: 'seed 002: Vito Caputo, "tmpfs reflink" idea, 2020-07-24 (and Willy\'s reply, 2020-07-25)',
  bugs: {
    'write-in-place-shared': 'the CoW flag is not checked: a write to a page with the flag set writes it in place',
    'count-not-dropped': DAX_BUGS['count-not-dropped'],
    'no-break-layouts': DAX_BUGS['no-break-layouts'],
  },
  bounds: { depth: 5 },
  cacheIsStorage: true,
  properties: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'entry-lock', 'layout-pin'],
  notApplicable: { 'reflink-walks-no-pages': 'this design walks the pages by construction (it bumps each page\'s count); the claim is fragment-owner\'s' },
  policy: {
    // The page is added to the second address_space without changing its owner.
    associate: (d, f, i, pfn) => {
      const fr = d.frame[pfn];
      if (fr.mapping !== NULL) return;
      fr.mapping = f;
      fr.index = i;
    },
    disassociate: (d, f, i, pfn) => {
      const fr = d.frame[pfn];
      if (fr.mapping === f && fr.index === i) {
        fr.mapping = NULL;
        fr.index = 0;
      }
    },
    form: () => 'owned',
    memfail: (s, pfn) => {
      const fr = s.frame[pfn];
      if (fr.mapping === NULL) return { locks: [], kill: [], tell: [] };
      return { locks: [[fr.mapping, fr.index]], kill: [fr.mapping], tell: [[fr.mapping, fr.index]] };
    },
  },
});
