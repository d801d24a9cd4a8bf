/**
 * Binding of the reflink world's ops (scenarios/README.md) to
 * pagecache-reflink's actions (model/designs/pagecache-reflink.ts): every
 * file its own folios over blocks with refcounts, CoW at writeback, fsync
 * through the log. Files and indices are the scenario's.
 *
 * Choices the binding makes, each where the design's vocabulary is coarser
 * than the scenario's:
 * - The design's files start as B blocks of holes (what conform creates
 *   with ftruncate), the scenarios' as empty files. They read alike, and no
 *   reflink-world scenario crashes, so the sizes decide no property; a
 *   FICLONERANGE to an offset of an empty file (the kernel extends it)
 *   lands within the design's EOF.
 * - A block holds one value. A store to one sector of a block (generic/140)
 *   is bound as a store of the block's whole new content: the folio is the
 *   block (filemap_fault read it in whole, iomap_page_mkwrite dirties it
 *   whole), so the other sector keeps what it held. Each distinct content
 *   (a tuple of sector values, computed from the scenario's own ops) is one
 *   model value, 1, 2, ... in order of first appearance; past four, 2..4
 *   are reused (the design's V is at most 5), as scenarios/bind/reflink.ts
 *   does, values mattering only as equal or not at one place.
 * - The design has no ptes: munmap binds to nothing (the folios stay
 *   cached, as they do), msync(MS_SYNC) to fsync (vfs_fsync_range ->
 *   xfs_file_fsync; its datasync still forces the log for a changed
 *   mapping, XFS_ILOG_DEXT being an fsync field).
 * - A cycle mount is fsync of every file (the unmount's sync_filesystem,
 *   and its log force) and then the design's crash, which with the log
 *   fully forced has one outcome: a mount that finds everything and an
 *   empty page cache, CoW forks cancelled.
 * - FIDEDUPERANGE is one step in the design (compare and remap under the
 *   locks: xfs_reflink_remap_prep holds IOLOCK and MMAPLOCK throughout), so
 *   it runs at -end, and a mayBlock op between -begin and -end waits for
 *   those locks and runs after it.
 */
import { Inexpressible, dynamic, want, type Binder, type Step } from './replay.js';
import type { Op, Scenario } from './scenario.js';

const range = (op: Op): number[] => Array.from({ length: op.count ?? 1 }, (_x, k) => (op.index ?? 0) + k);

/** Whether op k lies between a fideduperange-begin and its -end. */
function inDedupeWindow(s: Scenario, k: number): boolean {
  const before = s.ops.slice(0, k).map((o) => o.op);
  return before.lastIndexOf('fideduperange-begin') > before.lastIndexOf('fideduperange-end');
}

/**
 * The content each store of the scenario leaves in its block, as a model
 * value, keyed `k:i` (op k, block i): the scenario's ops interpreted as a
 * user sees files (sector tuples; a clone copies, a punch zeroes), in op
 * order, a deferred op included at its own place (its value does not
 * depend on the dedupe it waits for, which changes no content).
 */
function storeValues(s: Scenario): Map<string, number> {
  const F = s.setup.files ?? 2;
  const B = s.setup.blocksPerFile ?? 1;
  const sectors = s.setup.sectorsPerBlock ?? 1;
  const zero = (): number[] => new Array<number>(sectors).fill(0);
  const files = Array.from({ length: F }, () => Array.from({ length: B }, zero));
  const ids = new Map<string, number>([[zero().join(','), 0]]);
  const out = new Map<string, number>();
  const idOf = (t: number[]): number => {
    const key = t.join(',');
    if (!ids.has(key)) {
      const rank = ids.size - 1;
      ids.set(key, rank < 4 ? rank + 1 : 2 + ((rank - 4) % 3));
    }
    return ids.get(key)!;
  };
  s.ops.forEach((op, k) => {
    switch (op.op) {
      case 'pwrite':
      case 'mmap-store':
        for (const i of range(op)) {
          const t = op.sector === undefined ? new Array<number>(sectors).fill(op.value) : files[op.file][i].slice();
          if (op.sector !== undefined) t[op.sector] = op.value;
          files[op.file][i] = t;
          out.set(`${k}:${i}`, idOf(t));
        }
        break;
      case 'ficlone':
        files[op.dst] = files[op.src].map((t) => t.slice());
        break;
      case 'ficlonerange':
        for (let j = 0; j < op.count; j++) files[op.dst][op.dstIndex + j] = files[op.src][op.srcIndex + j].slice();
        break;
      case 'punch':
        for (const i of range(op)) files[op.file][i] = zero();
        break;
    }
  });
  return out;
}

/** The model value a store of op k leaves in block i. */
function valueAt(s: Scenario, k: number, i: number): number {
  const v = storeValues(s).get(`${k}:${i}`);
  if (v === undefined || v === 0) throw new Inexpressible(`op ${s.ops[k].step}: a store of zeroes: the design's writes store 1..V-1`);
  return v;
}

/** An action of `kind` on (f, b) where the design enables it; nothing where b is past the file's EOF (a read there returns no bytes). */
function withinEof(kind: string, f: number, b: number): Step {
  return dynamic(`${kind}(f=${f}, b=${b})`, (st) => (b < st.size[f] ? want(kind, { f, b }) : undefined));
}

export const pagecacheBinder: Binder = {
  params(s, design) {
    const st = s.setup;
    if (st.dax) throw new Inexpressible('the scenario is set on fsdax (setup dax): pagecache-reflink is the page cache, with no pfn shared across files');
    const F = st.files ?? 2;
    const B = st.blocksPerFile ?? 1;
    const values = new Set(storeValues(s).values());
    const want: Record<string, number> = {
      F,
      B,
      V: Math.max(2, Math.min(5, values.size + 1)),
      // Room for every CoW and for blocks busy until the log is forced: the design does not model ENOSPC, the scenarios never meet it.
      P: Math.min(12, 2 * F * B + 2),
    };
    for (const [k, v] of Object.entries(want)) {
      const p = design.params[k];
      if (p && (v < p.min || v > p.max)) throw new Inexpressible(`setup: ${k}=${v} is outside pagecache-reflink's ${p.min}..${p.max}`);
    }
    return want;
  },

  prelude: () => [],

  expand(s, k, design) {
    const op = s.ops[k];
    if (op.mayBlock && inDedupeWindow(s, k)) return [];
    const F = s.setup.files ?? 2;
    const steps: Step[] = [];
    switch (op.op) {
      case 'pwrite':
        return range(op).map((i) => want('write', { f: op.file, b: i, v: valueAt(s, k, i) }));
      case 'mmap-store':
        // A store past EOF is SIGBUS, which the scenarios never do: want() fails to bind there.
        return range(op).map((i) => want('mstore', { f: op.file, b: i, v: valueAt(s, k, i) }));
      case 'pread':
        return range(op).map((i) => withinEof('read', op.file, i));
      case 'mmap-load':
        return range(op).map((i) => want('mload', { f: op.file, b: i }));
      case 'munmap':
        return [];
      case 'msync':
      case 'fsync':
        return [want('fsync', { f: op.file })];
      case 'remount':
        for (let f = 0; f < F; f++) steps.push(want('fsync', { f }));
        steps.push(want('crash'));
        return steps;
      case 'ficlone':
        return [want('clone', { s: op.src, d: op.dst })];
      case 'ficlonerange':
        for (let j = 0; j < op.count; j++) steps.push(want('reflink', { s: op.src, sb: op.srcIndex + j, d: op.dst, db: op.dstIndex + j }));
        return steps;
      case 'fideduperange-begin':
        return [];
      case 'fideduperange-end': {
        const begin = [...s.ops.slice(0, k)].reverse().find((o) => o.op === 'fideduperange-begin');
        if (!begin) throw new Inexpressible(`op ${op.step}: no fideduperange-begin before it`);
        for (let j = 0; j < begin.count; j++) steps.push(want('dedupe', { s: begin.src, sb: begin.srcIndex + j, d: begin.dst, db: begin.dstIndex + j }));
        // The ops that waited for the dedupe's locks run once it has unlocked.
        const from = s.ops.indexOf(begin);
        for (let j = from + 1; j < k; j++) if (s.ops[j].mayBlock) steps.push(...pagecacheBinder.expand({ ...s, ops: s.ops.map((o, x) => (x === j ? { ...o, mayBlock: false } : o)) }, j, design));
        return steps;
      }
      case 'punch':
        return range(op).map((i) => want('punch', { f: op.file, b: i }));
      case 'truncate':
        if (!Number.isInteger(op.size)) throw new Inexpressible(`op ${op.step}: a truncate to ${op.size}: the design's sizes are whole blocks`);
        return [want('truncate', { f: op.file, n: op.size })];
      default:
        throw new Inexpressible(`op ${op.step}: '${op.op}' has no binding in pagecache-reflink (no pins, no memory failure, no split fault: it is the page cache, not fsdax)`);
    }
  },
};
