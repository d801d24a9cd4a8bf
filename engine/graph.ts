/**
 * The whole reachable state graph of a model, kept compactly for liveness
 * (engine/liveness.ts): a state is an ordinal, its edges are contiguous in
 * breadth-first order (compressed sparse rows), and each edge keeps the kind
 * of its action and which of its source's successors it is, so that a path
 * through the graph is replayed by re-running the model, as the safety
 * search rebuilds its traces. No state object is kept.
 */
import { ByteQueue } from './codec.js';
import { nthSuccessor } from './exhaustive.js';
import type { Model, Step } from './model.js';
import { StateStore } from './states.js';

export interface StateGraph {
  /** States in breadth-first order; 0 is the initial state. */
  readonly size: number;
  /** The edges of state s are `start[s]` to `start[s + 1]` - 1. */
  readonly start: Int32Array;
  readonly target: Int32Array;
  /** The action kind of each edge, as an index into `kinds`. */
  readonly kind: Uint16Array;
  /** Which of its source's successors (counted over every enabled action) each edge is. */
  readonly ordinal: Int32Array;
  readonly kinds: readonly string[];
  /** The breadth-first parent of each state (-1 for the initial state) and the edge that reached it. */
  readonly parentEdge: Int32Array;
  /** Each state predicate asked for, one bit per state. */
  readonly marks: readonly Uint8Array[];
  /** Every reachable state was expanded. Only then does a "holds" prove anything. */
  readonly complete: boolean;
  /** States whose successors are known (all, when complete; a prefix in breadth-first order otherwise). */
  readonly expanded: number;
}

export interface GraphOptions {
  /** Stop once this many states are known; the graph is then incomplete. */
  readonly maxStates?: number;
}

/**
 * Explores every reachable state, marking each with the given predicates.
 * States are held as the exhaustive search holds them (engine/states.ts: as
 * words where they have a layout) and numbered by their 64-bit hash, so the
 * graph costs what the safety search costs, not an object a state.
 */
export function exploreGraph<S, A, V>(model: Model<S, A, V>, predicates: readonly ((state: S, view: V) => boolean)[], options: GraphOptions = {}): StateGraph {
  const maxStates = options.maxStates ?? 1_000_000;
  const ids = new StateIds();
  const marks: number[][] = predicates.map(() => []);
  const kinds: string[] = [];
  const kindIndex = new Map<string, number>();
  const start: number[] = [];
  const target: number[] = [];
  const kind: number[] = [];
  const ordinal: number[] = [];
  const parentEdge: number[] = [];
  const states = new StateStore<S, A>(model as Model<S, A, unknown>, true, true);
  const frontier = new ByteQueue();

  // Numbers successor k of the batch, queueing and marking it if it is new.
  const admit = (k: number, edge: number): number => {
    const known = ids.size;
    const id = ids.idOf(states.his[k], states.los[k]);
    if (id < known) return id;
    const state = states.enqueue(frontier, k);
    parentEdge.push(edge);
    const view = (model.view ? model.view(state) : undefined) as V;
    predicates.forEach((p, i) => marks[i].push(p(state, view) ? 1 : 0));
    return id;
  };

  states.admit(model.initial);
  admit(0, -1);
  let s = 0;
  let complete = true;
  // Every state numbered is queued, in the order numbered: state s is the s-th taken off the queue.
  for (; s < ids.size; s++) {
    if (ids.size >= maxStates) {
      complete = false;
      break;
    }
    const { chunk, offset } = frontier.shift();
    const state = states.loadParent(chunk, offset);
    states.clear();
    const first = target.length;
    start.push(first);
    for (const action of model.actions(state)) {
      const k = model.kind(action);
      let ki = kindIndex.get(k);
      if (ki === undefined) {
        ki = kinds.length;
        kinds.push(k);
        kindIndex.set(k, ki);
      }
      for (let n = states.expand(state, action); n > 0; n--) kind.push(ki);
    }
    // Successor k is edge first + k, and the k-th successor of its source.
    for (let k = 0; k < states.count; k++) {
      ordinal.push(k);
      target.push(admit(k, first + k));
    }
  }
  const expanded = s;
  start.push(target.length);
  return {
    size: ids.size,
    start: Int32Array.from(start),
    target: Int32Array.from(target),
    kind: Uint16Array.from(kind),
    ordinal: Int32Array.from(ordinal),
    kinds,
    parentEdge: Int32Array.from(parentEdge),
    marks: marks.map((m) => Uint8Array.from(m)),
    complete,
    expanded,
  };
}

/** States numbered 0, 1, 2... in the order first seen, by 64-bit hash (open addressing: hi, lo, number + 1 a slot). */
class StateIds {
  size = 0;
  private table = new Int32Array(3 * 1024);
  private mask = 1023;

  /** The number of the state of this hash; a new one (`size` before the call) when it is new. */
  idOf(hi: number, lo: number): number {
    for (let slot = lo & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = 3 * slot;
      if (this.table[at + 2] === 0) {
        this.table[at] = hi;
        this.table[at + 1] = lo;
        this.table[at + 2] = ++this.size;
        if (this.size * 5 > (this.mask + 1) * 4) this.grow();
        return this.size - 1;
      }
      if (this.table[at] === (hi | 0) && this.table[at + 1] === (lo | 0)) return this.table[at + 2] - 1;
    }
  }

  private grow(): void {
    const old = this.table;
    this.mask = 2 * this.mask + 1;
    this.table = new Int32Array(3 * (this.mask + 1));
    for (let at = 0; at < old.length; at += 3) {
      if (old[at + 2] === 0) continue;
      let slot = old[at + 1] & this.mask;
      while (this.table[3 * slot + 2] !== 0) slot = (slot + 1) & this.mask;
      this.table.set(old.subarray(at, at + 3), 3 * slot);
    }
  }
}

/** The source state of an edge (edges are stored in their sources' order). */
export function edgeSource(graph: StateGraph, edge: number): number {
  let lo = 0;
  let hi = graph.expanded - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (graph.start[mid] <= edge) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The breadth-first path from the initial state to `state`, as edges. */
export function pathTo(graph: StateGraph, state: number): number[] {
  const edges: number[] = [];
  for (let at = state; graph.parentEdge[at] >= 0;) {
    const e = graph.parentEdge[at];
    edges.push(e);
    at = edgeSource(graph, e);
  }
  return edges.reverse();
}

/** Replays a path of edges from the initial state: the steps of a trace. */
export function replayEdges<S, A, V>(model: Model<S, A, V>, graph: StateGraph, edges: readonly number[]): Step<S, A>[] {
  let state = model.initial;
  const steps: Step<S, A>[] = [{ state }];
  for (const e of edges) {
    const step = nthSuccessor(model, state, graph.ordinal[e]);
    if (step === undefined) throw new Error('lasso rebuild: the model does not give the same successors twice');
    steps.push(step);
    state = step.state;
  }
  return steps;
}
