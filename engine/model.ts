/**
 * The whole contract between a model and the checker, after Stateright's
 * `Model` trait: the initial state, the actions enabled in a state, the
 * successors of an action, and the properties. The engine knows nothing else
 * about a model; in particular nothing about pages, files or storage.
 */
import type { CrashStats } from './crash.js';

/** An invariant: a pure function of a state that names what is wrong, if anything. */
export interface Property<S> {
  readonly id: string;
  readonly description: string;
  /** `undefined` when the state keeps the invariant, else a one-line message. */
  readonly check: (state: S) => string | undefined;
}

/**
 * A `sometimes` goal: a situation the search must reach at least once, so that
 * a bounded "holds" is seen not to be vacuous.
 */
export interface Goal<S> {
  readonly id: string;
  readonly description: string;
  readonly reached: (state: S) => boolean;
}

/** A successor as a mutation of a copy of its parent. */
export type Update<S> = (draft: S) => void;

export interface Model<S, A> {
  readonly initial: S;
  actions(state: S): readonly A[];
  /** One successor, or several where the action is nondeterministic (a crash point). */
  successors(state: S, action: A): readonly S[];
  /**
   * Optional: the same successors as updates, each to be applied in place to
   * its own copy of `state`; one, or one per successor in the order of
   * `successors`. With them the exhaustive search need not allocate a
   * successor, where the states have a flat layout (engine/layout.ts).
   */
  updates?(state: S, action: A): Update<S> | readonly Update<S>[];
  /** How an action reads in a trace: `write(f=0, b=1, v=2)`. */
  label(action: A): string;
  /** The action's kind, for coverage: `write`. */
  kind(action: A): string;
  /**
   * What the `choice`-th successor of a nondeterministic action stands for,
   * in words (`reached the media: leaf0; lost: data1`), for traces.
   */
  describeChoice?(state: S, action: A, choice: number): string | undefined;
  readonly always: readonly Property<S>[];
  readonly sometimes: readonly Goal<S>[];
  /**
   * Present when some actions are crash points (engine/crash.ts): which ones
   * (shrinking moves them earlier), and what `successors` has expanded of
   * them so far (the search reports it, and a capped one proves nothing).
   */
  readonly crash?: CrashPoints<A>;
}

export interface CrashPoints<A> {
  isCrash(action: A): boolean;
  readonly stats: CrashStats;
}

/** One step of a trace: the action that led to `state` (none for the initial state). */
export interface Step<S, A> {
  readonly action?: A;
  /** Which of the action's successors was taken, when it has several. */
  readonly choice?: number;
  readonly state: S;
}
