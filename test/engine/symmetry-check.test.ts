// engine/symmetry.ts in detail: the canonical fingerprint is the least over
// the orbit (hi word first, then lo), and the self-check's bounds (depth,
// states to rename, properties asked for) and messages (verdicts and goals
// that differ, judgements and successors that do not commute, the bound
// reached) on small hand-made models.
import { describe, expect, it } from 'vitest';
import type { Model } from '../../engine/model.js';
import { compileFingerprint, inferShape } from '../../engine/shape.js';
import { canonicalFingerprint, selfCheck, type Symmetry } from '../../engine/symmetry.js';

interface C {
  c: number[];
}

const swap = (s: C): C => ({ c: [s.c[1], s.c[0]] });
const swapping: Symmetry<C> = { description: 'the two counters', permutations: [swap] };

/** Two counters, each incremented on its own up to max; `step[i]` is what inc(i) adds; optional properties and goals. */
function pair(max: number, extra: Partial<Model<C, number>> = {}, step: [number, number] = [1, 1]): Model<C, number> {
  return {
    initial: { c: [0, 0] },
    actions: (s) => s.c.flatMap((n, i) => (n < max ? [i] : [])),
    successors: (s, i) => [{ c: s.c.map((n, j) => (j === i ? Math.min(max, n + step[i]) : n)) }],
    label: (i) => `inc(${i})`,
    kind: () => 'inc',
    always: [],
    sometimes: [],
    symmetry: swapping,
    ...extra,
  };
}

describe('the canonical fingerprint', () => {
  const fp = compileFingerprint(inferShape({ c: [0, 0] }));
  const words = (s: C): [number, number] => {
    const out = new Uint32Array(2);
    fp(s, out);
    return [out[0], out[1]];
  };
  const canonical = (symmetry: Symmetry<C>, s: C): [number, number] => {
    const out = new Uint32Array(2);
    canonicalFingerprint({ c: [0, 0] }, symmetry)(s, out);
    return [out[0], out[1]];
  };
  const least = (a: [number, number], b: [number, number]) => (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]) ? a : b);

  it('is the least fingerprint over the orbit, the same for every member', () => {
    for (const s of [{ c: [0, 1] }, { c: [3, 7] }, { c: [9, 2] }, { c: [5, 5] }]) {
      const expected = least(words(s), words(swap(s)));
      expect(canonical(swapping, s)).toEqual(expected);
      expect(canonical(swapping, swap(s))).toEqual(expected);
    }
  });

  it('compares the lo word where the hi words are equal', () => {
    // Two states whose fingerprints share the hi word (found by search); a renaming that exchanges them.
    const a = { c: [60, 371] },
      b = { c: [134, 245] };
    expect(words(a)[0]).toBe(words(b)[0]);
    expect(words(a)[1]).toBeLessThan(words(b)[1]);
    const same = (x: C, y: C) => x.c[0] === y.c[0] && x.c[1] === y.c[1];
    const exchange: Symmetry<C> = { description: 'a and b', permutations: [(s) => (same(s, a) ? b : same(s, b) ? a : s)] };
    expect(canonical(exchange, a)).toEqual(words(a));
    expect(canonical(exchange, b)).toEqual(words(a));
  });
});

describe('the symmetry self-check: bounds', () => {
  it('refuses a model that declares no symmetry', () => {
    const { symmetry: _, ...plain } = pair(2);
    expect(() => selfCheck(plain)).toThrow('symmetry self-check: the model declares no symmetry');
  });

  it('renames only the states within the depth bound', () => {
    // (0,0) at depth 0, (1,0) and (0,1) at depth 1: 3 states, none expanded past depth 1.
    const r = selfCheck(pair(3), { maxDepth: 1 });
    expect(r.ok).toBe(true);
    expect(r.statesChecked).toBe(3);
    expect(r.states).toEqual({ reduced: 2, unreduced: 3 });
  });

  it('renames at most the states it is told to, else all it meets', () => {
    expect(selfCheck(pair(3), { commuteStates: 5 }).statesChecked).toBe(5);
    expect(selfCheck(pair(3)).statesChecked).toBe(16);
  });

  it('renames each state once, the initial one included, where a history comes back to it', () => {
    // Counters modulo 3: inc(0) from (2, 0) is (0, 0) again.
    const model: Model<C, number> = { ...pair(3), actions: () => [0, 1], successors: (s, i) => [{ c: s.c.map((n, j) => (j === i ? (n + 1) % 3 : n)) }] };
    const r = selfCheck(model);
    expect(r.ok).toBe(true);
    expect(r.statesChecked).toBe(9);
  });

  it('says when the bound is complete one way and not the other', () => {
    // 16 states unreduced, 10 classes: a bound of 12 states stops only the unreduced search.
    const r = selfCheck(pair(3), { maxStates: 12 });
    expect(r.ok).toBe(false);
    expect(r.differences).toEqual(['bound: complete true reduced, false unreduced']);
  });
});

describe('the symmetry self-check: what differs', () => {
  // Only counter 1 is watched: (0, 1) is met at depth 1 unreduced, but the reduced search keeps its class as (1, 0).
  const onlySecond = (s: C) => s.c[0] === 0 && s.c[1] === 1;

  it('names a property whose verdict differs, and leaves it out unless asked for', () => {
    const model = pair(1, { always: [{ id: 'p', description: 'never (0, 1)', check: (s) => (onlySecond(s) ? 'at (0, 1)' : undefined) }] });
    const r = selfCheck(model);
    expect(r.ok).toBe(false);
    expect(r.differences).toContain('property p: not violated reduced, violated at depth 1 unreduced');
    expect(r.differences).toContain('property p judges a state and its renaming 1 differently (depth 1): {"c":[1,0]}');
    expect(selfCheck(model, { properties: ['p'] }).differences).toContain('property p: not violated reduced, violated at depth 1 unreduced');
    const left = selfCheck(model, { properties: [] });
    expect(left.differences.some((d) => d.startsWith('property p:'))).toBe(false);
  });

  it('gives the depths of a verdict that differs in depth', () => {
    const second = (s: C) => s.c[1] === 1;
    const r = selfCheck(pair(1, { always: [{ id: 'q', description: 'counter 1 at 0', check: (s) => (second(s) ? 'counter 1 at 1' : undefined) }] }));
    expect(r.differences[0]).toBe('property q: violated at depth 2 reduced, violated at depth 1 unreduced');
  });

  it('names a goal reached differently, and a goal that judges a renaming differently', () => {
    const model = pair(1, {
      always: [{ id: 'fine', description: 'holds', check: () => undefined }],
      sometimes: [{ id: 'g', description: 'reach (0, 1)', reached: onlySecond }],
    });
    const r = selfCheck(model);
    expect(r.differences).toEqual([
      'goal g: not reached reduced, reached at depth 1 unreduced',
      'goal g judges a state and its renaming 1 differently (depth 1): {"c":[1,0]}',
      'goal g judges a state and its renaming 1 differently (depth 1): {"c":[0,1]}',
    ]);
  });

  it('finds successors that are not the renamed ones, of the same number or of fewer', () => {
    // inc(1) adds 2: from (0, 0) the successors are (1, 0) and (0, 2), renamed (0, 1) and (2, 0).
    const uneven = selfCheck(pair(2, {}, [1, 2]), { maxDepth: 0 });
    expect(uneven.differences).toContain('the successors of a state renamed by permutation 1 are not the renamed successors (depth 0, 2 vs 2): {"c":[0,0]}');
    // Only counter 0 moves, and only from (0, 0) and (1, 0): (0, 0) gets (1, 0) for (0, 1);
    // (1, 0) has a successor, its renaming (0, 1) none.
    const one: Model<C, number> = { ...pair(2), actions: (s) => (s.c[1] === 0 && s.c[0] < 2 ? [0] : []) };
    expect(selfCheck(one).differences).toEqual([
      'the successors of a state renamed by permutation 1 are not the renamed successors (depth 0, 1 vs 1): {"c":[0,0]}',
      'the successors of a state renamed by permutation 1 are not the renamed successors (depth 1, 0 vs 1): {"c":[1,0]}',
    ]);
  });

  it('stops once it has found five differences', () => {
    // Every state but the symmetric ones judges its renaming differently: (1,0), (0,1), (2,0), (0,2), (3,0),
    // the 7th state met breadth first, make five.
    const model = pair(5, { always: [{ id: 'first', description: 'counter 0 at 0', check: (s) => (s.c[0] > 0 ? 'moved' : undefined) }] });
    const r = selfCheck(model, { properties: [] });
    expect(r.differences).toHaveLength(5);
    expect(r.statesChecked).toBe(7);
  });
});
