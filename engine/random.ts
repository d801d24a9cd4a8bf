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
import { compileClone } from './clone.js';
import type { CrashSummary } from './crash.js';
import { minimise } from './minimise.js';

export { minimise };

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
  readonly signal?: { readonly aborted: boolean };
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
  /** Steps walked in all, and the walks' lengths. */
  readonly walked: { readonly steps: number; readonly min: number; readonly mean: number; readonly max: number };
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
 * Random search. Walks run on the model's fast path: each step applies the
 * chosen update to a plain copy of the state (the model's `updates`, where it
 * gives them; immer's `produce` costs 7-11 us a call), so a step costs an
 * action listing, a copy, an update and the property checks, and nothing is
 * kept but the walk's choices. Walk w draws its choices from its own generator, seeded by the
 * seed and w, so any one walk can be drawn again alone. A walk that violates
 * a property is handed to fast-check as an example of the same choice
 * sequence, which shrinks it, and then to `minimise`; the counterexample's
 * path is the walk's index followed by fast-check's path into its shrinks.
 */
export function random<S, A, V>(model: Model<S, A, V>, options: RandomOptions, fast: Model<S, A, V> = model): RandomResult<S, A> {
  const start = performance.now();
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const remaining = propertiesOf(model).filter((p) => !options.properties || options.properties.includes(p.id));
  const fastProps = propertiesOf(fast).filter((p) => remaining.some((r) => r.id === p.id));
  const violations = new Map<string, RandomViolation<S, A>>();
  const goals = new Map<string, { depth: number }>();
  const coverage = new Coverage();
  const lengths = { min: Infinity, max: 0, total: 0 };
  const path = options.path;
  let interrupted = false;
  let walks = 0;

  const [first, ...shrinkPath] = path === undefined ? [] : path.split(':');
  if (path !== undefined) {
    if (!isReplayPath(path)) throw new ReplayPathError(`path '${path}' is not a walk and a fast-check path (whole numbers joined by colons, like 12:0:3:1)`);
    if (Number(first) >= options.runs) throw new ReplayPathError(`path '${path}' starts at walk ${first}, but the search makes only ${options.runs} walks (0..${options.runs - 1})`);
  }
  const clone = compileClone(fast.initial);
  const deadline = start + (options.timeLimitMs ?? Infinity);

  // Draws walk w; returns its choices up to and including the first violation of a property still open, and which.
  const draw = (w: number, watch: typeof fastProps): { choices: number[]; violated?: string; steps: number } => {
    const next = generator(seed, w);
    const biased = (next() & 1) === 1;
    let state = fast.initial;
    const choices: number[] = [];
    const inspect = (depth: number): string | undefined => {
      const view = viewOf(fast, state);
      // A goal is asked again only where it could be reached sooner.
      for (const g of fast.sometimes) {
        const seen = goals.get(g.id);
        if ((seen === undefined || depth < seen.depth) && g.reached(state, view)) goals.set(g.id, { depth });
      }
      for (const p of watch) if (p.check(state, view) !== undefined) return p.id;
      return undefined;
    };
    let violated = inspect(0);
    // Walks grow to full length over the first quarter of the search, as
    // fast-check's cases do, so that a violation is first met on a short walk.
    const length = Math.min(options.steps, Math.ceil((options.steps * 4 * (w + 1)) / Math.max(options.runs, 1)));
    for (let depth = 1; depth <= length && violated === undefined; depth++) {
      // The clock inside a walk too: one walk of millions of steps must not outlast the limit.
      if ((depth & 4095) === 0 && (options.signal?.aborted || performance.now() >= deadline)) {
        interrupted = true;
        break;
      }
      const enabled = fast.actions(state);
      const kept = options.omit ? enabled.filter((a) => !options.omit!(fast.kind(a))) : enabled;
      const actions = kept.length > 0 ? kept : enabled;
      if (actions.length === 0) break;
      const n = actions.length;
      const r = next();
      // A biased walk favours the actions listed first, as fast-check's small
      // naturals did; the recorded choice is the smallest number that makes
      // the same step, so that fast-check's shrinking towards 0 means
      // "an earlier action, the first outcome".
      const i = biased ? Math.floor(n * (r / 2 ** 31) ** 3) : r % n;
      const action = actions[i];
      const { next: after, count: m } = advance(fast, state, action, Math.floor(r / n), clone);
      state = after;
      coverage.fired(fast.kind(action), depth);
      choices.push(i + n * (Math.floor(r / n) % m));
      violated = inspect(depth);
    }
    return { choices, steps: choices.length, ...(violated !== undefined ? { violated } : {}) };
  };

  // fast-check shrinks the walk's choices as it would a case of its own, through the slow, immutable model.
  const shrink = (id: string, w: number, choices: number[], replay?: string): RandomViolation<S, A> | undefined => {
    const target = remaining.find((p) => p.id === id)!;
    const failing = (s: S): boolean => target.check(s, viewOf(model, s)) !== undefined;
    const property = fc.property(fc.array(fc.nat(), { maxLength: options.steps }), (cs) => !run(model, cs, failing, undefined, options.omit).violated);
    let details: fc.RunDetails<[number[]]>;
    try {
      details = fc.check(property, { seed: walkSeed(seed, w), numRuns: 1, examples: [[choices]], ...(replay !== undefined ? { path: replay } : {}) });
    } catch (e) {
      if (replay !== undefined && e instanceof Error && /^Unable to replay/.test(e.message)) throw noCase();
      throw e;
    }
    if (!details.failed || details.counterexample === null) return undefined;
    const trace = minimise(model, run(model, details.counterexample[0], failing, undefined, options.omit).trace, failing);
    const last = trace[trace.length - 1].state;
    return {
      message: target.check(last, viewOf(model, last))!,
      depth: trace.length - 1,
      trace,
      seed,
      path: `${w}:${details.counterexamplePath ?? '0'}`,
      originalLength: choices.length,
      shrinks: details.numShrinks,
    };
  };
  const noCase = () => new ReplayPathError(`path '${path}' leads to no case of the search with seed ${seed}, ${options.runs} walks of up to ${options.steps} steps`);
  const record = (n: number) => {
    walks++;
    lengths.total += n;
    if (n < lengths.min) lengths.min = n;
    if (n > lengths.max) lengths.max = n;
  };

  if (path !== undefined) {
    // One walk, and fast-check's shrinks of it along the path.
    const w = Number(first);
    const drawn = draw(w, fastProps);
    record(drawn.steps);
    if (drawn.violated === undefined) throw noCase();
    // The walk alone is shrunk again as the search did; with fast-check's path, along it.
    const found = shrink(drawn.violated, w, drawn.choices, shrinkPath.length ? shrinkPath.join(':') : undefined);
    if (found) violations.set(drawn.violated, { ...found, path });
  } else {
    let watch = fastProps;
    for (let w = 0; w < options.runs && watch.length > 0; w++) {
      if (options.signal?.aborted || ((w & 63) === 0 && performance.now() >= deadline)) {
        interrupted = true;
        break;
      }
      const drawn = draw(w, watch);
      record(drawn.steps);
      if (interrupted) break;
      if (drawn.violated === undefined) continue;
      const found = shrink(drawn.violated, w, drawn.choices);
      if (found) violations.set(drawn.violated, found);
      watch = watch.filter((p) => p.id !== drawn.violated);
    }
  }

  const elapsedMs = performance.now() - start;
  return {
    runs: walks,
    steps: options.steps,
    seed,
    ...(path !== undefined ? { path } : {}),
    interrupted,
    elapsedMs,
    violations,
    goals,
    coverage,
    walked: { steps: lengths.total, min: walks ? lengths.min : 0, mean: walks ? lengths.total / walks : 0, max: lengths.max },
    // The walks expand far more crash points than the shrinking does.
    ...(fast.crash ? { crash: fast.crash.stats.summary() } : {}),
  };
}

/**
 * The successor `choice` (mod their number) of `action`: by the model's
 * updates where it gives them, applied to a copy (a handler may read the
 * state its recipe changes), else the successor itself; with how many
 * successors the action had.
 */
function advance<S, A, V>(model: Model<S, A, V>, state: S, action: A, choice: number, clone: (s: S) => S): { next: S; count: number } {
  if (model.updates) {
    const u = model.updates(state, action);
    const next = clone(state);
    if (typeof u === 'function') {
      u(next);
      return { next, count: 1 };
    }
    u[choice % u.length](next);
    return { next, count: u.length };
  }
  const successors = model.successors(state, action);
  return { next: successors[choice % successors.length], count: successors.length };
}

/** The seed of walk w: its own stream, so that one walk can be drawn again without the others. */
function walkSeed(seed: number, w: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(w + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  return (h ^ (h >>> 15)) | 0;
}

/** Choices of walk w, 31-bit naturals as fast-check's `nat()` draws them (mulberry32). */
function generator(seed: number, w: number): () => number {
  let a = walkSeed(seed, w);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) >>> 1;
  };
}
