/**
 * `pagecheck merge`: folds the results of a search's shards (each a
 * `check --shard K/N --json` document) into the result of the whole search.
 * A violation found by any shard is one of the whole; the shortest is kept,
 * which for exhaustive shards is a shortest of the unsharded search too (its
 * path passes the split level through one shard's subtree). A "holds" needs
 * every shard present and complete; anything less is inconclusive.
 */
import type { CrashSummary } from '../engine/crash.js';
import { collisionProbability } from '../engine/fingerprint.js';
import { InputError } from '../model/errors.js';
import type { CheckResult, ExhaustiveSummary, GoalResult, PropertyResult, RandomSummary } from './result.js';

export interface MergedResult extends CheckResult {
  readonly merged: { readonly count: number; readonly present: number[]; readonly missing: number[] };
}

export function merge(results: readonly CheckResult[]): MergedResult {
  if (results.length === 0) throw new InputError('merge: no results given');
  const first = results[0];
  const count = first.shard?.count;
  const seen = new Set<number>();
  for (const r of results) {
    if (!r.shard) throw new InputError(`merge: a result of ${r.design} is not a shard (it was not run with --shard K/N)`);
    const same = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b)) throw new InputError(`merge: shards differ in ${what} (${JSON.stringify(b)} and ${JSON.stringify(a)})`);
    };
    same('design', r.design, first.design);
    same('parameters', r.params, first.params);
    same('bug toggles', [...r.bugs].sort(), [...first.bugs].sort());
    same('mode', r.mode, first.mode);
    same('shard count N', r.shard.count, count);
    same('depth bound', r.exhaustive?.maxDepth ?? null, first.exhaustive?.maxDepth ?? null);
    same(
      'properties',
      r.properties.map((p) => p.id),
      first.properties.map((p) => p.id),
    );
    if (seen.has(r.shard.index)) throw new InputError(`merge: shard ${r.shard.index}/${count} is given twice`);
    seen.add(r.shard.index);
  }
  const present = [...seen].sort((a, b) => a - b);
  const missing = [...Array(count).keys()].filter((k) => !seen.has(k));
  const ordered = [...results].sort((a, b) => a.shard!.index - b.shard!.index);
  const exhaustive = mergeExhaustive(ordered, missing.length === 0);
  const bound = exhaustive ? { depth: exhaustive.depth, states: exhaustive.states, transitions: exhaustive.transitions, complete: exhaustive.complete } : null;

  const counterexamples: CheckResult['counterexamples'] = {};
  const properties: PropertyResult[] = first.properties.map((p0, i) => {
    const each = ordered.map((r) => ({ r, p: r.properties[i] }));
    if (p0.verdict === 'not-applicable') return p0;
    const violated = each.filter(({ p }) => p.verdict === 'violated');
    if (violated.length > 0) {
      // The shortest; among equals, the exhaustive one, then the lowest shard.
      const best = violated.reduce((a, b) =>
        (b.p.traceLength ?? Infinity) < (a.p.traceLength ?? Infinity) || (b.p.traceLength === a.p.traceLength && a.p.mode !== 'exhaustive' && b.p.mode === 'exhaustive') ? b : a,
      );
      if (best.r.counterexamples[p0.id]) counterexamples[p0.id] = best.r.counterexamples[p0.id];
      return { ...best.p, bound: best.p.mode === 'exhaustive' ? bound : null };
    }
    const settled = each.every(({ p }) => p.verdict === 'holds' || p.verdict === 'vacuous');
    if (settled && exhaustive?.complete) {
      // A guarding goal unreached by every shard was unreached by the whole search.
      const unreached = (p0.unreached ?? []).filter((g) => each.every(({ p }) => (p.unreached ?? []).includes(g)));
      const { unreached: _drop, reason: _reason, ...rest } = p0;
      return unreached.length ? { ...rest, verdict: 'vacuous', bound, unreached } : { ...rest, verdict: 'holds', bound };
    }
    const why = missing.length
      ? `shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} missing`
      : (each.find(({ p }) => p.verdict === 'inconclusive')?.p.reason ?? 'a shard did not complete its bound');
    const { unreached: _u, ...rest } = p0;
    return { ...rest, verdict: 'inconclusive', bound, reason: why };
  });

  const goals: GoalResult[] = first.goals.map((g0, i) => {
    const reached = ordered.map((r) => r.goals[i]).filter((g) => g.reached);
    if (reached.length === 0) return g0;
    const best = reached.reduce((a, b) => ((b.depth ?? Infinity) < (a.depth ?? Infinity) ? b : a));
    return { ...g0, reached: true, depth: best.depth, mode: best.mode };
  });

  const coverage: CheckResult['coverage'] = {};
  for (const r of ordered) {
    for (const [kind, c] of Object.entries(r.coverage)) {
      const was = coverage[kind] ?? { count: 0, firstDepth: null };
      const depths = [was.firstDepth, c.firstDepth].filter((d): d is number => d !== null);
      coverage[kind] = { count: was.count + c.count, firstDepth: depths.length ? Math.min(...depths) : null };
    }
  }

  const { shard: _shard, ...base } = first;
  return {
    ...base,
    exhaustive,
    random: mergeRandom(ordered),
    properties,
    goals,
    coverage,
    counterexamples,
    merged: { count: count!, present, missing },
  };
}

function mergeExhaustive(results: readonly CheckResult[], allPresent: boolean): ExhaustiveSummary | null {
  const all = results.map((r) => r.exhaustive).filter((e): e is ExhaustiveSummary => e !== null);
  if (all.length === 0) return null;
  const states = sum(all.map((e) => e.states));
  const seconds = Math.max(...all.map((e) => e.seconds));
  const stops = [...new Set(all.map((e) => e.stoppedBy))];
  return {
    depth: Math.max(...all.map((e) => e.depth ?? 0)),
    states,
    transitions: sum(all.map((e) => e.transitions)),
    complete: allPresent && all.every((e) => e.complete),
    ...(all[0].symmetry ? { symmetry: all[0].symmetry } : {}),
    maxDepth: all[0].maxDepth,
    exhausted: allPresent && all.every((e) => e.exhausted),
    stoppedBy: stops.length === 1 ? stops[0] : stops.join('/'),
    // The shards ran side by side: the whole took as long as the slowest.
    seconds,
    statesPerSecond: Math.round(states / Math.max(seconds, 1e-6)),
    bytesPerState: Math.round((sum(all.map((e) => e.bytesPerState * e.states)) / Math.max(states, 1)) * 1000) / 1000,
    collisionProbability: collisionProbability(states),
    crash: mergeCrash(all.map((e) => e.crash)),
  };
}

function mergeCrash(all: readonly (CrashSummary | null)[]): CrashSummary | null {
  const given = all.filter((c): c is CrashSummary => c !== null);
  if (given.length === 0) return null;
  return {
    points: sum(given.map((c) => c.points)),
    successors: sum(given.map((c) => c.successors)),
    maxSuccessors: Math.max(...given.map((c) => c.maxSuccessors)),
    maxPending: Math.max(...given.map((c) => c.maxPending)),
    capped: sum(given.map((c) => c.capped)),
    cap: given[0].cap,
  };
}

function mergeRandom(results: readonly CheckResult[]): RandomSummary | null {
  const all = results.map((r) => r.random).filter((x): x is RandomSummary => x !== null);
  if (all.length === 0) return null;
  const steps = sum(all.map((x) => x.walked.steps));
  const runs = sum(all.map((x) => x.runs));
  const seconds = Math.max(...all.map((x) => x.seconds));
  return {
    runs,
    steps: Math.max(...all.map((x) => x.steps)),
    seed: all[0].seed,
    interrupted: all.some((x) => x.interrupted),
    seconds,
    crash: mergeCrash(all.map((x) => x.crash)),
    walked: {
      steps,
      min: Math.min(...all.map((x) => x.walked.min)),
      mean: Math.round((steps / Math.max(runs, 1)) * 1000) / 1000,
      max: Math.max(...all.map((x) => x.walked.max)),
    },
    stepsPerSecond: Math.round(steps / Math.max(seconds, 1e-6)),
    walksPerSecond: Math.round(runs / Math.max(seconds, 1e-6)),
  };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
