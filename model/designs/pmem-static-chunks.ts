/**
 * pmem-static-chunks: Christoph Hellwig's alternative, as Dave Chinner
 * relays it in seed 003: "do what Christoph suggested and just use a
 * wrapper around something like device mapper to hand out chunks of
 * unchanging, static pmem to applications". The file is a chunk whose
 * table (its block map) is written and made durable when the chunk is
 * handed out, before any fault; faults allocate nothing and move nothing.
 *
 * The promise is the chunk's: every block of it, once mapped writable,
 * needs no fsync for its metadata; user data still needs flush and fence (a
 * chunk is pmem, not a cache). The chunk is handed out zeroed. As in the
 * other pmem designs, the promise is bound to a write fault: a read fault
 * maps the block read-only (a chunk has no holes) and promises nothing;
 * with the table durable from the start this changes no verdict of the
 * design, only where the `lazy-chunk-table` counterexamples make theirs.
 */
import { crashPoint, defineDesign } from '../design.js';
import { crashProperties, staticCrashGoals } from '../../properties/pmem-crash.js';
import {
  beginFault,
  crash,
  emptyTree,
  endFault,
  initState,
  insertRecord,
  issue,
  params,
  pmemWaiting,
  step,
  syncAll,
  worldActions,
  worldNext,
  type PmemAction,
  type PmemState,
  type Tree,
} from '../pmem.js';

/** The chunk's table: block `off` of the file is block `off` of the chunk. */
function chunkTable(L: number, C: number): Tree {
  const t = emptyTree(L);
  for (let off = 0; off < L; off++) insertRecord(t, off, off, C);
  return t;
}

export default defineDesign<PmemState, PmemAction>({
  name: 'pmem-static-chunks',
  picture: { world: 'pmem' },
  summary: 'static, preallocated pmem chunks from a dm-like layer: faults never change metadata',
  seed: 'Dave Chinner, lkml 2016-09-13, quoted in seeds/003: "do what Christoph suggested and just use a wrapper around something like device mapper to hand out chunks of unchanging, static pmem to applications"',
  params,
  bugs: {
    'lazy-chunk-table': 'the chunk is handed out (and promised) before its table is durable: the table writes are still in cache lines',
  },
  // The whole state space, not a depth: at the defaults it is finite and small (2,516 states, diameter 16; every
  // bug toggle and amendment under 110,000 states), so a verdict holds in every reachable state.
  // The state cap makes a model grown past it stop, inconclusive, rather than run on.
  bounds: { maxStates: 1_000_000 },
  init: (cfg) => {
    const table = chunkTable(cfg.params.L, cfg.params.C);
    const s = initState(cfg, table);
    if (!cfg.bugs.has('lazy-chunk-table')) return s;
    // The table only in cache lines: the media still has the empty tree.
    const empty = emptyTree(cfg.params.L);
    s.disk.tree = empty;
    issue(s as never, 'root', { t: 'root', root: table.root });
    table.root.leaves.forEach((m) => issue(s as never, `leaf${m}`, { t: 'leaf', m, recs: table.leaf[m] }));
    return s;
  },
  actions: worldActions,
  next: {
    ...worldNext,
    fault: ({ off, write }, _s, cfg) =>
      step((d) => {
        beginFault(d, off, write, cfg, 'static');
      }),
    'fault-done': (_a, s) =>
      step((d) => {
        endFault(d, s.vma === 'sync' && s.fault!.write);
      }),
    fsync: (_a, _s, cfg) => step((d) => syncAll(d, cfg, false)),
    msync: (_a, _s, cfg) => step((d) => syncAll(d, cfg, false)),
    crash: crashPoint((_a, s) => crash(s)),
  },
  always: crashProperties,
  // The split goals of the other pmem designs cannot be reached here: the
  // table never changes, which is the design.
  sometimes: staticCrashGoals,
  waiting: pmemWaiting,
  // "Unchanging, static pmem": the chunk's table never changes once handed
  // out (crash-ordering), and a chunk is pmem, so data stored and flushed in
  // it is there after a crash (crash-durability); a flush of the device
  // (fsync, msync) keeps its ordinary contract (no-lost-writes).
  claims: ['crash-durability', 'crash-ordering', 'no-lost-writes'],
  notes: {
    mmap: "mmap of the chunk; sync=true: a mapping that relies on the chunk's static table",
    fault: 'a fault on the chunk: the table already maps every block; nothing allocated or written',
    'fault-done': "the pte (writable after a write fault); a write fault is the chunk's promise",
    store: 'a user store through the writable pte: it sits in a CPU cache line',
    flush: "clwb of the block's line: durable at the next sfence",
    fence: 'sfence: every flushed line reaches the media',
    fsync: 'fsync of the chunk: every dirty line (and a lazy table) made durable',
    msync: 'msync(MS_SYNC): as fsync',
    crash: 'power loss: any pending write may have reached the media; the table is read back',
  },
});
