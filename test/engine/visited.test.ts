// engine/visited.ts on its own: a fingerprint is stored once, whatever else
// shares its slot or its words; numbers, parents and ordinals survive the
// table's and the arrays' growth; and the bytes a state, as the header
// gives them, are what the search reports.
import { describe, expect, it } from 'vitest';
import { VisitedStore } from '../../engine/visited.js';

describe('VisitedStore', () => {
  it('numbers states in the order first seen and keeps each one parent and ordinal', () => {
    const v = new VisitedStore();
    expect(v.size).toBe(0);
    expect(v.add(1, 2, -1, 0)).toBe(0);
    expect(v.add(3, 4, 0, 7)).toBe(1);
    expect(v.add(1, 2, 1, 9)).toBe(-1);
    expect(v.size).toBe(2);
    expect([v.parent(0), v.ordinal(0), v.parent(1), v.ordinal(1)]).toEqual([-1, 0, 0, 7]);
    expect(v.full).toBe(false);
  });

  it('tells fingerprints apart by both words, when they share a slot or a word, or a word is 0', () => {
    const v = new VisitedStore();
    // Slots are chosen by the low word (1024 slots at first): 5, 1029 and 2053 share slot 5.
    const keys: [number, number][] = [
      [0, 5],
      [0, 1029],
      [1, 5],
      [2, 5],
      [7, 0],
      [8, 0],
      [0, 2053],
      [0xffffffff, 0xffffffff],
    ];
    keys.forEach(([hi, lo], i) => expect(v.add(hi, lo, -1, i), `${hi}:${lo}`).toBe(i));
    keys.forEach(([hi, lo]) => expect(v.add(hi, lo, -1, 0), `${hi}:${lo} again`).toBe(-1));
    expect(v.size).toBe(keys.length);
  });

  it('stores the fingerprint (0, 0), which marks an empty slot, as (0, 1)', () => {
    const v = new VisitedStore();
    expect(v.add(0, 0, -1, 0)).toBe(0);
    expect(v.add(0, 0, -1, 0)).toBe(-1);
    expect(v.add(0, 1, -1, 0)).toBe(-1);
    expect(v.add(0, 2, -1, 0)).toBe(1);
    expect(v.add(1, 0, -1, 0)).toBe(2);
  });

  it('finds every stored fingerprint again after the table and the arrays have grown', () => {
    const v = new VisitedStore(1);
    // A third of the keys have a high word of 0, a fifth of the others a low word of 0, and eight share each slot
    // of the first table (low words that differ by multiples of 1024).
    // The high words of the others are i times an odd number modulo 2^32, so distinct and never 0.
    const key = (i: number): [number, number] => (i % 3 === 0 ? [0, (i % 8) * 1024 + (i >> 3) + 1] : [Math.imul(i, 0x9e3779b1) >>> 0, i % 5 === 0 ? 0 : (i % 8) * 1024 + (i >> 3)]);
    const n = 5000;
    for (let i = 0; i < n; i++) expect(v.add(...key(i), i - 1, i * 3)).toBe(i);
    for (let i = 0; i < n; i++) expect(v.add(...key(i), 0, 0)).toBe(-1);
    expect(v.size).toBe(n);
    for (const i of [0, 1023, 1024, 1535, 1536, 4999]) expect([v.parent(i), v.ordinal(i)]).toEqual([i - 1, i * 3]);
  });

  it('bytes a state: the table of 2 words a slot, at least 1024 slots and load under 0.8, and 8 bytes a state number', () => {
    // 1024 slots (8 KB) and 1024 numbers (8 KB) for up to 819 expected states.
    expect(new VisitedStore().bytesPerState()).toBe(0);
    const small = new VisitedStore(819);
    small.add(1, 1, -1, 0);
    expect(small.bytesPerState()).toBe(8192 + 8192);
    small.add(1, 2, 0, 0);
    expect(small.bytesPerState()).toBe((8192 + 8192) / 2);
    // 820 expected: 2048 slots (16 KB), still 1024 numbers.
    const more = new VisitedStore(820);
    more.add(1, 1, -1, 0);
    expect(more.bytesPerState()).toBe(16384 + 8192);
    // 4096 expected: 8192 slots (64 KB) and 4096 numbers (32 KB).
    const big = new VisitedStore(4096);
    big.add(1, 1, -1, 0);
    expect(big.bytesPerState()).toBe(65536 + 32768);
  });

  it('grows the table past 0.8 load and the numbers by half', () => {
    const v = new VisitedStore(1);
    for (let i = 0; i < 819; i++) v.add(1, i, -1, 0);
    expect(v.bytesPerState() * 819).toBe(8192 + 8192);
    v.add(1, 819, -1, 0);
    // The 820th state passes 0.8 of 1024 slots: 2048 slots.
    expect(v.bytesPerState() * 820).toBe(16384 + 8192);
    for (let i = 820; i < 1025; i++) v.add(1, i, -1, 0);
    // The 1025th state needs a 1025th number: 1536 of them.
    expect(v.bytesPerState() * 1025).toBe(16384 + 1536 * 8);
  });
});
