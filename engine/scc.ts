/**
 * Strongly connected components of the part of a state graph inside a set
 * of states (Tarjan's algorithm, iterative: a state space is deeper than the
 * call stack).
 */

export interface Digraph {
  readonly size: number;
  /** The edges of state s are `start[s]` to `start[s + 1]` - 1. */
  readonly start: Int32Array;
  readonly target: Int32Array;
}

/**
 * The components of the subgraph induced by `inside` (edges whose both ends
 * are inside), each a list of states; states outside belong to none.
 * Components come out in reverse topological order, as Tarjan finds them.
 *
 * `roots`, where given, holds every state inside (a component being refined,
 * engine/find-lasso.ts), so that the search touches only those and not the
 * whole graph: refining one component after another would otherwise cost
 * the graph's size each time. `work` is scratch space of the graph's size,
 * left as it was found, so that one allocation serves every refinement.
 */
export function components(graph: Digraph, inside: (state: number) => boolean, roots?: readonly number[], work: SccWork = new SccWork(graph.size)): number[][] {
  const { start, target } = graph;
  const { index, low, onStack } = work;
  const stack: number[] = [];
  const result: number[][] = [];
  // The call stack of the recursive formulation: a state and the next edge to try.
  const callState: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;

  const n = roots?.length ?? graph.size;
  for (let r = 0; r < n; r++) {
    const root = roots === undefined ? r : roots[r];
    if (!inside(root) || index[root] >= 0) continue;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    callState.push(root);
    callEdge.push(start[root]);
    while (callState.length > 0) {
      const top = callState.length - 1;
      const v = callState[top];
      const e = callEdge[top];
      if (e < start[v + 1]) {
        callEdge[top] = e + 1;
        const w = target[e];
        if (w < 0 || !inside(w)) continue;
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callState.push(w);
          callEdge.push(start[w]);
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      callState.pop();
      callEdge.pop();
      if (callState.length > 0) {
        const u = callState[callState.length - 1];
        if (low[v] < low[u]) low[u] = low[v];
      }
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        result.push(component);
      }
    }
  }
  // Every state visited is in a component: leave the scratch space as it was.
  for (const c of result) for (const w of c) index[w] = -1;
  return result;
}

/** Scratch space for `components`: all indices -1 between calls. */
export class SccWork {
  readonly index: Int32Array;
  readonly low: Int32Array;
  readonly onStack: Uint8Array;
  constructor(size: number) {
    this.index = new Int32Array(size).fill(-1);
    this.low = new Int32Array(size);
    this.onStack = new Uint8Array(size);
  }
}
