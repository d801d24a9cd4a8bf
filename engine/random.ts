/**
 * Random search: fast-check generates sequences of choices, each read as
 * "take the (c mod n)-th enabled action, and its (c div n mod m)-th
 * successor". Any sequence of naturals is a valid history, so the choices
 * stay valid as fast-check shrinks them (fewer steps, smaller numbers, i.e.
 * earlier actions). A last pass then drops whole steps by action label until
 * none can go, so the trace is minimal in that sense too.
 */
import fc from 'fast-check';
import { propertiesOf, viewOf, type Model, type Step } from './model.js';
import { Coverage } from './coverage.js';
import type { CrashSummary } from './crash.js';

export interface RandomOptions {
  /** Histories to try per property still unviolated. */
  readonly runs: number;
  /** Most actions per history. */
  readonly steps: number;
  /** fast-check seed; the same seed replays the same search. */
  readonly seed?: number;
  /**
   * A fast-check counterexample path of this seed's search (`12:3:0:1`: run
   * 12, then the shrinks taken from it). Only the first round runs: the case
   * at the path, then fast-check goes on from there as it would have, i.e.
   * it shrinks a failure further, or tries what it would have tried next
   * (the later runs up to `runs`, or the later shrinks of the same parent).
   */
  readonly path?: string;
  readonly properties?: readonly string[];
  readonly timeLimitMs?: number;
  /**
   * Action kinds this search leaves out where another is enabled (a swarm
   * shard's configuration, engine/shard.ts): every history is still one the
   * model can run.
   */
  readonly omit?: (kind: string) => boolean;
  /** Stop at the next history once this is aborted; the result says it was interrupted. */
  readonly signal?: AbortSignal;
}

export interface RandomViolation<S, A> {
  readonly message: string;
  readonly depth: number;
  readonly trace: readonly Step<S, A>[];
  /** The seed and fast-check path that replay this counterexample. */
  readonly seed: number;
  readonly path: string;
  /** Length of the first failing history and how many shrinks fast-check made. */
  readonly originalLength: number;
  readonly shrinks: number;
}

export interface RandomResult<S, A> {
  readonly runs: number;
  readonly steps: number;
  readonly seed: number;
  /** The path replayed, when one was given. */
  readonly path?: string;
  readonly interrupted: boolean;
  readonly elapsedMs: number;
  readonly violations: ReadonlyMap<string, RandomViolation<S, A>>;
  readonly goals: ReadonlyMap<string, { depth: number }>;
  readonly coverage: Coverage;
  /** The crash points expanded, shrinking included, when the model has any. */
  readonly crash?: CrashSummary;
}

/** A replay path that is malformed or leads to no case of its seed's search. */
export class ReplayPathError extends Error {
  override readonly name = 'ReplayPathError';
}

/** A path as fast-check prints one: whole numbers joined by colons. */
export function isReplayPath(path: string): boolean {
  return /^\d+(:\d+)*$/.test(path) && path.split(':').every((n) => Number.isSafeInteger(Number(n)));
}

/** Runs one history: returns its steps, up to and including the first violation of a watched property. */
function run<S, A, V>(
  model: Model<S, A, V>,
  choices: readonly number[],
  isViolated: (state: S) => boolean,
  onState?: (state: S, depth: number) => void,
  omit?: (kind: string) => boolean,
): { trace: Step<S, A>[]; violated: boolean } {
  let state = model.initial;
  const trace: Step<S, A>[] = [{ state }];
  onState?.(state, 0);
  if (isViolated(state)) return { trace, violated: true };
  for (const c of choices) {
    const enabled = model.actions(state);
    const kept = omit ? enabled.filter((a) => !omit(model.kind(a))) : enabled;
    const actions = kept.length > 0 ? kept : enabled;
    if (actions.length === 0) break;
    const action = actions[c % actions.length];
    const successors = model.successors(state, action);
    const choice = Math.floor(c / actions.length) % successors.length;
    state = successors[choice];
    trace.push(successors.length > 1 ? { action, choice, state } : { action, state });
    onState?.(state, trace.length - 1);
    if (isViolated(state)) return { trace, violated: true };
  }
  return { trace, violated: false };
}

/**
 * One step of a trace taken again by its action's label and successor
 * choice, which survives the removal of earlier steps as long as the action
 * is still enabled; undefined when it is not.
 */
function stepByLabel<S, A, V>(model: Model<S, A, V>, state: S, step: Step<S, A>): Step<S, A> | undefined {
  const label = model.label(step.action!);
  const action = model.actions(state).find((a) => model.label(a) === label);
  if (action === undefined) return undefined;
  const successors = model.successors(state, action);
  const choice = step.choice ?? 0;
  if (choice >= successors.length) return undefined;
  return successors.length > 1 ? { action, choice, state: successors[choice] } : { action, state: successors[choice] };
}

/** Re-runs steps by label up to the first violation; undefined if none shows or a step is not enabled. */
function rerun<S, A, V>(model: Model<S, A, V>, steps: readonly Step<S, A>[], isViolated: (s: S) => boolean): Step<S, A>[] | undefined {
  const trace: Step<S, A>[] = [{ state: model.initial }];
  if (isViolated(model.initial)) return trace;
  for (const step of steps) {
    const next = stepByLabel(model, trace[trace.length - 1].state, step);
    if (next === undefined) return undefined;
    trace.push(next);
    if (isViolated(next.state)) return trace;
  }
  return undefined;
}

/** The state after `steps` re-run by label, or undefined when one is not enabled. */
function stateAfter<S, A, V>(model: Model<S, A, V>, steps: readonly Step<S, A>[]): S | undefined {
  let state = model.initial;
  for (const step of steps) {
    const next = stepByLabel(model, state, step);
    if (next === undefined) return undefined;
    state = next.state;
  }
  return state;
}

/**
 * Re-runs `steps`; when `free` is the index of a crash, tries each of its
 * outcomes there in turn: once the steps before a crash change, so do the
 * pieces pending at it, and its recorded choice means another outcome.
 */
function attempt<S, A, V>(model: Model<S, A, V>, steps: readonly Step<S, A>[], isViolated: (s: S) => boolean, free: number | undefined): Step<S, A>[] | undefined {
  const plain = rerun(model, steps, isViolated);
  if (plain || free === undefined) return plain;
  const before = stateAfter(model, steps.slice(0, free));
  if (before === undefined) return undefined;
  const label = model.label(steps[free].action!);
  const action = model.actions(before).find((a) => model.label(a) === label);
  if (action === undefined) return undefined;
  const n = model.successors(before, action).length;
  for (let choice = 0; choice < n; choice++) {
    if (choice === (steps[free].choice ?? 0)) continue;
    const found = rerun(model, [...steps.slice(0, free), { ...steps[free], choice }, ...steps.slice(free + 1)], isViolated);
    if (found) return found;
  }
  return undefined;
}

/**
 * Drops single steps while the violation still shows, until no step can go;
 * then moves each crash as early as it still shows (never past the crash
 * before it, so that this ends), and drops again, until neither helps. A
 * crash whose history changed gets the outcome that still shows it.
 */
export function minimise<S, A, V>(model: Model<S, A, V>, trace: readonly Step<S, A>[], isViolated: (s: S) => boolean): Step<S, A>[] {
  const isCrash = (step: Step<S, A>): boolean => step.action !== undefined && model.crash?.isCrash(step.action) === true;
  // Over `steps` (the trace without its initial state): the first crash at or after i.
  const crashFrom = (steps: readonly Step<S, A>[], i: number): number | undefined => {
    for (let j = i; j < steps.length; j++) if (isCrash(steps[j])) return j;
    return undefined;
  };
  let best = trace.slice();
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 1; i < best.length; ) {
      const rest = [...best.slice(1, i), ...best.slice(i + 1)];
      const candidate = attempt(model, rest, isViolated, crashFrom(rest, i - 1));
      if (candidate && candidate.length < best.length) best = candidate;
      else i++;
    }
    const steps = best.slice(1);
    let previousCrash = -1;
    move: for (let j = 0; j < steps.length; j++) {
      if (!isCrash(steps[j])) continue;
      for (let i = previousCrash + 1; i < j; i++) {
        const moved = [...steps.slice(0, i), steps[j], ...steps.slice(i, j), ...steps.slice(j + 1)];
        const candidate = attempt(model, moved, isViolated, i);
        if (candidate && candidate.length <= best.length) {
          best = candidate;
          changed = true;
          break move;
        }
      }
      previousCrash = j;
    }
  }
  return best;
}

export function random<S, A, V>(model: Model<S, A, V>, options: RandomOptions): RandomResult<S, A> {
  const start = performance.now();
  const baseSeed = options.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const remaining = propertiesOf(model).filter((p) => !options.properties || options.properties.includes(p.id));
  const violations = new Map<string, RandomViolation<S, A>>();
  const goals = new Map<string, { depth: number }>();
  const coverage = new Coverage();
  let interrupted = false;
  let runs = 0;

  const onState = (state: S, depth: number): void => {
    const view = viewOf(model, state);
    for (const g of model.sometimes) {
      const seen = goals.get(g.id);
      if ((seen === undefined || depth < seen.depth) && g.reached(state, view)) goals.set(g.id, { depth });
    }
  };
  const choices = fc.array(fc.nat(), { maxLength: options.steps, size: 'max' });
  const path = options.path;
  // The first number of a path is the index of the failing run, so it lies within the search's runs.
  const pathRun = path === undefined ? 0 : Number(path.split(':')[0]);
  if (path !== undefined) {
    if (!isReplayPath(path)) throw new ReplayPathError(`path '${path}' is not a fast-check path (whole numbers joined by colons, like 12:3:0:1)`);
    if (pathRun >= options.runs) throw new ReplayPathError(`path '${path}' starts at run ${pathRun}, but the search makes only ${options.runs} runs (0..${options.runs - 1})`);
  }
  const noCase = (seed: number) => new ReplayPathError(`path '${path}' leads to no case of the search with seed ${seed}, ${options.runs} runs of up to ${options.steps} steps`);

  // Each round searches for any property still unviolated; the first one to
  // fail becomes the target, and shrinking keeps to it so that the trace
  // stays a counterexample of that property.
  for (let round = 0; remaining.length > 0; round++) {
    const seed = (baseSeed + round * 0x9e3779b1) | 0;
    let target: (typeof remaining)[number] | undefined;
    const firstFailure = (state: S): boolean => {
      const view = viewOf(model, state);
      if (target) return target.check(state, view) !== undefined;
      target = remaining.find((p) => p.check(state, view) !== undefined);
      return target !== undefined;
    };
    let originalLength = 0;
    let roundRuns = 0;
    let cases = 0;
    const elapsed = performance.now() - start;
    const timeLeft = (options.timeLimitMs ?? Infinity) - elapsed;
    if (timeLeft <= 0 || options.signal?.aborted) {
      interrupted = true;
      break;
    }
    const property = fc.property(choices, (cs) => {
      // fast-check cannot be stopped from outside: the cases left pass at once.
      if (options.signal?.aborted) {
        interrupted = true;
        return true;
      }
      cases++;
      const hadTarget = target !== undefined;
      const outcome = run(model, cs, firstFailure, hadTarget ? undefined : onState, options.omit);
      if (!hadTarget) {
        roundRuns++;
        for (const step of outcome.trace) if (step.action !== undefined) coverage.fired(model.kind(step.action), 1);
        if (outcome.violated) originalLength = outcome.trace.length - 1;
      }
      return !outcome.violated;
    });
    // A path replays within the same search: from its run to the search's last
    // one (fast-check would otherwise take `runs` more from there); a path into
    // the shrinks goes on through that parent's later shrinks, whatever numRuns.
    const replay = round === 0 ? path : undefined;
    let details: fc.RunDetails<[number[]]>;
    try {
      details = fc.check(property, {
        seed,
        numRuns: options.runs - (replay === undefined ? 0 : pathRun),
        ...(replay !== undefined ? { path: replay } : {}),
        ...(Number.isFinite(timeLeft) ? { interruptAfterTimeLimit: Math.max(1, Math.floor(timeLeft)) } : {}),
      });
    } catch (e) {
      // fast-check's own words for a shrink the path names but that does not exist.
      if (replay !== undefined && e instanceof Error && /^Unable to replay/.test(e.message)) throw noCase(seed);
      throw e;
    }
    if (replay !== undefined && cases === 0 && !details.interrupted) throw noCase(seed);
    runs += roundRuns;
    if (details.interrupted) interrupted = true;
    if (!details.failed || details.counterexample === null || target === undefined) break;
    const found = target;
    const failing = (s: S): boolean => found.check(s, viewOf(model, s)) !== undefined;
    const shrunk = run(model, details.counterexample[0], failing, undefined, options.omit).trace;
    const trace = minimise(model, shrunk, failing);
    const last = trace[trace.length - 1].state;
    violations.set(found.id, {
      message: found.check(last, viewOf(model, last))!,
      depth: trace.length - 1,
      trace,
      seed,
      path: details.counterexamplePath ?? '',
      originalLength,
      shrinks: details.numShrinks,
    });
    remaining.splice(remaining.indexOf(found), 1);
    if (interrupted || replay !== undefined) break;
  }

  return {
    runs,
    steps: options.steps,
    seed: baseSeed,
    ...(path !== undefined ? { path } : {}),
    interrupted,
    elapsedMs: performance.now() - start,
    violations,
    goals,
    coverage,
    ...(model.crash ? { crash: model.crash.stats.summary() } : {}),
  };
}
