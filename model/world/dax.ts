/**
 * A DAX filesystem (fs/dax.c plus XFS's reflink paths) with the page
 * association left to the design: a pfn is the pmem block itself, a mapping's
 * entry is a PFN entry, faults install ptes straight to the block, and CoW
 * always means a new block. fsdax-1to1 and fsdax-shared differ only in
 * dax_associate_entry/dax_disassociate_entry and in how a memory failure
 * finds its victims, which is exactly where their threads differ; the rest is
 * written once, here, so that the comparison is between those rules alone.
 *
 * Kernel rules kept (KERNEL.md 2.1, fs/dax.c, xfs):
 * - a fault locks the entry of (its mapping, index) from lookup to pte
 *   install (grab_mapping_entry ... dax_unlock_entry); punch, truncate,
 *   reflink and dedupe take the files' MMAPLOCK exclusively, so they wait for
 *   faults on those files, but nothing on other files;
 * - a write fault on a shared extent goes through the CoW srcmap to a new
 *   block (IOMAP_F_SHARED), the old entry is disassociated and the new one
 *   associated (dax_insert_entry); a read fault maps read-only;
 * - write(2) to a shared or new extent invalidates the file's own entries and
 *   ptes over the range (dax_iomap_iter: IOMAP_F_NEW || cow);
 * - punch, truncate, reflink and dedupe break layouts first: unmap the
 *   ranges and wait for pins (xfs_break_layouts, seed 001). Which files XFS
 *   breaks on reflink is [R] in KERNEL.md; both source and destination ranges
 *   are broken here, since a writable pte or write pin left on the source
 *   would write into a block that has just become shared.
 * - memory failure: one step per owner the design's handler visits
 *   (model/world/memfail.ts); a fault that would map or copy from a poisoned
 *   pfn gets VM_FAULT_SIGBUS (dax_iomap_direct_access: the pmem driver's
 *   badblocks make dax_direct_access fail). fs/dax.c itself never tests
 *   PageHWPoison and pmem_pagemap_memory_failure records no badblocks (nfit
 *   does, on its own schedule; madvise injection never), so taking the flag
 *   for the badblocks is the optimistic choice: a fault after the page was
 *   marked may in fact map it. write(2) over a poisoned block
 *   fails (-EIO; DAX recovery writes are not modelled) and installs nothing;
 *   a freed block's poison is forgotten (what XFS does with a bad block it
 *   reallocates is not modelled).
 * Not modelled: read faults on holes (the zero page), buffered reads (they
 * change no state: `read` in the view is what read(2) returns), reclaim
 * (pmem is not reclaimed).
 */
import type { Draft } from 'immer';
import type { Config, Design, ParamSpec, Recipe } from '../design.js';
import { sharingGoals, sharingProperties, type SharingPropertyId } from '../../properties/sharing.js';
import { enabled, label, type WorldAction } from './actions.js';
import { blockCounts, disturb, ghost, installPte, mappers, pinPte, pinsOf, ptesOf, settle, zapPte } from './common.js';
import { agfHeld, nextAllowed, report, reportAllowed, next as memfailNext, type MemFailPlan } from './memfail.js';
import { HOLE, initWorld, lowestFree, NULL, worldParams, type World } from './state.js';
import type { CacheEntry, View } from './view.js';

export type DaxAction = Exclude<WorldAction, { kind: 'read' }>;
export type { MemFailPlan } from './memfail.js';

export interface DaxPolicy {
  /**
   * dax_associate_entry: `shared` is IOMAP_F_SHARED, the extent's block has
   * other owners. Returns what the entry holds when that is not the pfn itself
   * (shadow-pages: the shadow page standing for it).
   */
  associate(d: Draft<World>, f: number, i: number, pfn: number, shared: boolean, cfg: Config): number | void;
  /** dax_disassociate_entry; `pfn` is what the entry holds. */
  disassociate(d: Draft<World>, f: number, i: number, pfn: number, cfg: Config): void;
  /** The form of ownership an entry at (f, i) to pfn claims. */
  form(s: World, pfn: number): CacheEntry['form'];
  /** The memory-failure handler: which entries it visits for pfn, in turn (model/world/memfail.ts). */
  memfail(s: World, pfn: number, cfg: Config): MemFailPlan;
  /**
   * The handler walks the filesystem's rmap holding the AGF (xfs_dax_notify_ddev_failure),
   * so what changes the rmap or allocates waits for the walk (memfail.ts: agfHeld).
   */
  readonly walkHoldsAgf?: boolean;
  /** What an entry holding `held` claims, where it is more than `form` (a shadow and its master). */
  entries?(s: World, f: number, i: number, held: number): CacheEntry[];
  /** The pfn an entry holding `held` maps (a shadow's master); the held pfn itself by default. */
  target?(s: World, held: number): number;
  /** References the design's own structures hold on pfn (shadows on their master), and who refers to what. */
  extraRefs?(s: World, pfn: number): number;
  refers?(s: World): { what: string; pfn: number }[];
  /** Frames that must be freed once unreferenced (shadow pages); pmem frames live as long as their block. */
  leakable?(s: World, pfn: number): boolean;
  /** A design's own reclaim (shadow-pages: a master leaving the buffer cache). */
  reclaim?: { pfns(s: World): number[]; apply(d: Draft<World>, pfn: number, cfg: Config): void };
}

export interface DaxDesignSpec {
  readonly name: string;
  readonly summary: string;
  readonly seed: string;
  readonly bugs: Readonly<Record<string, string>>;
  readonly bounds: { depth?: number; maxStates?: number };
  readonly policy: DaxPolicy;
  readonly properties: readonly SharingPropertyId[];
  /** The properties the design's authors promised (Design.claims), each exclusion commented where it is declared. */
  readonly claims?: readonly SharingPropertyId[];
  /** The kernel function or seed rule each action kind stands for (Design.notes). */
  readonly notes?: { readonly [K in DaxAction['kind']]?: string };
  readonly notApplicable: Readonly<Record<string, string>>;
  readonly params?: Readonly<Record<string, ParamSpec>>;
  /** tmpfs: the page cache is the storage, so every block a file maps has its entry, not only faulted ones. */
  readonly cacheIsStorage?: boolean;
  /** Frames, when the design has struct pages besides the pmem ones (shadow pages); P by default. */
  readonly frames?: (cfg: Config) => number;
}

// Bug toggles every DAX design may carry; a design lists those its thread warns about.
export const DAX_BUGS = {
  'no-break-layouts': 'punch, truncate, reflink and dedupe do not wait for pins nor unmap the source (no xfs_break_layouts)',
  'write-in-place-shared': 'a write fault or write(2) on a shared extent writes the shared pfn in place instead of CoW',
  'count-not-dropped': 'unmap zaps the pte but does not drop the page reference',
  'no-entry-lock': 'the memory-failure handler does not wait for a fault holding the entry it visits (no dax_lock_mapping_entry)',
} as const;

const pinned = (s: World, pfns: readonly number[]): boolean => s.pin.some((row) => row.some((p) => p !== NULL && pfns.includes(p)));
const faultOn = (s: World, f: number): boolean => s.fault !== null && s.fault.f === f;
const blocksOf = (s: World, f: number, from = 0, to = s.ext[f].length): number[] => s.ext[f].slice(from, to).filter((b) => b !== HOLE);

export function daxView(s: World, policy: DaxPolicy): View {
  const F = s.ext.length, B = s.ext[0].length;
  const ptes = ptesOf(s), pins = pinsOf(s);
  const entries: CacheEntry[] = [];
  const refersTo: { what: string; pfn: number }[] = [];
  for (let f = 0; f < F; f++) {
    for (let i = 0; i < B; i++) {
      const pfn = s.entry[f][i];
      if (pfn === NULL) continue;
      if (policy.entries) entries.push(...policy.entries(s, f, i, pfn));
      else entries.push({ m: f, i, pfn, form: policy.form(s, pfn) });
      refersTo.push({ what: `entry (file ${f}, index ${i})`, pfn });
    }
  }
  const holders = new Array<number>(s.frame.length).fill(0);
  for (const p of ptes) holders[p.pfn]++;
  for (const p of pins) holders[p.pfn]++;
  if (policy.refers) refersTo.push(...policy.refers(s));
  return {
    F,
    B,
    ghost: s.ghost,
    read: s.ext.map((row) => row.map((b) => (b === HOLE ? 0 : s.disk[b]))),
    resolve: s.ext,
    data: (pfn) => s.disk[pfn],
    shared: (pfn) => s.ref[pfn] > 1,
    frames: s.frame,
    ptes,
    pins,
    entries,
    counted: [
      ...blockCounts(s),
      ...s.frame.map((fr, pfn) => ({ what: `pfn ${pfn}`, stored: fr.count, refs: holders[pfn] + (policy.extraRefs?.(s, pfn) ?? 0), free: fr.free, leakable: policy.leakable?.(s, pfn) ?? false })),
    ],
    refersTo,
    fault: s.fault,
    mf: s.mf,
    event: s.event,
  };
}

export function daxDesign(spec: DaxDesignSpec): Design<World, DaxAction, View> {
  const { policy } = spec;

  const alloc = (d: Draft<World>): number => {
    const b = lowestFree(d.ref);
    d.ref[b] = 1;
    d.frame[b].free = false;
    return b;
  };
  const release = (d: Draft<World>, b: number): void => {
    d.ref[b] -= 1;
    if (d.ref[b] === 0) {
      d.frame[b].free = true;
      d.frame[b].poison = false;
      disturb(d, b);
    }
  };
  const dropEntry = (d: Draft<World>, f: number, i: number, cfg: Config): void => {
    const pfn = d.entry[f][i];
    if (pfn === NULL) return;
    policy.disassociate(d, f, i, pfn, cfg);
    d.entry[f][i] = NULL;
  };
  // truncate_pagecache_range / invalidate_inode_pages2_range: ptes, then entries.
  const invalidate = (d: Draft<World>, f: number, i: number, cfg: Config): void => {
    zapPte(d, f, i);
    dropEntry(d, f, i, cfg);
  };
  const otherMapper = (s: World, f: number, pfn: number): boolean => mappers(s, pfn).some((g) => g !== f);
  const cowShared = (s: World, b: number, cfg: Config): boolean => b !== HOLE && s.ref[b] > 1 && !cfg.bugs.has('write-in-place-shared');
  // Remap (d, di) to block b (reflink, dedupe): the old block's entry and reference go.
  const remap = (d: Draft<World>, t: number, ti: number, b: number, cfg: Config): void => {
    invalidate(d, t, ti, cfg);
    const old = d.ext[t][ti];
    if (old !== HOLE) release(d, old);
    d.ext[t][ti] = b;
    if (b !== HOLE) {
      d.ref[b] += 1;
      if (spec.cacheIsStorage) {
        d.entry[t][ti] = policy.associate(d, t, ti, b, true, cfg) ?? b;
      }
    }
  };
  const breakSource = (d: Draft<World>, f: number, idx: readonly number[], cfg: Config): void => {
    if (!cfg.bugs.has('no-break-layouts')) for (const i of idx) zapPte(d, f, i);
  };
  const free = (s: World): boolean => lowestFree(s.ref) >= 0;

  const hooks = { plan: policy.memfail, target: (s: World, held: number) => (policy.target ? policy.target(s, held) : held) };
  // write(2) or a write fault at (f, i) allocates a block (a hole) or breaks a share.
  const allocates = (s: World, cfg: Config) => (f: number, i: number): boolean => s.ext[f][i] === HOLE || cowShared(s, s.ext[f][i], cfg);
  const allow = (s: World, a: DaxAction, cfg: Config): boolean => {
    const waitPins = !cfg.bugs.has('no-break-layouts');
    if (policy.walkHoldsAgf && agfHeld(s, a, allocates(s, cfg))) return false;
    switch (a.kind) {
      case 'write': {
        const b = s.ext[a.f][a.i];
        if ((b === HOLE || cowShared(s, b, cfg)) && !free(s)) return false;
        if (b !== HOLE && !cowShared(s, b, cfg) && s.frame[b].poison) return false; // -EIO: dax_direct_access on a bad block
        return !(s.fault && s.fault.f === a.f && s.fault.i === a.i);
      }
      case 'punch':
        return !faultOn(s, a.f) && !(waitPins && pinned(s, [s.ext[a.f][a.i]]));
      case 'truncate':
        return !faultOn(s, a.f) && !(waitPins && pinned(s, blocksOf(s, a.f, a.n)));
      case 'reflink':
        return !faultOn(s, a.s) && !faultOn(s, a.d) && !(waitPins && pinned(s, [...blocksOf(s, a.s), ...blocksOf(s, a.d)]));
      case 'reflink-range':
      case 'dedupe':
        return !faultOn(s, a.s) && !faultOn(s, a.d) && !(waitPins && pinned(s, [s.ext[a.s][a.si], s.ext[a.d][a.di]]));
      case 'memfail':
        return cfg.bugs.has('no-entry-lock') || reportAllowed(s, a.pfn, cfg, hooks);
      case 'mce':
        return cfg.bugs.has('no-entry-lock') || reportAllowed(s, s.pte[a.f][a.i], cfg, hooks);
      case 'memfail-next':
        return nextAllowed(s, cfg.bugs.has('no-entry-lock'));
      default:
        return true;
    }
  };

  const kinds = new Set<WorldAction['kind']>(['write', 'fault', 'finish', 'store', 'unmap', 'reflink', 'reflink-range', 'dedupe', 'punch', 'truncate', 'memfail', 'mce', 'memfail-next', 'pin', 'unpin']);
  if (policy.reclaim) kinds.add('reclaim');
  const step = (r: Recipe<World>): Recipe<World> => (d) => {
    settle(d);
    r(d);
  };

  const design: Design<World, DaxAction, View> = {
    name: spec.name,
    summary: spec.summary,
    seed: spec.seed,
    params: spec.params ?? worldParams,
    bugs: spec.bugs,
    bounds: spec.bounds,
    init: (cfg) => {
      const w = initWorld(cfg, spec.frames?.(cfg) ?? cfg.params.P, cfg.params.F);
      // A DAX frame is its block: allocated exactly when the block is.
      w.ref.forEach((r, b) => (w.frame[b].free = r === 0));
      if (spec.cacheIsStorage) {
        w.ext.forEach((row, f) =>
          row.forEach((b, i) => {
            if (b === HOLE) return;
            w.entry[f][i] = policy.associate(w as Draft<World>, f, i, b, false, cfg) ?? b;
          }),
        );
      }
      return w;
    },
    actions: (s, cfg) =>
      enabled(s, cfg, {
        kinds,
        read: (st, f, i) => (st.ext[f][i] === HOLE ? 0 : st.disk[st.ext[f][i]]),
        memfailPfns: (st) => st.ref.flatMap((r, pfn) => (r > 0 && !st.frame[pfn].poison ? [pfn] : [])),
        reclaimPfns: policy.reclaim?.pfns,
        allow: (st, a, c) => allow(st, a as DaxAction, c),
      }) as DaxAction[],
    label,
    next: {
      write: ({ f, i, v }, s, cfg) =>
        step((d) => {
          const b = d.ext[f][i];
          if (b !== HOLE && !cowShared(s, b, cfg)) {
            d.disk[b] = v;
          } else {
            if (b !== HOLE && otherMapper(s, f, b)) d.event = 'cow-mapped';
            invalidate(d, f, i, cfg);
            const q = alloc(d);
            d.disk[q] = v;
            if (b !== HOLE) release(d, b);
            d.ext[f][i] = q;
            if (spec.cacheIsStorage) {
              d.entry[f][i] = policy.associate(d, f, i, q, false, cfg) ?? q;
            }
          }
          ghost.write(d, f, i, v);
        }),
      fault: ({ f, i, write }, s) =>
        step((d) => {
          d.fault = { f, i, write, pfn: s.ext[f][i], stale: false };
        }),
      finish: (_a, s, cfg) =>
        step((d) => {
          const { f, i, write } = s.fault!;
          d.fault = null;
          const b = d.ext[f][i];
          // VM_FAULT_SIGBUS: the pfn to map, or to copy from, is bad (dax_iomap_direct_access fails).
          if (b !== HOLE && s.frame[b].poison) return;
          if (write && (b === HOLE || cowShared(s, b, cfg))) {
            if (!free(s)) return; // VM_FAULT_SIGBUS: no space for the CoW/allocation
            if (b !== HOLE && otherMapper(s, f, b)) d.event = 'cow-mapped';
            dropEntry(d, f, i, cfg);
            const q = alloc(d);
            d.disk[q] = b === HOLE ? 0 : d.disk[b];
            if (b !== HOLE) release(d, b);
            d.ext[f][i] = q;
            d.entry[f][i] = policy.associate(d, f, i, q, false, cfg) ?? q;
            installPte(d, f, i, q, true);
            return;
          }
          const held = s.entry[f][i];
          if (held === NULL || (policy.target ? policy.target(s, held) : held) !== b) {
            dropEntry(d, f, i, cfg);
            d.entry[f][i] = policy.associate(d, f, i, b, s.ref[b] > 1, cfg) ?? b;
          }
          installPte(d, f, i, b, write);
        }),
      store: ({ f, i, v }) =>
        step((d) => {
          d.disk[d.pte[f][i]] = v;
          ghost.write(d, f, i, v);
        }),
      unmap: ({ f, i }, _s, cfg) =>
        step((d) => {
          const pfn = d.pte[f][i];
          zapPte(d, f, i);
          if (cfg.bugs.has('count-not-dropped')) d.frame[pfn].count += 1;
        }),
      pin: ({ f, i }) => step((d) => pinPte(d, f, i)),
      unpin: ({ f, i }) =>
        step((d) => {
          d.frame[d.pin[f][i]].count -= 1;
          d.pin[f][i] = NULL;
        }),
      punch: ({ f, i }, _s, cfg) =>
        step((d) => {
          remap(d, f, i, HOLE, cfg);
          ghost.punch(d, f, i);
        }),
      truncate: ({ f, n }, s, cfg) =>
        step((d) => {
          for (let i = n; i < s.ext[f].length; i++) {
            remap(d, f, i, HOLE, cfg);
            ghost.punch(d, f, i);
          }
        }),
      reflink: ({ s: src, d: dst }, s, cfg) =>
        step((d) => {
          const B = s.ext[src].length;
          breakSource(d, src, [...Array(B).keys()], cfg);
          for (let i = 0; i < B; i++) remap(d, dst, i, s.ext[src][i], cfg);
          ghost.reflink(d, src, dst);
        }),
      'reflink-range': ({ s: src, si, d: dst, di }, s, cfg) =>
        step((d) => {
          breakSource(d, src, [si], cfg);
          remap(d, dst, di, s.ext[src][si], cfg);
          ghost.reflinkRange(d, src, si, dst, di);
          d.event = 'reflink-range';
        }),
      dedupe: ({ s: src, si, d: dst, di }, s, cfg) =>
        step((d) => {
          breakSource(d, src, [si], cfg);
          remap(d, dst, di, s.ext[src][si], cfg);
        }),
      reclaim: ({ pfn }, _s, cfg) => step((d) => policy.reclaim!.apply(d, pfn, cfg)),
      memfail: ({ pfn }, s, cfg) => step(report(s, pfn, NULL, cfg, hooks)),
      mce: ({ f, i }, s, cfg) => step(report(s, s.pte[f][i], f, cfg, hooks)),
      'memfail-next': (_a, s, cfg) => step(memfailNext(s, cfg, hooks)),
    },
    view: (s) => daxView(s, policy),
    always: sharingProperties(spec.properties),
    sometimes: sharingGoals(),
    notApplicable: spec.notApplicable,
    ...(spec.claims && { claims: spec.claims }),
    ...(spec.notes && { notes: spec.notes }),
  };
  // Only a design with its own reclaim has the action (coverage lists every handler).
  if (!policy.reclaim) delete (design.next as Record<string, unknown>).reclaim;
  return design;
}
