import { describe, expect, it } from 'vitest';
import { collisionProbability, fingerprint } from '../../engine/fingerprint.js';

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
