/**
 * shadow-pages: Dave Chinner's proposal in seed 000 (Dave Chinner,
 * 2019-10-10, "Re: [RFC PATCH 0/7] xfs: add reflink & dedupe support for
 * fsdax"): "shadow pages ... for each read-only reflink mapping with the real
 * physical page being owned by the filesystem and indexed by LBA in the
 * filesystem buffer cache. This would be based on whether the extent in the
 * file the page is mapped from has multiple references to it. ... When a new
 * page mapping occurs in a shared extent, we add the page to the buffer cache
 * ... if it isn't already present, then allocate a shadow page, point it at
 * the master, set it up with the new mapping,index tuple and add it to the
 * mapping tree. ... When the page get's COWed, we toss away the shadow page
 * and the master can be reclaimed with the reference count goes to zero or
 * the extent is no longer shared."
 *
 * Modelled on fsdax (model/world/dax.ts), the setting of the thread: the
 * master is the pmem pfn of the block; "owned by the buffer cache, indexed by
 * LBA" is `mapping` = the buffer cache (mapping id F), `index` = the block.
 * A shadow is a struct page of its own (pfn P + f*B + i, one slot per file
 * offset), 1:1 with (file, index), `block` naming its master, holding one
 * reference on the master; ptes map the master's pfn (a shadow has no memory
 * of its own: "like the way we multiply reference the zero page").
 * Choices where the mail is silent, each the plainest reading of it:
 * - an extent that is not shared is associated 1:1 as before
 *   (dax_associate_entry), and a page so associated is left alone when a
 *   reflink shares its extent: the mail converts pages only "when a new page
 *   mapping occurs in a shared extent", so the buffer cache takes the page
 *   over from its 1:1 owner at the next fault through another file;
 * - "the master can be reclaimed" is permission, so reclaim is an action,
 *   enabled when no shadow refers to the master or its extent is no longer
 *   shared; it takes the page out of the buffer cache (`mapping` NULL);
 * - memory errors are reported to the filesystem (Dave's third point in the
 *   same mail), which finds every (file, offset) owning the block through its
 *   reverse map and signals their mappers, locking each (file, index) entry:
 *   the mail names no mechanism, so it is XFS's own, as merged (one step per
 *   owner, the AGF held across the walk: model/world/memfail.ts). The shadow
 *   an entry holds stands for the master, so the master is what is poisoned;
 * - a fault learns whether its extent "has multiple references to it" as XFS
 *   does, from the refcount btree under the AGF (xfs_reflink_trim_around_shared
 *   for an inode with the reflink flag), so with the imported walk it waits
 *   for the walk's AGF after locking its entry: the same ABBA as mainline's
 *   (model/world/memfail.ts, daxWaiting). The mail names neither a walk that
 *   drops the AGF per owner nor a sharedness test without it;
 * - layouts are broken as XFS did in 2019 (xfs_break_layouts ->
 *   dax_layout_busy_page): entries stay.
 *
 * What it takes (amendments, shadow-pages-amendments.ts): the three
 * choices above that the mail leaves open are where its counterexamples
 * break; with `convert-on-share`, `revert-on-unshare` and `agf-before-entry`
 * together every claimed property holds at the default bound.
 *
 * Bug toggles, the mistakes the thread warns about: a shadow not tossed on
 * CoW (the master's count not dropped), memory failure through page->mapping
 * instead of the filesystem (Dave: dax_lock_page "needs to report to the
 * filesystem"), and the common DAX ones.
 */
import type { Draft } from 'immer';
import type { Config } from '../design.js';
import { DAX_BUGS, daxDesign, GRANULARITY_BUGS, SUBBLOCK_BUGS } from '../world/dax.js';
import { DAX_NOTES } from '../world/dax-notes.js';
import { blankFrame, NULL, type World } from '../world/state.js';
import type { CacheEntry } from '../world/view.js';
import { convertOwner, revertOwner, SHADOW_AMENDMENTS, waitsForAgf } from './shadow-pages-amendments.js';

/** The buffer cache's address space: after the files' (0..F-1). */
const bufferCache = (s: { ext: readonly unknown[] }): number => s.ext.length;
const blocks = (s: World): number => s.ref.length;
const isShadow = (s: World, pfn: number): boolean => pfn >= blocks(s);
const shadowsOf = (s: World, master: number): number => s.frame.filter((fr, p) => p >= blocks(s) && !fr.free && fr.block === master).length;

function rmapOwners(s: World, pfn: number): [number, number][] {
  const owners: [number, number][] = [];
  s.ext.forEach((row, f) => row.forEach((b, i) => b === pfn && owners.push([f, i])));
  return owners;
}

const design = daxDesign({
  name: 'shadow-pages',
  summary: 'fsdax with a master page per LBA in the buffer cache and a read-only shadow page per file mapping of a shared extent (seed 000)',
  seed: 'seed 000: Dave Chinner, Re: [RFC PATCH 0/7] xfs: add reflink & dedupe support for fsdax, 2019-10-10 (shadow pages)',
  bugs: {
    ...DAX_BUGS,
    ...GRANULARITY_BUGS,
    ...SUBBLOCK_BUGS,
    'shadow-not-tossed': 'CoW takes the entry out of the mapping but neither frees the shadow page nor drops its reference on the master',
    'memfail-via-mapping': 'memory failure goes through page->mapping (dax_lock_page) instead of being reported to the filesystem',
  },
  amendments: SHADOW_AMENDMENTS,
  bounds: { depth: 6 },
  readOnlyPins: true,
  ranges: true,
  frames: (cfg: Config) => cfg.params.P + cfg.params.F * cfg.params.B,
  properties: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'memfail-notify', 'entry-lock', 'layout-pin', 'content-by-own-writes'],
  // Dave's mail promises a page "treated as a unique page" per (mapping,
  // index) (single-ownership), the master reclaimed when its count drops
  // (refcount), read-only shadows tossed on CoW (cow-isolation), and, from
  // his own list of what must be addressed, memory errors reported to the
  // filesystem (memfail-notify) and through it to every mapper
  // (memfail-reach). layout-pin is xfs_break_layouts, unchanged by the
  // proposal (seed 001).
  // Not claimed: entry-lock. The same list says dax_lock_entry cannot
  // serialise a page across mappings that do not know each other, but the
  // shadow-page proposal names no lock on the master that would: a
  // requirement of his that the design leaves open, reported as a contrast.
  claims: ['single-ownership', 'refcount', 'cow-isolation', 'memfail-reach', 'memfail-notify', 'layout-pin', 'content-by-own-writes'],
  // The world's liveness, as contrasts: the proposal says nothing of layout breaks or of how long a
  // memory failure's handling takes (properties/liveness.ts).
  liveness: ['layout-break-proceeds', 'memfail-finishes'],
  notes: {
    ...DAX_NOTES,
    finish: 'dax_fault_iter; on a shared extent: master into the buffer cache by LBA, a read-only shadow',
    fault: 'dax_iomap_pte_fault: grab_mapping_entry, iomap_begin; only the grab while a walk holds the AGF',
    memfail: 'report to the filesystem: its rmap gives every (file, offset); the first owner (as XFS)',
    'memfail-next': 'the next rmap owner, under its entry lock (as mf_dax_kill_procs)',
    reclaim: 'the master leaves the buffer cache: no shadow refers to it, or its extent is unshared',
  },
  notApplicable: { 'reflink-walks-no-pages': "a file's extent holds no per-page reference here: reflink changes block counts only, a claim only fragment-owner makes" },
  policy: {
    walkHoldsAgf: true,
    associate: (d, f, i, pfn, shared, cfg) => {
      const master = d.frame[pfn];
      if (!shared) {
        master.mapping = f;
        master.index = i;
        return pfn;
      }
      if (master.mapping !== bufferCache(d)) {
        convertOwner(d, pfn, bufferCache(d), cfg);
        master.mapping = bufferCache(d);
        master.index = pfn;
      }
      const sp = cfg.params.P + f * cfg.params.B + i;
      Object.assign(d.frame[sp], { ...blankFrame(), free: false, mapping: f, index: i, block: pfn, count: 1 });
      master.count += 1;
      return sp;
    },
    disassociate: (d, _f, _i, held, cfg) => {
      if (held < d.ref.length) {
        d.frame[held].mapping = NULL;
        d.frame[held].index = 0;
        return;
      }
      if (cfg.bugs.has('shadow-not-tossed')) return;
      d.frame[d.frame[held].block].count -= 1;
      Object.assign(d.frame[held], blankFrame());
    },
    form: () => 'owned',
    // A shadow is its own page, 1:1 with (file, index), and stands for the buffer cache's page at the LBA the file maps.
    entries: (s, f, i, held): CacheEntry[] => {
      if (!isShadow(s, held)) return [{ m: f, i, pfn: held, form: 'owned' }];
      return [
        { m: f, i, pfn: held, form: 'owned' },
        { m: f, i, pfn: s.frame[held].block, form: 'via', owner: { mapping: bufferCache(s), index: s.ext[f][i] } },
      ];
    },
    target: (s, held) => (isShadow(s, held) ? s.frame[held].block : held),
    extraRefs: (s, pfn) => (isShadow(s, pfn) ? s.entry.flat().filter((e) => e === pfn).length : shadowsOf(s, pfn)),
    refers: (s) => s.frame.flatMap((fr, p) => (p >= blocks(s) && !fr.free ? [{ what: `shadow pfn ${p}`, pfn: fr.block }] : [])),
    leakable: (s, pfn) => isShadow(s, pfn),
    reclaim: {
      pfns: (s) => s.frame.flatMap((fr, p) => (p < blocks(s) && fr.mapping === bufferCache(s) && (shadowsOf(s, p) === 0 || s.ref[p] <= 1) ? [p] : [])),
      apply: (d: Draft<World>, pfn: number, cfg: Config) => {
        if (revertOwner(d, pfn, cfg)) return;
        d.frame[pfn].mapping = NULL;
        d.frame[pfn].index = 0;
      },
    },
    memfail: (s, pfn, cfg) => {
      // dax_lock_page through page->mapping: nothing for a page of the buffer cache, which names no file.
      if (cfg.bugs.has('memfail-via-mapping')) {
        const fr = s.frame[pfn];
        if (fr.mapping === NULL || fr.mapping === bufferCache(s)) return { busy: true, walk: [], tells: false, poison: 'report' };
        return { walk: [[fr.mapping, fr.index]], tells: false, poison: 'report' };
      }
      return { walk: rmapOwners(s, pfn), tells: true, poison: 'entry', holdsAgf: true };
    },
  },
});

// The amendment that orders the AGF before the entry lock refuses what would wait for the AGF (shadow-pages-amendments.ts).
export default { ...design, actions: (s, cfg) => design.actions(s, cfg).filter((a) => !waitsForAgf(s, a, cfg)) } satisfies typeof design;
