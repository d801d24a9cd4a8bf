import { describe, expect, it } from 'vitest';
import { collisionProbability, fingerprint, fingerprintInto } from '../../engine/fingerprint.js';
import { compileFingerprint, inferShape } from '../../engine/shape.js';

describe('fingerprint', () => {
  it('is the same for equal data whatever the order of keys, map entries and set members', () => {
    expect(fingerprint({ a: 1, b: [2, 3] })).toBe(fingerprint({ b: [2, 3], a: 1 }));
    expect(
      fingerprint(
        new Map([
          [1, 'x'],
          [2, 'y'],
        ]),
      ),
    ).toBe(
      fingerprint(
        new Map([
          [2, 'y'],
          [1, 'x'],
        ]),
      ),
    );
    expect(fingerprint(new Set([1, 2, 3]))).toBe(fingerprint(new Set([3, 1, 2])));
  });

  it('tells apart values that differ only in type, nesting or order', () => {
    const values: unknown[] = [
      [1, 2],
      [2, 1],
      [[1], 2],
      [1, [2]],
      ['1', 2],
      [1n, 2],
      [true, 2],
      [null, 2],
      [undefined, 2],
      { a: 1 },
      { b: 1 },
      { a: '1' },
      new Map([[1, 1]]),
      new Set([1]),
      [1],
      [],
      {},
      0,
      -1,
      0.5,
      '',
      'a',
      { a: [1, 2] },
      { a: [2, 1] },
      { a: 1, b: 2 },
      { a: 2, b: 1 },
    ];
    const fps = new Set(values.map(fingerprint));
    expect(fps.size).toBe(values.length);
  });

  // Each kind's own branch of the walk: a branch lost (null walked as an empty
  // record, floats or a Map's entries not walked, a string mixed as a number)
  // makes two of these collide.
  it('tells apart nulls, floats, bigints, strings in arrays, and Maps and Sets by their entries', () => {
    const values: unknown[] = [
      null,
      {},
      undefined,
      [],
      0.5,
      0.25,
      [0.5],
      [0.25],
      ['a'],
      ['b'],
      1n,
      2n,
      '1',
      { a: null },
      { a: {} },
      new Map([[1, 2]]),
      new Map([[1, 3]]),
      new Map([[3, 2]]),
      new Map(),
      new Set([1]),
      new Set([2]),
      new Set([1, 2]),
      new Set(),
      { m: new Map([[1, 2]]) },
      { m: new Map([[2, 1]]) },
    ];
    expect(new Set(values.map(fingerprint)).size).toBe(values.length);
  });

  it('prints sixteen hex digits, leading zeros kept', () => {
    for (let i = 0; i < 300; i++) expect(fingerprint({ i, s: `v${i}` })).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses what is not plain data, naming its type', () => {
    expect(() => fingerprint({ f: () => 1 })).toThrow(/only plain data, not a function/);
    expect(() => fingerprint([Symbol('x')])).toThrow(/not a symbol/);
  });

  // The shape-compiled fingerprint (engine/shape.ts) must give every value the
  // walker's hash, also where it falls back to the walker (a value off its
  // shape): else one state would be kept under two hashes.
  it('is what the shape-compiled fingerprint gives, on and off its shape', () => {
    const sample = {
      ext: [
        [1, 2],
        [3, -1],
      ],
      name: 's',
      fault: null as unknown,
    };
    const compiled = compileFingerprint(inferShape(sample));
    const a = new Uint32Array(2),
      b = new Uint32Array(2);
    for (const v of [sample, { ...sample, ext: [[1, 2, 3]] }, { ...sample, fault: { f: 1, at: 0.5 } }, { ...sample, name: 7 }, { ...sample, extra: new Set([1]) }, [1, 2]]) {
      compiled(v, a);
      fingerprintInto(v, b);
      expect([...a], JSON.stringify(v)).toEqual([...b]);
    }
  });

  it('gives distinct fingerprints to every small state of a grid', () => {
    const fps = new Set<string>();
    let n = 0;
    for (let a = -1; a < 12; a++)
      for (let b = -1; b < 12; b++)
        for (let c = 0; c < 12; c++)
          for (let d = 0; d < 4; d++) {
            fps.add(
              fingerprint({
                ext: [
                  [a, b],
                  [c, -1],
                ],
                ref: [d, a],
                data: [b, c, d],
              }),
            );
            n++;
          }
    expect(fps.size).toBe(n);
  });

  it('estimates the chance of a collision by the birthday bound', () => {
    expect(collisionProbability(1)).toBe(0);
    expect(collisionProbability(2 ** 32)).toBeCloseTo(1 - Math.exp(-0.5), 6);
    expect(collisionProbability(1e7)).toBeLessThan(1e-5);
  });
});
