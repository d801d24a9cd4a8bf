/**
 * Exhaustive bounded search, breadth first: the first violation found of a
 * property is one of the shortest. States are deduplicated by fingerprint;
 * the visited set keeps a parent link per state, from which a trace is rebuilt
 * by re-running the model along the chain, so that no state is kept beyond
 * the frontier, and the frontier itself is kept as bytes. States of a flat
 * layout (engine/layout.ts) are kept, hashed and, with the model's
 * `updates`, expanded as words, allocating nothing per successor.
 */
import { collisionProbability } from './fingerprint.js';
import { compileFingerprint, inferShape } from './shape.js';
import { viewOf, type Model, type Step, type Update } from './model.js';
import { ByteQueue, Codec } from './codec.js';
import { Coverage } from './coverage.js';
import type { CrashSummary } from './crash.js';
import { VisitedStore } from './visited.js';
import { compileLayout } from './layout.js';

export interface Bounds {
  /** Explore histories of at most this many actions. */
  readonly maxDepth?: number;
  /** Stop (incomplete) once this many distinct states are stored. */
  readonly maxStates?: number;
  /** Stop (incomplete) after this many milliseconds. */
  readonly timeLimitMs?: number;
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
   * Keep states of a flat layout as words (engine/layout.ts); on by default.
   * Off, every state takes the generic path: the tests hold the two against each other.
   */
  readonly flat?: boolean;
}

export interface Found<S, A> {
  /** Number of actions from an initial state. */
  readonly depth: number;
  readonly trace: readonly Step<S, A>[];
}

export interface Violation<S, A> extends Found<S, A> {
  readonly message: string;
}

export type StopReason = 'exhausted' | 'depth' | 'states' | 'time' | 'all-violated';

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
}

export function exhaustive<S, A, V>(model: Model<S, A, V>, options: ExhaustiveOptions = {}): ExhaustiveResult<S, A> {
  const maxDepth = options.maxDepth ?? Infinity;
  const maxStates = options.maxStates ?? Infinity;
  const timeLimitMs = options.timeLimitMs ?? Infinity;
  const fp = compileFingerprint(inferShape(model.initial));
  const wanted = options.properties;
  const always = model.always.filter((p) => !wanted || wanted.includes(p.id));
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
    return always.length > 0 && violated.size === always.length;
  };

  // States of a flat layout (engine/layout.ts) are kept and hashed as their
  // words; with the model's updates they are also expanded in place: the
  // parent is loaded into one reused state, each update applied to a scratch
  // state reloaded from the parent's words, and a third reused state shows
  // a new one to the properties. Every other state takes the generic path.
  const layout = options.flat === false ? undefined : compileLayout(model.initial);
  const N = layout?.words ?? 0;
  const parentWords = new Int32Array(N);
  const inPlace = layout !== undefined && model.updates !== undefined;
  const parentState = inPlace ? layout.instance() : undefined;
  let scratch = layout?.instance();
  const probe = layout?.instance();

  // One parent's successors, in order: each one's fingerprint, and its words
  // or (off the layout) the state itself. They are all hashed before any is
  // looked up, so that the lookups' cache misses overlap (VisitedStore.warm).
  let room = 64;
  let his = new Uint32Array(room);
  let los = new Uint32Array(room);
  let words = new Int32Array(room * N);
  let onLayout = new Uint8Array(room);
  let objects: (S | undefined)[] = new Array(room).fill(undefined);
  let count = 0;
  const out = new Uint32Array(2);
  const reserve = (): void => {
    if (count < room) return;
    room *= 2;
    const grownHis = new Uint32Array(room), grownLos = new Uint32Array(room), grownWords = new Int32Array(room * N);
    const grownOnLayout = new Uint8Array(room);
    grownHis.set(his);
    grownLos.set(los);
    grownWords.set(words);
    grownOnLayout.set(onLayout);
    his = grownHis;
    los = grownLos;
    words = grownWords;
    onLayout = grownOnLayout;
    objects = objects.concat(new Array(room - objects.length).fill(undefined));
  };
  // Keeps the successor just hashed into `out`: as its words, already at
  // `words[count * N..]`, or (off the layout) as the state itself.
  const keep = (t: S | undefined, asWords: boolean): void => {
    onLayout[count] = asWords ? 1 : 0;
    objects[count] = t;
    his[count] = out[0];
    los[count] = out[1];
    count++;
  };
  const admitState = (t: S): void => {
    reserve();
    if (layout !== undefined && layout.pack(t, words, count * N, out)) keep(undefined, true);
    else {
      fp(t, out);
      keep(t, false);
    }
  };
  const admitUpdate = (update: Update<S>): void => {
    reserve();
    scratch!.load(parentWords, 0);
    let kept = false;
    try {
      update(scratch!.state);
      kept = scratch!.pack(words, count * N, out);
    } catch {
      kept = false;
    }
    if (kept) {
      keep(undefined, true);
      return;
    }
    // The update left the layout, or threw (perhaps only because a scratch
    // record cannot gain a key): take it again on a plain copy, and rebuild
    // the scratch, some of whose containers it may have replaced.
    scratch = layout!.instance();
    const t = layout!.fresh(parentWords, 0);
    update(t);
    admitState(t);
  };

  // The frontier is one level of states as bytes. States are numbered in the
  // order they are found, so the level's numbers are a contiguous range.
  const codec = new Codec();
  let frontier = new ByteQueue();
  const enqueue = (queue: ByteQueue, k: number): S => {
    if (onLayout[k] === 0) {
      const t = objects[k] as S;
      queue.push(codec.encode(t));
      return t;
    }
    queue.push(codec.encodeWords(words, k * N, N));
    probe!.load(words, k * N);
    return probe!.state;
  };
  count = 0;
  admitState(model.initial);
  const root = store.add(his[0], los[0], -1, 0);
  let levelStart = root;
  if (inspect(enqueue(frontier, 0), root, 0)) stoppedBy = 'all-violated';

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
    for (let i = 0; i < size; i++) {
      const { chunk, offset } = frontier.shift();
      const flat = codec.isWords(chunk, offset);
      let state: S;
      if (flat) {
        codec.decodeWords(chunk, offset, parentWords, N);
        if (inPlace) {
          parentState!.load(parentWords, 0);
          state = parentState!.state;
        } else state = layout!.fresh(parentWords, 0);
      } else state = codec.decode(chunk, offset) as S;

      count = 0;
      for (const action of model.actions(state)) {
        const before = count;
        if (flat && inPlace) {
          const u = model.updates!(state, action);
          if (typeof u === 'function') admitUpdate(u);
          else for (const update of u) admitUpdate(update);
        } else for (const t of model.successors(state, action)) admitState(t);
        transitions += count - before;
        coverage.fired(model.kind(action), depth + 1, count - before);
      }

      store.warm(los, count);
      const parent = levelStart + i;
      // k is also which successor of the parent this is, for rebuilding traces.
      for (let k = 0; k < count; k++) {
        const id = store.add(his[k], los[k], parent, k);
        if (id < 0) continue;
        if (inspect(enqueue(next, k), id, depth + 1)) {
          stoppedBy = 'all-violated';
          break search;
        }
        if (store.size >= maxStates || store.full) {
          stoppedBy = 'states';
          break search;
        }
      }

      // Counted across levels, so a deep and narrow search still sees the clock.
      if ((++expanded & 255) === 0) {
        const now = performance.now();
        if (now - start >= timeLimitMs) {
          stoppedBy = 'time';
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
function nthSuccessor<S, A, V>(model: Model<S, A, V>, state: S, n: number): Step<S, A> | undefined {
  for (const action of model.actions(state)) {
    const successors = model.successors(state, action);
    if (n < successors.length) {
      return successors.length > 1 ? { action, choice: n, state: successors[n] } : { action, state: successors[n] };
    }
    n -= successors.length;
  }
  return undefined;
}
