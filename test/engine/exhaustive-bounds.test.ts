// engine/exhaustive.ts in detail, on small hand-made models: where the
// search stops (the clock, the signal, memory, all violated, a liveness
// property still to judge), what it reports while it runs, how a shard
// splits the histories, a symmetric initial state, the coverage depths, the
// choice fields of a trace, and a model that does not repeat itself.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exhaustive, nthSuccessor, type Progress } from '../../engine/exhaustive.js';
import { eventually } from '../../engine/liveness.js';
import type { Model } from '../../engine/model.js';
import { compileFingerprint, inferShape } from '../../engine/shape.js';
import { counter, startThenFork } from './toys.js';

/** toys.ts's counter with its `actions` calls counted (one per state expanded), for a clock or signal that turns. */
function counted(max: number) {
  const calls = { n: 0 };
  const base = counter(max);
  const model: Model<{ n: number }, 'inc' | 'dec'> = { ...base, actions: (s) => (calls.n++, base.actions(s)) };
  return { model, calls };
}

interface G {
  a: number;
  b: number;
}
/** Two counters 0..max, each incremented on its own: level d holds the d + 1 states with a + b = d. */
function grid(max: number): Model<G, 'a' | 'b'> & { calls: { n: number } } {
  const calls = { n: 0 };
  return {
    calls,
    initial: { a: 0, b: 0 },
    actions: (s) => (calls.n++, [...(s.a < max ? (['a'] as const) : []), ...(s.b < max ? (['b'] as const) : [])]),
    successors: (s, x) => [x === 'a' ? { a: s.a + 1, b: s.b } : { a: s.a, b: s.b + 1 }],
    label: (x) => x,
    kind: (x) => x,
    always: [],
    sometimes: [],
  };
}

describe('exhaustive search: where it stops', () => {
  afterEach(() => vi.restoreAllMocks());

  it('looks at the clock every 256 states expanded, and stops at the limit exactly', () => {
    // The clock reads 500 at the start and 1500 once 300 states are expanded: the check after
    // the 256th sees no time gone, the one after the 512th sees the limit.
    const { model, calls } = counted(100_000);
    vi.spyOn(performance, 'now').mockImplementation(() => (calls.n > 300 ? 1500 : 500));
    const r = exhaustive(model, { timeLimitMs: 1000 });
    expect(r.stoppedBy).toBe('time');
    expect(r.complete).toBe(false);
    expect(r.states).toBe(513);
    expect(r.elapsedMs).toBe(1000);
  });

  it('never stops on the clock without a time limit', () => {
    const { model, calls } = counted(2000);
    vi.spyOn(performance, 'now').mockImplementation(() => (calls.n > 300 ? 1e12 : 0));
    const r = exhaustive(model);
    expect(r.stoppedBy).toBe('exhausted');
    expect(r.states).toBe(2001);
  });

  it('stops at the next state expanded once the signal is aborted', () => {
    const { model, calls } = counted(1000);
    const r = exhaustive(model, {
      signal: {
        get aborted() {
          return calls.n >= 10;
        },
      },
    });
    expect(r.stoppedBy).toBe('interrupted');
    expect(r.complete).toBe(false);
    expect(r.states).toBe(11);
  });

  it('looks at memory every 4,096 states expanded', () => {
    // A resident-set limit of one byte is over at the first look.
    const r = exhaustive(counter(10_000), { memory: { rssBytes: 1, heapShare: 1 } });
    expect(r.stoppedBy).toBe('memory');
    expect(r.complete).toBe(false);
    expect(r.states).toBe(4097);
  });

  it('stops when the initial state violates every property', () => {
    const model: Model<{ n: number }, 'inc' | 'dec'> = { ...counter(5), always: [{ id: 'p', description: 'never', check: () => 'always wrong' }] };
    const r = exhaustive(model);
    expect(r.stoppedBy).toBe('all-violated');
    expect(r.states).toBe(1);
    expect(r.violations.get('p')).toEqual({ depth: 0, message: 'always wrong', trace: [{ state: { n: 0 } }] });
  });

  it('goes on past every invariant violated while a liveness property it is asked for waits for the whole graph', () => {
    const model: Model<{ n: number }, 'inc' | 'dec'> = {
      ...counter(5, 1),
      liveness: [eventually('reaches-5', 'n reaches 5', (s: { n: number }) => s.n === 5)],
    };
    expect(exhaustive(model).stoppedBy).toBe('exhausted');
    expect(exhaustive(model).states).toBe(6);
    expect(exhaustive(model, { properties: ['below', 'reaches-5'] }).stoppedBy).toBe('exhausted');
    const invariantOnly = exhaustive(model, { properties: ['below'] });
    expect(invariantOnly.stoppedBy).toBe('all-violated');
    expect(invariantOnly.states).toBe(2);
  });

  it('sizes its visited set to a state bound', () => {
    const r = exhaustive(counter(50), { maxStates: 100 });
    expect(r.states).toBe(51);
    // A table for about 100 states, not for millions.
    expect(r.bytesPerState).toBeLessThan(2000);
  });
});

describe('exhaustive search: progress', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Runs the grid with a clock that reads 100 plus the states expanded so far; returns the reports and the expansions at each. */
  function run(progressIntervalMs: number | undefined) {
    const model = grid(60);
    vi.spyOn(performance, 'now').mockImplementation(() => 100 + model.calls.n);
    const reports: { p: Progress; expanded: number }[] = [];
    const r = exhaustive(model, { onProgress: (p) => reports.push({ p, expanded: model.calls.n }), ...(progressIntervalMs === undefined ? {} : { progressIntervalMs }) });
    return { r, reports };
  }

  it('reports at the first look at the clock at least the interval after the last report', () => {
    // The clock is looked at every 256 states expanded.
    expect(
      run(256)
        .reports.map((x) => x.expanded)
        .slice(0, 4),
    ).toEqual([256, 512, 768, 1024]);
    expect(
      run(300)
        .reports.map((x) => x.expanded)
        .slice(0, 3),
    ).toEqual([512, 1024, 1536]);
    expect(
      run(undefined)
        .reports.map((x) => x.expanded)
        .slice(0, 3),
    ).toEqual([1024, 2048, 3072]);
  });

  it('reports the states, transitions, level, queue and time at that point', () => {
    const { reports } = run(256);
    expect(reports.length).toBeGreaterThan(3);
    // Levels up to 60 (1,891 states) grow by one state each; the grid's far corner shrinks them again.
    for (const { p, expanded } of reports.filter((x) => x.expanded <= 1891)) {
      // Level L holds L + 1 states; the state being expanded is on the level whose end reaches `expanded`.
      let level = 0;
      while (((level + 1) * (level + 2)) / 2 < expanded) level++;
      expect(p.depth).toBe(level + 1);
      // Every state stored is expanded or waiting; each state expanded so far has an action per counter below 60.
      expect(p.queue).toBe(p.states - expanded);
      expect(p.elapsedMs).toBe(expanded);
      expect(p.transitions).toBeGreaterThanOrEqual(expanded);
    }
    // The 256th state expanded is the third of level 22: (22, 0), (21, 1), (20, 2); the first of them
    // found two new states on level 23, the others one each: 276 + 4 states stored.
    expect(reports[0].p).toEqual({ states: 280, transitions: 512, depth: 23, queue: 24, elapsedMs: 256 });
  });
});

describe('exhaustive search: shards', () => {
  /** Bit strings up to length 10: level d holds 2^d states. */
  const bits: Model<{ v: number; len: number }, 0 | 1> = {
    initial: { v: 0, len: 0 },
    actions: (s) => (s.len < 10 ? [0, 1] : []),
    successors: (s, b) => [{ v: s.v * 2 + b, len: s.len + 1 }],
    label: (b) => `bit(${b})`,
    kind: () => 'bit',
    always: [],
    sometimes: [],
  };

  it('splits below the first level with 64 states per shard, and the shards share out the subtrees below it', () => {
    // 4 shards: the first level of 256 states or more is level 8 (exactly 256), so the split is at 9; levels 0..8 hold 511 states.
    const whole = exhaustive(bits);
    expect(whole.states).toBe(2047);
    expect(Object.keys(whole)).not.toContain('split');
    const shards = [0, 1, 2, 3].map((index) => exhaustive(bits, { shard: { index, count: 4 } }));
    for (const s of shards) {
      expect(s.split).toBe(9);
      expect(s.states).toBeGreaterThan(511 + 100);
      expect(s.complete).toBe(true);
    }
    expect(shards.reduce((t, s) => t + s.states - 511, 0)).toBe(2047 - 511);
  });

  it('says it never split when the search ends first', () => {
    const r = exhaustive(counter(5), { shard: { index: 1, count: 2 } });
    expect(r.split).toBeNull();
    expect(r.states).toBe(6);
  });
});

describe('exhaustive search: what it records', () => {
  it('records the depth at which each kind first fired', () => {
    const r = exhaustive(counter(3));
    expect(r.coverage.get('inc')).toEqual({ count: 3, firstDepth: 1 });
    expect(r.coverage.get('dec')).toEqual({ count: 3, firstDepth: 2 });
  });

  it('keeps the initial state by its class too', () => {
    // Counters a and b that may be swapped; the initial state (1, 0) or (0, 1), whichever is not its class's
    // representative, and one action to its renaming: one class, one state.
    const fp = compileFingerprint(inferShape({ c: [0, 0] }));
    const words = (c: number[]) => {
      const out = new Uint32Array(2);
      fp({ c }, out);
      return out[0] * 2 ** 32 + out[1];
    };
    const initial = words([1, 0]) > words([0, 1]) ? [1, 0] : [0, 1];
    const model: Model<{ c: number[] }, 'swap'> = {
      initial: { c: initial },
      actions: (s) => (s.c[0] === initial[0] ? ['swap'] : []),
      successors: (s) => [{ c: [s.c[1], s.c[0]] }],
      label: () => 'swap',
      kind: () => 'swap',
      always: [],
      sometimes: [],
      symmetry: { description: 'a and b', permutations: [(s) => ({ c: [s.c[1], s.c[0]] })] },
    };
    expect(exhaustive(model).states).toBe(2);
    expect(exhaustive(model, { symmetry: true }).states).toBe(1);
  });

  it('gives a nondeterministic step of a trace its choice, and a deterministic one none', () => {
    const model = startThenFork();
    const v = exhaustive(model).violations.get('good')!;
    expect(v.trace).toEqual([{ state: { phase: 0, bad: false } }, { action: 'start', state: { phase: 1, bad: false } }, { action: 'go', choice: 1, state: { phase: 2, bad: true } }]);
    expect('choice' in v.trace[1]).toBe(false);
    expect(nthSuccessor(model, { phase: 1, bad: false }, 0)).toEqual({ action: 'go', choice: 0, state: { phase: 2, bad: false } });
    expect(nthSuccessor(model, { phase: 0, bad: false }, 0)).toEqual({ action: 'start', state: { phase: 1, bad: false } });
    expect(nthSuccessor(model, { phase: 0, bad: false }, 1)).toBeUndefined();
  });

  it('refuses to rebuild a trace through a model that does not give the same successors twice', () => {
    // `go` has two successors while the search runs, and one afterwards.
    let searching = true;
    type S = { n: number };
    const model: Model<S, string> = {
      initial: { n: 0 },
      actions: (s) => (s.n === 0 ? ['go'] : []),
      successors: () => (searching ? [{ n: 1 }, { n: 2 }] : [{ n: 1 }]),
      label: (a) => a,
      kind: (a) => a,
      always: [{ id: 'not-2', description: 'n is not 2', check: (s) => (s.n === 2 ? ((searching = false), 'n is 2') : undefined) }],
      sometimes: [],
    };
    expect(() => exhaustive(model, { flat: false })).toThrow('trace rebuild: the model does not give the same successors twice');
  });

  it('keeps states as objects when asked for no learned layout', () => {
    const model: Model<{ xs: number[] }, 'push'> = {
      initial: { xs: [] },
      actions: (s) => (s.xs.length < 3 ? ['push'] : []),
      successors: (s) => [{ xs: [...s.xs, s.xs.length] }],
      label: () => 'push',
      kind: () => 'push',
      always: [],
      sometimes: [],
    };
    const learned = exhaustive(model);
    const plain = exhaustive(model, { learned: false });
    expect(plain.states).toBe(4);
    expect(learned.states).toBe(4);
    expect(plain.representation).toEqual({ words: 0, objects: 4 });
    expect(learned.representation).not.toEqual(plain.representation);
  });
});
