// engine/clone.ts on values written out: the generic copy and the copier
// compiled from a sample's shape give equal copies that share no object with
// the original, on values of the sample's shape and on values that leave it
// at any node (where the compiled copier falls back to the generic one).
import { describe, expect, it } from 'vitest';
import { clone, compileClone } from '../../engine/clone.js';

/** Every object reachable in `copy` is a new one: none is reachable in `original`. */
function unaliased(original: unknown, copy: unknown): boolean {
  const seen = new Set<unknown>();
  const collect = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Map) for (const [k, x] of v) (collect(k), collect(x));
    else if (v instanceof Set) for (const x of v) collect(x);
    else for (const x of Object.values(v)) collect(x);
  };
  collect(original);
  let shared = false;
  const check = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    if (seen.has(v)) shared = true;
    if (v instanceof Map) for (const x of v.values()) check(x);
    else if (v instanceof Set) for (const x of v) check(x);
    else for (const x of Object.values(v)) check(x);
  };
  check(copy);
  return !shared;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a copier compiled for one shape is called on values of other shapes on purpose
const copies = (copy: (v: any) => unknown, v: unknown) => {
  const c = copy(v);
  expect(c).toEqual(v);
  expect(unaliased(v, c)).toBe(true);
  return c;
};

describe('clone', () => {
  it('returns primitives as they are', () => {
    for (const v of [3, -1, 0.5, 'a', true, null, undefined, 5n]) expect(clone(v)).toBe(v);
  });

  it('copies arrays, records, Maps and Sets all the way down', () => {
    copies(clone, [1, [2, [3]], { a: [4] }, null, 'x']);
    copies(clone, { a: 1, b: { c: [1, 2], d: null }, e: 'x' });
    const m = copies(
      clone,
      new Map<number, unknown>([
        [1, { a: [1] }],
        [2, 3],
      ]),
    ) as Map<number, unknown>;
    expect(m).toBeInstanceOf(Map);
    const s = copies(clone, new Set<unknown>([1, [2], { a: 3 }])) as Set<unknown>;
    expect(s).toBeInstanceOf(Set);
  });
});

describe('compileClone', () => {
  const sample = {
    ext: [
      [0, 1],
      [2, -1],
    ],
    ref: [1, 1, 0],
    pair: [3, { a: 1 }],
    folio: [{ mapping: 0, index: 1 }],
    n: 4,
  };

  it("copies values of the sample's shape", () => {
    const copy = compileClone(sample);
    expect(copy).not.toBe(clone);
    copies(copy, sample);
    copies(copy, {
      ext: [
        [5, 6],
        [7, 8],
        [9, 9],
      ],
      ref: [],
      pair: [0, { a: 2 }],
      folio: [
        { mapping: 1, index: 0 },
        { mapping: 2, index: 2 },
      ],
      n: -3,
    });
  });

  it('copies values that leave the shape at any node', () => {
    const copy = compileClone(sample);
    const others: unknown[] = [
      { ...sample, n: { deep: [1] } },
      { ...sample, n: [1, 2] },
      { ...sample, ext: 'none' },
      { ...sample, ext: [[0, 1], 'row', { r: [1] }] },
      { ...sample, ref: [[1], { a: 1 }] },
      { ...sample, pair: [3, { a: 1 }, 5] },
      { ...sample, pair: { 0: 3, 1: { a: 1 } } },
      { ...sample, folio: [{ mapping: 0 }] },
      { ...sample, folio: [{ mapping: 0, index: 1, extra: [2] }] },
      { ...sample, folio: [{ mapping: 0, other: 1 }] },
      { ...sample, folio: [new Map([[1, [2]]])] },
      { ext: sample.ext },
      { ...sample, more: { x: [1] } },
      [sample],
      null,
      7,
    ];
    for (const v of others) copies(copy, v);
  });

  it('keeps the holes of a sparse array, as the generic copy does', () => {
    // A sparse array is a shape of its own (engine/shape.ts): a hole filled with undefined would be another state.
    const holes = (xs: unknown[]) => [...xs.keys()].filter((i) => !(i in xs));
    const sparse = <T>(xs: T[], hole: number): T[] => {
      const out = xs.slice();
      delete out[hole];
      return out;
    };
    const generic = clone([sparse([1, 2, 3], 1), sparse([[1], [2]], 0)]);
    expect(holes(generic[0])).toEqual([1]);
    expect(holes(generic[1])).toEqual([0]);
    // Lists of integers and lists of anything (an empty list in the sample) are copied whole by the generic copy.
    const copy = compileClone({ ints: [1, 2], any: [] as unknown[] });
    const v = { ints: sparse([4, 5, 6], 0), any: sparse<unknown>(['a', [7], { b: 8 }], 1) };
    const c = copies(copy, v) as typeof v;
    expect(holes(c.ints)).toEqual([0]);
    expect(holes(c.any)).toEqual([1]);
    expect(c).toStrictEqual(v);
  });

  it('compiles a tuple at the top; anything else is the generic copy', () => {
    const copy = compileClone([1, { a: [2] }]);
    expect(copy).not.toBe(clone);
    copies(copy, [5, { a: [6, 7] }]);
    copies(copy, [5, { a: [6] }, 8]);
    copies(copy, { 0: 5, 1: { a: [6] } });
    expect(compileClone(3)).toBe(clone);
    expect(compileClone([1, 2, 3])).toBe(clone);
    expect(compileClone(new Map())).toBe(clone);
  });
});
