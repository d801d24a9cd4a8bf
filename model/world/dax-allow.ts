/**
 * When a DAX world's action may run (Design.actions' filter): the locks a
 * dedupe or a sleeping layout break holds, the AGF a memory-failure walk
 * holds, badblocks, free space, and what a layout break waits for.
 */
import type { Config } from '../design.js';
import { agfHeld, badPfn, nextAllowed, reportAllowed } from './memfail.js';
import { HOLE, type World } from './state.js';
import { idle, opFiles } from './layout-break.js';
import type { DaxAction } from './dax-policy.js';
import { faultOn, pinned, type DaxRules } from './dax-rules.js';

export function daxAllow(r: DaxRules): (s: World, a: DaxAction, cfg: Config) => boolean {
  const { allocates, breakPfns, cowShared, free, grabsOnly, hooks, ioLocked, locked, pageCache, pteRef, refusedAtLookup, sleeps, walksAgf } = r;
  return (s, a, cfg) => {
    const waitPins = !cfg.bugs.has('no-break-layouts');
    if (walksAgf(cfg) && agfHeld(s, a, allocates(s, cfg))) return false;
    switch (a.kind) {
      case 'write': {
        if (locked(s, cfg, a.f) || ioLocked(s, a.f)) return false;
        const b = s.ext[a.f][a.i];
        if ((b === HOLE || cowShared(s, b, cfg)) && !free(s)) return false;
        // -EIO: dax_direct_access on a bad block, the one written in place or the shared one a CoW copies
        // from: dax_iomap_copy_around reads the srcmap through dax_iomap_direct_access for a whole block
        // too (copy_all copies it, then the write overwrites it). A hole's zeroed edges read nothing. The
        // tmpfs proposal's CoW copy is no kernel code, and is left as it was.
        if (b !== HOLE && (!cowShared(s, b, cfg) || !pageCache) && badPfn(s, b, pageCache)) return false;
        return !(s.fault && s.fault.f === a.f && s.fault.i === a.i);
      }
      // VM_FAULT_SIGBUS at the lookup: dax_iomap_direct_access on the block the fault maps fails (-EHWPOISON,
      // badPfn), nothing changes. A fault that stops after its grab (the AGF held) tests it at `iomap`.
      case 'fault':
        return !locked(s, cfg, a.f) && (pageCache || grabsOnly(s, a.f, a.i, a.write, cfg) || !refusedAtLookup(s, a.f, a.i, a.write, cfg));
      case 'finish':
        return !s.fault?.grabbed;
      // A DAX operation starts and, on a busy page, sleeps in its break (the handlers: sleepOr); tmpfs's waits.
      case 'punch':
        return !s.breaking && !locked(s, cfg, a.f) && !faultOn(s, a.f) && !(!sleeps && waitPins && pinned(s, breakPfns(s, a)));
      case 'truncate':
        return !s.breaking && !locked(s, cfg, a.f) && !faultOn(s, a.f) && !(!sleeps && waitPins && pinned(s, breakPfns(s, a)));
      case 'reflink':
      case 'reflink-range':
        return !s.breaking && !locked(s, cfg, a.s, a.d) && !faultOn(s, a.s) && !faultOn(s, a.d) && !(!sleeps && waitPins && pinned(s, breakPfns(s, a)));
      // One FIDEDUPERANGE at a time: the world keeps one between compare and remap (with F=2, the locks say as much).
      case 'dedupe':
        return !s.breaking && !s.dedupe && !faultOn(s, a.s) && !faultOn(s, a.d) && !(!sleeps && waitPins && pinned(s, breakPfns(s, a)));
      // The sleeper wakes once the page it sleeps on is idle (dax_page_is_idle: v6.15 counts pte references
      // too), retakes MMAPLOCK_EXCL (so waits for a fault in flight on its files) and rescans; a walk holding
      // the AGF holds off what the operation itself would wait for.
      case 'resume': {
        const op = s.breaking;
        if (!op) return false;
        const fs = opFiles(op);
        if (fs.some((f) => faultOn(s, f)) || (walksAgf(cfg) && agfHeld(s, op, allocates(s, cfg)))) return false;
        return idle(s, [op.on], pteRef);
      }
      // No new GUP pin while a break sleeps (layout-break.ts says why).
      case 'pin':
        return !s.breaking;
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
}
