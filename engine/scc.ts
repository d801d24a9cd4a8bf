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
 */
export function components(graph: Digraph, inside: (state: number) => boolean): number[][] {
  const { size, start, target } = graph;
  const index = new Int32Array(size).fill(-1);
  const low = new Int32Array(size);
  const onStack = new Uint8Array(size);
  const stack: number[] = [];
  const result: number[][] = [];
  // The call stack of the recursive formulation: a state and the next edge to try.
  const callState: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;

  for (let root = 0; root < size; root++) {
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
  return result;
}
