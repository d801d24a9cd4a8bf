/**
 * Binding of the pmem world's ops (scenarios/README.md) to model/pmem/world.ts,
 * for the pmem-* designs: one file of L blocks on pmem, faults in two steps
 * (`fault`, then the design's `fault-done`: its sync, pte and promise), the
 * user's stores, cache flushes and fences, fsync/msync, and the crash point.
 *
 * - a store's value is the block's next value (the world counts stores; only
 *   their order matters), so `storesPerBlock` is V;
 * - `crash` with `inside: true` falls inside the op before it: that op runs
 *   its `fault` and stops before `fault-done`;
 * - `truncate` growing a sparse file is no step (the world's file has its L
 *   blocks from the start, all holes);
 * - a crash has one successor per set of pieces that reached the media; the
 *   replay follows each (scenarios/bind/replay.ts).
 */
import type { AnyDesign } from '../../model/design.js';
import { Inexpressible, dynamic, want, type Binder, type Step } from './replay.js';
import type { Scenario } from './scenario.js';

/** Whether op k is cut short by a crash inside it (the next op is `crash` with `inside`). */
const crashedInside = (s: Scenario, k: number): boolean => s.ops[k + 1]?.op === 'crash' && s.ops[k + 1].inside === true;

export const pmemBinder: Binder = {
  params(s: Scenario, design: AnyDesign) {
    const st = s.setup;
    const p: Record<string, number> = { L: st.blocks ?? 2, C: st.recordsPerLeaf ?? 1, V: st.storesPerBlock ?? 1, K: st.crashes ?? 1 };
    const out: Record<string, number> = {};
    for (const k of Object.keys(design.params)) if (k in p) out[k] = p[k];
    return out;
  },

  prelude: () => [],

  expand(s, k) {
    const op = s.ops[k];
    const off = op.index;
    const cut = crashedInside(s, k);
    const fault = (write: boolean): Step[] => [
      dynamic(`fault(off=${off}, ${write ? 'write' : 'read'})`, (st) => ((write ? st.pte[off] === 'rw' : st.pte[off] !== 'none') ? undefined : want('fault', { off, write }))),
      ...(cut ? [] : [dynamic('fault-done', (st) => (st.fault ? want('fault-done') : undefined))]),
    ];
    switch (op.op) {
      case 'mmap':
        return [want('mmap', { sync: !!op.sync })];
      case 'truncate':
        return [];
      case 'mmap-load':
        return fault(false);
      case 'mmap-store':
        // The value a store writes is the block's next (the world's stores count up): V bounds them.
        return cut ? fault(true) : [...fault(true), want('store', { off })];
      case 'cache-flush':
        // clwb of the block's lines, then sfence; nothing to do for lines already clean.
        return [dynamic(`flush(off=${off})`, (_st, en) => en.find((a) => a.kind === 'flush' && a.off === off)), dynamic('fence', (_st, en) => en.find((a) => a.kind === 'fence'))];
      case 'fsync':
      case 'msync':
        // Nothing pending and no transaction: vfs_fsync_range has nothing to write.
        return [dynamic(op.op, (_st, en) => en.find((a) => a.kind === op.op))];
      case 'crash':
        return [want('crash')];
      case 'punch':
        throw new Inexpressible(`op ${op.step} (punch): the pmem world has no punch or truncate of allocated blocks (model/pmem/world.ts; its ghost relies on "no punch, truncate or CoW")`);
      default:
        throw new Inexpressible(`op ${op.step}: '${op.op}' has no binding in the pmem world`);
    }
  },
};
