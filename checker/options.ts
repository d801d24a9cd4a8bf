/**
 * What a check (checker/check.ts) is asked: the searches, the bounds, the
 * configuration of the design, and the names a design gives its toggles,
 * parameters and amendments, typed where the design keeps them.
 */
import type { Progress } from '../engine/exhaustive.js';
import type { Shard } from '../engine/shard.js';

export type Mode = 'exhaustive' | 'random' | 'both';

/**
 * The names a design declares for its bug toggles, parameters and
 * amendments, as literal types where the design's value keeps them (one
 * written `{ ... } satisfies Design<State, Act>`), so that a misspelt toggle
 * in a test is a compile error; plain strings otherwise.
 */
export type BugOf<D> = D extends { readonly bugs: infer R } ? Extract<keyof R, string> : string;
export type ParamOf<D> = D extends { readonly params: infer R } ? Extract<keyof R, string> : string;
export type AmendmentOf<D> = D extends { readonly amendments: infer R } ? Extract<keyof R, string> : string;

export interface CheckOptions<B extends string = string, P extends string = string, M extends string = string> {
  readonly mode?: Mode;
  /** Only these `always` properties; all when absent. */
  readonly properties?: readonly string[];
  readonly params?: Readonly<Partial<Record<P, string | number>>>;
  readonly bugs?: readonly B[];
  /** Amendments switched on (Design.amendments): what it would take to make a failing rule hold. */
  readonly amends?: readonly M[];
  readonly depth?: number;
  readonly maxStates?: number;
  /** Seconds, for each of the two searches. */
  readonly timeSeconds?: number;
  readonly runs?: number;
  readonly steps?: number;
  readonly seed?: number;
  /** A fast-check path of the random search of `seed` (mode random only): replays that case, see engine/random.ts. */
  readonly path?: string;
  /** Consider at most this many unflushed pieces at a crash point; a search the cap cut short proves nothing. */
  readonly crashCap?: number;
  readonly onProgress?: (progress: Progress) => void;
  /** One shard of a search split over processes (engine/shard.ts); `pagecheck merge` folds the shards' results. */
  readonly shard?: Shard;
  /** Random search: action kinds to leave out where another is enabled (what a swarm shard does). */
  readonly omit?: readonly string[];
  /** Stops the searches at the next state (Ctrl-C, a test runner's timeout): verdicts inconclusive, what was found kept. */
  readonly signal?: { readonly aborted: boolean };
  /** Stop before the process's resident memory passes this many MB; the heap is always kept below its own limit. */
  readonly maxMemoryMb?: number;
  /**
   * Stop by then (milliseconds since the epoch, as Date.now()): each search
   * gets the time left, and one the deadline cut is inconclusive, never a
   * proof. A test runner's timeout can stop a check this way.
   */
  readonly deadline?: number;
  /**
   * The module the design was loaded from (`pagecheck check ./d.ts`): its
   * traces record it (`#meta.module`) and their reproduce commands name it
   * instead of the design's name, which only a built-in design answers to.
   */
  readonly module?: string;
  /**
   * Reduce the exhaustive search by the design's symmetry (Design.symmetry),
   * where it declares one: one state per class. Off by default: a bound is
   * then about the design's own states, as a reader of the proof expects.
   */
  readonly symmetry?: boolean;
  /**
   * Also hold the design's symmetry declaration against the design
   * (engine/symmetry.ts, selfCheck) at the check's depth: reduced and
   * unreduced side by side, and every state met renamed. A failed one makes
   * a reduced search's "holds" inconclusive.
   */
  readonly symmetryCheck?: boolean;
  /**
   * False: keep the states of a design without a fixed flat layout as
   * objects (engine/exhaustive.ts, `learned`), not as words; for comparing
   * the two paths. On by default.
   */
  readonly learned?: boolean;
  /**
   * Run the exhaustive search in this many worker threads (engine/workers.ts):
   * the same counts, verdicts and shortest counterexample lengths at a
   * completed bound; absent, it runs in this thread.
   */
  readonly workers?: number;
  /**
   * The module (a file URL) whose `workerModel(job)` makes the model in each
   * worker thread; checker/worker-model.js, which knows the built-in
   * designs, when absent. The command line gives its own, which also loads
   * a user's module.
   */
  readonly workerModel?: string;
}

export const DEFAULTS = { maxStates: 2_000_000, timeSeconds: 60, runs: 500, steps: 50 } as const;

/** The options of a check of design D, its toggles, parameters and amendments named as D declares them. */
export type OptionsFor<D> = CheckOptions<BugOf<D>, ParamOf<D>, AmendmentOf<D>>;
