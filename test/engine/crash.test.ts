/**
 * The crash model on a toy storage: the crash successors are exactly the
 * persistent outcomes, with and without ordering and with the cap; a capped
 * search is inconclusive; shrinking moves a crash earlier.
 */
import { describe, expect, it } from 'vitest';
import { CrashStats, crashOutcomes, type Piece } from '../../engine/crash.js';
import { exhaustive } from '../../engine/exhaustive.js';
import { minimise } from '../../engine/random.js';
import type { Step } from '../../engine/model.js';
import { check } from '../../checker/check.js';
import { crashPoint, defineDesign } from '../../model/design.js';
import { defaultConfig, resolveConfig } from '../../model/config.js';
import { instantiate } from '../../model/instantiate.js';

const sets = (survivors: readonly ReadonlySet<string>[]) => survivors.map((s) => [...s].sort().join(''));

describe('crashOutcomes', () => {
  it('independent pieces: every subset', () => {
    const o = crashOutcomes([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    expect(sets(o.survivors).sort()).toEqual(['', 'a', 'ab', 'abc', 'ac', 'b', 'bc', 'c']);
    expect(o).toMatchObject({ pending: 3, considered: 3 });
  });

  it('a chain: only the prefixes', () => {
    const o = crashOutcomes([{ id: 'c', after: ['b'] }, { id: 'a' }, { id: 'b', after: ['a'] }]);
    expect(sets(o.survivors).sort()).toEqual(['', 'a', 'ab', 'abc']);
  });

  it('a piece after two: it survives only with both', () => {
    const o = crashOutcomes([{ id: 'a' }, { id: 'b' }, { id: 'c', after: ['a', 'b'] }]);
    expect(sets(o.survivors).sort()).toEqual(['', 'a', 'ab', 'abc', 'b']);
  });

  it('ordered after a piece no longer pending: that one is durable, no constraint', () => {
    expect(sets(crashOutcomes([{ id: 'a', after: ['gone'] }]).survivors)).toEqual(['', 'a']);
  });

  it('nothing pending: one outcome, nothing survives', () => {
    expect(sets(crashOutcomes([]).survivors)).toEqual(['']);
  });

  it('the cap considers the oldest pieces; the rest, and what is ordered after them, are lost', () => {
    const pending: Piece[] = [{ id: 'a' }, { id: 'b', after: ['c'] }, { id: 'c' }];
    const o = crashOutcomes(pending, 2);
    expect(o).toMatchObject({ pending: 3, considered: 2 });
    expect(sets(o.survivors).sort()).toEqual(['', 'a']);
    expect(sets(crashOutcomes([{ id: 'a' }, { id: 'b' }, { id: 'c' }], 1).survivors)).toEqual(['', 'a']);
  });

  it('refuses to enumerate more than 2^20 outcomes without a cap', () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: `p${i}` }));
    expect(() => crashOutcomes(many)).toThrow(/crash cap/);
    expect(crashOutcomes(many, 3).survivors).toHaveLength(8);
  });
});

// A toy storage: cells written through a volatile cache. `O=1` orders the
// write of each cell after the write of the cell before it.
interface Toy {
  media: number[];
  cache: (number | null)[];
  crashes: number;
}
type ToyAction = { kind: 'write'; i: number } | { kind: 'flush' } | { kind: 'noop' } | { kind: 'crash' };

const toy = defineDesign<Toy, ToyAction>({
  name: 'toy-storage',
  summary: 'cells behind a volatile cache',
  seed: 'test',
  params: {
    N: { default: 3, min: 1, max: 4, description: 'cells' },
    O: { default: 0, min: 0, max: 1, description: 'the storage orders each write after the previous cell' },
  },
  bugs: {},
  init: ({ params: { N } }) => ({ media: new Array(N).fill(0), cache: new Array(N).fill(null), crashes: 0 }),
  // Cells are written in order, as a log is; O says whether the storage keeps that order.
  actions: (s) => [
    ...s.cache.flatMap((c, i) => (c === null && s.media[i] === 0 && (i === 0 || s.cache[i - 1] !== null || s.media[i - 1] !== 0) ? [{ kind: 'write' as const, i }] : [])),
    ...(s.cache.some((c) => c !== null) ? [{ kind: 'flush' as const }] : []),
    ...(s.crashes === 0 ? [{ kind: 'crash' as const }, { kind: 'noop' as const }] : []),
  ],
  next: {
    write:
      ({ i }) =>
      (d) => {
        d.cache[i] = 1;
      },
    flush: () => (d) => {
      d.cache.forEach((c, i) => {
        if (c !== null) d.media[i] = c;
      });
      d.cache.fill(null);
    },
    noop: () => () => {},
    crash: crashPoint((_a, s, cfg) => ({
      pending: s.cache.flatMap((c, i) => (c === null ? [] : [{ id: `c${i}`, ...(cfg.params.O && i > 0 ? { after: [`c${i - 1}`] } : {}) }])),
      persist: (d, survivors) => {
        d.cache.forEach((c, i) => {
          if (c !== null && survivors.has(`c${i}`)) d.media[i] = c;
        });
      },
      recover: (d) => {
        d.cache.fill(null);
        d.crashes++;
      },
    })),
  },
  always: [
    {
      id: 'prefix',
      description: 'the cells on media are a prefix',
      check: (s) => (s.media.some((m, i) => i > 0 && m === 1 && s.media[i - 1] === 0) ? 'a cell is on media before the one before it' : undefined),
    },
  ],
  sometimes: [],
});

describe('crash successors of a design', () => {
  const crashFrom = (O: number) => {
    const model = instantiate(toy, resolveConfig(toy, { N: 3, O }, []));
    const state: Toy = { media: [0, 0, 0], cache: [1, 1, 1], crashes: 0 };
    expect(model.actions(state).map((a) => a.kind)).toContain('crash');
    return model.successors(state, { kind: 'crash' }).map((t) => t.media.join(''));
  };

  it('without ordering: all 8 media states, cache gone, recovery run', () => {
    expect(crashFrom(0).sort()).toEqual(['000', '001', '010', '011', '100', '101', '110', '111']);
    const model = instantiate(toy, defaultConfig(toy));
    const after = model.successors({ media: [0, 0, 0], cache: [1, null, null], crashes: 0 }, { kind: 'crash' });
    expect(after).toEqual([
      { media: [0, 0, 0], cache: [null, null, null], crashes: 1 },
      { media: [1, 0, 0], cache: [null, null, null], crashes: 1 },
    ]);
  });

  it('with ordering: only the prefixes', () => {
    expect(crashFrom(1).sort()).toEqual(['000', '100', '110', '111']);
  });

  it('immer and copy give the same crash successors', () => {
    const cfg = defaultConfig(toy);
    const state: Toy = { media: [0, 0, 0], cache: [1, 1, null], crashes: 0 };
    const a = instantiate(toy, cfg, 'immer').successors(state, { kind: 'crash' });
    const b = instantiate(toy, cfg, 'copy').successors(state, { kind: 'crash' });
    expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(b)));
  });

  it('the exhaustive search counts crash points and their successors', () => {
    const ex = exhaustive(instantiate(toy, resolveConfig(toy, { N: 2, O: 1 }, []), 'copy'));
    // Ordered, a crash point with k cells cached has k+1 successors: at most 3.
    expect(ex.crash).toBeDefined();
    expect(ex.crash!.maxSuccessors).toBe(3);
    expect(ex.crash!.maxPending).toBe(2);
    expect(ex.crash!.capped).toBe(0);
    expect(ex.crash!.points).toBeGreaterThan(0);
  });

  it('check: ordered holds; unordered is violated; a cap that cuts makes it inconclusive', () => {
    const held = check(toy, { mode: 'exhaustive', params: { O: 1 } });
    expect(held.properties[0].verdict).toBe('holds');
    expect(held.exhaustive!.crash!.capped).toBe(0);
    const capped = check(toy, { mode: 'exhaustive', params: { O: 1 }, crashCap: 1 });
    expect(capped.properties[0].verdict).toBe('inconclusive');
    expect(capped.properties[0].reason).toMatch(/crash cap/);
    expect(capped.exhaustive!.crash!.capped).toBeGreaterThan(0);
    const broken = check(toy, { mode: 'exhaustive', params: { O: 0 } });
    expect(broken.properties[0].verdict).toBe('violated');
    expect(broken.properties[0].actions).toEqual(['write(i=0)', 'write(i=1)', 'crash()']);
    // A capped search still finds real violations.
    expect(check(toy, { mode: 'exhaustive', params: { O: 0 }, crashCap: 2 }).properties[0].verdict).toBe('violated');
    const rnd = check(toy, { mode: 'random', params: { O: 0 }, seed: 7, runs: 200, steps: 8 });
    expect(rnd.properties[0].verdict).toBe('violated');
    expect(rnd.properties[0].actions).toEqual(['write(i=0)', 'write(i=1)', 'crash()']);
  });

  it('shrinking drops steps before a crash, choosing the outcome afresh', () => {
    const model = instantiate(toy, resolveConfig(toy, { N: 3 }, []));
    // After a crash, cell 0 is on media while cell 1 is cached.
    const failing = (s: Toy) => s.crashes === 1 && s.media[0] === 1 && s.cache[1] === 1;
    const actions: ToyAction[] = [{ kind: 'write', i: 0 }, { kind: 'noop' }, { kind: 'flush' }, { kind: 'crash' }, { kind: 'write', i: 1 }];
    let state = model.initial;
    const trace: Step<Toy, ToyAction>[] = [{ state }];
    for (const action of actions) {
      const succ = model.successors(state, action);
      state = succ[0];
      trace.push(succ.length > 1 ? { action, choice: 0, state } : { action, state });
    }
    expect(failing(state)).toBe(true);
    const small = minimise(model, trace, failing);
    // Without the flush, the crash must keep cell 0: another outcome than the recorded one.
    expect(small.slice(1).map((s) => model.label(s.action!))).toEqual(['write(i=0)', 'crash()', 'write(i=1)']);
    expect(small[2].choice).toBe(1);
  });

  it('shrinking moves a crash as early as the violation still shows', () => {
    type Counter = { n: number; crashed: boolean };
    type Act = { kind: 'inc' } | { kind: 'crash' };
    const model = {
      initial: { n: 0, crashed: false },
      actions: (s: Counter): Act[] => [...(s.n < 3 ? [{ kind: 'inc' as const }] : []), ...(s.crashed ? [] : [{ kind: 'crash' as const }])],
      successors: (s: Counter, a: Act): Counter[] => [a.kind === 'inc' ? { ...s, n: s.n + 1 } : { ...s, crashed: true }],
      label: (a: Act) => a.kind,
      kind: (a: Act) => a.kind,
      always: [],
      sometimes: [],
      crash: { isCrash: (a: Act) => a.kind === 'crash', stats: new CrashStats() },
    };
    const failing = (s: Counter) => s.crashed && s.n === 2;
    let state = model.initial;
    const trace: Step<Counter, Act>[] = [{ state }];
    for (const action of [{ kind: 'inc' }, { kind: 'inc' }, { kind: 'crash' }] as Act[]) {
      state = model.successors(state, action)[0];
      trace.push({ action, state });
    }
    expect(
      minimise(model, trace, failing)
        .slice(1)
        .map((s) => s.action!.kind),
    ).toEqual(['crash', 'inc', 'inc']);
  });
});
