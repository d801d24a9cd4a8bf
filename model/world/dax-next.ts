/**
 * What each action of a DAX world does (Design.next): write(2), the fault's
 * halves, stores, unmaps and pins, the layout-breaking operations and their
 * resumption, FIDEDUPERANGE's two steps, reclaim and memory failure. The
 * kernel paths are in dax.ts's header and beside each handler.
 */
import type { Config, Design, Recipe } from '../design.js';
import { ghost, installPte, pinPte, unpinAt } from './common.js';
import { badPfn, report, next as memfailNext } from './memfail.js';
import { HOLE, NULL, type LayoutOp, type World } from './state.js';
import { firstBusy, sleepOn, unmapFiles } from './layout-break.js';
import type { View } from './view.js';
import type { DaxAction, DaxDesignSpec } from './dax-policy.js';
import { newBlock, NO_COPY_AROUND, NO_ZERO_EDGES, put, sectorsOf, spanOf } from './sectors.js';
import type { DaxRules } from './dax-rules.js';

type Next = Design<World, DaxAction, View>['next'];

/** The handlers; `own` gives the design's finished `next`, for a resumed operation's own handler. */
export function daxNext(r: DaxRules, spec: DaxDesignSpec, own: () => Next): Next {
  const {
    alloc,
    breakInode,
    breakPfns,
    breakRemap,
    byInode,
    cowShared,
    dropEntry,
    free,
    grabsOnly,
    hooks,
    invalidate,
    otherMapper,
    pageCache,
    policy,
    pteRef,
    putPage,
    range,
    readAt,
    refusedAtLookup,
    release,
    remap,
    setReflinkFlag,
    step,
    writeback,
    zap,
  } = r;
  return {
    // A write of sectors [sec, sec + nsec): in place on a block of the file's own, else to a new block
    // whose other sectors are copied from the shared one or zeroed on a hole (sectors.ts).
    write: (a, s, cfg) =>
      step((d) => {
        const { f, i, v } = a;
        const S = sectorsOf(cfg),
          span = spanOf(a, S);
        const b = d.ext[f][i];
        if (b !== HOLE && !cowShared(s, b, cfg)) {
          d.disk[b] = put(s.disk[b], span, v, S);
        } else {
          if (b !== HOLE && otherMapper(s, f, b)) d.event = 'cow-mapped';
          invalidate(d, f, i, cfg);
          const q = alloc(d);
          const broken = cfg.bugs.has(b === HOLE ? NO_ZERO_EDGES : NO_COPY_AROUND);
          d.disk[q] = newBlock(b === HOLE ? 0 : s.disk[b], s.disk[q], span, v, S, broken);
          if (b !== HOLE) release(d, b);
          d.ext[f][i] = q;
          if (spec.cacheIsStorage) {
            d.entry[f][i] = policy.associate(d, f, i, q, false, cfg) ?? q;
          }
        }
        ghost.write(d, f, i, put(s.ghost[f][i], span, v, S));
      }),
    // grab_mapping_entry, then iomap_begin and dax_iomap_direct_access, unless iomap_begin must wait for the AGF.
    fault: ({ f, i, write }, s, cfg) =>
      step((d) => {
        if (grabsOnly(s, f, i, write, cfg)) d.fault = { f, i, write, pfn: NULL, stale: false, grabbed: true };
        else d.fault = { f, i, write, pfn: s.ext[f][i], stale: false };
      }),
    // A bad block found now ends the fault (VM_FAULT_SIGBUS; dax_iomap_pte_fault unlocks the entry).
    iomap: (_a, s, cfg) =>
      step((d) => {
        const { f, i, write } = s.fault!;
        d.fault = !pageCache && refusedAtLookup(s, f, i, write, cfg) ? null : { f, i, write, pfn: s.ext[f][i], stale: false };
      }),
    finish: (_a, s, cfg) =>
      step((d) => {
        const { f, i, write } = s.fault!;
        d.fault = null;
        const b = d.ext[f][i];
        // VM_FAULT_SIGBUS on a bad pfn (badPfn). DAX tests the block it maps at the lookup only
        // (dax_iomap_direct_access, `fault` above): dax_insert_entry and vmf_insert_page_mkwrite test no
        // poison, so a pfn poisoned since the lookup is mapped, and a load through it is a machine check of
        // its own (`mce`: the late SIGBUS). A CoW reads its source here, through dax_iomap_copy_around ->
        // dax_iomap_direct_access(srcmap). shmem tests PageHWPoison after ->fault (__do_fault), under the page
        // lock memory_failure waits for, so there the test here is the same as one at the lookup.
        if (b !== HOLE && (pageCache || (write && cowShared(s, b, cfg))) && badPfn(s, b, pageCache)) return;
        // A read fault whose block went while it waited (only under dedupe-unlocked, whose remap no
        // MMAPLOCK holds off) finds a hole: dax_load_hole maps the zero page, which the world leaves out.
        if (!write && b === HOLE) return;
        if (write && (b === HOLE || cowShared(s, b, cfg))) {
          if (!free(s)) return; // VM_FAULT_SIGBUS: no space for the CoW/allocation
          if (b !== HOLE && otherMapper(s, f, b)) d.event = 'cow-mapped';
          dropEntry(d, f, i, cfg);
          const q = alloc(d);
          d.disk[q] = b === HOLE ? 0 : d.disk[b];
          if (b !== HOLE) release(d, b);
          d.ext[f][i] = q;
          d.entry[f][i] = policy.associate(d, f, i, q, false, cfg) ?? q;
          installPte(d, f, i, q, true, pteRef);
          return;
        }
        const held = s.entry[f][i];
        if (held === NULL || (policy.target ? policy.target(s, held) : held) !== b) {
          dropEntry(d, f, i, cfg);
          d.entry[f][i] = policy.associate(d, f, i, b, s.ref[b] > 1, cfg) ?? b;
        }
        installPte(d, f, i, b, write, pteRef);
      }),
    store: (a, s, cfg) =>
      step((d) => {
        const { f, i, v } = a;
        const S = sectorsOf(cfg),
          span = spanOf(a, S);
        d.disk[s.pte[f][i]] = put(s.disk[s.pte[f][i]], span, v, S);
        ghost.write(d, f, i, put(s.ghost[f][i], span, v, S));
      }),
    // count-not-dropped: where a pte holds a page reference (v6.15), the zap forgets it; before, a
    // DAX pte held none, and the reference forgotten is a GUP pin's (unpin below).
    unmap: ({ f, i }, _s, cfg) =>
      step((d) => {
        const pfn = d.pte[f][i];
        zap(d, f, i);
        if (pteRef && cfg.bugs.has('count-not-dropped')) d.frame[pfn].count += 1;
      }),
    pin: ({ f, i, ro, longterm }) => step((d) => pinPte(d, f, i, { ro, longterm })),
    unpin: ({ f, i }, _s, cfg) => step((d) => unpinAt(d, f, i, !pteRef && cfg.bugs.has('count-not-dropped') ? () => undefined : putPage)),
    'unpin-longterm': ({ f, i }, _s, cfg) => step((d) => unpinAt(d, f, i, !pteRef && cfg.bugs.has('count-not-dropped') ? () => undefined : putPage)),
    // The page the sleeper sleeps on is idle: dax_break_layout loops and unmaps its files again
    // (dax_layout_busy_page_range: unmap_mapping_pages). A page still busy puts it to sleep on that one;
    // else the operation goes on as if it had not slept (its handler, on the state as it is now). A
    // dedupe compares after its break (generic_remap_file_range_prep): contents changed during the
    // sleep (a store through a pte faulted in meanwhile) are -EBADE, and it ends with nothing done.
    resume: (_a, s, cfg) => {
      const { on: _on, ...op } = s.breaking!;
      const unmap: Recipe<World> = (d) => unmapFiles(d, op, zap);
      const busy = firstBusy(s, op, breakPfns(s, op));
      if (busy !== NULL) return step((d) => sleepOn(d, op, busy, zap));
      const end: Recipe<World> = (d) => {
        d.breaking = null;
      };
      if (op.kind === 'dedupe' && readAt(s, op.s, op.si) !== readAt(s, op.d, op.di)) {
        return step((d) => {
          unmap(d);
          end(d);
        });
      }
      const go = (own()[op.kind] as (a: LayoutOp, st: World, c: Config) => Recipe<World>)(op, s, cfg);
      return (d) => {
        unmap(d);
        go(d);
        end(d);
      };
    },
    punch: ({ f, i }, _s, cfg) =>
      step((d) => {
        if (byInode) breakInode(d, f, cfg);
        remap(d, f, i, HOLE, cfg);
        ghost.punch(d, f, i);
      }),
    truncate: ({ f, n }, s, cfg) =>
      step((d) => {
        if (byInode) breakInode(d, f, cfg);
        for (let i = n; i < s.ext[f].length; i++) {
          remap(d, f, i, HOLE, cfg);
          ghost.punch(d, f, i);
        }
        // xfs_itruncate_clear_reflink_flags: the flag goes with the last data extent.
        if (d.reflinkFlag && d.ext[f].every((b) => b === HOLE)) d.reflinkFlag[f] = false;
      }),
    reflink: ({ s: src, d: dst }, s, cfg) =>
      step((d) => {
        const B = s.ext[src].length;
        breakRemap(d, src, dst, cfg);
        writeback(d, src, range(0, B));
        writeback(d, dst, range(0, B));
        setReflinkFlag(d, src, dst);
        for (let i = 0; i < B; i++) remap(d, dst, i, s.ext[src][i], cfg);
        ghost.reflink(d, src, dst);
      }),
    'reflink-range': ({ s: src, si, d: dst, di, n = 1 }, s, cfg) =>
      step((d) => {
        breakRemap(d, src, dst, cfg);
        writeback(d, src, range(si, n));
        writeback(d, dst, range(di, n));
        setReflinkFlag(d, src, dst);
        for (let k = 0; k < n; k++) {
          remap(d, dst, di + k, s.ext[src][si + k], cfg);
          ghost.reflinkRange(d, src, si + k, dst, di + k);
        }
        if (di !== si) d.event = 'reflink-range';
      }),
    // xfs_reflink_remap_prep: xfs_ilock2_io_mmap (IOLOCK_EXCL, layouts broken, MMAPLOCK_EXCL, both
    // files), dax_remap_file_range_prep (writeback of both ranges, dax_dedupe_file_range_compare),
    // xfs_reflink_set_inode_flag; it returns holding the locks. A mismatch is -EBADE and no action.
    dedupe: ({ s: src, si, d: dst, di }, _s, cfg) =>
      step((d) => {
        breakRemap(d, src, dst, cfg);
        writeback(d, src, [si]);
        writeback(d, dst, [di]);
        setReflinkFlag(d, src, dst);
        d.dedupe = { s: src, si, d: dst, di };
      }),
    // xfs_file_remap_range: xfs_reflink_remap_blocks maps the source's extent as it is now, then
    // xfs_iunlock2_io_mmap. The contents stay the file's: dedupe writes nothing (content-by-own-writes).
    'dedupe-remap': (_a, s, cfg) =>
      step((d) => {
        const { s: src, si, d: dst, di } = s.dedupe!;
        remap(d, dst, di, s.ext[src][si], cfg);
        d.dedupe = null;
        d.deduped = dst * s.ext[0].length + di;
        d.event = 'dedupe-remap';
      }),
    reclaim: ({ pfn }, _s, cfg) => step((d) => policy.reclaim!.apply(d, pfn, cfg)),
    memfail: ({ pfn }, s, cfg) => step(report(s, pfn, NULL, cfg, hooks)),
    mce: ({ f, i }, s, cfg) => step(report(s, s.pte[f][i], f, cfg, hooks)),
    'memfail-next': (_a, s, cfg) => step(memfailNext(s, cfg, hooks)),
  };
}
