/**
 * `check(design, options)`: the whole job for one design. Runs the
 * exhaustive search, the random search or both, and turns what they found
 * into a verdict per property: `violated` (with a minimal counterexample),
 * `holds` (only to a completed bound, which is stated), `inconclusive`
 * (nothing found, but no bound was completed), or `not-applicable`. The
 * result is plain JSON: it is exactly what `pagecheck check --json` prints.
 */
import { exhaustive } from '../engine/exhaustive.js';
import { Coverage } from '../engine/coverage.js';
import type { Step } from '../engine/model.js';
import { random, ReplayPathError } from '../engine/random.js';
import { resolveConfig } from '../model/config.js';
import { claimsOf, goalsAt, propertyList, type Action, type Config, type Design } from '../model/design.js';
import { InputError } from '../model/errors.js';
import { instantiate } from '../model/instantiate.js';
import { toItf, type ItfTrace } from '../trace/counterexample.js';
import { lassoSteps } from '../trace/lasso.js';
import { checkLiveness, type LivenessResult } from '../engine/liveness.js';
import { swarmMember } from '../engine/shard.js';
import { DEFAULTS, type OptionsFor } from './options.js';
import { DEFAULT_MEMORY } from '../engine/memory.js';
import { reproduceCommand } from './reproduce.js';
import type { Bound, CheckResult, GoalResult, PropertyResult, SymmetryCheckSummary } from './result.js';
import { exhaustiveSummary, randomSummary } from './summaries.js';
import { selfCheck } from '../engine/symmetry.js';
import { exhaustiveWorkers } from '../engine/workers.js';
import type { WorkerModelJob } from './worker-model.js';

/** The module whose workerModel makes a built-in design's model in a worker thread. */
const WORKER_MODEL = new URL('./worker-model.js', import.meta.url).href;

export function check<S, A extends Action, V = unknown, D extends Design<S, A, V> = Design<S, A, V>>(design: D & Design<S, A, V>, options: OptionsFor<D> = {}): CheckResult {
  const mode = options.mode ?? 'both';
  const cfg = resolveConfig(design, options.params ?? {}, options.bugs ?? [], options.amends ?? []);
  const all = propertyList(design);
  const known = all.map((p) => p.id);
  const notApplicable = design.notApplicable ?? {};
  for (const id of options.properties ?? []) {
    // Own keys only: `toString` is in every record, and is nobody's property.
    if (!known.includes(id) && !Object.hasOwn(notApplicable, id)) {
      throw new InputError(`design ${design.name} has no property '${id}' (it has ${[...known, ...Object.keys(notApplicable)].join(', ')})`);
    }
  }
  const selected = all.filter((p) => !options.properties || options.properties.includes(p.id));
  const ids = selected.map((p) => p.id);
  const depth = options.depth ?? design.bounds?.depth;
  const maxStates = options.maxStates ?? design.bounds?.maxStates ?? DEFAULTS.maxStates;
  const timeSecondsMs = (options.timeSeconds ?? DEFAULTS.timeSeconds) * 1000;
  // What each search may take: its own limit, cut to the deadline, nothing once aborted.
  const timeLimit = (): number => (options.signal?.aborted ? 0 : Math.max(0, Math.min(timeSecondsMs, options.deadline === undefined ? Infinity : options.deadline - Date.now())));
  const runs = options.runs ?? DEFAULTS.runs;
  const kinds = Object.keys(design.next);
  for (const k of options.omit ?? []) {
    if (!kinds.includes(k)) throw new InputError(`design ${design.name} has no action kind '${k}' to omit (it has ${kinds.join(', ')})`);
  }
  if (options.path !== undefined && (mode !== 'random' || options.seed === undefined)) {
    throw new InputError('a replay path needs mode random and the seed it was found with');
  }
  const given = options.seed ?? (Math.random() * 0x7fffffff) | 0;
  // A random shard is a member of a swarm: its own seed, history length and kinds left out.
  const member = options.shard ? swarmMember(options.shard, given, options.steps ?? DEFAULTS.steps, kinds) : undefined;
  const seed = member?.seed ?? given;
  const steps = member?.steps ?? options.steps ?? DEFAULTS.steps;
  const omit = [...new Set([...(member?.omit ?? []), ...(options.omit ?? [])])];

  const coverage = new Coverage();
  let ex: ReturnType<typeof exhaustive<S, A, unknown>> | undefined;
  if (mode !== 'random') {
    const exModel = instantiate(design, cfg, 'copy', { crashCap: options.crashCap });
    const exOptions = {
      maxDepth: depth,
      maxStates,
      timeLimitMs: timeLimit(),
      properties: ids,
      onProgress: options.onProgress,
      ...(options.shard ? { shard: options.shard } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      memory: { ...DEFAULT_MEMORY, ...(options.maxMemoryMb !== undefined ? { rssBytes: options.maxMemoryMb * 2 ** 20 } : {}) },
      symmetry: options.symmetry === true,
      ...(options.learned === false ? { learned: false } : {}),
    };
    // With workers, each thread makes this same model from the design's name (or module) and configuration.
    const job: WorkerModelJob = {
      design: options.module ?? design.name,
      params: cfg.params,
      bugs: [...cfg.bugs],
      amends: [...(cfg.amends ?? [])],
      ...(options.crashCap !== undefined ? { crashCap: options.crashCap } : {}),
    };
    ex =
      options.workers !== undefined
        ? exhaustiveWorkers(exModel, { module: options.workerModel ?? WORKER_MODEL, data: job }, { ...exOptions, workers: options.workers })
        : exhaustive(exModel, exOptions);
    coverage.merge(ex.coverage);
  }
  let symmetryCheck: SymmetryCheckSummary | undefined;
  if (options.symmetryCheck && design.symmetry !== undefined) {
    const sc = instantiate(design, cfg, 'copy', { crashCap: options.crashCap });
    if (sc.symmetry !== undefined) {
      const r = selfCheck(sc, { maxDepth: depth, maxStates, timeLimitMs: timeLimit(), properties: ids, ...(options.signal ? { signal: options.signal } : {}) });
      symmetryCheck = { ok: r.ok, symmetry: sc.symmetry.description, depth: depth ?? null, differences: [...r.differences], states: r.states, statesChecked: r.statesChecked };
    }
  }
  // A reduced search proves nothing once its declaration is known not to be a symmetry;
  // what it found is still found (its traces are real histories of the design).
  const unsound = ex?.symmetry != null && symmetryCheck?.ok === false;
  let rnd: ReturnType<typeof random<S, A, unknown>> | undefined;
  const unviolated = ids.filter((id) => !ex?.violations.has(id));
  if (mode !== 'exhaustive' && (unviolated.length > 0 || ids.length === 0) && ex?.stoppedBy !== 'interrupted') {
    const rndModel = instantiate(design, cfg, 'immer', { crashCap: options.crashCap });
    try {
      rnd = random(
        rndModel,
        {
          runs,
          steps,
          seed,
          path: options.path,
          properties: unviolated,
          timeLimitMs: timeLimit(),
          ...(omit.length ? { omit: (kind: string) => omit.includes(kind) } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        },
        instantiate(design, cfg, 'copy', { crashCap: options.crashCap }),
      );
    } catch (e) {
      throw e instanceof ReplayPathError ? new InputError(e.message) : e;
    }
    coverage.merge(rnd.coverage);
  }

  const bound: Bound | null = ex ? { depth: ex.depth, states: ex.states, transitions: ex.transitions, complete: ex.complete } : null;
  const model = instantiate(design, cfg, 'immer', { crashCap: options.crashCap });
  const amends = [...(cfg.amends ?? [])];
  // Liveness is judged on the whole state graph, so only once the search has
  // seen every reachable state; the graph is explored again to keep its edges.
  const wantedLive = (model.liveness ?? []).filter((l) => ids.includes(l.id));
  let live: LivenessResult<S, A> | undefined;
  if (wantedLive.length > 0 && ex?.exhausted && !ex.crash?.capped && !options.shard) {
    const copy = instantiate(design, cfg, 'copy', { crashCap: options.crashCap });
    live = checkLiveness(
      copy,
      (copy.liveness ?? []).filter((l) => ids.includes(l.id)),
      { maxStates: 2 * ex.states + 16 },
    );
  }
  const base = { design: design.name, params: { ...cfg.params }, bugs: [...cfg.bugs] };
  const counterexamples: Record<string, ItfTrace> = {};
  const claims = claimsOf(design);
  const sometimes = goalsAt(design, cfg);
  const unreachedFor = (id: string): string[] => sometimes.filter((g) => (!g.guards || g.guards.includes(id)) && !ex?.goals.has(g.id) && !rnd?.goals.has(g.id)).map((g) => g.id);
  const noteOf = (kind: string) => (design.notes as Record<string, string | undefined> | undefined)?.[kind];
  // What every counterexample of this check records; each search adds its own fields (`extra`).
  const traceOf = (
    steps: readonly Step<S, A>[],
    property: string,
    message: string,
    mode: 'exhaustive' | 'random',
    traceBound: Record<string, number | boolean | null>,
    reproduce: string,
    extra: Record<string, unknown> = {},
  ): ItfTrace =>
    toItf(
      steps,
      model.label,
      {
        source: 'pagecheck',
        description: `${design.name} violates ${property}: ${message}`,
        ...base,
        // Only where there are some, so a trace of the design as proposed reads as before amendments existed.
        ...(amends.length ? { amends } : {}),
        ...(options.module !== undefined ? { module: options.module } : {}),
        property,
        message,
        mode,
        bound: traceBound,
        reproduce,
        ...(options.crashCap !== undefined ? { crashCap: options.crashCap } : {}),
        // Found by a search that kept one state per class: still a history of the design itself.
        ...(mode === 'exhaustive' && ex?.symmetry ? { symmetry: ex.symmetry } : {}),
        ...extra,
      },
      model.describeChoice,
      noteOf,
    );
  const liveResult = (p: { id: string; description: string }): PropertyResult => {
    const l = wantedLive.find((w) => w.id === p.id)!;
    const fairness = { weak: [...(l.fairness?.weak ?? [])], strong: [...(l.fairness?.strong ?? [])], ...(l.fairness?.each?.length ? { each: [...l.fairness.each] } : {}) };
    const common = { id: p.id, description: p.description, claimed: claims.includes(p.id), fairness };
    const v = live?.results.get(p.id);
    if (!ex || !live || !v) {
      const reason = !ex
        ? 'a liveness property is judged on the whole state space: run an exhaustive search'
        : options.shard
          ? 'a shard sees part of the state graph: a liveness property is judged on the whole of it, unsharded'
          : ex.crash?.capped
            ? `the crash cap (${options.crashCap}) left out unflushed pieces at ${ex.crash.capped} crash point(s)`
            : `the search stopped (${ex.stoppedBy}) before the whole state space: only a whole state space proves a liveness property`;
      return { ...common, verdict: 'inconclusive', mode: ex ? 'exhaustive' : 'random', bound, reason };
    }
    if (v.verdict === 'inconclusive') return { ...common, verdict: 'inconclusive', mode: 'exhaustive', bound, reason: v.reason };
    if (v.verdict === 'holds') {
      const unreached = unreachedFor(p.id);
      if (unreached.length) return { ...common, verdict: 'vacuous', mode: 'exhaustive', bound, unreached };
      return { ...common, verdict: 'holds', mode: 'exhaustive', bound };
    }
    const { trace, loop, message } = v.lasso;
    const reproduce = reproduceCommand(options.module ?? design.name, cfg, p.id, 'exhaustive', { depth, runs, steps, crashCap: options.crashCap });
    const lasso = lassoSteps(trace, loop, model.label);
    const written = traceOf(lasso.steps, p.id, message, 'exhaustive', { states: live.states, transitions: live.transitions, complete: live.complete }, reproduce, {
      fairness,
      ...(lasso.closing ? { closing: lasso.closing } : {}),
    });
    counterexamples[p.id] = { ...written, loop };
    return {
      ...common,
      verdict: 'violated',
      mode: 'exhaustive',
      bound,
      message,
      traceLength: trace.length - 1,
      actions: trace.slice(1).map((s) => model.label(s.action!)),
      loop,
    };
  };
  const properties: PropertyResult[] = selected.map((p) => {
    if (p.liveness) return liveResult(p);
    const common = { id: p.id, description: p.description, claimed: claims.includes(p.id) };
    const exV = ex?.violations.get(p.id);
    const rV = rnd?.violations.get(p.id);
    const found = exV ? { ...exV, mode: 'exhaustive' as const } : rV ? { ...rV, mode: 'random' as const } : undefined;
    if (found) {
      const trace = found.trace as readonly Step<S, A>[];
      const reproduce = reproduceCommand(options.module ?? design.name, cfg, p.id, found.mode, {
        depth,
        seed: rV && !exV ? rV.seed : undefined,
        path: rV && !exV ? rV.path : undefined,
        runs,
        steps,
        crashCap: options.crashCap,
        omit,
        symmetry: exV !== undefined && ex?.symmetry != null,
      });
      counterexamples[p.id] = traceOf(
        trace,
        p.id,
        found.message,
        found.mode,
        found.mode === 'exhaustive' ? { depth: ex!.depth, states: ex!.states, transitions: ex!.transitions, complete: ex!.complete } : { runs: rnd!.runs, steps },
        reproduce,
        rV && !exV ? { seed: rV.seed, path: rV.path, shrink: { from: rV.originalLength, to: rV.depth, steps: rV.shrinks } } : {},
      );
      return {
        ...common,
        verdict: 'violated',
        mode: found.mode,
        bound: found.mode === 'exhaustive' ? bound : null,
        message: found.message,
        traceLength: trace.length - 1,
        actions: trace.slice(1).map((s) => model.label(s.action!)),
      };
    }
    const capped = ex?.crash?.capped ?? 0;
    if (ex?.complete && capped > 0) {
      const reason = `the crash cap (${options.crashCap}) left out unflushed pieces at ${capped} crash point(s)`;
      return { ...common, verdict: 'inconclusive', mode: 'exhaustive', bound, reason };
    }
    if (ex?.complete && unsound) {
      const reason = `the symmetry self-check failed (${symmetryCheck!.differences[0]}): a search reduced by it proves nothing`;
      return { ...common, verdict: 'inconclusive', mode: 'exhaustive', bound, reason };
    }
    if (ex?.complete) {
      const unreached = unreachedFor(p.id);
      if (unreached.length) return { ...common, verdict: 'vacuous', mode: 'exhaustive', bound, unreached };
      return { ...common, verdict: 'holds', mode: 'exhaustive', bound };
    }
    return { ...common, verdict: 'inconclusive', mode: ex ? 'exhaustive' : 'random', bound };
  });
  for (const [id, reason] of Object.entries(notApplicable)) {
    if (options.properties && !options.properties.includes(id)) continue;
    properties.push({ id, description: reason, verdict: 'not-applicable', claimed: false, mode: null, bound: null, reason });
  }

  const goals: GoalResult[] = sometimes.map((g) => {
    const e = ex?.goals.get(g.id);
    const r = rnd?.goals.get(g.id);
    const by = e ? { depth: e.depth, mode: 'exhaustive' as const } : r ? { depth: r.depth, mode: 'random' as const } : undefined;
    return { id: g.id, description: g.description, reached: by !== undefined, depth: by?.depth ?? null, mode: by?.mode ?? null };
  });

  return {
    design: design.name,
    summary: design.summary,
    seed: design.seed,
    params: base.params,
    bugs: base.bugs,
    amends,
    mode,
    exhaustive: ex ? exhaustiveSummary(ex, bound!) : null,
    random: rnd ? randomSummary(rnd, omit) : null,
    properties,
    goals,
    coverage: coverage.report(Object.keys(design.next)),
    counterexamples,
    ...(options.shard ? { shard: { ...options.shard, split: ex?.split ?? null } } : {}),
    ...(symmetryCheck ? { symmetryCheck } : {}),
  };
}

export type { Config };
