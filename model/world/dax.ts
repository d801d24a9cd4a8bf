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
 * - punch, truncate, reflink and dedupe break layouts first: unmap and wait
 *   for pins (xfs_break_layouts, seed 001). Until v6.14 the DAX entries stay
 *   (dax_layout_busy_page). A remap breaks both files whole
 *   (xfs_ilock2_io_mmap -> xfs_mmaplock_two_inodes_and_break_dax_layout:
 *   xfs_break_dax_layouts on the lower inode, dax_layout_busy_page on the
 *   other, and dax_layout_busy_page unmaps the whole mapping), and waits for
 *   the pins of both. KERNEL.md leaves open which files the 2019 RFC broke
 *   ([R]); the designs on that code take the merged rule. A design may take
 *   v6.15's (DaxPolicy.layoutBreak: dax_break_layout_inode deletes the
 *   lower inode's entries too);
 * - the remap prep writes both ranges back (__generic_remap_file_range_prep:
 *   filemap_write_and_wait_range), layouts broken or not: a writable pte's
 *   entry is dirty, and dax_writeback_one -> dax_entry_mkclean write-protects
 *   it (tmpfs: no writeback);
 * - FIDEDUPERANGE is two steps: `dedupe` is xfs_reflink_remap_prep (the
 *   locks, the layout breaks, the writeback, dax_dedupe_file_range_compare,
 *   xfs_reflink_set_inode_flag), offered only where the compare matches
 *   (else -EBADE, no change); `dedupe-remap` is xfs_reflink_remap_blocks and
 *   the unlock. Between them IOLOCK_EXCL and MMAPLOCK_EXCL of both files are
 *   held: write(2), faults, punch, truncate and remaps of those files wait
 *   (the dedupe-unlocked toggle drops them: generic/630's race). One dedupe
 *   is in flight at a time;
 * - FICLONERANGE of any range, and pins with and without FOLL_WRITE, where
 *   the design asks (DaxDesignSpec.ranges, readOnlyPins); FOLL_LONGTERM is
 *   refused on fsdax but under a toggle (dax-policy.ts, LONGTERM_GRANTED);
 * - a fault is one step while nothing it needs is held: grab_mapping_entry,
 *   iomap_begin, dax_iomap_direct_access; where a memory-failure walk holds
 *   the AGF and iomap_begin must read it, the fault stops after the grab and
 *   `iomap` finishes that half later (model/world/memfail.ts, agfHeld);
 * - memory failure: one step per owner the design's handler visits
 *   (model/world/memfail.ts). What refuses a fault (VM_FAULT_SIGBUS) or
 *   write(2) (-EIO) on a bad pfn is the pmem driver's badblocks, taken as
 *   known once the failure's handling has ended, never during it
 *   (memfail.ts, badPfn: fs/dax.c never tests PageHWPoison); DAX recovery
 *   writes are not modelled, and a freed block's poison is forgotten (what
 *   XFS does with a bad block it reallocates is not modelled). A fault tests
 *   it where dax_fault_iter calls dax_iomap_direct_access: at its lookup for
 *   the block it maps, at the CoW copy for the block it copies from; a pfn
 *   poisoned between the lookup and the pte install is mapped, and a load
 *   through a pte to a poisoned pfn is a machine check (`mce`) under either
 *   kill policy: memory_failure again, whose handler signals the loader (the
 *   late SIGBUS) or fails to.
 * - write(2) and stores cover a sector range of a block where S > 1
 *   (model/world/sectors.ts): a partial CoW copies the rest of the block
 *   (dax_iomap_copy_around), a partial write into a hole leaves it zero;
 *   faults, remaps, punch and truncate stay block-sized (dax_fault_iter maps
 *   and copies whole pages). S = 1 by default: S = 2 multiplies
 *   fsdax-shared's states by 6.0 at depth 4 (77,937 against 13,087) and 8.6
 *   at depth 5 (501,244 against 58,604), and its default search (depth 6,
 *   220,230 states at S = 1) no longer completes in its time bound, so the
 *   default verdicts would turn inconclusive (tmpfs-cowflag's, depth 5,
 *   54,614 states, likewise); tests and `--param S=2` check sub-block
 *   writes at smaller depths.
 *   Partial punch and truncate (dax_zero_range / dax_truncate_page, which
 *   CoW a shared block through dax_memzero's copy-around) are not modelled.
 * Not modelled: read faults on holes (the zero page), buffered reads (they
 * change no state: `read` in the view is what read(2) returns), reclaim
 * (pmem is not reclaimed).
 */
import type { Draft } from 'immer';
import type { Config, Design, Recipe } from '../design.js';
import { sharingGoals, sharingProperties } from '../../properties/sharing.js';
import { enabled, label, type WorldAction } from './actions.js';
import { inFlight } from './common.js';
import { daxView } from './dax-view.js';
import { daxWaiting } from './memfail.js';
import { grid, HOLE, initWorld, NULL, worldParams, type LayoutOp, type World } from './state.js';
import { breakWaiting, sleepOnBusyPages } from './layout-break.js';
import { daxLiveness } from '../../properties/liveness.js';
import type { View } from './view.js';
import type { DaxAction, DaxDesignSpec } from './dax-policy.js';
import { fill, sectorParam, sectorsOf } from './sectors.js';
import { daxRules, longtermGranted } from './dax-rules.js';
import { daxAllow } from './dax-allow.js';
import { daxNext } from './dax-next.js';

/** `iomap`: the second part of a fault's first half, split off where a walk holds the AGF (memfail.ts, agfHeld). */
export type { DaxAction, DaxDesignSpec, DaxPolicy } from './dax-policy.js';
export { DAX_BUGS, DEDUPE_UNLOCKED, GRANULARITY_BUGS, LONGTERM_GRANTED } from './dax-policy.js';
export { SUBBLOCK_BUGS } from './sectors.js';
export type { MemFailPlan } from './memfail.js';
export { daxWaiting } from './memfail.js';
export { daxView } from './dax-view.js';

export function daxDesign(spec: DaxDesignSpec): Design<World, DaxAction, View> {
  const r = daxRules(spec);
  const { policy, readAt, sleeps, step, walksAgf, waitsFor, zap, breakPfns } = r;
  const allow = daxAllow(r);

  const kinds = new Set<WorldAction['kind']>([
    'write',
    'fault',
    'finish',
    'store',
    'unmap',
    'reflink',
    'reflink-range',
    'dedupe',
    'punch',
    'truncate',
    'memfail',
    'mce',
    'memfail-next',
    'pin',
    'unpin',
  ]);
  if (policy.reclaim) kinds.add('reclaim');

  const design: Design<World, DaxAction, View> = {
    name: spec.name,
    summary: spec.summary,
    seed: spec.seed,
    // S: sectors per block, for write(2) and stores (model/world/sectors.ts).
    params: { ...(spec.params ?? worldParams), S: sectorParam },
    bugs: spec.bugs,
    ...(spec.amendments && { amendments: spec.amendments }),
    bounds: spec.bounds,
    picture: { world: 'dax' },
    init: (cfg) => {
      const w = initWorld(cfg, spec.frames?.(cfg) ?? cfg.params.P, cfg.params.F);
      // The flag only matters where a walk holds the AGF; elsewhere it would split states that behave alike.
      if (walksAgf(cfg)) w.reflinkFlag = new Array<boolean>(cfg.params.F).fill(false);
      w.dedupe = null;
      w.deduped = NULL;
      if (sleeps) w.breaking = null;
      if (spec.readOnlyPins) w.pinro = grid(cfg.params.F, cfg.params.B, false);
      if (longtermGranted(cfg)) w.pinlong = grid(cfg.params.F, cfg.params.B, false);
      // A DAX frame is its block: allocated exactly when the block is.
      w.ref.forEach((r, b) => (w.frame[b].free = r === 0));
      // Every sector of a file's first block holds its value (sectors.ts; nothing changes at S = 1).
      const S = sectorsOf(cfg);
      w.disk = w.disk.map((x) => fill(x, S));
      w.ghost = w.ghost.map((row) => row.map((x) => fill(x, S)));
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
    actions: (s, cfg) => {
      const out = enabled(s, cfg, {
        kinds,
        read: readAt,
        // A pfn no entry held when it failed is not marked (mf_dax_kill_procs: no page -> goto unlock), so a
        // second report on it runs as the first did; so would one on a marked pfn (memory_failure hands a
        // ZONE_DEVICE pfn to memory_failure_dev_pagemap before TestSetPageHWPoison), left to a load's `mce` here.
        memfailPfns: (st) => {
          const out: number[] = [];
          for (let pfn = 0; pfn < st.ref.length; pfn++) if (st.ref[pfn] > 0 && !st.frame[pfn].poison) out.push(pfn);
          return out;
        },
        reclaimPfns: policy.reclaim?.pfns,
        allow: (st, a, c) => allow(st, a as DaxAction, c),
        pins: { readOnly: spec.readOnlyPins === true, longterm: longtermGranted(cfg) },
        ranges: spec.ranges === true,
      }) as DaxAction[];
      const iomap: DaxAction = { kind: 'iomap' };
      if (s.fault?.grabbed && allow(s, iomap, cfg)) out.unshift(iomap);
      const remapNow: DaxAction = { kind: 'dedupe-remap' };
      if (s.dedupe && allow(s, remapNow, cfg)) out.unshift(remapNow);
      const resume: DaxAction = { kind: 'resume' };
      if (s.breaking && allow(s, resume, cfg)) out.unshift(resume);
      // A FOLL_LONGTERM pin (only under the toggle) is released by its own kind: no fairness covers it.
      return s.pinlong ? out.map((a) => (a.kind === 'unpin' && s.pinlong![a.f][a.i] ? { kind: 'unpin-longterm', f: a.f, i: a.i } : a)) : out;
    },
    label: (a) =>
      a.kind === 'iomap' ? 'iomap-begin' : a.kind === 'dedupe-remap' ? 'dedupe-remap' : a.kind === 'resume' ? 'resume' : a.kind === 'unpin-longterm' ? `unpin-longterm(f=${a.f}, i=${a.i})` : label(a),
    next: daxNext(r, spec, () => design.next),
    view: (s) => daxView(s, policy),
    // Who waits: the AGF and entry waits of the memory-failure walk, else any fault or failure in
    // flight (a state with one of those and nothing enabled is a deadlock).
    waiting: (s, cfg) => daxWaiting(s, cfg) ?? inFlight(s) ?? breakWaiting(s),
    always: sharingProperties(spec.properties),
    sometimes: sharingGoals(spec.properties),
    ...(sleeps && { liveness: daxLiveness(spec.liveness ?? []) }),
    notApplicable: spec.notApplicable,
    ...(spec.claims && { claims: spec.claims }),
    ...(spec.notes && { notes: spec.notes }),
  };
  // A DAX operation whose break finds a busy page unmaps and sleeps (layout-break.ts).
  if (sleeps) {
    sleepOnBusyPages(design.next as unknown as Record<string, (a: LayoutOp, st: World, c: Config) => Recipe<World>>, waitsFor, (r) => step(r), zap, breakPfns);
  } else {
    delete (design.next as Record<string, unknown>).resume;
    delete (design.next as Record<string, unknown>)['unpin-longterm'];
  }
  // Only a design with its own reclaim has the action (coverage lists every handler).
  if (!policy.reclaim) delete (design.next as Record<string, unknown>).reclaim;
  // Nor is iomap split off a fault where no walk holds the AGF, nor noted.
  if (!policy.walkHoldsAgf) delete (design.next as Record<string, unknown>).iomap;
  // A kind whose handler went is not noted either (iomap, and resume and unpin-longterm in tmpfs).
  if (spec.notes) {
    const notes = Object.fromEntries(Object.entries(spec.notes).filter(([k]) => k in design.next));
    (design as { notes?: typeof notes }).notes = notes;
  }
  return design;
}
