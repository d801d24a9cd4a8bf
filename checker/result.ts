/**
 * What a check (checker/check.ts) hands back: a verdict per property, the
 * goals reached, and what each search did. Plain JSON: it is exactly what
 * `pagecheck check --json` prints, and what checker/merge.ts folds.
 */
import type { CrashSummary } from '../engine/crash.js';
import type { ItfTrace } from '../trace/counterexample.js';
import type { Mode } from './options.js';

/**
 * `vacuous`: the bound was completed and nothing was violated, but a goal
 * guarding the property was never reached, so the "holds" may be empty.
 */
export type Verdict = 'holds' | 'vacuous' | 'violated' | 'inconclusive' | 'not-applicable';

export interface Bound {
  readonly depth: number | null;
  readonly states: number;
  readonly transitions: number;
  readonly complete: boolean;
}

export interface PropertyResult {
  readonly id: string;
  readonly description: string;
  readonly verdict: Verdict;
  /**
   * Whether the design promises this property (Design.claims). An unclaimed
   * one is searched and reported as a contrast, and a violation of it does
   * not fail the check.
   */
  readonly claimed: boolean;
  /** For `vacuous`: the goals guarding the property that the search never reached. */
  readonly unreached?: string[];
  /** The search that decided the verdict (for `holds`, always exhaustive). */
  readonly mode: 'exhaustive' | 'random' | null;
  readonly bound: Bound | null;
  readonly message?: string;
  /** Actions in the counterexample. */
  readonly traceLength?: number;
  readonly actions?: string[];
  /** Where `--save` wrote it. */
  file?: string;
  readonly reason?: string;
  /** For a liveness property: the fairness its verdict rests on. */
  readonly fairness?: { readonly weak: string[]; readonly strong: string[]; readonly each?: string[] };
  /** For a liveness violation: the step after which the history returns to this step's state, for ever. */
  readonly loop?: number;
}

export interface GoalResult {
  readonly id: string;
  readonly description: string;
  readonly reached: boolean;
  readonly depth: number | null;
  readonly mode: 'exhaustive' | 'random' | null;
}

export interface ExhaustiveSummary extends Bound {
  readonly maxDepth: number | null;
  readonly exhausted: boolean;
  readonly stoppedBy: string;
  readonly seconds: number;
  /** The crash points the search expanded: how many, their successors (total and most at one), and how many the cap cut. */
  readonly crash: CrashSummary | null;
  readonly statesPerSecond: number;
  readonly bytesPerState: number;
  readonly collisionProbability: number;
  /** What the states were reduced by (one state per class); null or absent for a search of every state. */
  readonly symmetry?: string | null;
  /** The worker threads the search ran in (check --workers); absent for one thread. */
  readonly workers?: number;
}

/** What the symmetry self-check found (check --symmetry-check). */
export interface SymmetryCheckSummary {
  readonly ok: boolean;
  readonly symmetry: string;
  readonly depth: number | null;
  readonly differences: string[];
  readonly states: { readonly reduced: number; readonly unreduced: number };
  readonly statesChecked: number;
}

export interface RandomSummary {
  readonly runs: number;
  readonly steps: number;
  readonly seed: number;
  /** The path replayed, when one was given. */
  readonly path?: string;
  readonly interrupted: boolean;
  readonly seconds: number;
  readonly crash: CrashSummary | null;
  /** The action kinds left out (a swarm shard's, or --omit). */
  readonly omit?: string[];
  /** Steps walked in all, and the walks' lengths (min, mean, max), as Quint's simulator reports them. */
  readonly walked: { readonly steps: number; readonly min: number; readonly mean: number; readonly max: number };
  readonly stepsPerSecond: number;
  readonly walksPerSecond: number;
}

export interface CheckResult {
  readonly design: string;
  readonly summary: string;
  readonly seed: string;
  readonly params: Record<string, number>;
  readonly bugs: string[];
  /** The amendments the design was checked with; empty for the design as proposed. */
  readonly amends: string[];
  readonly mode: Mode;
  readonly exhaustive: ExhaustiveSummary | null;
  readonly random: RandomSummary | null;
  readonly properties: PropertyResult[];
  readonly goals: GoalResult[];
  /** Per action kind: how often it fired and the first depth at which it did. */
  readonly coverage: Record<string, { count: number; firstDepth: number | null }>;
  /** The counterexample of each violated property, as an ITF trace. */
  readonly counterexamples: Record<string, ItfTrace>;
  /** Which shard this is, and the level its exhaustive search split at (checker/merge.ts folds shards). */
  readonly shard?: { readonly index: number; readonly count: number; readonly split: number | null };
  /** With --symmetry-check, on a design that declares a symmetry. */
  readonly symmetryCheck?: SymmetryCheckSummary;
}
