import { describe, expect, it } from 'vitest';
import { ByteQueue, Codec } from '../../engine/codec.js';

describe('state codec', () => {
  const values: unknown[] = [
    0,
    -0,
    -16,
    207,
    208,
    -17,
    1000,
    -123456789,
    2 ** 52,
    -(2 ** 53) + 1,
    0.5,
    -1e300,
    NaN,
    '',
    'folio',
    true,
    false,
    null,
    undefined,
    12345678901234567890n,
    [],
    [1, [2, [3]]],
    { a: 1, b: 'x', c: [null] },
    {},
    new Map<unknown, unknown>([
      [1, 'a'],
      ['k', { z: [1] }],
    ]),
    new Set([3, 'x']),
    {
      ext: [
        [-1, 0],
        [2, -1],
      ],
      ref: [1, 1, 0],
      data: [1, 2, 0],
    },
  ];

  it.each(values.map((v) => [String(v), v]))('round-trips %s', (_name, v) => {
    const codec = new Codec();
    const bytes = codec.encode(v).slice();
    expect(codec.decode(bytes)).toEqual(v);
  });

  it('packs a small state into a few bytes', () => {
    expect(
      new Codec().encode({
        ext: [
          [-1, 0],
          [2, -1],
        ],
        ref: [1, 1, 0],
        data: [1, 2, 0],
      }).length,
    ).toBeLessThan(30);
  });

  it('queues many states across chunks and gives them back in order', () => {
    const codec = new Codec();
    const q = new ByteQueue();
    const states = Array.from({ length: 50_000 }, (_, i) => ({ i, pad: 'x'.repeat(i % 7), xs: [i % 3, -i] }));
    for (const s of states) q.push(codec.encode(s));
    expect(q.length).toBe(states.length);
    for (const s of states) {
      const { chunk, offset } = q.shift();
      expect(codec.decode(chunk, offset)).toEqual(s);
    }
  });

  // Each float's eight bytes are read back, not whatever the encoder left in its buffer.
  it('round-trips several floats in one state, -0 and large integers among them', () => {
    const codec = new Codec();
    const v = [0.5, -0.25, 1e300, -0, 2 ** 40, -(2 ** 40), 2 ** 31, -(2 ** 31) - 1];
    const back = codec.decode(codec.encode(v).slice()) as number[];
    expect(back).toEqual(v);
    expect(Object.is(back[3], -0)).toBe(true);
  });

  it("keeps a learned layout's version past one byte, and words past one byte each", () => {
    const codec = new Codec();
    const words = Int32Array.from([0, 63, 64, -65, 300, -70_000, 2 ** 31 - 1, -(2 ** 31)]);
    for (const version of [0, 127, 128, 300, 70_000]) {
      const bytes = codec.encodeWords(words, 0, words.length, version).slice();
      expect(codec.learnedVersion(bytes, 0)).toBe(version);
      expect(codec.isWords(bytes, 0)).toBe(false);
      const out = new Int32Array(words.length);
      codec.decodeWords(bytes, 0, out, words.length);
      expect([...out]).toEqual([...words]);
    }
    const flat = codec.encodeWords(words, 0, words.length).slice();
    expect([codec.isWords(flat, 0), codec.learnedVersion(flat, 0)]).toEqual([true, -1]);
    expect(codec.learnedVersion(codec.encode({ a: 1 }).slice(), 0)).toBe(-1);
  });
});
