/**
 * What each search did, as a check's result states it (ExhaustiveSummary,
 * RandomSummary): counts, rates and times rounded to milliseconds.
 */
import type { ExhaustiveResult } from '../engine/exhaustive.js';
import type { RandomResult } from '../engine/random.js';
import type { Bound, ExhaustiveSummary, RandomSummary } from './result.js';

export function exhaustiveSummary<S, A>(ex: ExhaustiveResult<S, A>, bound: Bound): ExhaustiveSummary {
  return {
    ...bound,
    maxDepth: ex.maxDepth ?? null,
    exhausted: ex.exhausted,
    stoppedBy: ex.stoppedBy,
    seconds: round(ex.elapsedMs / 1000),
    statesPerSecond: Math.round(ex.states / Math.max(ex.elapsedMs / 1000, 1e-6)),
    bytesPerState: round(ex.bytesPerState),
    collisionProbability: ex.collisionProbability,
    crash: ex.crash ?? null,
    symmetry: ex.symmetry,
    ...(ex.workers !== undefined ? { workers: ex.workers } : {}),
  };
}

export function randomSummary<S, A>(rnd: RandomResult<S, A>, omit: string[]): RandomSummary {
  return {
    runs: rnd.runs,
    steps: rnd.steps,
    seed: rnd.seed,
    ...(rnd.path !== undefined ? { path: rnd.path } : {}),
    interrupted: rnd.interrupted,
    seconds: round(rnd.elapsedMs / 1000),
    crash: rnd.crash ?? null,
    ...(omit.length ? { omit } : {}),
    walked: { ...rnd.walked, mean: round(rnd.walked.mean) },
    stepsPerSecond: Math.round(rnd.walked.steps / Math.max(rnd.elapsedMs / 1000, 1e-6)),
    walksPerSecond: Math.round(rnd.runs / Math.max(rnd.elapsedMs / 1000, 1e-6)),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
