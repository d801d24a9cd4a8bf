/**
 * Exhaustive bounded search, breadth first: the first violation found of a
 * property is one of the shortest. States are deduplicated by their 64-bit
 * hash; the visited set keeps a parent link per state, from which a trace is
 * rebuilt by re-running the model along the chain, so that no state is kept
 * beyond the frontier, and the frontier itself is kept as bytes. How states
 * are represented, hashed and expanded is engine/states.ts's business.
 */
import { collisionProbability } from './fingerprint.js';
import { propertiesOf, viewOf, type Model, type Step } from './model.js';
import { ByteQueue } from './codec.js';
import { Coverage } from './coverage.js';
import type { CrashSummary } from './crash.js';
import { VisitedStore } from './visited.js';
import { StateStore, type Representation } from './states.js';
import { overLimit, type MemoryLimit } from './memory.js';
import { canonicalFingerprint } from './symmetry.js';

export interface Bounds {
  /** Explore histories of at most this many actions. */
  readonly maxDepth?: number;
  /** Stop (incomplete) once this many distinct states are stored. */
  readonly maxStates?: number;
  /** Stop (incomplete) after this many milliseconds. */
  readonly timeLimitMs?: number;
  /** Stop (incomplete) at the next state once this is aborted (Ctrl-C, a test runner's timeout). */
  readonly signal?: { readonly aborted: boolean };
  /** Stop (incomplete) before memory runs out: see engine/memory.ts. */
  readonly memory?: MemoryLimit;
}

export interface Progress {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly queue: number;
  readonly elapsedMs: number;
}

export interface ExhaustiveOptions extends Bounds {
  /** The ids of the `always` properties to check; all of them when absent. */
  readonly properties?: readonly string[];
  readonly onProgress?: (progress: Progress) => void;
  readonly progressIntervalMs?: number;
  /**
   * Keep states of a fixed flat layout as words (engine/layout.ts); on by default.
   * Off, every state takes the generic path: the tests hold the two against each other.
   */
  readonly flat?: boolean;
  /**
   * Keep states of the designs without a fixed flat layout as words too, by
   * a layout learned from their states (engine/learned-layout.ts); on by
   * default (`check --no-learned` turns it off). test/engine/word-path.test.ts
   * holds it against the generic path on every built-in design, bug toggle
   * and amendment.
   */
  readonly learned?: boolean;
  /**
   * Explore one shard of `count` (engine/shard.ts): every shard searches the
   * same shallow levels, then keeps only the subtrees whose root hashes to
   * `index`, with a visited set of its own.
   */
  readonly shard?: { readonly index: number; readonly count: number };
  /**
   * Keep one state per class of the model's symmetry (engine/symmetry.ts),
   * where it declares one; off by default, so that a bound is about the
   * model's own states unless the caller asks.
   */
  readonly symmetry?: boolean;
}

export interface Found<S, A> {
  /** Number of actions from an initial state. */
  readonly depth: number;
  readonly trace: readonly Step<S, A>[];
}

export interface Violation<S, A> extends Found<S, A> {
  readonly message: string;
}

export type StopReason = 'exhausted' | 'depth' | 'states' | 'time' | 'all-violated' | 'interrupted' | 'memory';

export interface ExhaustiveResult<S, A> {
  readonly states: number;
  readonly transitions: number;
  /** The deepest level that holds a discovered state. */
  readonly depth: number;
  readonly maxDepth: number | undefined;
  /**
   * Every history up to the depth bound was explored (or the whole state
   * space, when `exhausted`). Only a complete search proves anything.
   */
  readonly complete: boolean;
  readonly exhausted: boolean;
  readonly stoppedBy: StopReason;
  readonly elapsedMs: number;
  readonly bytesPerState: number;
  readonly collisionProbability: number;
  readonly violations: ReadonlyMap<string, Violation<S, A>>;
  readonly goals: ReadonlyMap<string, Found<S, A>>;
  readonly coverage: Coverage;
  /** The crash points expanded by the search, when the model has any. */
  readonly crash?: CrashSummary;
  /** For a shard: the level at which the histories were split among the shards (none when the search ended first). */
  readonly split?: number | null;
  /** How the states were kept: as words (engine/layout.ts, engine/learned-layout.ts) or as objects. */
  readonly representation: Representation;
  /** The symmetry the states were reduced by (its description), or null when they were not. */
  readonly symmetry: string | null;
  /** The worker threads that searched (engine/workers.ts); absent for the search in one thread. */
  readonly workers?: number;
}

/** A shard's search splits below the first level with this many states per shard, so that each gets a share of many subtrees. */
export const SPLIT_WIDTH = 64;

export function exhaustive<S, A, V>(model: Model<S, A, V>, options: ExhaustiveOptions = {}): ExhaustiveResult<S, A> {
  const maxDepth = options.maxDepth ?? Infinity;
  const maxStates = options.maxStates ?? Infinity;
  const timeLimitMs = options.timeLimitMs ?? Infinity;
  const wanted = options.properties;
  const always = propertiesOf(model).filter((p) => !wanted || wanted.includes(p.id));
  // A liveness property is judged once the whole state space has been seen (engine/liveness.ts), so
  // with one wanted, every invariant violated is no reason to stop.
  const livenessWanted = (model.liveness ?? []).some((l) => !wanted || wanted.includes(l.id));
  const start = performance.now();
  const progressEvery = options.progressIntervalMs ?? 1000;
  let lastProgress = start;

  const store = new VisitedStore(Number.isFinite(maxStates) ? Math.min(maxStates, 1 << 22) : 1 << 12);
  const violated = new Map<string, { id: number; depth: number; message: string }>();
  const reached = new Map<string, { id: number; depth: number }>();
  const openGoals = model.sometimes.slice();
  const coverage = new Coverage();
  let transitions = 0;
  let expanded = 0;
  let deepest = 0;
  let stoppedBy: StopReason | undefined;

  // Checks a newly stored state; true when nothing is left to look for.
  const inspect = (state: S, id: number, depth: number): boolean => {
    if (depth > deepest) deepest = depth;
    const view = viewOf(model, state);
    for (const p of always) {
      if (violated.has(p.id)) continue;
      const message = p.check(state, view);
      if (message !== undefined) violated.set(p.id, { id, depth, message });
    }
    for (let g = openGoals.length - 1; g >= 0; g--) {
      if (openGoals[g].reached(state, view)) {
        reached.set(openGoals[g].id, { id, depth });
        openGoals.splice(g, 1);
      }
    }
    return always.length > 0 && violated.size === always.length && !livenessWanted;
  };

  const states = new StateStore<S, A>(model as Model<S, A, unknown>, options.flat !== false, options.learned !== false);
  let frontier = new ByteQueue();
  const symmetry = options.symmetry === true ? model.symmetry : undefined;
  const canonical = symmetry ? canonicalFingerprint(model.initial, symmetry) : undefined;
  states.admit(model.initial);
  if (canonical) states.canonicalize(canonical);
  const root = store.add(states.his[0], states.los[0], -1, 0);
  let levelStart = root;
  if (inspect(states.enqueue(frontier, 0), root, 0)) stoppedBy = 'all-violated';

  const shard = options.shard;
  let split: number | undefined;
  let depth = 0;
  search: while (stoppedBy === undefined) {
    if (frontier.length === 0) {
      stoppedBy = 'exhausted';
      break;
    }
    if (depth >= maxDepth) {
      stoppedBy = 'depth';
      break;
    }
    const next = new ByteQueue();
    const size = frontier.length;
    // The first level with a state for every shard is split below it: the
    // same level in every shard, since every shard searches the same prefix.
    if (shard && split === undefined && size >= SPLIT_WIDTH * shard.count) split = depth + 1;
    const sharding = shard !== undefined && split === depth + 1;
    for (let i = 0; i < size; i++) {
      const { chunk, offset } = frontier.shift();
      const state = states.loadParent(chunk, offset);
      states.clear();
      for (const action of model.actions(state)) {
        const n = states.expand(state, action);
        transitions += n;
        coverage.fired(model.kind(action), depth + 1, n);
      }

      if (canonical) states.canonicalize(canonical);
      const { count, his, los } = states;
      // All of a parent's successors are hashed before any is looked up, so
      // that the lookups' cache misses overlap.
      store.warm(los, count);
      const parent = levelStart + i;
      // k is also which successor of the parent this is, for rebuilding traces.
      for (let k = 0; k < count; k++) {
        if (sharding && los[k] % shard.count !== shard.index) continue;
        const id = store.add(his[k], los[k], parent, k);
        if (id < 0) continue;
        if (inspect(states.enqueue(next, k), id, depth + 1)) {
          stoppedBy = 'all-violated';
          break search;
        }
        if (store.size >= maxStates || store.full) {
          stoppedBy = 'states';
          break search;
        }
      }

      if (options.signal?.aborted) {
        stoppedBy = 'interrupted';
        break search;
      }
      // Counted across levels, so a deep and narrow search still sees the clock.
      if ((++expanded & 255) === 0) {
        const now = performance.now();
        if (now - start >= timeLimitMs) {
          stoppedBy = 'time';
          break search;
        }
        if (options.memory && (expanded & 4095) === 0 && overLimit(options.memory)) {
          stoppedBy = 'memory';
          break search;
        }
        if (options.onProgress && now - lastProgress >= progressEvery) {
          lastProgress = now;
          options.onProgress({
            states: store.size,
            transitions,
            depth: depth + 1,
            queue: size - i - 1 + next.length,
            elapsedMs: now - start,
          });
        }
      }
    }
    levelStart += size;
    frontier = next;
    depth++;
  }

  // Taken before traces are rebuilt, which expands some crash points again.
  const crash = model.crash?.stats.summary();
  const rebuild = (id: number): Step<S, A>[] => traceTo(model, store, id);
  const violations = new Map<string, Violation<S, A>>();
  for (const [pid, v] of violated) violations.set(pid, { depth: v.depth, message: v.message, trace: rebuild(v.id) });
  const goals = new Map<string, Found<S, A>>();
  for (const [gid, g] of reached) goals.set(gid, { depth: g.depth, trace: rebuild(g.id) });

  const complete = stoppedBy === 'exhausted' || stoppedBy === 'depth';
  return {
    states: store.size,
    transitions,
    depth: deepest,
    maxDepth: Number.isFinite(maxDepth) ? maxDepth : undefined,
    complete,
    exhausted: stoppedBy === 'exhausted',
    stoppedBy: stoppedBy!,
    elapsedMs: performance.now() - start,
    bytesPerState: store.bytesPerState(),
    collisionProbability: collisionProbability(store.size),
    violations,
    goals,
    coverage,
    ...(crash ? { crash } : {}),
    ...(shard ? { split: split ?? null } : {}),
    representation: states.representation,
    symmetry: symmetry?.description ?? null,
  };
}

/**
 * Rebuilds the path to state `id`: follow parent links back to the initial
 * state, then walk forward, at each step taking the successor whose ordinal
 * the store recorded.
 */
function traceTo<S, A, V>(model: Model<S, A, V>, store: VisitedStore, id: number): Step<S, A>[] {
  const chain: number[] = [];
  for (let at = id; at >= 0; at = store.parent(at)) chain.push(at);
  chain.reverse();
  let state = model.initial;
  const trace: Step<S, A>[] = [{ state }];
  for (const target of chain.slice(1)) {
    const step = nthSuccessor(model, state, store.ordinal(target));
    if (step === undefined) throw new Error('trace rebuild: the model does not give the same successors twice');
    trace.push(step);
    state = step.state;
  }
  return trace;
}

/** The n-th successor of a state, counting every successor of every enabled action in order. */
export function nthSuccessor<S, A, V>(model: Model<S, A, V>, state: S, n: number): Step<S, A> | undefined {
  for (const action of model.actions(state)) {
    const successors = model.successors(state, action);
    if (n < successors.length) {
      return successors.length > 1 ? { action, choice: n, state: successors[n] } : { action, state: successors[n] };
    }
    n -= successors.length;
  }
  return undefined;
}
