// The sector encoding of the DAX world's contents (model/world/sectors.ts):
// one decimal digit per sector, sector 0 first, and S = 1 the value itself.
import { describe, expect, it } from 'vitest';
import { fill, holds, newBlock, put, sectorOf, spanOf, spans } from '../../../model/world/sectors.js';

describe('sector contents', () => {
  it('S = 1 is the whole-block world: a block is its value, and the only span is the whole block', () => {
    expect(spans(1)).toEqual([undefined]);
    for (let v = 0; v <= 4; v++) {
      expect(fill(v, 1)).toBe(v);
      expect(put(3, spanOf({}, 1), v, 1)).toBe(v);
    }
    expect(holds(2, undefined, 2, 1)).toBe(true);
    expect(holds(1, undefined, 2, 1)).toBe(false);
  });
  it('each sector is a digit, sector 0 first', () => {
    expect(fill(2, 2)).toBe(22);
    expect(fill(1, 3)).toBe(111);
    expect([0, 1, 2].map((k) => sectorOf(120, k, 3))).toEqual([1, 2, 0]);
    expect(put(11, { sec: 1, nsec: 1 }, 2, 2)).toBe(12);
    expect(put(11, { sec: 0, nsec: 1 }, 2, 2)).toBe(21);
    expect(put(0, { sec: 1, nsec: 2 }, 3, 3)).toBe(33);
  });
  it('spans: the whole block (unnamed), then every partial range', () => {
    expect(spans(2)).toEqual([undefined, { sec: 0, nsec: 1 }, { sec: 1, nsec: 1 }]);
    expect(spans(3)).toEqual([undefined, { sec: 0, nsec: 1 }, { sec: 1, nsec: 1 }, { sec: 2, nsec: 1 }, { sec: 0, nsec: 2 }, { sec: 1, nsec: 2 }]);
  });
  it('holds: a write that changes no sector of its span', () => {
    expect(holds(12, { sec: 1, nsec: 1 }, 2, 2)).toBe(true);
    expect(holds(12, { sec: 0, nsec: 1 }, 2, 2)).toBe(false);
    expect(holds(12, undefined, 2, 2)).toBe(false);
  });
  it('a new block takes the edges from `around` (copy or zeroes), or keeps its stale contents when broken', () => {
    const span = { sec: 0, nsec: 1 };
    expect(newBlock(11, 22, span, 2, 2, false)).toBe(21);
    expect(newBlock(0, 22, span, 2, 2, false)).toBe(20);
    expect(newBlock(11, 22, span, 2, 2, true)).toBe(22);
  });
});
