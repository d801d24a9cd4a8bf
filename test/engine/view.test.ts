/**
 * The contract that a state object may be reused after a call (engine/model.ts):
 * on the flat layout the exhaustive search hands every new state to the
 * properties in one recycled object, so a property that cached what it read
 * by the state's identity saw the previous state's view. A design's view is
 * now the engine's to compute, once per state.
 */
import { describe, expect, it } from 'vitest';
import { exhaustive } from '../../engine/exhaustive.js';
import type { Model } from '../../engine/model.js';
import { random } from '../../engine/random.js';

interface Pair {
  a: number;
  b: number;
}
type Step = 'a' | 'b';

// Two integers raised to 2 each; the property reads their sum through a view.
const base = {
  initial: { a: 0, b: 0 },
  actions: (s: Pair): Step[] => [...(s.a < 2 ? (['a'] as const) : []), ...(s.b < 2 ? (['b'] as const) : [])],
  successors: (s: Pair, x: Step): Pair[] => [x === 'a' ? { a: s.a + 1, b: s.b } : { a: s.a, b: s.b + 1 }],
  updates: (_s: Pair, x: Step) => (d: Pair) => {
    if (x === 'a') d.a++;
    else d.b++;
  },
  label: (x: Step) => x,
  kind: (x: Step) => x,
};

const withView: Model<Pair, Step, { sum: number }> = {
  ...base,
  view: (s) => ({ sum: s.a + s.b }),
  always: [{ id: 'sum', description: 'a + b < 4', check: (_s, v) => (v.sum >= 4 ? `a + b is ${v.sum}` : undefined) }],
  sometimes: [{ id: 'three', description: 'a + b = 3', reached: (_s, v) => v.sum === 3 }],
};

// What a design did before: a view cached by the state object's identity.
function identityCached(compute: (s: Pair) => { sum: number }): (s: Pair) => { sum: number } {
  const cache = new WeakMap<Pair, { sum: number }>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) cache.set(s, (v = compute(s)));
    return v;
  };
}

describe('a view derived from a reused state', () => {
  for (const flat of [true, false]) {
    it(`is computed for each state, flat layout ${flat ? 'on' : 'off'}`, () => {
      const r = exhaustive(withView, { flat });
      expect(r.states).toBe(9);
      expect(r.violations.get('sum')?.depth).toBe(4);
      expect(r.goals.get('three')?.depth).toBe(3);
    });
  }

  it('reaches the random search as well', () => {
    const r = random(withView, { runs: 50, steps: 10, seed: 1 });
    expect(r.violations.get('sum')?.depth).toBe(4);
  });

  // The toy of issue 10.9, kept to show why the contract forbids identity caches.
  it('an identity cache misses the violation on the flat layout', () => {
    const cached = identityCached((s) => ({ sum: s.a + s.b }));
    const model: Model<Pair, Step> = {
      ...base,
      always: [{ id: 'sum', description: 'a + b < 4', check: (s) => (cached(s).sum >= 4 ? 'a + b >= 4' : undefined) }],
      sometimes: [],
    };
    expect(exhaustive(model, { flat: false }).violations.has('sum')).toBe(true);
    expect(exhaustive(model, { flat: true }).violations.has('sum')).toBe(false);
  });
});
