/**
 * Finding a lasso that violates a liveness property (engine/liveness.ts) on
 * the whole reachable state graph (engine/graph.ts).
 *
 * Fair cycles are found in the strongly connected components of the states
 * without q (engine/scc.ts): a component is fair for a weak kind when the
 * kind is taken inside it or disabled somewhere in it; for a strong kind,
 * when it is taken inside it or disabled everywhere in it, and otherwise the
 * states enabling the kind are removed and what is left is searched again
 * (the Emerson-Lei refinement).
 */
import { edgeSource, pathTo, type StateGraph } from './graph.js';
import type { Liveness } from './liveness.js';
import { components, SccWork } from './scc.js';

export interface Reverse {
  readonly start: Int32Array;
  readonly edge: Int32Array;
}

export function reverseEdges(graph: StateGraph): Reverse {
  const start = new Int32Array(graph.size + 1);
  for (let e = 0; e < graph.target.length; e++) start[graph.target[e] + 1]++;
  for (let s = 0; s < graph.size; s++) start[s + 1] += start[s];
  const fill = start.slice(0, graph.size);
  const edge = new Int32Array(graph.target.length);
  for (let e = 0; e < graph.target.length; e++) edge[fill[graph.target[e]]++] = e;
  return { start, edge };
}

/**
 * What property l's fairness is owed to: each kind, and each action apart of
 * the kinds in its `each` (the graph keeps those apart by label); `of` maps a
 * graph kind to its unit, `kind` gives each unit's action kind.
 */
export interface Units {
  readonly names: readonly string[];
  readonly kind: readonly string[];
  readonly of: Int32Array;
}

export function unitsOf<S, V>(graph: StateGraph, l: Liveness<S, V>, kindOf: ReadonlyMap<string, string>): Units {
  const each = l.fairness?.each ?? [];
  const names: string[] = [];
  const kind: string[] = [];
  const of = new Int32Array(graph.kinds.length);
  graph.kinds.forEach((key, g) => {
    const k = kindOf.get(key) ?? key;
    const name = each.includes(k) ? key : k;
    let u = names.indexOf(name);
    if (u < 0) {
      u = names.length;
      names.push(name);
      kind.push(k);
    }
    of[g] = u;
  });
  return { names, kind, of };
}

export interface Found {
  readonly prefix: number[];
  readonly cycle: number[];
  readonly message: string;
}

export function findLasso<V, S>(graph: StateGraph, reverse: Reverse, l: Liveness<S, V>, pMark: Uint8Array, qMark: Uint8Array, units: Units): Found | undefined {
  const { expanded } = graph;
  const kinds = units.names;
  // The unit of an edge: its kind, or the action itself where fairness is owed to each.
  // Sets of units are bigints, so that any number of units fits (Fairness.each
  // makes one per action, and a bigger instance has more actions).
  const unit = (e: number): number => units.of[graph.kind[e]];
  const unitBit = kinds.map((_, u) => 1n << BigInt(u));
  const bit = (names: readonly string[] | undefined): bigint => units.kind.reduce((m, k, u) => ((names ?? []).includes(k) ? m | unitBit[u] : m), 0n);
  const weak = bit(l.fairness?.weak);
  const strong = bit(l.fairness?.strong);
  const fair = weak | strong;
  const enabled: bigint[] = new Array<bigint>(expanded).fill(0n);
  for (let s = 0; s < expanded; s++) {
    let on = 0n;
    for (let e = graph.start[s]; e < graph.start[s + 1]; e++) on |= unitBit[unit(e)];
    enabled[s] = on;
  }

  // States whose successors are known and where q does not hold.
  const open = (s: number): boolean => s < expanded && qMark[s] === 0;
  // Where a history can stay for ever without q: a stutter, or a fair component.
  const stutter = (s: number): boolean => open(s) && (enabled[s] & fair) === 0n;
  const cycleOf = new Map<number, number[]>();
  // Which component a state was last put in: a component's members are those
  // stamped with its number (a Set per component cost more than the search).
  const componentOf = new Int32Array(graph.size).fill(-1);
  let stamps = 0;
  const work = new SccWork(graph.size);
  const refine = (inside: (s: number) => boolean, roots?: readonly number[]): void => {
    for (const c of components(graph, inside, roots, work)) {
      const id = stamps++;
      for (const s of c) componentOf[s] = id;
      let taken = 0n;
      let internal = false;
      let everywhere = -1n;
      let somewhere = 0n;
      for (const s of c) {
        everywhere &= enabled[s];
        somewhere |= enabled[s];
        for (let e = graph.start[s]; e < graph.start[s + 1]; e++) {
          if (componentOf[graph.target[e]] !== id) continue;
          internal = true;
          taken |= unitBit[unit(e)];
        }
      }
      if (!internal || (weak & everywhere & ~taken) !== 0n) continue;
      const starved = strong & somewhere & ~taken;
      if (starved === 0n) {
        for (const s of c) cycleOf.set(s, c);
        continue;
      }
      // The members of c are stamped id until a refinement within c stamps its own, after this call has read them.
      // Ascending, as a scan of the whole graph would meet them: the lasso found then depends on the graph alone.
      c.sort((a, b) => a - b);
      refine((s) => componentOf[s] === id && (enabled[s] & starved) === 0n, c);
    }
  };
  refine(open);

  // Backwards from where a history can stay without q, through states without q.
  const doomed = new Uint8Array(graph.size);
  const queue: number[] = [];
  for (let s = 0; s < expanded; s++) {
    if (stutter(s) || cycleOf.has(s)) {
      doomed[s] = 1;
      queue.push(s);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const t = queue[i];
    for (let r = reverse.start[t]; r < reverse.start[t + 1]; r++) {
      const e = reverse.edge[r];
      const s = edgeSource(graph, e);
      if (doomed[s] === 0 && open(s)) {
        doomed[s] = 1;
        queue.push(s);
      }
    }
  }

  // The first such state in breadth-first order is one with a shortest prefix.
  let from = -1;
  for (let s = 0; s < expanded && from < 0; s++) if (doomed[s] && (l.p ? pMark[s] === 1 : s === 0)) from = s;
  if (from < 0) return undefined;
  const prefix = pathTo(graph, from);
  const lead = walk(
    graph,
    from,
    (s) => stutter(s) || cycleOf.has(s),
    (s) => doomed[s] === 1,
  );
  const entry = lead.length > 0 ? graph.target[lead[lead.length - 1]] : from;
  const toLoop = [...prefix, ...lead];
  const describe = (names: bigint): string => kinds.filter((_, k) => (names & unitBit[k]) !== 0n).join(', ');
  const at = prefix.length === 0 ? 'the initial state' : `the state after step ${prefix.length}`;
  const noQ = l.p ? `${at} has p, and q never holds from there` : 'q never holds';
  if (stutter(entry)) {
    const why = enabled[entry] === 0n ? 'no action is enabled' : `no fair action is enabled (enabled: ${describe(enabled[entry])})`;
    return { prefix: toLoop, cycle: [], message: `${noQ}: after step ${toLoop.length} ${why}, so the history may stop there` };
  }
  const c = new Set(cycleOf.get(entry)!);
  const cycle = fairCycle(graph, entry, c, enabled, weak, strong, unit, unitBit);
  let on = 0n;
  let taken = 0n;
  let state = entry;
  for (const e of cycle) {
    on |= enabled[state];
    taken |= unitBit[unit(e)];
    state = graph.target[e];
  }
  const neglected = on & ~taken;
  return {
    prefix: toLoop,
    cycle,
    message:
      `${noQ}: steps ${toLoop.length + 1}-${toLoop.length + cycle.length} repeat for ever` +
      (neglected & ~fair ? `; enabled on the cycle but never taken: ${describe(neglected & ~fair)} (not under fairness)` : '') +
      (neglected & weak & ~strong ? `; ${describe(neglected & weak & ~strong)} weakly fair but not enabled throughout the cycle, so never owed a turn` : ''),
  };
}

/** A shortest path (as edges) from `from` to a state that is `goal`, through states that are `inside`; [] when `from` is one. */
function walk(graph: StateGraph, from: number, goal: (s: number) => boolean, inside: (s: number) => boolean): number[] {
  if (goal(from)) return [];
  const via = new Map<number, number>([[from, -1]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i];
    for (let e = graph.start[s]; e < graph.start[s + 1]; e++) {
      const t = graph.target[e];
      if (via.has(t) || !inside(t)) continue;
      via.set(t, e);
      if (goal(t)) {
        const path: number[] = [];
        for (let at = t; via.get(at)! >= 0; at = edgeSource(graph, via.get(at)!)) path.push(via.get(at)!);
        return path.reverse();
      }
      queue.push(t);
    }
  }
  throw new Error('liveness: no path inside a component that should hold one');
}

/**
 * A cycle from `entry` back to it inside the fair component `c`, passing a
 * witness of each fairness condition: an edge of each weak kind taken in the
 * component (or a state where the kind is disabled), and an edge of each
 * strong kind enabled in it.
 */
function fairCycle(
  graph: StateGraph,
  entry: number,
  c: ReadonlySet<number>,
  enabled: readonly bigint[],
  weak: bigint,
  strong: bigint,
  unit: (e: number) => number,
  unitBit: readonly bigint[],
): number[] {
  const inside = (s: number): boolean => c.has(s);
  const edgesOf = (kind: number): number[] => {
    const out: number[] = [];
    for (const s of c) for (let e = graph.start[s]; e < graph.start[s + 1]; e++) if (unit(e) === kind && c.has(graph.target[e])) out.push(e);
    return out;
  };
  const cycle: number[] = [];
  let at = entry;
  const visit = (goal: number): void => {
    cycle.push(...walk(graph, at, (s) => s === goal, inside));
    at = goal;
  };
  const take = (e: number): void => {
    visit(edgeSource(graph, e));
    cycle.push(e);
    at = graph.target[e];
  };
  for (let k = 0; k < unitBit.length; k++) {
    const kb = unitBit[k];
    const off = [...c].find((s) => (enabled[s] & kb) === 0n);
    if ((strong & kb) !== 0n) {
      if ([...c].some((s) => (enabled[s] & kb) !== 0n)) take(edgesOf(k)[0]);
    } else if ((weak & kb) !== 0n) {
      if (off !== undefined) visit(off);
      else take(edgesOf(k)[0]);
    }
  }
  if (cycle.length === 0 || at !== entry) {
    if (cycle.length === 0) {
      const first = [...edgesFrom(graph, at)].find((e) => c.has(graph.target[e]))!;
      cycle.push(first);
      at = graph.target[first];
    }
    cycle.push(...walk(graph, at, (s) => s === entry, inside));
  }
  return cycle;
}

function* edgesFrom(graph: StateGraph, s: number): Generator<number> {
  for (let e = graph.start[s]; e < graph.start[s + 1]; e++) yield e;
}
