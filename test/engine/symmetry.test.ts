// Symmetry reduction (engine/symmetry.ts) on small models whose classes are
// known by hand: the reduced search keeps one state per class, on the word
// path and the generic path alike; its traces are histories of the model
// itself; and the self-check passes a symmetry and fails a declaration that
// is not one, whether or not the outcomes show it.
import { describe, expect, it } from 'vitest';
import { exhaustive, type ExhaustiveOptions } from '../../engine/exhaustive.js';
import type { Model } from '../../engine/model.js';
import { selfCheck } from '../../engine/symmetry.js';
import { permutations } from '../../model/symmetry.js';

interface Counters {
  c: number[];
}

/**
 * K counters 0..max, each incremented on its own; `bad` when the first
 * reaches max. Swapping counters is a symmetry of the transitions, and of
 * every property that treats them alike.
 */
function counters(K: number, max: number, options: { firstOnly?: boolean; resetFirst?: boolean } = {}): Model<Counters, number> {
  // Action i increments counter i; with resetFirst, action -1 sets counter 0 back to 0.
  return {
    initial: { c: new Array<number>(K).fill(0) },
    actions: (s) => [...s.c.flatMap((n, i) => (n < max ? [i] : [])), ...(options.resetFirst && s.c[0] > 0 ? [-1] : [])],
    successors: (s, i) => [{ c: s.c.map((n, j) => (i < 0 ? (j === 0 ? 0 : n) : j === i ? n + 1 : n)) }],
    updates: (_s, i) => (t) => {
      if (i < 0) t.c[0] = 0;
      else t.c[i] += 1;
    },
    label: (i) => (i < 0 ? 'reset(0)' : `inc(${i})`),
    kind: (i) => (i < 0 ? 'reset' : 'inc'),
    always: [
      options.firstOnly
        ? { id: 'below-max', description: 'counter 0 below max', check: (s) => (s.c[0] === max ? 'counter 0 at max' : undefined) }
        : { id: 'below-max', description: 'no two counters at max', check: (s) => (s.c.filter((n) => n === max).length >= 2 ? 'two counters at max' : undefined) },
    ],
    sometimes: [{ id: 'one-at-max', description: 'some counter at max', reached: (s) => s.c.includes(max) }],
    symmetry: {
      description: 'counters',
      permutations: permutations(K)
        .slice(1)
        .map((p) => (s: Counters) => {
          const c = s.c.slice();
          s.c.forEach((n, i) => (c[p[i]] = n));
          return { c };
        }),
    },
  };
}

const choose = (n: number, k: number): number => (k === 0 ? 1 : (choose(n - 1, k - 1) * n) / k);
/** Multisets of K values out of max+1: the classes of counters(K, max). */
const classes = (K: number, max: number) => choose(max + K, K);

describe('symmetry reduction', () => {
  it('keeps one state per class, on the word path and on the generic path', () => {
    for (const [K, max] of [
      [2, 3],
      [3, 2],
      [4, 2],
    ]) {
      const model = counters(K, max);
      const all = exhaustive(model, { properties: [] });
      expect(all.states).toBe((max + 1) ** K);
      expect(all.symmetry).toBeNull();
      for (const flat of [true, false]) {
        const reduced = exhaustive(model, { properties: [], symmetry: true, flat });
        expect(reduced.states, `K=${K} max=${max} flat=${flat}`).toBe(classes(K, max));
        expect(reduced.symmetry).toBe('counters');
      }
    }
  });

  it('is off unless asked for, and does nothing for a model without a symmetry', () => {
    const { symmetry: _, ...plain } = counters(2, 3);
    expect(exhaustive(plain, { symmetry: true }).states).toBe(16);
    expect(exhaustive(counters(2, 3)).states).toBe(16);
  });

  it('finds a shortest counterexample that is a history of the model itself', () => {
    const model = counters(3, 2);
    const options: ExhaustiveOptions = { symmetry: true };
    const v = exhaustive(model, options).violations.get('below-max')!;
    expect(v.depth).toBe(exhaustive(model).violations.get('below-max')!.depth);
    expect(v.trace.length - 1).toBe(4);
    // Replayed step by step from the initial state with the model's own successors.
    let state = model.initial;
    for (const step of v.trace.slice(1)) {
      expect(model.actions(state)).toContain(step.action);
      state = model.successors(state, step.action!)[0];
      expect(state).toEqual(step.state);
    }
    expect(model.always[0].check(state, undefined)).toBe('two counters at max');
  });
});

describe('the symmetry self-check', () => {
  it('passes a symmetry, and reports what the reduction saved', () => {
    const r = selfCheck(counters(3, 2), { properties: [] });
    expect(r.ok).toBe(true);
    expect(r.differences).toEqual([]);
    expect(r.states).toEqual({ reduced: 10, unreduced: 27 });
    expect(r.statesChecked).toBe(27);
  });

  it('fails a property that names one member of the class, with the verdict that differs', () => {
    // Unreduced: counter 0 reaches 2 at depth 2. Reduced, the class of (0, 2) may be kept as
    // (2, 0) or (0, 2), and the verdict or its depth depends on which.
    const r = selfCheck(counters(2, 2, { firstOnly: true }));
    expect(r.ok).toBe(false);
    expect(r.differences.some((d) => d.startsWith('property below-max judges a state and its renaming'))).toBe(true);
  });

  it('fails transitions that treat the members unalike, even where the outcomes agree', () => {
    // Only counter 0 may be reset: not a symmetry, but a reset reaches only
    // classes already reached no deeper, so the outcomes of the two searches
    // agree and only the commutation check sees it.
    const model = counters(2, 2, { resetFirst: true });
    const reduced = exhaustive(model, { symmetry: true });
    const unreduced = exhaustive(model);
    expect(reduced.violations.get('below-max')?.depth).toBe(unreduced.violations.get('below-max')?.depth);
    expect(reduced.goals.get('one-at-max')?.depth).toBe(unreduced.goals.get('one-at-max')?.depth);
    const r = selfCheck(model);
    expect(r.ok).toBe(false);
    expect(r.differences[0]).toMatch(/^the successors of a state renamed by permutation 1 are not the renamed successors/);
  });
});
