// properties/bench-reflink-cow.ts on block maps built by hand.
import { describe, expect, it } from 'vitest';
import { accounting, freeZeroed, HOLE } from '../../properties/bench-reflink-cow.js';

// Two files; block 0 shared by both, block 1 in file 1 only, block 2 free.
const ext = [
  [0, HOLE],
  [0, 1],
];

describe('accounting', () => {
  it('holds when each ref counts the extents mapping to the block, holes counting for none', () => {
    expect(accounting.check({ ext, ref: [2, 1, 0], data: [0, 0, 0] }, undefined)).toBeUndefined();
  });

  it('names the first block whose ref differs, too high or too low', () => {
    expect(accounting.check({ ext, ref: [2, 1, 1], data: [0, 0, 0] }, undefined)).toBe('block 2 has ref 1 but 0 extent(s) map to it');
    expect(accounting.check({ ext, ref: [1, 1, 0], data: [0, 0, 0] }, undefined)).toBe('block 0 has ref 1 but 2 extent(s) map to it');
  });
});

describe('free-zeroed', () => {
  it('holds when every block of ref 0 holds zeroes, whatever the others hold', () => {
    expect(freeZeroed.check({ ext, ref: [2, 1, 0], data: [7, 8, 0] }, undefined)).toBeUndefined();
  });

  it('names a free block that holds data', () => {
    expect(freeZeroed.check({ ext, ref: [2, 1, 0], data: [7, 8, 9] }, undefined)).toBe('block 2 is free (ref 0) but holds value 9');
  });
});
