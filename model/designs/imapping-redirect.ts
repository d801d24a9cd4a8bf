/**
 * imapping-redirect: the quick hack at the end of Willy's reply in seed 002
 * (Matthew Wilcox, 2020-07-25, "Re: tmpfs reflink"): "if you just want
 * read-only duplicates of files to work, you could make inode->i_mapping
 * point to a different address_space instead of &inode->i_data", which Vito
 * Caputo (2020-07-25) takes up as "reflink enabled with file-granular CoW on
 * tmpfs". KERNEL.md 2.2: all inodes sharing an address_space have identical
 * bytes; any write to B must first unshare the whole of B (copy into
 * &B->i_data and repoint i_mapping); but file->f_mapping is captured at open
 * and faults use vmf->vma->vm_file->f_mapping, so "an fd or VMA set up before
 * the unshare keeps writing into the shared mapping".
 *
 * Model: tmpfs, where the page cache is the storage (no blocks: `ext`, `ref`
 * and `disk` stay empty). Address spaces 0..F-1 are the inodes' own i_data,
 * F..2F-1 the shared ones. Inode f's `imap` is its i_mapping; process f has
 * one open file of inode f (`fmap`: its f_mapping, captured at `open`) and
 * one vma on another open file of it (`vmap`: captured at `mmap`). The hack
 * is for tmpfs (Vito: "reflink enabled with file-granular CoW on tmpfs"), so
 * the paths are shmem's (mm/shmem.c, v6.14 era), not filemap_read's:
 * - read(2), shmem_file_read_iter: `inode = file_inode(file); ...
 *   shmem_get_folio(inode, ...)`: the inode's current i_mapping, whatever
 *   the fd captured;
 * - a fault, shmem_fault: `inode = file_inode(vmf->vma->vm_file)` ->
 *   shmem_get_folio_gfp(inode): the current i_mapping too;
 * - write(2), shmem_file_write_iter -> generic_perform_write ->
 *   a_ops->write_begin(file, file->f_mapping) -> shmem_write_begin: `inode
 *   = mapping->host`: f_mapping's host's i_mapping. For an fd opened before
 *   the reflink that is its own inode's; for one opened after, the shared
 *   space's host's, which is the shared space itself (the choice below);
 * - the stale f_mappings matter where the kernel uses them: the vma sits
 *   on vm_file->f_mapping's i_mmap (rmap: memory failure, unmap), and the
 *   hack's page_mkwrite checks the page against vm_file->f_mapping.
 *   Fault-around (filemap_map_pages through vm_file->f_mapping) is not
 *   modelled;
 * - every lookup checks, after folio_lock, that the page still names the
 *   mapping it was found in (shmem_get_folio_gfp: `folio->mapping !=
 *   inode->i_mapping -> goto repeat`, as filemap_fault's "Did it get
 *   truncated?"). The hack moves a page and its page->mapping in one step,
 *   so the check fails only where `mapping-not-updated` leaves the old one:
 *   there the lookup spins for ever, and the fault, or the write whose
 *   unshare or write_begin would find that page, is not an action.
 * Each page is owned 1:1 by the address space it is in. Choices where the
 * mail is silent, each the plainest reading of it:
 * - reflink S -> D: if S's i_mapping is its own i_data, its pages move to a
 *   new shared address space and S->i_mapping points there; D's i_mapping
 *   points there too and D's own pages are truncated. Neither touches open
 *   files or vmas (nothing can find them from the inode);
 * - "shared" is an address space that more than one inode's i_mapping points
 *   at; a write (write(2), or a write fault's page_mkwrite) to an inode whose
 *   i_mapping is shared first unshares the whole file: copies every page into
 *   &B->i_data and repoints i_mapping; then the write goes where the file or
 *   vma it came through points;
 * - a shared address space lives while any inode, open file or vma refers to
 *   it (the charitable choice: otherwise a stale f_mapping is a use after free),
 *   and its `host` is an inode of its own whose i_mapping stays that space
 *   (as erofs's shared anonymous inode): the host that write_begin uses;
 * - the hack's page_mkwrite unshares the inode, then checks the faulted page
 *   as filemap_page_mkwrite does (`folio->mapping != vm_file->f_mapping` ->
 *   VM_FAULT_NOPAGE, the fault is retried), tmpfs having none of its own;
 * - reflink waits for pins on the pages it moves or drops and zaps the
 *   destination's ptes and write-protects the source's (the xfs_break_layouts
 *   and page_mkclean steps a reflink does); the unshare does neither, since
 *   the hack only copies and repoints;
 * - memory failure goes through page->mapping (collect_procs_file: the vmas
 *   whose file's f_mapping is that mapping), and the filesystem, which set up
 *   every i_mapping, learns each inode whose i_mapping is page->mapping.
 * Not modelled: range reflink and dedupe (the hack is file-granular, so the
 * reflink-at-offset goal cannot be reached), punch and truncate (the unshare
 * already remaps under ptes), reclaim (tmpfs pages go to swap, not away).
 *
 * What it takes (imapping-redirect-amendments.ts): every counterexample is
 * an fd or vma that kept the address space it captured; `follow-i_mapping`
 * repoints them at each reflink and unshare, and under it nothing claimed is
 * violated at the default bound. The goal reflink-at-offset is not this
 * design's: the file-granular hack has no range reflink to reach it.
 *
 * Bug toggles, mistakes of the thread's kind: page->mapping left pointing at
 * the inode when its pages move to the shared space ("a struct page would
 * only belong to a single struct address_space at a time"), memory failure
 * telling only page->mapping's host (no way back from a shared space to the
 * inodes that use it), and a page count not dropped at unmap.
 */
import type { Draft } from 'immer';
import type { Config } from '../design.js';
import { defineDesign } from '../design.js';
import { sharingGoals, sharingProperties } from '../../properties/sharing.js';
import { label as worldLabel, type WorldAction } from '../world/actions.js';
import { ghost, inFlight, installPte, pinPte, settle } from '../world/common.js';
import { DAX_NOTES } from '../world/dax-notes.js';
import { grid, HOLE, initWorld, NULL, worldParams, type World } from '../world/state.js';
import type { View } from '../world/view.js';
import { IMAPPING_AMENDMENTS } from './imapping-redirect-amendments.js';
import { F_, freeFrames, idleSpace, pageAt, pagesIn, pinned, sharedSpace, view, writeTarget, type State } from './imapping-redirect-view.js';
import { addPage, dropPage, follow, framesForWrite, putPage, releaseSpace, unshare, zap } from './imapping-redirect-pages.js';
import { failure } from './imapping-redirect-memfail.js';

type Act =
  | Extract<WorldAction, { kind: 'write' | 'fault' | 'finish' | 'store' | 'unmap' | 'reflink' | 'memfail' | 'mce' | 'pin' | 'unpin' }>
  | { readonly kind: 'open'; readonly f: number }
  | { readonly kind: 'mmap'; readonly f: number };

/**
 * A write by f at i waits for a fault holding a page it must lock: the page
 * write_begin finds, or any page of f's shared i_mapping, which the unshare
 * reads under each page's lock.
 */
function writeWaits(s: State, f: number, i: number): boolean {
  if (!s.fault) return false;
  if (s.fault.f === f) return true;
  const p = s.fault.pfn;
  if (sharedSpace(s, s.imap[f])) return s.frame[p].mapping === s.imap[f] || (s.fmap[f] >= F_(s) && pageAt(s, s.fmap[f], i) === p);
  return pageAt(s, writeTarget(s, s.fmap[f]), i) === p;
}

/**
 * shmem_get_folio_gfp's check after folio_lock (as filemap_fault's "Did it get
 * truncated?"): `if (folio->mapping != inode->i_mapping) { unlock; put; goto
 * repeat; }`. A page in mapping m at i that names another mapping (a page
 * truncated or moved meanwhile, or left naming its old inode by
 * `mapping-not-updated`) is found again at every retry: the lookup spins and
 * never returns it, so the fault or write that makes it is not an action.
 */
function spinsAt(s: State, m: number, i: number): boolean {
  const p = pageAt(s, m, i);
  return p !== NULL && s.frame[p].mapping !== m;
}
/** write(2) by f at i: the unshare reads every page of a shared i_mapping, then write_begin looks up f_mapping->host's. */
function writeSpins(s: State, f: number, i: number): boolean {
  const m = s.imap[f];
  if (sharedSpace(s, m) && s.entry[m].some((_, j) => spinsAt(s, m, j))) return true;
  return spinsAt(s, writeTarget(s, s.fmap[f]), i);
}

export default defineDesign<State, Act, View>({
  name: 'imapping-redirect',
  picture: { world: 'dax' },
  summary: 'tmpfs reflink by pointing i_mapping at a shared address space; the first write unshares the whole file (seed 002 quick hack)',
  seed: "seed 002: Matthew Wilcox, Re: tmpfs reflink, 2020-07-25 (inode->i_mapping quick hack); Vito Caputo's reply, 2020-07-25 (file-granular CoW); KERNEL.md 2.2",
  params: {
    F: worldParams.F,
    B: worldParams.B,
    V: worldParams.V,
    E: worldParams.E,
    M: { default: 4, min: 2, max: 8, description: 'page frames' },
  },
  bugs: {
    'mapping-not-updated': "reflink moves the source's pages to the shared address space but leaves page->mapping pointing at the inode",
    'memfail-host-only': "memory failure tells the filesystem only page->mapping's host: nothing for a shared address space",
    'count-not-dropped': 'unmap zaps the pte but does not drop the page reference',
  },
  amendments: IMAPPING_AMENDMENTS,
  bounds: { depth: 7 },
  init: (cfg) => {
    const { F, B } = cfg.params;
    const w = initWorld({ ...cfg, params: { ...cfg.params, P: F + 1 } }, cfg.params.M, 2 * F);
    const s: State = { ...w, ext: grid(F, B, HOLE), ref: [], disk: [], imap: [...Array(F).keys()], fmap: new Array<number>(F).fill(NULL), vmap: new Array<number>(F).fill(NULL) };
    // File f holds f+1 at index 0 (as in the other designs), in a page of its own i_data.
    for (let f = 0; f < F; f++) addPage(s as Draft<State>, f, 0, f + 1);
    return s;
  },
  actions: (s, cfg) => {
    const { F, B, V } = cfg.params;
    const out: Act[] = [];
    if (s.fault) out.push({ kind: 'finish' });
    // A memory failure is handled in one step here: nothing waits for one.
    const late = cfg.params.E === 0;
    const free = freeFrames(s);
    for (let f = 0; f < F; f++) {
      if (s.fmap[f] !== s.imap[f]) out.push({ kind: 'open', f });
      if (s.vmap[f] !== s.imap[f] && !s.pin[f].some((p) => p !== NULL) && !(s.fault && s.fault.f === f)) out.push({ kind: 'mmap', f });
      for (let i = 0; i < B; i++) {
        for (let v = 1; v <= V; v++) {
          if (s.ghost[f][i] === v) continue;
          if (s.fmap[f] !== NULL && framesForWrite(s, f, s.fmap[f]) <= free && !writeWaits(s, f, i) && !writeSpins(s, f, i)) out.push({ kind: 'write', f, i, v });
          if (s.ptew[f][i] && !s.frame[s.pte[f][i]].poison) out.push({ kind: 'store', f, i, v });
        }
        if (s.vmap[f] !== NULL && !s.fault && !spinsAt(s, s.imap[f], i)) {
          if (s.pte[f][i] === NULL && pageAt(s, s.imap[f], i) !== NULL) out.push({ kind: 'fault', f, i, write: false });
          if (!s.ptew[f][i]) out.push({ kind: 'fault', f, i, write: true });
        }
        if (s.pte[f][i] !== NULL) out.push({ kind: 'unmap', f, i });
        // A load through a pte the handler left to a poisoned page is a machine check under either policy (world/actions.ts).
        if ((late || (s.pte[f][i] !== NULL && s.frame[s.pte[f][i]].poison)) && s.pte[f][i] !== NULL && !(s.fault && s.fault.pfn === s.pte[f][i])) out.push({ kind: 'mce', f, i });
        if (s.ptew[f][i] && s.pin[f][i] === NULL) out.push({ kind: 'pin', f, i });
        if (s.pin[f][i] !== NULL) out.push({ kind: 'unpin', f, i });
      }
    }
    for (let src = 0; src < F; src++) {
      for (let dst = 0; dst < F; dst++) {
        if (dst === src || s.imap[src] === s.imap[dst] || pagesIn(s, s.imap[src]) === 0) continue;
        if ((s.fault && (s.fault.f === src || s.fault.f === dst)) || pinned(s, s.imap[src]) || pinned(s, s.imap[dst])) continue;
        if (s.imap[src] === src && idleSpace(s) === NULL) continue;
        out.push({ kind: 'reflink', s: src, d: dst });
      }
    }
    for (let p = 0; p < s.frame.length; p++) {
      if (!s.frame[p].free && !s.frame[p].poison && !(s.fault && s.fault.pfn === p)) out.push({ kind: 'memfail', pfn: p });
    }
    return out;
  },
  label: (a) => (a.kind === 'open' || a.kind === 'mmap' ? `${a.kind}(f=${a.f})` : worldLabel(a)),
  next: {
    open:
      ({ f }, s) =>
      (d) => {
        settle(d);
        d.fmap[f] = d.imap[f];
        releaseSpace(d, s.fmap[f]);
      },
    // munmap of the old vma (if any), then mmap of a fresh open of the inode.
    mmap:
      ({ f }, s) =>
      (d) => {
        settle(d);
        for (let i = 0; i < d.pte[f].length; i++) zap(d, f, i);
        d.vmap[f] = d.imap[f];
        releaseSpace(d, s.vmap[f]);
      },
    write:
      ({ f, i, v }, s, cfg) =>
      (d) => {
        settle(d);
        if (sharedSpace(s, s.imap[f])) unshare(s, d, f, cfg);
        const m = writeTarget(d as State, d.fmap[f]);
        if (d.entry[m][i] === NULL) addPage(d, m, i, v);
        else d.frame[d.entry[m][i]].data = v;
        ghost.write(d, f, i, v);
      },
    // shmem_fault: the page of file_inode(vm_file)->i_mapping, locked (vmf->page).
    fault:
      ({ f, i, write }, s) =>
      (d) => {
        settle(d);
        let p = pageAt(s, s.imap[f], i);
        if (p === NULL) {
          // shmem_get_folio_gfp(SGP_CACHE) on a hole adds a new page to i_mapping at once.
          if (freeFrames(s) === 0) return; // VM_FAULT_OOM
          p = addPage(d, s.imap[f], i, 0);
        }
        d.fault = { f, i, write, pfn: p, stale: false };
      },
    finish: (_a, s, cfg) => (d) => {
      settle(d);
      const { f, i, write } = s.fault!;
      d.fault = null;
      // The fault holds its inode (reflink, write and mmap wait), so i_mapping is the one it looked up.
      const m = s.imap[f];
      const p = s.fault!.pfn;
      if (d.frame[p].poison) return; // __do_fault: PageHWPoison -> VM_FAULT_HWPOISON (SIGBUS)
      if (write && sharedSpace(d as State, m)) {
        // The hack's page_mkwrite: unshare the inode, then filemap_page_mkwrite's check against vm_file->f_mapping.
        if (freeFrames(d as World) < pagesIn(d as World, m)) return; // VM_FAULT_OOM
        unshare(d as State, d, f, cfg);
        if (d.frame[p].mapping !== d.vmap[f]) return; // VM_FAULT_NOPAGE: the fault is retried, through the new i_mapping
      }
      installPte(d, f, i, p, write);
    },
    store:
      ({ f, i, v }) =>
      (d) => {
        settle(d);
        d.frame[d.pte[f][i]].data = v;
        ghost.write(d, f, i, v);
      },
    unmap:
      ({ f, i }, s, cfg: Config) =>
      (d) => {
        settle(d);
        const p = s.pte[f][i];
        d.pte[f][i] = NULL;
        d.ptew[f][i] = false;
        if (!cfg.bugs.has('count-not-dropped')) putPage(d, p);
      },
    pin:
      ({ f, i }) =>
      (d) => {
        settle(d);
        pinPte(d, f, i);
      },
    unpin:
      ({ f, i }) =>
      (d) => {
        settle(d);
        putPage(d, d.pin[f][i]);
        d.pin[f][i] = NULL;
      },
    reflink:
      ({ s: src, d: dst }, s, cfg) =>
      (d) => {
        settle(d);
        const B = s.pte[0].length;
        let m = s.imap[src];
        if (m === src) {
          m = idleSpace(s);
          for (let i = 0; i < B; i++) {
            const p = d.entry[src][i];
            if (p === NULL) continue;
            d.entry[m][i] = p;
            d.entry[src][i] = NULL;
            if (!cfg.bugs.has('mapping-not-updated')) d.frame[p].mapping = m;
          }
          d.imap[src] = m;
        }
        // page_mkclean: the source's pages are shared from now on, moved or already in a space of their own.
        for (let i = 0; i < B; i++) d.ptew[src][i] = false;
        const old = s.imap[dst];
        for (let i = 0; i < B; i++) zap(d, dst, i);
        if (old === dst) for (let i = 0; i < B; i++) dropPage(d, dst, i);
        d.imap[dst] = m;
        follow(d, src, cfg);
        follow(d, dst, cfg);
        releaseSpace(d, old);
        ghost.reflink(d, src, dst);
      },
    memfail: ({ pfn }, s, cfg) => failure(s, pfn, NULL, cfg),
    mce: ({ f, i }, s, cfg) => failure(s, s.pte[f][i], f, cfg),
  },
  view,
  waiting: inFlight,
  always: sharingProperties(['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'memfail-notify', 'entry-lock', 'layout-pin']),
  // The hack promises "read-only duplicates" that share one address space,
  // each page in exactly one (single-ownership), with the ordinary page
  // counts (refcount), and Vito's file-granular CoW: a write unshares the
  // whole file first (cow-isolation). It leaves memory failure, locks and
  // pins to tmpfs as it is, one page in one address space, so the ordinary
  // kernel guarantees stand as claims: memfail-reach (rmap through
  // page->mapping reaches every vma of the shared space), entry-lock (the
  // page lock) and layout-pin.
  // Not claimed: memfail-notify. tmpfs tells nothing beyond truncating the
  // page from page->mapping; a filesystem told every inode is Dave's demand
  // for DAX, which the hack never takes up: a contrast.
  claims: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'entry-lock', 'layout-pin'],
  notes: {
    store: DAX_NOTES.store,
    unmap: DAX_NOTES.unmap,
    pin: DAX_NOTES.pin,
    unpin: DAX_NOTES.unpin,
    mce: DAX_NOTES.mce,
    open: 'do_dentry_open: file->f_mapping = inode->i_mapping, captured now',
    mmap: 'munmap of the old vma, then mmap of a fresh open: vm_file->f_mapping captured now',
    write: 'shmem_file_write_iter: unshare (the hack), then write_begin via f_mapping->host->i_mapping',
    fault: "shmem_fault: the page of file_inode(vm_file)->i_mapping, locked (another mapping's: spins)",
    finish: "finish_fault; a shared write: the hack's page_mkwrite unshares, checks vm_file->f_mapping",
    reflink: 'the hack: the source pages move to a shared address space, both i_mappings point at it',
    memfail: 'memory_failure: TestSetPageHWPoison, collect_procs_file/try_to_unmap via page->mapping',
  },
  // The hack is file-granular: there is no range reflink, so the goal that
  // guards single-ownership and cow-isolation with one (reflink-at-offset)
  // names a history this design cannot have, and is left out rather than
  // left to make every holds vacuous.
  sometimes: sharingGoals().filter((g) => g.id !== 'reflink-at-offset'),
  notApplicable: { 'reflink-walks-no-pages': "reflink here moves pages between address spaces by construction; the claim that it touches no per-page count is fragment-owner's" },
});
