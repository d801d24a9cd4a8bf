/**
 * The whole reachable state graph of a model, kept compactly for liveness
 * (engine/liveness.ts): a state is an ordinal, its edges are contiguous in
 * breadth-first order (compressed sparse rows), and each edge keeps the kind
 * of its action and which of its source's successors it is, so that a path
 * through the graph is replayed by re-running the model, as the safety
 * search rebuilds its traces. No state object is kept.
 */
import { fingerprint } from './fingerprint.js';
import { nthSuccessor } from './exhaustive.js';
import type { Model, Step } from './model.js';

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

/** Explores every reachable state, marking each with the given predicates. */
export function exploreGraph<S, A, V>(model: Model<S, A, V>, predicates: readonly ((state: S, view: V) => boolean)[], options: GraphOptions = {}): StateGraph {
  const maxStates = options.maxStates ?? 1_000_000;
  const ids = new Map<string, number>();
  const queue: S[] = [];
  const marks: number[][] = predicates.map(() => []);
  const kinds: string[] = [];
  const kindIndex = new Map<string, number>();
  const start: number[] = [];
  const target: number[] = [];
  const kind: number[] = [];
  const ordinal: number[] = [];
  const parentEdge: number[] = [];

  const admit = (state: S, edge: number): number => {
    const key = fingerprint(state);
    const known = ids.get(key);
    if (known !== undefined) return known;
    const id = ids.size;
    ids.set(key, id);
    queue.push(state);
    parentEdge.push(edge);
    const view = (model.view ? model.view(state) : undefined) as V;
    predicates.forEach((p, i) => marks[i].push(p(state, view) ? 1 : 0));
    return id;
  };

  admit(model.initial, -1);
  let s = 0;
  let complete = true;
  for (; s < queue.length; s++) {
    if (ids.size >= maxStates) {
      complete = false;
      break;
    }
    const state = queue[s];
    // Breadth-first order is the order of discovery, so the queue is never shifted: drop what was expanded.
    (queue as (S | undefined)[])[s] = undefined;
    start.push(target.length);
    let n = 0;
    for (const action of model.actions(state)) {
      const k = model.kind(action);
      let ki = kindIndex.get(k);
      if (ki === undefined) {
        ki = kinds.length;
        kinds.push(k);
        kindIndex.set(k, ki);
      }
      for (const next of model.successors(state, action)) {
        const edge = target.length;
        target.push(-1);
        kind.push(ki);
        ordinal.push(n++);
        target[edge] = admit(next, edge);
      }
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
