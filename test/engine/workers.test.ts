// The exhaustive search in worker threads (engine/workers.ts) against the
// search in one thread: at a completed bound the same states, transitions,
// coverage, verdicts, goals and shortest counterexample lengths, on the
// word path (the benchmark), the learned and the generic one (kernel
// designs). The searches run from dist/ (built by npm test first), whose
// workers start in a fraction of the time the sources take through tsx; the
// last test runs the sources' own, through tsx.
import { describe, expect, it } from 'vitest';
import type { WorkerModelJob } from '../../checker/worker-model.js';
import { exhaustive, type ExhaustiveOptions, type ExhaustiveResult } from '../../engine/exhaustive.js';
import { fingerprint } from '../../engine/fingerprint.js';
import { propertiesOf, type Model } from '../../engine/model.js';
import { exhaustiveWorkers as fromSources } from '../../engine/workers.js';
import { resolveConfig } from '../../model/config.js';
import { findDesign } from '../../model/designs/index.js';
import { instantiate } from '../../model/instantiate.js';
import { toyCounter } from '../fixtures/worker-toys.js';

const { exhaustiveWorkers } = (await import(new URL('../../dist/engine/workers.js', import.meta.url).href)) as typeof import('../../engine/workers.js');
const WORKER_MODEL = new URL('../../dist/checker/worker-model.js', import.meta.url).href;
const TOYS = new URL('../fixtures/worker-toys.js', import.meta.url).href;

function setup(name: string, params: Record<string, number> = {}, bugs: string[] = []) {
  const design = findDesign(name);
  const cfg = resolveConfig(design, params, bugs);
  const job: WorkerModelJob = { design: name, params: cfg.params, bugs: [...cfg.bugs], amends: [] };
  return { model: instantiate(design, cfg, 'copy') as Model<unknown, unknown, unknown>, source: { module: WORKER_MODEL, data: job } };
}

/** What must not depend on the number of threads, traces by their length. */
function outcome(r: ExhaustiveResult<unknown, unknown>) {
  return {
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    complete: r.complete,
    stoppedBy: r.stoppedBy,
    coverage: r.coverage.report([]),
    representation: r.representation,
    crash: r.crash ?? null,
    symmetry: r.symmetry,
    violations: Object.fromEntries([...r.violations].map(([id, v]) => [id, v.depth])),
    goals: Object.fromEntries([...r.goals].map(([id, g]) => [id, g.depth])),
  };
}

/** Every trace is a path of the model from its initial state, of its depth's length, to a state that does what it was found for. */
function expectRealTraces(model: Model<unknown, unknown, unknown>, r: ExhaustiveResult<unknown, unknown>): void {
  const props = new Map(propertiesOf(model).map((p) => [p.id, p]));
  const goals = new Map(model.sometimes.map((g) => [g.id, g]));
  const walk = (trace: readonly { state: unknown; action?: unknown; choice?: number }[], depth: number) => {
    expect(trace.length - 1).toBe(depth);
    expect(fingerprint(trace[0].state)).toBe(fingerprint(model.initial));
    for (let i = 1; i < trace.length; i++) {
      const ok = model.successors(trace[i - 1].state, trace[i].action).some((t) => fingerprint(t) === fingerprint(trace[i].state));
      expect(ok).toBe(true);
    }
    return trace[trace.length - 1].state;
  };
  for (const [id, v] of r.violations) {
    const last = walk(v.trace, v.depth);
    expect(props.get(id)!.check(last, model.view?.(last))).toBe(v.message);
  }
  for (const [id, g] of r.goals) {
    const last = walk(g.trace, g.depth);
    expect(goals.get(id)!.reached(last, model.view?.(last))).toBe(true);
  }
}

function sameAsOneThread(name: string, params: Record<string, number>, bugs: string[], options: ExhaustiveOptions, counts: number[] = [1, 2, 3]) {
  const { model, source } = setup(name, params, bugs);
  const plain = exhaustive(model, options);
  expect(plain.complete).toBe(true);
  for (const workers of counts) {
    const r = exhaustiveWorkers(model, source, { ...options, workers });
    // With workers the learned layout is off (engine/workers.ts): such states are kept as objects.
    const mine = outcome(r);
    if (options.learned) expect(mine.representation.words).toBe(0);
    expect({ workers, ...mine, representation: null }).toEqual({ workers, ...outcome(plain), representation: null });
    if (!options.learned) expect(mine.representation).toEqual(plain.representation);
    expect(r.workers).toBe(workers);
    expectRealTraces(model, r);
  }
  return plain;
}

describe('exhaustive search with workers', () => {
  it('bench-reflink-cow small, on the word path: the counts of the one-thread search with 1, 2 and 3 workers', () => {
    const plain = sameAsOneThread('bench-reflink-cow', { F: 3, B: 2, P: 4, V: 3 }, [], {});
    // The benchmark's own figures (bench/configs.ts).
    expect([plain.states, plain.transitions, plain.representation.objects]).toEqual([38_753, 640_188, 0]);
  });

  it('bench-reflink-cow with a bug toggle: the violation at the same least depth, its trace a real history', () => {
    const plain = sameAsOneThread('bench-reflink-cow', {}, ['no-zero-on-free'], {}, [2]);
    expect(plain.violations.get('free-zeroed')?.depth).toBe(2);
  });

  it('fsdax-shared at depth 3, on the generic path: the same verdicts, goals and deadlock length', () => {
    const plain = sameAsOneThread('fsdax-shared', {}, [], { maxDepth: 3, learned: false });
    expect(plain.representation.words).toBe(0);
    expect(plain.violations.get('deadlock')?.depth).toBe(3);
  });

  it('pmem-nofsync-naive at depth 8 with crash points: the same violations and crash figures as the learned path in one thread', () => {
    const plain = sameAsOneThread('pmem-nofsync-naive', {}, [], { maxDepth: 8, learned: true });
    expect(plain.representation.objects).toBe(0);
    expect(plain.crash?.points).toBeGreaterThan(0);
    expect(plain.violations.size).toBeGreaterThan(0);
  });

  it('netfs-regions at depth 3: the same counts as the learned path in one thread, with 2 workers', () => {
    sameAsOneThread('netfs-regions', {}, [], { maxDepth: 3, learned: true }, [2]);
  });

  it('symmetry and shards are honoured as in one thread', () => {
    sameAsOneThread('bench-reflink-cow', { F: 3, B: 2, P: 4, V: 3 }, [], { symmetry: true }, [2]);
    const { model, source } = setup('bench-reflink-cow', { F: 3, B: 2, P: 4, V: 3 });
    const shard = { index: 1, count: 3 };
    const plain = exhaustive(model, { shard, maxDepth: 6 });
    const r = exhaustiveWorkers(model, source, { shard, maxDepth: 6, workers: 2 });
    expect(outcome(r)).toEqual(outcome(plain));
    expect(r.split).toBe(plain.split);
  });

  it('the same traces every run for a given number of workers', () => {
    // Levels of thousands of states, so that each worker drops what it has stored from what came in while it expanded.
    const { model, source } = setup('fsdax-shared', {}, []);
    const traces = () => {
      const r = exhaustiveWorkers(model, source, { maxDepth: 4, workers: 2 });
      const found = [...r.violations, ...r.goals].map(([id, f]) => [id, f.depth, f.trace.map((s) => fingerprint(s.state))]);
      expect(found.some(([, depth]) => depth === 4)).toBe(true);
      return found;
    };
    expect(traces()).toEqual(traces());
  });

  it('stops at --max-states, at the time limit and when aborted, incomplete', () => {
    const { model, source } = setup('bench-reflink-cow', { F: 3, B: 2, P: 4, V: 3 });
    const capped = exhaustiveWorkers(model, source, { maxStates: 1000, workers: 2 });
    expect(capped.stoppedBy).toBe('states');
    expect(capped.complete).toBe(false);
    // Another worker may store a state or two before it sees the stop.
    expect(capped.states).toBeGreaterThanOrEqual(1000);
    expect(capped.states).toBeLessThan(1010);
    const late = exhaustiveWorkers(model, source, { timeLimitMs: 1, workers: 2 });
    expect([late.stoppedBy, late.complete]).toEqual(['time', false]);
    const aborted = exhaustiveWorkers(model, source, { signal: { aborted: true }, workers: 2 });
    expect([aborted.stoppedBy, aborted.complete]).toEqual(['interrupted', false]);
  });

  it('from the sources: a worker whose model throws ends the search with its error; one that made another model is refused', () => {
    const model = toyCounter({ max: 50 });
    const exhaustiveWorkers = fromSources;
    const run = () => exhaustiveWorkers(model, { module: TOYS, data: { max: 50, throwAt: 20 } }, { workers: 3 });
    expect(run).toThrow(/^toy counter: boom at 20$/);
    // A worker that made another model than this thread's is refused.
    expect(() => exhaustiveWorkers(model, { module: TOYS, data: { max: 50, start: 3 } }, { workers: 2 })).toThrow(/starts from another state/);
    const ok = exhaustiveWorkers(model, { module: TOYS, data: { max: 50 } }, { workers: 2 });
    expect([ok.states, ok.transitions, ok.goals.get('at-max')?.depth]).toEqual([51, 100, 50]);
  });
});
