// engine/random.ts on small hand-made models: which properties a search
// watches, what its result counts (walks, steps, lengths), where it stops
// (the stop signal and the clock, between walks and inside one), what a
// trace records of a nondeterministic step, the kinds it leaves out, the
// model's fast path, and the errors of a replay path.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CrashStats } from '../../engine/crash.js';
import type { Model } from '../../engine/model.js';
import { isReplayPath, random, ReplayPathError } from '../../engine/random.js';
import { counter, lockModel, startThenFork } from './toys.js';

interface N {
  n: number;
}

/** A chain 0 -> 1 -> ... -> len with one action `step`; properties given by the test. */
function chain(len: number, always: Model<N, string>['always'], extra: Partial<Model<N, string>> = {}): Model<N, string> {
  return {
    initial: { n: 0 },
    actions: (s) => (s.n < len ? ['step'] : []),
    successors: (s) => [{ n: s.n + 1 }],
    label: (a) => a,
    kind: (a) => a,
    always,
    sometimes: [],
    ...extra,
  };
}
/** A property nothing violates: a search walks only while some property is still watched. */
const never = { id: 'never', description: 'holds everywhere', check: () => undefined };
/** The counter of toys.ts with a property to watch, so that its walks run. */
const watched = (max: number): Model<{ n: number }, 'inc' | 'dec'> => ({ ...counter(max), always: [never] });
const at = (id: string, k: number) => ({ id, description: `n != ${k}`, check: (s: N) => (s.n === k ? `${id}: n is ${k}` : undefined) });

describe('random search: the properties it watches', () => {
  it('watches only the properties asked for, one or several, and reports each with its own message', () => {
    const model = chain(10, [at('a', 2), at('b', 4), at('c', 6)]);
    const one = random(model, { runs: 20, steps: 10, seed: 1, properties: ['b'] });
    expect([...one.violations.keys()]).toEqual(['b']);
    expect(one.violations.get('b')!.message).toBe('b: n is 4');
    expect(one.violations.get('b')!.depth).toBe(4);
    const two = random(model, { runs: 20, steps: 10, seed: 1, properties: ['a', 'c'] });
    expect([...two.violations.keys()].sort()).toEqual(['a', 'c']);
    expect(two.violations.get('c')!.message).toBe('c: n is 6');
    expect(two.violations.get('c')!.depth).toBe(6);
  });

  it('goes on watching the other properties once one is violated', () => {
    // a is met on every walk of 2 steps or more, c only on walks of 6 or more.
    const r = random(chain(10, [at('a', 2), at('c', 6)]), { runs: 20, steps: 10, seed: 1 });
    expect(r.violations.get('a')?.depth).toBe(2);
    expect(r.violations.get('c')?.depth).toBe(6);
  });

  it('reports a violation of the initial state at depth 0', () => {
    // Only the initial state is bad: no later state shows it.
    const r = random(chain(5, [at('zero', 0)]), { runs: 5, steps: 5, seed: 1 });
    const v = r.violations.get('zero')!;
    expect(v.depth).toBe(0);
    expect(v.trace).toEqual([{ state: { n: 0 } }]);
    expect(v.message).toBe('zero: n is 0');
    expect(r.runs).toBe(1);
  });

  it('reports nothing where the fast model shows a violation that the model does not', () => {
    // The fast model says n = 3 is bad; the model itself (which shrinking replays) does not.
    const model = chain(6, [{ id: 'p', description: 'never', check: () => undefined }]);
    const fast = chain(6, [at('p', 3)]);
    const r = random(model, { runs: 10, steps: 6, seed: 1 }, fast);
    expect(r.violations.has('p')).toBe(false);
    expect(r.violations.size).toBe(0);
    // The property is dropped from the watch after the walk that showed it: no later walk is tried.
    expect(r.runs).toBeLessThan(10);
  });

  it("records the first state of a trace as the model's initial state", () => {
    const v = random(counter(20, 6), { runs: 300, steps: 60, seed: 3 }).violations.get('below')!;
    expect(v.trace[0]).toEqual({ state: { n: 0 } });
    expect(v.trace.map((s) => s.state.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('random search: what it counts', () => {
  it('grows walks to full length over the first quarter of the runs, and counts their steps', () => {
    // Counter walks never dead-end: walk w has min(steps, ceil(steps * 4 * (w + 1) / runs)) steps, here 5 then 10.
    const r = random(watched(50), { runs: 8, steps: 10, seed: 1 });
    expect(r.runs).toBe(8);
    expect(r.steps).toBe(10);
    expect(r.walked).toEqual({ steps: 75, min: 5, mean: 75 / 8, max: 10 });
    const fired = (r.coverage.get('inc')?.count ?? 0) + (r.coverage.get('dec')?.count ?? 0);
    expect(fired).toBe(75);
  });

  it('keeps the longest walk as the maximum even when a later one is shorter', () => {
    // From 0: `long` starts a chain of 3 more steps, `short` ends the walk at once.
    type S = { at: 'start' | 'long' | 'end'; k: number };
    const model: Model<S, string> = {
      initial: { at: 'start', k: 0 },
      actions: (s) => (s.at === 'start' ? ['long', 'short'] : s.at === 'long' && s.k < 3 ? ['more'] : []),
      successors: (s, a) => [a === 'long' ? { at: 'long', k: 0 } : a === 'short' ? { at: 'end', k: 0 } : { at: 'long', k: s.k + 1 }],
      label: (a) => a,
      kind: (a) => a,
      always: [never],
      sometimes: [],
    };
    // With this seed the last walk takes `short` (found by trying seeds): the maximum is an earlier walk's.
    const r = random(model, { runs: 40, steps: 4, seed: 1 });
    const short = r.coverage.get('short')?.count ?? 0;
    const long = r.coverage.get('long')?.count ?? 0;
    const more = r.coverage.get('more')?.count ?? 0;
    expect(short).toBeGreaterThan(0);
    expect(long).toBeGreaterThan(0);
    expect(r.walked.steps).toBe(short + long + more);
    expect(r.walked.min).toBe(1);
    expect(r.walked.max).toBe(4);
    expect(r.walked.mean).toBe(r.walked.steps / 40);
  });

  it('records the shortest depth at which a goal is reached over all walks', () => {
    // A goal first met on a long wandering walk is recorded again when a later walk reaches it sooner.
    // With this seed the first walk to reach n = 4 takes 6 steps (found by trying seeds); a later one takes 4.
    const r = random(watched(4), { runs: 40, steps: 30, seed: 3 });
    expect(r.goals.get('at-max')?.depth).toBe(4);
  });

  it('has no path in its result unless one was replayed, and a crash summary only for a model with crash points', () => {
    const r = random(watched(5), { runs: 4, steps: 5, seed: 1 });
    expect(Object.keys(r)).not.toContain('path');
    expect(Object.keys(r)).not.toContain('crash');
    const stats = new CrashStats(7);
    const crashy: Model<N, string> = { ...chain(3, [never]), crash: { isCrash: () => false, stats } };
    const c = random(crashy, { runs: 2, steps: 3, seed: 1 });
    expect(c.crash).toEqual({ points: 0, successors: 0, maxSuccessors: 0, maxPending: 0, capped: 0, cap: 7 });
  });

  it('draws a seed of its own for each search that is given none', () => {
    const seeds = Array.from({ length: 10 }, () => random(watched(2), { runs: 1, steps: 1 }).seed);
    expect(new Set(seeds).size).toBe(10);
    for (const s of seeds) expect(Number.isSafeInteger(s)).toBe(true);
  });
});

describe('random search: where it stops', () => {
  afterEach(() => vi.restoreAllMocks());

  /** A counter whose `actions` calls are counted, for a signal or clock that turns after so many steps. */
  function counted(max: number) {
    const calls = { n: 0 };
    const base = watched(max);
    const model: Model<{ n: number }, 'inc' | 'dec'> = { ...base, actions: (s) => (calls.n++, base.actions(s)) };
    return { model, calls };
  }

  it('stops before the first walk when the signal is already aborted', () => {
    const r = random(watched(5), { runs: 50, steps: 5, seed: 1, signal: { aborted: true } });
    expect(r.interrupted).toBe(true);
    expect(r.runs).toBe(0);
    expect(r.walked).toEqual({ steps: 0, min: 0, mean: 0, max: 0 });
  });

  it('looks at the signal inside a long walk every 4,096 steps, and stops the search there', () => {
    const { model, calls } = counted(1_000_000);
    const signal = {
      get aborted() {
        return calls.n > 100;
      },
    };
    const r = random(model, { runs: 2, steps: 10_000, seed: 1, signal });
    expect(r.interrupted).toBe(true);
    expect(r.runs).toBe(1);
    expect(r.walked.steps).toBe(4095);
  });

  it('walks a long walk to its end when nothing stops it', () => {
    const r = random(watched(1_000_000), { runs: 1, steps: 5000, seed: 1 });
    expect(r.interrupted).toBe(false);
    expect(r.walked.steps).toBe(5000);
  });

  it('looks at the clock inside a long walk every 4,096 steps, at the limit exactly', () => {
    // The clock reads 500 at the start and 1500 (the deadline exactly) once the walk has made 100 steps.
    const { model, calls } = counted(1_000_000);
    vi.spyOn(performance, 'now').mockImplementation(() => (calls.n > 100 ? 1500 : 500));
    const r = random(model, { runs: 2, steps: 10_000, seed: 1, timeLimitMs: 1000 });
    expect(r.interrupted).toBe(true);
    expect(r.runs).toBe(1);
    expect(r.walked.steps).toBe(4095);
    expect(r.elapsedMs).toBe(1000);
  });

  it('looks at the clock between walks every 64 walks, at the limit exactly', () => {
    // One-step walks (the first quarter of 1,000 runs of 2 steps); the clock passes the limit after walk 10.
    const { model, calls } = counted(5);
    vi.spyOn(performance, 'now').mockImplementation(() => (calls.n > 10 ? 1000 : 0));
    const r = random(model, { runs: 1000, steps: 2, seed: 1, timeLimitMs: 1000 });
    expect(r.interrupted).toBe(true);
    expect(r.runs).toBe(64);
    expect(r.walked.steps).toBe(64);
  });

  it('never stops on the clock without a time limit', () => {
    const { model, calls } = counted(5);
    vi.spyOn(performance, 'now').mockImplementation(() => (calls.n > 10 ? 1e12 : 0));
    const r = random(model, { runs: 200, steps: 2, seed: 1 });
    expect(r.interrupted).toBe(false);
    expect(r.runs).toBe(200);
  });
});

describe('random search: the steps it records and takes', () => {
  it('records which successor a nondeterministic step took, and nothing for a deterministic one', () => {
    const model = startThenFork();
    const v = random(model, { runs: 20, steps: 4, seed: 1 }).violations.get('good')!;
    expect(v.trace).toEqual([{ state: { phase: 0, bad: false } }, { action: 'start', state: { phase: 1, bad: false } }, { action: 'go', choice: 1, state: { phase: 2, bad: true } }]);
    expect('choice' in v.trace[1]).toBe(false);
  });

  /** From 0: `jump` (listed first) makes n = 100 at once; `inc` adds one; bad from 3 on. At n = 1 only `hop` (to 2) is enabled. */
  function jumpy(): Model<N, string> {
    return {
      initial: { n: 0 },
      actions: (s) => (s.n === 1 ? ['hop'] : s.n < 3 ? ['jump', 'inc'] : []),
      successors: (s, a) => [{ n: a === 'jump' ? 100 : s.n + 1 }],
      label: (a) => a,
      kind: (a) => a,
      always: [{ id: 'small', description: 'n < 3', check: (s) => (s.n >= 3 ? `n is ${s.n}` : undefined) }],
      sometimes: [],
    };
  }

  it('leaves out the omitted kinds where another is enabled, and takes them where none is, shrinking included', () => {
    const model = jumpy();
    const plain = random(model, { runs: 50, steps: 6, seed: 1 }).violations.get('small')!;
    expect(plain.trace.slice(1).map((s) => s.action)).toEqual(['jump']);
    const r = random(model, { runs: 50, steps: 6, seed: 1, omit: (k) => k !== 'inc' });
    const v = r.violations.get('small')!;
    expect(v.trace.slice(1).map((s) => s.action)).toEqual(['inc', 'hop', 'inc']);
    expect(v.message).toBe('n is 3');
    expect(r.coverage.get('jump')).toBeUndefined();
    expect(r.coverage.get('hop')?.count).toBeGreaterThan(0);
  });

  it('ends a history at a state where nothing is enabled, while shrinking too', () => {
    // `stop` (listed first, so where fast-check shrinks to) ends everything; two `go`s are bad.
    // Like a real model, `successors` refuses an action the state does not enable.
    type S = { n: number; done: boolean };
    const model: Model<S, string> = {
      initial: { n: 0, done: false },
      actions: (s) => (s.done ? [] : s.n === 0 ? ['stop', 'go'] : ['go']),
      successors: (s, a) => {
        if (s.done || (a !== 'go' && a !== 'stop')) throw new Error(`${String(a)} is not enabled`);
        return [a === 'stop' ? { n: s.n, done: true } : { n: s.n + 1, done: false }];
      },
      label: (a) => a,
      kind: (a) => a,
      always: [{ id: 'once', description: 'at most one go', check: (s) => (s.n >= 2 ? 'two gos' : undefined) }],
      sometimes: [],
    };
    const v = random(model, { runs: 30, steps: 5, seed: 1 }).violations.get('once')!;
    expect(v.trace.slice(1).map((s) => s.action)).toEqual(['go', 'go']);
    expect(v.message).toBe('two gos');
  });

  it("walks on the model's updates where it gives them, without asking for successors", () => {
    let asked = 0;
    const base = watched(10);
    const model: Model<{ n: number }, 'inc' | 'dec'> = {
      ...base,
      successors: (s, a) => (asked++, base.successors(s, a)),
      updates: (_s, a) => (t) => void (t.n += a === 'inc' ? 1 : -1),
    };
    const r = random(model, { runs: 10, steps: 8, seed: 1 });
    expect(asked).toBe(0);
    expect(r.goals.get('at-max')).toBeUndefined();
    expect(r.walked.steps).toBeGreaterThan(0);
    // Several updates: the walk takes the one its choice names.
    const two: Model<{ n: number }, 'inc' | 'dec'> = {
      ...base,
      always: [{ id: 'even', description: 'n even', check: (s) => (s.n % 2 === 1 ? `n is ${s.n}` : undefined) }],
      successors: (s) => [{ n: s.n + 2 }, { n: s.n + 1 }],
      updates: () => [(t) => void (t.n += 2), (t) => void (t.n += 1)],
      actions: (s) => (s.n < 10 ? ['inc'] : []),
    };
    const v = random(two, { runs: 20, steps: 5, seed: 1 }).violations.get('even')!;
    expect(v.trace.slice(1)).toEqual([{ action: 'inc', choice: 1, state: { n: 1 } }]);
  });
});

describe('random search: replay paths', () => {
  it('takes only whole numbers that are safe integers', () => {
    expect(isReplayPath('12:0:3')).toBe(true);
    expect(isReplayPath('1:99999999999999999999')).toBe(false);
    expect(isReplayPath('99999999999999999999:1')).toBe(false);
  });

  it('says what is wrong with a path, in an error of its own class', () => {
    const model = lockModel(['check-then-set'], 'immer');
    const err = (path: string): ReplayPathError => {
      try {
        random(model, { runs: 50, steps: 30, seed: 7, path });
      } catch (e) {
        return e as ReplayPathError;
      }
      throw new Error('no error');
    };
    const past = err('50');
    expect(past).toBeInstanceOf(ReplayPathError);
    expect(past.name).toBe('ReplayPathError');
    expect(past.message).toBe("path '50' starts at walk 50, but the search makes only 50 walks (0..49)");
    const none = err('0:99999');
    expect(none).toBeInstanceOf(ReplayPathError);
    expect(none.message).toBe("path '0:99999' leads to no case of the search with seed 7, 50 walks of up to 30 steps");
  });

  it('refuses a path into the shrinks of a violating walk that fast-check cannot follow', () => {
    const model = lockModel(['check-then-set'], 'immer');
    const v = random(model, { runs: 50, steps: 30, seed: 7 }).violations.get('mutual-exclusion')!;
    // The walk violates, but fast-check's shrinks of it run out before this path does.
    const path = `${v.path.split(':')[0]}:0:0:0:0:0:0:0:0:99`;
    const go = () => random(model, { runs: 50, steps: 30, seed: 7, path });
    expect(go).toThrow(ReplayPathError);
    expect(go).toThrow(`path '${path}' leads to no case of the search with seed 7, 50 walks of up to 30 steps`);
  });
});
