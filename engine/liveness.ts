/**
 * Liveness under fairness, on the whole reachable state graph
 * (engine/graph.ts): `eventually(q)` and `leadsTo(p, q)` ("whenever p,
 * eventually q"), each under weak or strong fairness of named action kinds.
 *
 * The semantics are TLA+'s. A history may stop taking steps in any state
 * (stutter for ever) unless a fair action is enabled there; weak fairness of
 * a kind forbids a history in which the kind stays enabled for ever and is
 * never taken; strong fairness forbids one in which it is enabled infinitely
 * often and never taken. So nothing is promised to happen unless a fairness
 * assumption says so, and the assumptions a verdict rests on are the ones
 * the property names.
 *
 * A violation is a lasso: a path from the initial state to a state where p
 * holds without q, then either a stutter (no fair action enabled) or a cycle
 * that is fair and never passes q. engine/find-lasso.ts finds one on the
 * graph; engine/judge-lasso.ts judges one given (for replay).
 */
import { findLasso, reverseEdges, unitsOf } from './find-lasso.js';
import { exploreGraph, replayEdges } from './graph.js';
import type { Model, Step } from './model.js';

export interface Fairness {
  readonly weak?: readonly string[];
  readonly strong?: readonly string[];
  /**
   * Kinds (named in weak or strong) whose fairness is owed to each action of
   * the kind apart, told apart by its label, rather than to the kind as a
   * whole: TLA+'s "for every f, WF(read(f))" rather than "WF(some read)". A
   * reader of folio 1 taking its turn for ever then does not excuse a read of
   * folio 0 that stays enabled and is never taken.
   */
  readonly each?: readonly string[];
}

/** What fairness is owed to, for an action under property l: its kind, or its label where l's fairness is owed to each action of the kind. */
export function fairKey<S, A, V>(model: Model<S, A, V>, l: Liveness<S, V>, action: A): { readonly key: string; readonly kind: string } {
  const kind = model.kind(action);
  return { key: l.fairness?.each?.includes(kind) ? model.label(action) : kind, kind };
}

export interface Liveness<S, V = unknown> {
  readonly id: string;
  readonly description: string;
  /** `leadsTo(p, q)`: whenever p, q then or later. Absent: `eventually(q)` from the initial state. */
  readonly p?: (state: S, view: V) => boolean;
  readonly q: (state: S, view: V) => boolean;
  readonly fairness?: Fairness;
}

export function eventually<S, V = unknown>(id: string, description: string, q: Liveness<S, V>['q'], fairness?: Fairness): Liveness<S, V> {
  return { id, description, q, ...(fairness ? { fairness } : {}) };
}

export function leadsTo<S, V = unknown>(id: string, description: string, p: NonNullable<Liveness<S, V>['p']>, q: Liveness<S, V>['q'], fairness?: Fairness): Liveness<S, V> {
  return { id, description, p, q, ...(fairness ? { fairness } : {}) };
}

export interface Lasso<S, A> {
  /** From the initial state; the last state is the same state as `trace[loop]`. */
  readonly trace: readonly Step<S, A>[];
  /** Where the cycle starts; the last index when the history stutters there for ever. */
  readonly loop: number;
  readonly message: string;
}

export type LivenessVerdict<S, A> = { readonly verdict: 'holds' } | { readonly verdict: 'violated'; readonly lasso: Lasso<S, A> } | { readonly verdict: 'inconclusive'; readonly reason: string };

export interface LivenessResult<S, A> {
  readonly states: number;
  readonly transitions: number;
  /** The whole reachable state space was explored. */
  readonly complete: boolean;
  readonly results: ReadonlyMap<string, LivenessVerdict<S, A>>;
}

export interface LivenessOptions {
  readonly maxStates?: number;
}

export function checkLiveness<S, A, V>(model: Model<S, A, V>, properties: readonly Liveness<S, V>[], options: LivenessOptions = {}): LivenessResult<S, A> {
  const predicates = properties.flatMap((l) => [l.p ?? (() => false), l.q]);
  // A kind any property owes fairness to action by action is kept apart by label in the graph;
  // each property then joins the labels of a kind it is fair to as a whole (unitsOf).
  const split = new Set(properties.flatMap((l) => l.fairness?.each ?? []));
  const kindOf = new Map<string, string>();
  const keyed: Model<S, A, V> =
    split.size === 0
      ? model
      : {
          ...model,
          kind: (a) => {
            const kind = model.kind(a);
            if (!split.has(kind)) return kind;
            const key = model.label(a);
            kindOf.set(key, kind);
            return key;
          },
        };
  const graph = exploreGraph(keyed, predicates, options);
  const reverse = reverseEdges(graph);
  const results = new Map<string, LivenessVerdict<S, A>>();
  properties.forEach((l, i) => {
    const found = findLasso(graph, reverse, l, graph.marks[2 * i], graph.marks[2 * i + 1], unitsOf(graph, l, kindOf));
    if (found) {
      const steps = replayEdges(model, graph, [...found.prefix, ...found.cycle]);
      results.set(l.id, { verdict: 'violated', lasso: { trace: steps, loop: found.prefix.length, message: found.message } });
    } else if (graph.complete) {
      results.set(l.id, { verdict: 'holds' });
    } else {
      results.set(l.id, {
        verdict: 'inconclusive',
        reason: `the state space was not explored to the end (${graph.size} states known): only a whole state space proves a liveness property`,
      });
    }
  });
  return { states: graph.size, transitions: graph.target.length, complete: graph.complete, results };
}
