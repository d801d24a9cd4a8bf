/**
 * The whole contract between a model and the checker, after Stateright's
 * `Model` trait: the initial state, the actions enabled in a state, the
 * successors of an action, and the properties. The engine knows nothing else
 * about a model; in particular nothing about pages, files or storage.
 *
 * A state object handed to any function of the model (`actions`,
 * `successors`, `view`, a property, a goal) may be reused by the engine once
 * the call returns: the flat layout hands every new state to the properties
 * in one recycled object. So nothing may be kept keyed by a state's identity;
 * what several properties derive from a state goes in `view`, which the
 * engine computes once per state and passes to each of them.
 *
 * A state is its data: two states equal as data are one state, whatever
 * order their records' keys were added in, and -0 is 0 (engine/fingerprint.ts).
 * A state the engine hands back (a parent made from its words,
 * engine/learned-layout.ts) may have its keys in another order than the
 * object it was made from, so nothing a model does may depend on key order.
 */
import type { CrashStats } from './crash.js';
import type { Liveness } from './liveness.js';
import type { Symmetry } from './symmetry.js';

/** An invariant: a pure function of a state that names what is wrong, if anything. */
export interface Property<S, V = unknown> {
  readonly id: string;
  readonly description: string;
  /** `undefined` when the state keeps the invariant, else a one-line message; `view` is the model's view of this state. */
  readonly check: (state: S, view: V) => string | undefined;
}

/**
 * A `sometimes` goal: a situation the search must reach at least once, so that
 * a bounded "holds" is seen not to be vacuous.
 */
export interface Goal<S, V = unknown> {
  readonly id: string;
  readonly description: string;
  readonly reached: (state: S, view: V) => boolean;
  /**
   * The properties whose "holds" says nothing until this goal is reached
   * (a flush-group barrier for group order); every property when absent.
   */
  readonly guards?: readonly string[];
}

/** A successor as a mutation of a copy of its parent. */
export type Update<S> = (draft: S) => void;

export interface Model<S, A, V = unknown> {
  readonly initial: S;
  /** What the properties and goals read of a state, computed once per state for all of them; `undefined` when absent. */
  view?(state: S): V;
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
  readonly always: readonly Property<S, V>[];
  readonly sometimes: readonly Goal<S, V>[];
  /** Judged on the whole state graph (engine/liveness.ts), not by the breadth-first search. */
  readonly liveness?: readonly Liveness<S, V>[];
  /**
   * Who is waiting in a state, in words (`a fault holds its entry and waits
   * for the AGF`); undefined when nobody is (the state is quiescent). With
   * it, the engine checks the built-in property `deadlock`: no state where
   * someone waits is without an enabled action.
   */
  waiting?(state: S): string | undefined;
  /**
   * Present when some actions are crash points (engine/crash.ts): which ones
   * (shrinking moves them earlier), and what `successors` has expanded of
   * them so far (the search reports it, and a capped one proves nothing).
   */
  readonly crash?: CrashPoints<A>;
  /**
   * What renamings of a state change nothing (engine/symmetry.ts), for a
   * search that keeps one state per class; used only where asked for.
   */
  readonly symmetry?: Symmetry<S>;
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

/** The model's view of a state, for its properties and goals. */
export function viewOf<S, V>(model: Pick<Model<S, unknown, V>, 'view'>, state: S): V {
  return (model.view ? model.view(state) : undefined) as V;
}

/** The built-in property a model gets by saying who waits (Model.waiting). */
export const DEADLOCK = { id: 'deadlock', description: 'nobody waits for ever: a state in which someone waits has an enabled action' } as const;

/**
 * The model's properties and, where it says who waits, the built-in
 * `deadlock` (as TLC checks by default). A search takes them once; who waits
 * is asked first, so the actions are listed again only where someone does.
 */
export function propertiesOf<S, A, V>(model: Model<S, A, V>): readonly Property<S, V>[] {
  const waiting = model.waiting?.bind(model);
  if (!waiting) return model.always;
  const deadlock: Property<S, V> = {
    ...DEADLOCK,
    check: (state) => {
      const who = waiting(state);
      return who !== undefined && model.actions(state).length === 0 ? `deadlock: ${who}, and no action is enabled` : undefined;
    },
  };
  return [...model.always, deadlock];
}
