/**
 * The invariant families of the reflink and shared-page designs (seeds
 * 000-002, KERNEL.md 2.1 and 2.2), each read from the common View so that
 * one property id means one thing across designs. `sharingProperties(view)`
 * gives a design its properties over its own state type.
 */
import type { Goal, Property } from '../model/design.js';
import { NULL } from '../model/world/state.js';
import type { View } from '../model/world/view.js';

type P = (v: View) => string | undefined;

/**
 * single-ownership: every cache entry is owned 1:1 (`mapping`, `index` point
 * back: INV-A1, hch in seed 000: "page->mapping and page->index can point back
 * to exactly one file") or is the design's explicit form of sharing, kept
 * consistent: `share` counts the entries of a shared folio and is only set with
 * `mapping` NULL (INV-A2), a PFN entry's or shadow's frame points back at its
 * owner (INV-F), an owner list names exactly the entries that use the page.
 */
const singleOwnership: P = (v) => {
  for (const e of v.entries) {
    const fr = v.frames[e.pfn];
    const at = `entry (mapping ${e.m}, index ${e.i}) -> pfn ${e.pfn}`;
    switch (e.form) {
      case 'owned':
        if (fr.mapping !== e.m || fr.index !== e.i) return `${at}, but pfn ${e.pfn} points back to (mapping ${fr.mapping}, index ${fr.index})`;
        break;
      case 'shared': {
        const n = v.entries.filter((x) => x.form === 'shared' && x.pfn === e.pfn).length;
        if (fr.mapping !== NULL) return `${at} is a shared entry, but pfn ${e.pfn} has mapping ${fr.mapping}, not NULL`;
        if (fr.share !== n) return `pfn ${e.pfn} has share ${fr.share} but ${n} entries use it`;
        break;
      }
      case 'via':
        if (fr.mapping !== e.owner!.mapping || fr.index !== e.owner!.index) {
          return `${at} stands for (mapping ${e.owner!.mapping}, index ${e.owner!.index}), but pfn ${e.pfn} points back to (mapping ${fr.mapping}, index ${fr.index})`;
        }
        break;
      case 'listed':
        if (!fr.owners.includes(e.m * v.B + e.i)) return `${at}, but pfn ${e.pfn}'s owner list does not name it`;
        break;
    }
  }
  for (let pfn = 0; pfn < v.frames.length; pfn++) {
    const fr = v.frames[pfn];
    if (fr.share !== 0 && fr.mapping !== NULL) return `pfn ${pfn} has share ${fr.share} with mapping ${fr.mapping} (share is only set with mapping NULL)`;
    for (const o of fr.owners) {
      const m = Math.floor(o / v.B),
        i = o % v.B;
      if (!v.entries.some((e) => e.m === m && e.i === i && e.pfn === pfn)) return `pfn ${pfn}'s owner list names (mapping ${m}, index ${i}), which does not use it`;
    }
  }
  return undefined;
};

/** refcount: counts equal their references, never negative, nothing refers to a freed frame or block, nothing leaked. */
const refcount: P = (v) => {
  for (const c of v.counted) {
    if (c.stored < 0) return `${c.what} has a negative count ${c.stored}`;
    if (c.stored !== c.refs) return `${c.what} has count ${c.stored} but ${c.refs} reference(s)`;
    if (c.leakable && !c.free && c.refs === 0) return `${c.what} is unreferenced but not freed (leak)`;
  }
  for (const r of v.refersTo) if (v.frames[r.pfn].free) return `${r.what} refers to pfn ${r.pfn}, which is free`;
  for (const p of v.ptes) if (v.frames[p.pfn].free) return `process ${p.f} has a pte (index ${p.i}) to free pfn ${p.pfn}`;
  for (const p of v.pins) if (v.frames[p.pfn].free) return `a pin through (file ${p.f}, index ${p.i}) holds free pfn ${p.pfn}`;
  return undefined;
};

/**
 * cow-isolation (INV-C, INV-H): read(2) and every load through a pte return
 * the ghost contents of that file; no writable pte maps a pfn whose contents
 * belong to more than one file offset (so a write to one file never changes
 * another's).
 */
const cowIsolation: P = (v) => {
  for (let f = 0; f < v.F; f++) {
    for (let i = 0; i < v.B; i++) {
      if (v.read[f][i] !== v.ghost[f][i]) return `read(file ${f}, index ${i}) returns ${v.read[f][i]}, but the file holds ${v.ghost[f][i]}`;
    }
  }
  for (const p of v.ptes) {
    const got = v.data(p.pfn);
    if (got !== v.ghost[p.f][p.i]) return `process ${p.f} loads ${got} through its pte at index ${p.i} (pfn ${p.pfn}), but the file holds ${v.ghost[p.f][p.i]}`;
    if (p.writable && v.shared(p.pfn)) return `process ${p.f} has a writable pte at index ${p.i} to shared pfn ${p.pfn}`;
  }
  return undefined;
};

/**
 * memfail-reach (INV-B, KERNEL 2.1): a memory failure signals every process
 * that maps the poisoned pfn, and nobody else. When it is signalled depends on
 * the kill policy the failure ran under: with early kill
 * (vm.memory_failure_early_kill) every process that maps the pfn while the
 * failure is handled must have been signalled when the handler ends; with
 * late kill only the process whose load consumed the poison must be, before
 * the machine check returns to that load (the others meet it at their own
 * next load). At every step, a signalled process must map the pfn or have a
 * vma over an owning offset.
 *
 * "While the failure is handled" is per owner, as the kernel judges it:
 * mf_dax_kill_procs looks at each (mapping, index) when it locks its entry
 * (no page there: goto unlock), and the sysctl concerns the processes that
 * "have the corrupted and not reloadable page mapped as soon as the
 * corruption is detected". So early kill owes a signal to the processes in
 * `mf.due`: those mapping the pfn at the report, and those whose pte was
 * installed during the handling through an offset the handler had yet to
 * visit (model/world/common.ts, installPte). A pte installed through an
 * offset after the handler visited it is a later fault, which the kernel
 * covers otherwise (badblocks: dax_direct_access -> -EIO/-EHWPOISON; or the
 * machine check on consumption, a failure of its own): not judged here.
 * Such a fault maps the poisoned pfn when its lookup preceded the poison
 * (fs/dax.c tests no PageHWPoison after dax_iomap_direct_access), and INV-B
 * ("every process with a PTE mapping p ... memory_failure(p) delivers
 * SIGBUS") is then owed by the memory_failure(p) its first load raises: the
 * world offers that machine check (`mce`) on every pte to a poisoned pfn
 * under either kill policy, and its record is judged as any other: its
 * loader (`by`) must be signalled by the time the handling ends, or the
 * load is retried against the same poison. Only while it still maps the
 * pfn: a loader whose pte went during the walk (another thread's munmap) is
 * not collected (__add_to_kill: "size_shift == 0 effectively checks no
 * mapping on ZONE_DEVICE"), and its retried load faults afresh, where
 * badblocks or the next machine check answer it. A property of the state
 * alone: the first failure's record is gone by then, and the second names
 * its loader.
 */
const memfailReach: P = (v) => {
  const mf = v.mf;
  if (!mf) return undefined;
  for (const f of mf.killed) if (!mf.related.includes(f)) return `memory failure on pfn ${mf.pfn}: process ${f} was killed but neither mapped it nor maps a file that owns it`;
  if (!mf.done) return undefined;
  if (mf.by !== NULL && !mf.killed.includes(mf.by) && v.ptes.some((p) => p.f === mf.by && p.pfn === mf.pfn)) {
    return `memory failure on pfn ${mf.pfn}: process ${mf.by}'s load consumed the poison and it was not signalled (the machine check returns to the same load)`;
  }
  if (mf.early) {
    for (const p of v.ptes) {
      if (p.pfn === mf.pfn && mf.due.includes(p.f) && !mf.killed.includes(p.f)) return `memory failure on pfn ${mf.pfn}: process ${p.f} maps it (index ${p.i}) but was not signalled`;
    }
  }
  return undefined;
};

/**
 * memfail-notify (Dave in seed 000: dax_lock_page "needs to report to the
 * filesystem for processing and repair, not assume the page is user data and
 * killing processes is the only possible recovery mechanism"): once a memory
 * failure is handled, the filesystem has learnt every (file, offset) whose
 * data the pfn held when the error was reported.
 */
const memfailNotify: P = (v) => {
  const mf = v.mf;
  if (!mf?.done) return undefined;
  for (const o of mf.owners) {
    if (!mf.told.includes(o)) return `memory failure on pfn ${mf.pfn}: the filesystem never learns that (file ${Math.floor(o / v.B)}, index ${o % v.B}) owns it`;
  }
  return undefined;
};

/**
 * entry-lock (INV-E; Dave in seed 000: dax_lock_entry "can't be extended to
 * serialise access to the page across multiple mappings that are unaware of
 * each other"): no fault holds a pfn that was freed, poisoned or given to
 * another owner between its lookup and its pte install.
 */
const entryLock: P = (v) =>
  v.fault?.stale ? `a fault through (file ${v.fault.f}, index ${v.fault.i}) looked up pfn ${v.fault.pfn}, which was freed, poisoned or reassigned before the fault installed its pte` : undefined;

/**
 * layout-pin (INV-L; xfs_break_layouts in seed 001): no block is freed,
 * reallocated or remapped while a pte or a pin still refers to its pfn; a
 * pinned pfn stays the one its file maps, and unshared (a DMA write into a
 * shared block would bypass CoW). A read-only pin (no FOLL_WRITE) is held to
 * the first rule only: its device reads, so only a freed and reused block
 * hands it someone else's data.
 */
const layoutPin: P = (v) => {
  for (const p of v.pins) {
    if (v.frames[p.pfn].free) return `pfn ${p.pfn} was freed while pinned through (file ${p.f}, index ${p.i})`;
    // A pin without FOLL_WRITE only lets a device read the page: a CoW away from it or a share of it
    // leaves the DMA reading data still allocated, what a load before the store would have seen.
    if (p.write === false) continue;
    if (v.resolve[p.f][p.i] !== p.pfn) return `(file ${p.f}, index ${p.i}) was remapped to pfn ${v.resolve[p.f][p.i]} while pfn ${p.pfn} is pinned through it`;
    if (v.shared(p.pfn)) return `pinned pfn ${p.pfn} became shared while DMA may write it`;
  }
  for (const p of v.ptes) {
    if (v.frames[p.pfn].free) return `pfn ${p.pfn} was freed while process ${p.f} maps it`;
    if (v.resolve[p.f][p.i] !== p.pfn) return `(file ${p.f}, index ${p.i}) was remapped to pfn ${v.resolve[p.f][p.i]} while process ${p.f} still maps pfn ${p.pfn}`;
  }
  return undefined;
};

/**
 * content-by-own-writes (generic/630: "mmap and file writers racing with
 * FIDEDUPERANGE cannot write to the file after the dedupe prep function has
 * decided that the file contents are identical"): a file's content changes
 * only through writes to that file. FIDEDUPERANGE writes nothing, so the
 * place it remapped reads what the file's own writes left there (its ghost
 * contents): vfs_dedupe_file_range_compare's verdict must still hold when
 * xfs_reflink_remap_blocks runs, which the IOLOCK and MMAPLOCK that
 * xfs_reflink_remap_prep keeps across both ensure.
 */
const contentByOwnWrites: P = (v) => {
  const at = v.deduped;
  if (!at) return undefined;
  const got = v.read[at.f][at.i],
    own = v.ghost[at.f][at.i];
  return got !== own ? `FIDEDUPERANGE remapped (file ${at.f}, index ${at.i}), which now reads ${got}, but the file's own writes left ${own} there` : undefined;
};

/** reflink-walks-no-pages (fragment-owner; Willy in seed 002): reflinking B to C raises no per-page count. */
const reflinkWalksNoPages: P = (v) => (v.reflinkTouchedPages ? 'a reflink changed a per-page reference count' : undefined);

export const SHARING_PROPERTIES = {
  'single-ownership': {
    description: "every cache entry is owned 1:1 or is the design's explicit, consistent form of sharing (seed 000, hch; KERNEL 2.1 INV-A1/A2, 2.2 INV-F)",
    check: singleOwnership,
  },
  refcount: { description: 'counts equal references, never negative, no use after free, no leak (KERNEL 2.1/2.2 INV-G)', check: refcount },
  'cow-isolation': { description: "reads and loads return the file's ghost contents; no writable pte to a shared pfn (KERNEL 2.1 INV-C, 2.2 INV-H)", check: cowIsolation },
  'memfail-reach': {
    description: 'a memory failure signals every process mapping the pfn while it is handled (early kill) or consuming it (late kill), and nobody else (KERNEL 2.1 INV-B)',
    check: memfailReach,
  },
  'memfail-notify': { description: 'a memory failure tells the filesystem every (file, offset) owning the pfn (seed 000, Dave: report to the filesystem)', check: memfailNotify },
  'entry-lock': { description: 'what changes a shared pfn excludes faults through every mapping of it (seed 000, Dave: dax_lock_entry; INV-E)', check: entryLock },
  'layout-pin': { description: 'no block freed, reallocated or remapped while a pte or pin refers to its pfn (seed 001, xfs_break_layouts; INV-L)', check: layoutPin },
  'reflink-walks-no-pages': { description: 'reflinking touches no per-page count (seed 002, Willy; INV-G)', check: reflinkWalksNoPages },
  'content-by-own-writes': {
    description: "a file's content changes only through writes to it: a dedupe remap leaves what its own writes put there (generic/630)",
    check: contentByOwnWrites,
  },
} as const;

export type SharingPropertyId = keyof typeof SHARING_PROPERTIES;

/** The properties `ids` over a design's state, through its view. */
/** The family's properties, each over the design's view (Design.view), which the checker computes once per state. */
export function sharingProperties<S>(ids: readonly SharingPropertyId[]): Property<S, View>[] {
  return ids.map((id) => ({ id, description: SHARING_PROPERTIES[id].description, check: (_s, _cfg, v) => SHARING_PROPERTIES[id].check(v) }));
}

/**
 * The goals every design must reach, so that a bounded "holds" is not
 * vacuous; each guards the properties whose hard case it is (two files on
 * one pfn for ownership and counts; a CoW break under a mapping for
 * isolation and the entry lock; a failure on a shared pfn for memory-failure
 * reach).
 */
export function sharingGoals<S>(ids: readonly SharingPropertyId[] = []): Goal<S, View>[] {
  const goals: Goal<S, View>[] = [
    {
      id: 'pfn-mapped-by-two-files',
      guards: ['single-ownership', 'refcount', 'memfail-reach', 'layout-pin'],
      description: 'one pfn mapped by ptes of two files',
      reached: (_s, _cfg, v) => v.ptes.some((p) => v.ptes.some((q) => q.pfn === p.pfn && q.f !== p.f)),
    },
    {
      id: 'cow-break-of-mapped-shared',
      guards: ['cow-isolation', 'entry-lock'],
      description: 'a CoW break of a shared page that another file maps',
      reached: (_s, _cfg, v) => v.event === 'cow-mapped',
    },
    { id: 'memfail-on-shared', guards: ['memfail-reach', 'memfail-notify'], description: 'a memory failure on a shared pfn', reached: (_s, _cfg, v) => v.mf?.shared === true },
    {
      id: 'second-memfail',
      guards: ['memfail-reach', 'memfail-notify'],
      description: 'a memory failure while another pfn is already poisoned (xfs/552: a shared and a private pfn)',
      reached: (_s, _cfg, v) => v.mf !== null && v.frames.some((fr, p) => fr.poison && p !== v.mf!.pfn),
    },
    { id: 'reflink-at-offset', guards: ['single-ownership', 'cow-isolation'], description: 'a reflink of a range to a different offset', reached: (_s, _cfg, v) => v.event === 'reflink-range' },
  ];
  // Only a design that splits dedupe into compare and remap (and so checks the property) has it to reach.
  if (ids.includes('content-by-own-writes')) {
    goals.push({ id: 'dedupe-remapped', guards: ['content-by-own-writes'], description: 'a FIDEDUPERANGE remapped a block after its compare', reached: (_s, _cfg, v) => v.event === 'dedupe-remap' });
  }
  return goals;
}
