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
 *   is what the filesystem learns. It is memory_failure's page-cache path:
 *   TestSetPageHWPoison first, whatever the mapping, then try_to_unmap and
 *   kill_procs through page->mapping, one step; a page still mapped after it
 *   fails the handler, so a consuming load is killed by the machine check.
 */
import { DAX_BUGS, daxDesign } from '../world/dax.js';
import { DAX_NOTES } from '../world/dax-notes.js';
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
  properties: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'memfail-notify', 'entry-lock', 'layout-pin'],
  // Vito's idea promises only that pages are shared with their counts bumped
  // and that the CoW flag prevents writes: cow-isolation and refcount. He
  // doubts the rest himself ("a struct page would only belong to a single
  // struct address_space at a time"), and the mail says nothing of memory
  // failure, locking across mappings or pins: single-ownership, memfail-reach,
  // memfail-notify, entry-lock and layout-pin are contrasts with the rules of
  // the designs that answer him (seed 002), not promises of his.
  claims: ['refcount', 'cow-isolation'],
  notes: {
    ...DAX_NOTES,
    write: 'shmem_file_write_iter: in place, or a copy of a page whose CoW flag is set',
    fault: 'shmem_fault: the page from the cache, locked (the proposal adds no entry lock of its own)',
    finish: 'finish_fault: install the pte; a write to a page with the CoW flag copies it first',
    reflink: 'the proposed tmpfs reflink: the source pages go into the destination cache, counts bumped',
    'reflink-range': 'the proposed tmpfs reflink of one page to another offset',
    dedupe: 'the proposed tmpfs dedupe: compare, then share the page as the reflink does',
    punch: 'shmem_fallocate(FALLOC_FL_PUNCH_HOLE) -> shmem_truncate_range',
    truncate: 'shmem_setattr -> shmem_truncate_range',
    memfail: 'memory_failure: TestSetPageHWPoison, collect_procs via page->mapping, shmem error_remove_folio',
    'memfail-next': 'not taken: memory_failure handles the one page->mapping owner at once',
  },
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
      return { walk: fr.mapping === NULL ? [] : [[fr.mapping, fr.index]], tells: true, poison: 'report', pageCache: true };
    },
  },
});
