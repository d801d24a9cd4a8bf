/**
 * The design API: what a kernel developer writes to put a design under the
 * checker. A design is a plain value; its transitions are immer recipes, so
 * that `draft.folio[pfn].mapping = m` reads like the kernel code it models
 * while states stay immutable. A design knows nothing of search.
 */
import type { Draft } from 'immer';
import type { Piece } from '../engine/crash.js';
import type { PictureHints } from './picture.js';
import { DEADLOCK } from '../engine/model.js';
import type { Fairness } from '../engine/liveness.js';

export type { Piece } from '../engine/crash.js';

/**
 * An invariant of a design: a pure function of a state and the instance's
 * configuration (so that constants such as F and B need not live in the
 * state), and of the design's view of the state where it has one. A
 * one-line message names what is wrong; `undefined` when the state keeps it.
 */
export interface Property<S, V = unknown> {
  readonly id: string;
  readonly description: string;
  readonly check: (state: S, cfg: Config, view: V) => string | undefined;
}

/** A situation the search must reach, or the properties it guards hold vacuously (engine/model.ts). */
export interface Goal<S, V = unknown> {
  readonly id: string;
  readonly description: string;
  readonly reached: (state: S, cfg: Config, view: V) => boolean;
  /** The properties whose "holds" says nothing until this goal is reached; all when absent. */
  readonly guards?: readonly string[];
  /**
   * Whether the goal exists at a configuration (a metadata block's shutdown
   * only with META=1); always when absent. A goal that does not is left out
   * of the search and the report, never counted as reached.
   */
  readonly applies?: (cfg: Config) => boolean;
}

/**
 * A liveness property, checked on the whole reachable state graph under the
 * fairness it names (engine/liveness.ts): `leadsTo(p, q)`, whenever p holds, q
 * holds then or later; without p, `eventually(q)` from the initial state.
 * Fairness names action kinds; nothing is promised to happen without it.
 */
export interface LiveProperty<S, V = unknown> {
  readonly id: string;
  readonly description: string;
  readonly p?: (state: S, cfg: Config, view: V) => boolean;
  readonly q: (state: S, cfg: Config, view: V) => boolean;
  readonly fairness?: Fairness;
}

/** Every action is a plain record with a `kind` and its arguments. */
export interface Action {
  readonly kind: string;
}

/**
 * A transition written as a mutation of a draft of the state. Recipes read
 * and write the draft only (no immer `current`/`original`), and return
 * nothing, so that the checker may apply them to a plain copy as well.
 */
export type Recipe<S> = (draft: Draft<S>) => void;

/** An integer parameter of a design, with its default and allowed range. */
export interface ParamSpec {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly description: string;
}

/** The parameters, bug toggles and amendments of one instance of a design. */
export interface Config {
  readonly params: Readonly<Record<string, number>>;
  readonly bugs: ReadonlySet<string>;
  /** The amendments switched on (Design.amendments); none when absent. */
  readonly amends?: ReadonlySet<string>;
}

/** Whether an instance runs with amendment `name`: `if (amended(cfg, 'ordered-split')) ...`. */
export function amended(cfg: Config, name: string): boolean {
  return cfg.amends?.has(name) ?? false;
}

/**
 * Who proposes an amendment. `cited`: a message, commit or kernel function
 * that makes this change (quoted, so it can be held against its source).
 * `smallest-change`: nobody proposes it; it is the smallest change the
 * counterexamples (named in `counterexample`) point to, marked so that
 * nobody mistakes it for a claim of the thread's author. `precedent` may
 * name where the technique is known from.
 */
export type AmendmentSource = { readonly kind: 'cited'; readonly cites: string } | { readonly kind: 'smallest-change'; readonly counterexample: string; readonly precedent?: string };

/**
 * A named change that fixes a failing rule of the design: the opposite of a
 * bug toggle. Off by default; `check --amend NAME` switches it on.
 */
export interface Amendment {
  /** One line: what the amended design does differently. */
  readonly description: string;
  readonly source: AmendmentSource;
}

/** `cites ...` or `smallest change: ...`, in one line, for listings and documents. */
export function sourceText(source: AmendmentSource): string {
  return source.kind === 'cited'
    ? `cites ${source.cites}`
    : `proposed by nobody: the smallest change the counterexamples point to (${source.counterexample})${source.precedent ? `; precedent: ${source.precedent}` : ''}`;
}

/** The bound a design is checked to by default (`check --all`, `npm start`). */
export interface DefaultBounds {
  readonly depth?: number;
  readonly maxStates?: number;
}

/**
 * The transition of each action kind, keyed by kind: a kind without its
 * handler is a compile error, as with ts-pattern's `.exhaustive()`, but the
 * dispatch is a property lookup. (ts-pattern's `match` measured 0.85 us a
 * call, a third of the exhaustive search's time on the benchmark; it is kept
 * for matching on state variants inside a handler.) A handler returns one
 * recipe, or several for a nondeterministic action: one per successor.
 */
export type Transitions<S, A extends Action> = {
  readonly [K in A['kind']]: (action: Extract<A, { kind: K }>, state: S, cfg: Config) => Recipe<S> | readonly Recipe<S>[] | CrashStep<S>;
};

/**
 * What a crash action says about a state: the pieces written but not yet
 * durable (engine/crash.ts), how to put a set of survivors on the media and
 * throw volatile state away (`persist`), and what mount does (`recover`: log
 * replay, rebuilding in-core state). The checker makes one successor per
 * persistent outcome, each `persist` then `recover` in the same step, so
 * properties see the state after recovery and histories go on from it.
 */
export interface CrashStep<S> {
  readonly pending: readonly Piece[];
  readonly persist: (draft: Draft<S>, survivors: ReadonlySet<string>) => void;
  readonly recover?: (draft: Draft<S>) => void;
}

const crashHandlers = new WeakSet<object>();

/** Marks a handler as a crash point: `next: { crash: crashPoint((action, state, cfg) => ({ pending, persist, recover })) }`. */
export function crashPoint<S, A extends Action>(describe: (action: A, state: S, cfg: Config) => CrashStep<S>): (action: A, state: S, cfg: Config) => CrashStep<S> {
  const handler = (action: A, state: S, cfg: Config): CrashStep<S> => describe(action, state, cfg);
  crashHandlers.add(handler);
  return handler;
}

export function isCrashHandler(handler: unknown): boolean {
  return typeof handler === 'function' && crashHandlers.has(handler);
}

/** A renaming of each interchangeable domain: `perm.file[f]` is the name file f takes. */
export type Renaming = Readonly<Record<string, readonly number[]>>;

/**
 * What a design says is interchangeable (engine/symmetry.ts): named index
 * domains (the files, each with the process that maps it), and how to rename
 * a state by a permutation of each. The checker renames by every permutation
 * of every domain, and keeps one state per class when asked (`--symmetry`).
 * Sound only if every transition, property and goal treats the domain's
 * members alike: a rule that orders them (an rmap walk in inode order, the
 * lower-numbered inode locked first) or a property that names one ("file 0")
 * breaks it, and the self-check (`--symmetry-check`) is there to say so.
 */
export interface SymmetryDeclaration<S> {
  /** In words, for the result: `files (each with the process that maps it)`. */
  readonly description: string;
  /** Each domain's size in this instance, in the order they are given up when the group is too big: `{ file: F }`. */
  domains(cfg: Config): Readonly<Record<string, number>>;
  /** A new state: `state` with every index of each domain renamed by `perm`; the argument untouched. */
  permute(state: S, perm: Renaming, cfg: Config): S;
}

export interface Design<S, A extends Action, V = unknown> {
  readonly name: string;
  /** One line: what the design is. */
  readonly summary: string;
  /** The message (or commit) the design models, cited. */
  readonly seed: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Named mistakes the design can be built with, each described in a line. */
  readonly bugs: Readonly<Record<string, string>>;
  /**
   * Named changes that make a failing rule hold (what it would take), each
   * with its source; off unless asked for (`--amend NAME`), as bug toggles.
   */
  readonly amendments?: Readonly<Record<string, Amendment>>;
  readonly bounds?: DefaultBounds;
  init(cfg: Config): S;
  /** The actions enabled in a state. */
  actions(state: S, cfg: Config): readonly A[];
  /** What each action kind does. */
  readonly next: Transitions<S, A>;
  /** How an action reads in a trace; `kind(k=v, ...)` when absent. */
  label?(action: A): string;
  /**
   * What the properties and goals read of a state (a world's common view),
   * computed once per state and passed to each as its third argument. A
   * state may be a recycled object (engine/model.ts): derive here, never
   * cache by identity.
   */
  view?(state: S, cfg: Config): V;
  readonly always: readonly Property<S, V>[];
  readonly sometimes: readonly Goal<S, V>[];
  /** Liveness properties: judged only on a whole state space, else inconclusive. */
  readonly liveness?: readonly LiveProperty<S, V>[];
  /**
   * Ghost fields that record what one step did (`event: 'cow-mapped'`), each
   * with the value it is cleared to before every step, so that no handler
   * resets them by hand. Records are cleared field by field.
   */
  readonly events?: { readonly [K in keyof S]?: S[K] };
  /** Properties of a family that do not apply to this design, each with the reason. */
  readonly notApplicable?: Readonly<Record<string, string>>;
  /**
   * The properties the design's authors promised (its seed message, or what
   * mainline keeps: KERNEL.md); every property in `always` when absent. An
   * unclaimed property is still searched and its counterexample reported, as
   * a contrast with what the design never promised; it does not fail a check.
   */
  readonly claims?: readonly string[];
  /**
   * The kernel function or seed rule each action kind stands for
   * (`fault`: `dax_iomap_pte_fault`), shown on every step of a trace so a
   * reviewer can hold it against the source.
   */
  readonly notes?: { readonly [K in A['kind']]?: string };
  /**
   * Who is waiting in a state, in words (a fault holding its entry lock and
   * waiting for the AGF); undefined when nobody is. With it the design gets
   * the built-in property `deadlock` (engine/model.ts), which it always claims.
   */
  waiting?(state: S, cfg: Config): string | undefined;
  /** A rule across parameters: a one-line message when `params` do not make a valid instance. */
  validate?(params: Readonly<Record<string, number>>): string | undefined;
  /** What the generic picture of a state cannot guess from its shape (report/picture.ts). */
  readonly picture?: PictureHints;
  /** What is interchangeable, for symmetry reduction (`check --symmetry`); none when absent. */
  readonly symmetry?: SymmetryDeclaration<S>;
}

// Designs of different state types live side by side in one registry.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDesign = Design<any, any, any>;

/** Identity, for type inference: `export default defineDesign({...})`. */
export function defineDesign<S, A extends Action, V = unknown>(design: Design<S, A, V>): Design<S, A, V> {
  return design;
}

/** `write(f=0, b=1, v=2)`: the action's kind and its other fields in order. */
export function defaultLabel(action: Action): string {
  const args = Object.entries(action)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${action.kind}(${args.join(', ')})`;
}

export function labelOf<A extends Action>(design: Design<unknown, A>, action: A): string {
  return design.label ? design.label(action) : defaultLabel(action);
}

/**
 * A design's properties by id and description: its invariants, the built-in
 * `deadlock` where it says who waits, then its liveness properties.
 */
export function propertyList(design: AnyDesign): { readonly id: string; readonly description: string; readonly liveness?: true }[] {
  const own = design.always.map((p: { id: string; description: string }) => ({ id: p.id, description: p.description }));
  const live = ((design.liveness ?? []) as readonly { id: string; description: string }[]).map((l) => ({ id: l.id, description: l.description, liveness: true as const }));
  return [...own, ...(design.waiting ? [{ ...DEADLOCK }] : []), ...live];
}

/** The design's goals that exist at `cfg` (Goal.applies). */
export function goalsAt<S, A extends Action, V>(design: Design<S, A, V>, cfg: Config): Goal<S, V>[] {
  return design.sometimes.filter((g) => g.applies?.(cfg) ?? true);
}

/** What the design claims: its `claims` (every property when absent), and `deadlock`, which no design gives up. */
export function claimsOf(design: AnyDesign): readonly string[] {
  const own = design.claims ?? [...design.always, ...(design.liveness ?? [])].map((p: { id: string }) => p.id);
  return design.waiting ? [...own, DEADLOCK.id] : own;
}
