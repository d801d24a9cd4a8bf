/**
 * Binding of the reflink world's ops (scenarios/README.md) to the actions of
 * model/world/actions.ts, for fsdax-1to1, fsdax-shared, fragment-owner,
 * tmpfs-cowflag, shadow-pages, imapping-redirect and owner-list. Files and
 * indices are the scenario's; the pfn of a memory failure is resolved in the
 * state where the op runs (the pte, else the page the file's entry holds,
 * else its block). Values are renumbered 1..n in ascending order, since a
 * model's values are 1..V and only their equality matters.
 */
import type { AnyDesign } from '../../model/design.js';
import { Inexpressible, dynamic, want, type Binder, type Step } from './replay.js';
import type { Op, Scenario } from './scenario.js';
import { LONGTERM_GRANTED } from '../../model/world/dax-policy.js';

const HOLE = -1;
const NULL = -1;

/** The designs whose page cache is the storage (tmpfs): a cycle mount drops nothing. */
const TMPFS = new Set(['tmpfs-cowflag', 'imapping-redirect']);
/** The designs whose memory failure takes the page cache's path (memory_failure -> hwpoison_user_mappings). */
const PAGE_CACHE = new Set(['tmpfs-cowflag', 'imapping-redirect', 'fragment-owner']);

function kinds(design: AnyDesign): Set<string> {
  return new Set(Object.keys(design.next));
}

function needKind(design: AnyDesign, kind: string, op: Op, why?: string): void {
  if (!kinds(design).has(kind)) throw new Inexpressible(`op ${op.step} (${op.op}): ${design.name} has no '${kind}' action${why ? ` (${why})` : ''}`);
}

/** The scenario's values in ascending order: value v is the model's 1 + its rank. */
function valueMap(s: Scenario): Map<number, number> {
  const vals = new Set<number>();
  for (const op of s.ops) {
    for (const k of ['value', 'dmaValue']) if (typeof op[k] === 'number' && op[k] !== 0) vals.add(op[k]);
  }
  // Beyond four values, reuse 2..4: values matter only as equal or not at one place, and a write of
  // the value a place already holds fails to bind, so a reuse that would hide a change is seen.
  return new Map([...vals].sort((a, b) => a - b).map((v, i) => [v, i < 4 ? i + 1 : 2 + ((i - 4) % 3)]));
}

/** Whether (f, i) still holds what the design's initial state put there (no op of the scenario wrote it yet). */
function untouched(s: Scenario, k: number, f: number, i: number): boolean {
  return !s.ops.slice(0, k).some((o) => ((o.op === 'pwrite' || o.op === 'mmap-store') && o.file === f && range(o).includes(i)) || ((o.op === 'ficlone' || o.op === 'ficlonerange') && o.dst === f));
}

const range = (op: Op): number[] => Array.from({ length: op.count ?? 1 }, (_x, k) => (op.index ?? 0) + k);

/** Whether op k lies between a fideduperange-begin and its -end. */
function inDedupeWindow(s: Scenario, k: number): boolean {
  const before = s.ops.slice(0, k).map((o) => o.op);
  return before.lastIndexOf('fideduperange-begin') > before.lastIndexOf('fideduperange-end');
}

/** Whether op k is the first access to file f's mapping since the start or the last munmap of f. */
function firstAccess(s: Scenario, k: number, f: number): boolean {
  for (let j = k - 1; j >= 0; j--) {
    const o = s.ops[j];
    if (o.op === 'munmap' && o.file === f) return true;
    if (['mmap-load', 'mmap-store', 'pin', 'fault-begin'].includes(o.op) && o.file === f) return false;
  }
  return true;
}

/**
 * bench-reflink-cow (shared/bench/reflink-cow.md): files of blocks with reference counts, and only
 * write, reflink and punch; read(2), fsync and a cycle mount change none of its state.
 */
function benchOp(s: Scenario, k: number, v: (x: number) => number): Step[] {
  const op = s.ops[k];
  switch (op.op) {
    case 'pwrite':
      return range(op).map((i) => want('write', { f: op.file, b: i, v: v(op.value) }));
    case 'ficlone':
      return [want('reflink', { s: op.src, d: op.dst })];
    case 'punch':
      return range(op).map((i) => dynamic(`punch(f=${op.file}, b=${i})`, (st) => (st.ext[op.file][i] === HOLE ? undefined : want('punch', { f: op.file, b: i }))));
    case 'pread':
    case 'fsync':
    case 'msync':
    case 'remount':
      return [];
    default:
      throw new Inexpressible(`op ${op.step} (${op.op}): bench-reflink-cow has write, reflink and punch only (shared/bench/reflink-cow.md)`);
  }
}

export const reflinkBinder: Binder = {
  params(s, design) {
    const st = s.setup;
    const F = st.files ?? 2;
    const B = st.blocksPerFile ?? 1;
    const V = Math.min(4, Math.max(1, valueMap(s).size));
    const want: Record<string, number> = {
      F,
      B,
      P: Math.min(8, st.physBlocks ?? F * B + 2),
      V,
      // The draft's default is the kernel's: vm.memory_failure_early_kill = 0.
      E: st.killPolicy === 'early' ? 1 : 0,
      M: Math.min(8, st.pageFrames ?? 8),
    };
    // A design with no punch keeps its initial pages (file f holds f+1 at index 0): frames for them besides.
    if (!('punch' in design.next) && st.pageFrames !== undefined) want.M = Math.min(8, st.pageFrames + F);
    // The benchmark's V counts zeroes as a value.
    if (design.name === 'bench-reflink-cow') want.V = V + 1;
    const out: Record<string, number> = {};
    for (const k of Object.keys(design.params)) if (k in want) out[k] = want[k];
    return out;
  },

  // Every file starts empty: punch what the world's initial state gives (file f holds f+1 at index 0).
  prelude(_s, design) {
    if (!kinds(design).has('punch') || design.name === 'bench-reflink-cow') return [];
    return [dynamic('punch the initial contents', (st, enabled) => enabled.find((a) => a.kind === 'punch' && st.ext[a.f][a.i] !== HOLE) ?? undefined, true)];
  },

  expand(s, k, design) {
    const op = s.ops[k];
    // Where dedupe is one step (compare and remap under the locks), a mayBlock op between
    // fideduperange-begin and -end waits for those locks, so it runs after -end. Where the world
    // splits it (the DAX world: dedupe, then dedupe-remap), the locks themselves decide: a blocked
    // op is deferred by the replay until -end releases them.
    const split = 'dedupe-remap' in design.next;
    if (op.mayBlock && inDedupeWindow(s, k) && !split) return [];
    const vm = valueMap(s);
    const v = (x: number): number => vm.get(x) ?? 0;
    if (design.name === 'bench-reflink-cow') return benchOp(s, k, v);
    const has = (kind: string): boolean => kinds(design).has(kind);
    const imapping = has('open');
    const steps: Step[] = [];
    // imapping-redirect: a fresh open for write(2)/read(2) (xfs_io), a fresh mmap for the first access.
    const open = (f: number): Step => dynamic(`open(f=${f})`, (_st, en) => (en.some((a) => a.kind === 'open' && a.f === f) ? want('open', { f }) : undefined));
    const mmap = (f: number): Step => dynamic(`mmap(f=${f})`, (_st, en) => (en.some((a) => a.kind === 'mmap' && a.f === f) ? want('mmap', { f }) : undefined));
    // A fault on a page-cache miss reads its page in itself (fragment-owner: filemap_fault -> ->read_folio).
    const writeFault = (f: number, i: number): Step[] => [
      dynamic(`fault(f=${f}, i=${i}, write)`, (st) => (st.ptew[f][i] ? undefined : want('fault', { f, i, write: true }))),
      dynamic('finish-fault', (st) => (st.fault ? want('finish') : undefined)),
    ];
    const readFault = (f: number, i: number): Step[] => [
      dynamic(`fault(f=${f}, i=${i}, read)`, (st, en) => {
        if (st.pte[f][i] !== NULL) return undefined;
        if (st.fault) return 'another fault holds its entry';
        // A read fault on a hole maps the zero page (dax_load_hole), which the DAX world does not model;
        // tmpfs-cowflag's adds a zeroed page (shmem_fault, SGP_CACHE).
        return en.some((a) => a.kind === 'fault' && a.f === f && a.i === i && !a.write) ? want('fault', { f, i, write: false }) : undefined;
      }),
      dynamic('finish-fault', (st) => (st.fault ? want('finish') : undefined)),
    ];
    const store = (f: number, i: number, value: number, why: string): Step =>
      dynamic(why, (st) => (st.ghost[f][i] === value ? `the model offers no store of the value (f=${f}, i=${i}) already holds` : want('store', { f, i, v: value })));
    switch (op.op) {
      case 'pwrite':
        needKind(design, 'write', op);
        for (const i of range(op)) {
          if (imapping && op.fd !== 'kept-open') steps.push(open(op.file));
          // A design with no punch keeps its initial contents (file f holds f+1 at index 0): a first write
          // of that same value changes nothing and is skipped.
          const initial = !has('punch') && untouched(s, k, op.file, i);
          steps.push(
            dynamic(`write(f=${op.file}, i=${i}, v=${v(op.value)})`, (st) =>
              st.ghost[op.file][i] !== v(op.value)
                ? want('write', { f: op.file, i, v: v(op.value) })
                : initial
                  ? undefined
                  : `the model offers no write of the value (f=${op.file}, i=${i}) already holds`,
            ),
          );
        }
        return steps;
      case 'pread':
        // read(2) changes no state but the page cache's (fragment-owner reads a page in); cow-isolation reads the view.
        for (const i of range(op)) {
          if (imapping) steps.push(open(op.file));
          if (has('read')) steps.push(dynamic(`read(f=${op.file}, i=${i})`, (_st, en) => en.find((a) => a.kind === 'read' && a.f === op.file && a.i === i)));
        }
        return steps;
      case 'mmap-load':
        for (const i of range(op)) {
          if (imapping && firstAccess(s, k, op.file)) steps.push(mmap(op.file));
          steps.push(...readFault(op.file, i));
        }
        return steps;
      case 'mmap-store':
        if (op.sector !== undefined && (s.setup.sectorsPerBlock ?? 1) > 1) {
          throw new Inexpressible(
            `op ${op.step}: a store to sector ${op.sector} of a ${s.setup.sectorsPerBlock}-sector block: the world has whole-block values only (no sub-block writes, no dax_iomap_copy_around)`,
          );
        }
        for (const i of range(op)) {
          if (imapping && firstAccess(s, k, op.file)) steps.push(mmap(op.file));
          steps.push(...writeFault(op.file, i), store(op.file, i, v(op.value), `store(f=${op.file}, i=${i}, v=${v(op.value)})`));
        }
        return steps;
      case 'munmap':
        return [dynamic(`unmap(f=${op.file}, *)`, (_st, en) => en.find((a) => a.kind === 'unmap' && a.f === op.file), true)];
      case 'msync':
      case 'fsync':
        // DAX: dax_writeback_mapping_range flushes cache lines, which the world does not model; tmpfs has no writeback.
        return [];
      case 'remount':
        // Unmount: no mapping is left (the test unmapped), the page cache is dropped (reclaim, where a
        // design has one and is not tmpfs); DAX entries stay, the world having no eviction of them.
        steps.push(dynamic('unmap(*)', (_st, en) => en.find((a) => a.kind === 'unmap'), true));
        if (has('reclaim') && !TMPFS.has(design.name)) steps.push(dynamic('reclaim(*)', (_st, en) => en.find((a) => a.kind === 'reclaim'), true));
        return steps;
      case 'ficlone':
        needKind(design, 'reflink', op);
        return [want('reflink', { s: op.src, d: op.dst })];
      case 'ficlonerange': {
        const B = s.setup.blocksPerFile ?? 1;
        if (op.srcIndex === op.dstIndex && op.srcIndex === 0 && op.count >= B) {
          needKind(design, 'reflink', op);
          return [want('reflink', { s: op.src, d: op.dst })];
        }
        // The DAX designs of the granular world remap any range that fits, in one FICLONERANGE (actions.ts, Enabling.ranges).
        if (LONGTERM_GRANTED in design.bugs) {
          const a = { s: op.src, si: op.srcIndex, d: op.dst, di: op.dstIndex, ...(op.count > 1 && { n: op.count }) };
          return [
            dynamic(
              `reflink-range(${JSON.stringify(a)})`,
              (_st, en) => en.find((x) => x.kind === 'reflink-range' && Object.entries(a).every(([k, v]) => x[k] === v) && (op.count > 1 || x.n === undefined)) ?? 'that reflink-range is not enabled',
            ),
          ];
        }
        if (op.srcIndex === op.dstIndex) {
          throw new Inexpressible(
            `op ${op.step}: a reflink of ${op.count} of ${B} blocks at the same offset: the world has whole-file reflink and single-block reflink-range to a different offset only (model/world/actions.ts: di !== si)`,
          );
        }
        needKind(design, 'reflink-range', op, 'the i_mapping hack shares whole files only');
        for (let j = 0; j < op.count; j++) steps.push(want('reflink-range', { s: op.src, si: op.srcIndex + j, d: op.dst, di: op.dstIndex + j }));
        return steps;
      }
      case 'fideduperange-begin': {
        needKind(design, 'dedupe', op);
        // One-step dedupe (compare and remap under the locks): it runs at -end.
        if (!split) return [];
        if (op.count !== 1) throw new Inexpressible(`op ${op.step}: a dedupe of ${op.count} blocks: the world's dedupe compares and remaps one block`);
        // xfs_reflink_remap_prep: the locks, the layout breaks and the compare; a mismatch is -EBADE and no action.
        const a = { s: op.src, si: op.srcIndex, d: op.dst, di: op.dstIndex };
        return [
          dynamic(`dedupe(${JSON.stringify(a)})`, (_st, en) => (en.some((x) => x.kind === 'dedupe' && x.s === a.s && x.si === a.si && x.d === a.d && x.di === a.di) ? want('dedupe', a) : undefined)),
        ];
      }
      case 'fideduperange-end': {
        const begin = [...s.ops.slice(0, k)].reverse().find((o) => o.op === 'fideduperange-begin');
        if (!begin) throw new Inexpressible(`op ${op.step}: no fideduperange-begin before it`);
        needKind(design, 'dedupe', op);
        // The remap and the unlock, where the compare matched; ops that waited run after it (replay.ts).
        if (split) return [dynamic('dedupe-remap', (st) => (st.dedupe ? want('dedupe-remap') : undefined))];
        for (let j = 0; j < begin.count; j++) {
          const a = { s: begin.src, si: begin.srcIndex + j, d: begin.dst, di: begin.dstIndex + j };
          // A dedupe whose compare fails is a no-op (FILE_DEDUPE_RANGE_DIFFERS): the world offers no action then.
          steps.push(
            dynamic(`dedupe(${JSON.stringify(a)})`, (_st, en) => (en.some((x) => x.kind === 'dedupe' && x.s === a.s && x.si === a.si && x.d === a.d && x.di === a.di) ? want('dedupe', a) : undefined)),
          );
        }
        const from = s.ops.indexOf(begin);
        for (let j = from + 1; j < k; j++) if (s.ops[j].mayBlock) steps.push(...reflinkBinder.expand({ ...s, ops: s.ops.map((o, x) => (x === j ? { ...o, mayBlock: false } : o)) }, j, design));
        return steps;
      }
      case 'punch':
        needKind(design, 'punch', op);
        for (const i of range(op)) steps.push(dynamic(`punch(f=${op.file}, i=${i})`, (st) => (st.ext[op.file][i] === HOLE ? undefined : want('punch', { f: op.file, i }))));
        return steps;
      case 'pin': {
        needKind(design, 'pin', op);
        // The DAX designs of the granular world (model/world/dax.ts: read-only pins, and FOLL_LONGTERM
        // refused unless the pre-v4.15 toggle grants it) declare that toggle; the others have FOLL_WRITE pins only.
        const granular = LONGTERM_GRANTED in design.bugs;
        if (op.longterm && !granular) throw new Inexpressible(`op ${op.step}: a FOLL_LONGTERM pin: the world's pins are short-term only`);
        if (op.write === false && !granular) throw new Inexpressible(`op ${op.step}: a read-only pin: the world's pins are FOLL_WRITE (pin needs a writable pte)`);
        if (imapping && firstAccess(s, k, op.file)) steps.push(mmap(op.file));
        const how: { ro?: true; longterm?: true } = { ...(op.write === false && { ro: true as const }), ...(op.longterm && { longterm: true as const }) };
        // GUP faults the page in: a write fault for FOLL_WRITE where the pte is not writable, a read fault where there is none.
        const gup = [
          ...(op.write === false ? readFault(op.file, op.index) : writeFault(op.file, op.index)),
          dynamic(
            `pin(${JSON.stringify({ f: op.file, i: op.index, ...how })})`,
            (_st, en) => en.find((a) => a.kind === 'pin' && a.f === op.file && a.i === op.index && a.ro === how.ro && a.longterm === how.longterm) ?? 'that pin is not enabled',
          ),
        ];
        // mm/gup refuses FOLL_LONGTERM on fsdax with -EOPNOTSUPP (check_vma_flags, before any fault): no step,
        // unless the toggle grants it (the world then keeps FOLL_LONGTERM pins: pinlong).
        const refused = (st: { pinlong?: unknown }): boolean => op.longterm === true && st.pinlong === undefined;
        steps.push(...gup.map((g): Step => ({ ...g, pick: (st, en) => (refused(st) ? undefined : g.pick(st, en)) })));
        return steps;
      }
      case 'unpin':
        // The DMA lands in the pinned frame (bound as a store through the pte it was pinned by), then unpin_user_page.
        // A layout break asleep on the pin has unmapped the page (model/world/layout-break.ts): the DMA still
        // lands in the frame, which the world has no action for, and is left out.
        if (op.dmaValue !== undefined) {
          const dma = store(op.file, op.index, v(op.dmaValue), `DMA of ${op.dmaValue}: store(f=${op.file}, i=${op.index})`);
          steps.push(dynamic(dma.what, (st, en) => ((st as { breaking?: unknown }).breaking ? undefined : dma.pick(st, en))));
        }
        // A FOLL_LONGTERM pin (granted only under the toggle) is released by its own kind, unpin-longterm.
        steps.push(
          dynamic(`unpin(f=${op.file}, i=${op.index})`, (st, en) =>
            want(en.some((a) => a.kind === 'unpin-longterm' && a.f === op.file && a.i === op.index) ? 'unpin-longterm' : 'unpin', { f: op.file, i: op.index }),
          ),
        );
        // The break that slept on the pin wakes and its operation goes on (a mayBlock op runs right after the unpin).
        steps.push(dynamic('resume', (st, en) => ((st as { breaking?: unknown }).breaking && en.some((a) => a.kind === 'resume') ? want('resume') : undefined)));
        return steps;
      case 'memory-failure': {
        const f = op.file,
          i = op.index;
        // The pfn backing (file, index) now: its pte, else its entry's page, else its block.
        const pfnOf = (st: { pte: number[][]; entry: number[][]; ext: number[][]; imap?: number[] }): number => {
          if (st.pte[f][i] !== NULL) return st.pte[f][i];
          const m = st.imap ? st.imap[f] : f;
          if (st.entry[m]?.[i] !== undefined && st.entry[m][i] !== NULL) return st.entry[m][i];
          return st.ext[f][i];
        };
        if (op.via === 'madvise') {
          // madvise(MADV_HWPOISON) by `by`: memory_failure(pfn, MF_ACTION_REQUIRED), current = by, as a consuming load.
          needKind(design, 'mce', op);
          // madvise_inject_error takes the page with get_user_pages_fast, which faults it in where the
          // caller has no pte (the world's kill zaps every pte of the process; the test's SIGBUS handler
          // lets it go on, and its next madvise faults the page back).
          if (op.by === f) {
            steps.push(
              dynamic(`GUP fault(f=${f}, i=${i}, read)`, (st, en) =>
                st.pte[f][i] === NULL && en.some((a) => a.kind === 'fault' && a.f === f && a.i === i && !a.write) ? want('fault', { f, i, write: false }) : undefined,
              ),
              dynamic('finish-fault', (st) => (st.fault ? want('finish') : undefined)),
            );
          }
          // The state the report started from, for the check after it.
          let pre: { frame: { mapping: number }[]; vmap?: number[] } | undefined;
          let pfn = NULL;
          steps.push(
            dynamic(`mce(by ${op.by} on the pfn of (f=${f}, i=${i}))`, (st) => {
              pfn = pfnOf(st);
              const j = (st.pte[op.by] as number[]).indexOf(pfn);
              if (pfn === NULL || j < 0) return `process ${op.by} maps no pte to the pfn of (f=${f}, i=${i})`;
              pre = st;
              return want('mce', { f: op.by, i: j });
            }),
          );
          if (has('memfail-next')) steps.push(dynamic('memfail-next', (_st, en) => en.find((a) => a.kind === 'memfail-next'), true));
          // madvise_inject_error returns the handler's error to its caller; the world's `mce` is a machine
          // check, whose failed handling kills the consumer (kill_me_maybe -> kill_me_now). The two agree
          // only where the handling succeeds: DAX not -EBUSY; the page cache's path (memory_failure ->
          // hwpoison_user_mappings) not MF_FAILED, which it is when a pte is left or the caller's own vma
          // was not among those the rmap found (the machine check then signals it by kill_me_now).
          steps.push(
            dynamic('madvise: the handling succeeded', (st) => {
              if (!st.mf || !st.mf.done) return undefined;
              const busy =
                'madvise(MADV_HWPOISON) gets the error back and nobody else is signalled (madvise_inject_error), but the world has only a machine check (mce), whose failure kills the consumer (kill_me_now)';
              if (st.mf.busy) return busy;
              if (!PAGE_CACHE.has(design.name) || !pre) return undefined;
              const m = pre.frame[pfn].mapping;
              const collected = pre.vmap ? pre.vmap[op.by] === m : m === op.by;
              const left = (st.pte as number[][]).some((row) => row.includes(pfn));
              return left || !collected ? busy : undefined;
            }),
          );
          return steps;
        } else {
          needKind(design, 'memfail', op);
          steps.push(dynamic(`memfail(pfn of (f=${f}, i=${i}))`, (st) => want('memfail', { pfn: pfnOf(st) })));
        }
        if (has('memfail-next')) steps.push(dynamic('memfail-next', (_st, en) => en.find((a) => a.kind === 'memfail-next'), true));
        return steps;
      }
      case 'fault-begin':
        needKind(design, 'fault', op);
        if (imapping && firstAccess(s, k, op.file)) steps.push(mmap(op.file));
        return [...steps, want('fault', { f: op.file, i: op.index, write: !!op.write })];
      case 'fault-end':
        return [want('finish')];
      default:
        throw new Inexpressible(`op ${op.step}: '${op.op}' has no binding in the reflink world`);
    }
  },

  // The memory-failure handler walks on once the entry it waits for is unlocked.
  settle: dynamic('memfail-next', (_st, en) => en.find((a) => a.kind === 'memfail-next'), true),
};
