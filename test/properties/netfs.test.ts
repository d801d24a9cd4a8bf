// properties/netfs.ts, the RFC's region rules R1-R10, on netfs states built by
// hand (netfs-states.ts): each on a state where it holds and, per clause, one
// where it is broken, with the message naming the culprit.
import { describe, expect, it } from 'vitest';
import * as P from '../../properties/netfs.js';
import { world, folio, region, writer, check } from './netfs-states.js';
import type { NetfsState } from '../../model/netfs/world.js';

describe('R1 region-resident', () => {
  it('holds when every folio under an unwritten region is present; an empty region needs none', () => {
    expect(check(P.regionResident, world({ folio: [folio(), folio()], regions: [region(1, 3, 'dirty')] }))).toBeUndefined();
    expect(check(P.regionResident, world({ regions: [region(2, 2, 'dirty'), region(1, 1, 'dirty')] }))).toBeUndefined();
    expect(check(P.regionResident, world({ folio: [null, folio()], regions: [region(2, 4, 'active')] }))).toBeUndefined();
  });

  it('names the first folio of an unwritten region that is gone, its last one too', () => {
    expect(check(P.regionResident, world({ folio: [folio(), null], regions: [region(1, 3, 'flushing')] }))).toBe('flushing ordinary region [1,3) group 1 but folio 1 is not in the page cache');
    expect(check(P.regionResident, world({ folio: [null, folio()], regions: [region(1, 2, 'dirty')] }))).toBe('dirty ordinary region [1,2) group 1 but folio 0 is not in the page cache');
  });
});

describe('R2 region-exclusion', () => {
  it('holds for disjoint active writes, and for an overlapping one still pending', () => {
    const s = world({ writers: [writer(0, 2, 1), writer(2, 4, 2, { phase: 'syncing' }), writer(1, 3, 3, { phase: 'pending' })] });
    expect(check(P.regionExclusion, s)).toBeUndefined();
  });

  it('names two overlapping writes past their lock, whichever of the list they are', () => {
    const s = world({ writers: [writer(0, 1, 1), writer(2, 4, 2), writer(3, 4, 3, { kind: 'dio', phase: 'syncing' })] });
    expect(check(P.regionExclusion, s)).toBe('buffered write 2 [2,4) and dio write 3 [3,4) are both active');
  });
});

describe('R3 flush-exclusion', () => {
  it('holds while the flushed bytes are what was sent; a folio gone is not judged', () => {
    const f = region(0, 3, 'flushing', 'ordinary', { box: [0, 4], payload: ['5', '6', '7', '0'] });
    expect(check(P.flushExclusion, world({ folio: [folio([5, 6]), folio([7, 9])], regions: [f] }))).toBeUndefined();
    expect(check(P.flushExclusion, world({ folio: [folio([5, 6]), null], regions: [f] }))).toBeUndefined();
    expect(check(P.flushExclusion, world({ folio: [folio([1, 1]), folio([1, 1])], regions: [{ ...f, state: 'dirty' }] }))).toBeUndefined();
  });

  it('a byte changed in flight, with the payload offset by the box', () => {
    const f = region(1, 4, 'flushing', 'ordinary', { box: [0, 4], payload: ['E0', 'E6', 'E7', 'E8'] });
    expect(check(P.flushExclusion, world({ folio: [folio([0, 6]), folio([7, 8])], regions: [f] }))).toBeUndefined();
    expect(check(P.flushExclusion, world({ folio: [folio([0, 6]), folio([7, 3])], regions: [f] }))).toBe(
      'byte 3 of flushing ordinary region [1,4) group 1 was changed from 8 to 3 while it was in flight',
    );
    const late = region(3, 4, 'flushing', 'ordinary', { box: [2, 4], payload: ['7', '8'] });
    expect(check(P.flushExclusion, world({ folio: [folio(), folio([7, 8])], regions: [late] }))).toBeUndefined();
    expect(check(P.flushExclusion, world({ folio: [folio(), folio([8, 7])], regions: [late] }))).toBe(
      'byte 3 of flushing ordinary region [3,4) group 1 was changed from 8 to 7 while it was in flight',
    );
  });
});

describe('R4 dirty-mark', () => {
  it('holds when PG_dirty and PG_writeback match the regions on each folio', () => {
    const s = world({ folio: [folio([0, 0], { dirty: true }), folio([0, 0], { writeback: true })], regions: [region(0, 1, 'active'), region(3, 4, 'flushing'), region(2, 2, 'dirty')] });
    expect(check(P.dirtyMark, s)).toBeUndefined();
    expect(check(P.dirtyMark, world({ folio: [null, folio()], regions: [region(0, 2, 'dirty')] }))).toBeUndefined();
    // An empty region is on no folio, even one strictly inside.
    expect(check(P.dirtyMark, world({ folio: [folio(), folio()], regions: [region(3, 3, 'dirty'), region(1, 1, 'flushing')] }))).toBeUndefined();
  });

  it('a dirty mark without a dirty region, and a dirty region without the mark', () => {
    expect(check(P.dirtyMark, world({ folio: [folio(), folio([0, 0], { dirty: true })], regions: [region(2, 2, 'dirty'), region(3, 4, 'flushing')] }))).toBe(
      'folio 1 is marked dirty but no dirty region is on it',
    );
    expect(check(P.dirtyMark, world({ folio: [folio(), folio()], regions: [region(1, 3, 'dirty')] }))).toBe('folio 0 is not marked dirty but a dirty region is on it');
  });

  it('writeback without a flushing region, and a flushing region without writeback', () => {
    expect(check(P.dirtyMark, world({ folio: [folio([0, 0], { writeback: true }), folio()] }))).toBe('folio 0 is under writeback but no flushing region is on it');
    expect(check(P.dirtyMark, world({ folio: [folio(), folio()], regions: [region(3, 4, 'flushing')] }))).toBe('folio 1 is not under writeback but a flushing region is on it');
  });
});

describe('R5 group-order', () => {
  it('holds when what goes to the server is of the earliest unwritten group', () => {
    const s = world({ regions: [region(0, 1, 'flushing', 'ordinary', { group: 2 }), region(1, 2, 'dirty', 'ordinary', { group: 2 }), region(2, 3, 'dirty', 'semi', { group: 1 })] });
    expect(check(P.groupOrder, s)).toBeUndefined();
    // A flush to the cache only, or of semi-dirty data, does not count as going to the server.
    const cacheOnly = world({
      regions: [region(0, 1, 'flushing', 'ordinary', { group: 3, toServer: false }), region(2, 3, 'flushing', 'semi', { group: 3 }), region(1, 2, 'dirty', 'ordinary', { group: 1 })],
    });
    expect(check(P.groupOrder, cacheOnly)).toBeUndefined();
    // Dirty data of a later group waits: only what is flushing goes to the server.
    expect(check(P.groupOrder, world({ regions: [region(0, 1, 'dirty', 'ordinary', { group: 2 }), region(1, 2, 'dirty', 'ordinary', { group: 1 })] }))).toBeUndefined();
  });

  it('a later group going to the server, or already uploaded, over unwritten data of an earlier one', () => {
    const s = world({ regions: [region(1, 2, 'dirty', 'ordinary', { group: 1 }), region(0, 1, 'flushing', 'ordinary', { group: 2 })] });
    expect(check(P.groupOrder, s)).toBe('group 2 is going to the server while dirty ordinary region [1,2) group 1 is still unwritten');
    const uploaded = world({ regions: [region(1, 2, 'active', 'ordinary', { group: 2 })] });
    uploaded.ghost.uploadedGroup = 3;
    expect(check(P.groupOrder, uploaded)).toBe('group 3 is going to the server while active ordinary region [1,2) group 2 is still unwritten');
  });
});

describe('R6 dsync', () => {
  it('holds when the promised value, a newer one, one allowed, or one in flight is on the server; no promise is nothing', () => {
    const s = world({ server: ['3', '5', '0', '1'], writers: [writer(3, 4, 1)] });
    s.ghost.durable = [3, 4, 0, 2];
    s.ghost.allowed[2] = [7];
    expect(check(P.dsync, s)).toBeUndefined();
    expect(check(P.dsync, world({ server: ['?', '?', '?', '?'] }))).toBeUndefined();
    s.ghost.durable[2] = 9;
    s.ghost.allowed[2] = [0];
    expect(check(P.dsync, s)).toBeUndefined();
  });

  it('a returned DSYNC write not on the server', () => {
    const s = world({ server: ['3', '5', 'E1', '1'] });
    s.ghost.durable = [0, 0, 2, 0];
    expect(check(P.dsync, s)).toBe('DSYNC write 2 returned but the server holds E1 at byte 2');
  });

  it('a DSYNC region merged with other data', () => {
    expect(check(P.dsync, world({ regions: [region(0, 1, 'dirty', 'dsync')] }))).toBeUndefined();
    expect(check(P.dsync, world({ regions: [region(0, 1, 'dirty', 'ordinary', { kinds: ['ordinary', 'dsync'] })] }))).toBe('dirty ordinary region [0,1) group 1 merges DSYNC data with ordinary+dsync');
  });
});

describe('R7 bounding-box', () => {
  // Six bytes in three folios of two, a box block of 4 (crypto): boxes [0,4) and [4,6) (the end of the file).
  const big = (over: Partial<NetfsState>) => world(over, { P: 3, B: 2, C: 4 });
  const pinned = [folio([0, 0], { pin: 1 }), folio([0, 0], { pin: 1 }), folio([0, 0], { pin: 1 })];

  it('holds for block-aligned boxes that cover their regions and pin their folios; the file end closes a box', () => {
    expect(check(P.boundingBox, big({ folio: pinned, regions: [region(1, 3, 'flushing', 'ordinary', { box: [0, 4] }), region(4, 5, 'flushing', 'ordinary', { box: [4, 6] })] }))).toBeUndefined();
    expect(check(P.boundingBox, big({ folio: [null, null, null], regions: [region(1, 3, 'dirty', 'ordinary', { box: [1, 3] })] }))).toBeUndefined();
    expect(check(P.boundingBox, big({ folio: pinned, regions: [region(0, 4, 'flushing', 'ordinary', { box: [0, 4] })] }))).toBeUndefined();
    // A DIO write is rounded to the blocks around it, no further.
    expect(check(P.boundingBox, big({ regions: [region(4, 5, 'dirty', 'ordinary', { box: [4, 6] })], writers: [writer(0, 1, 3, { kind: 'dio' })] }))).toBeUndefined();
  });

  it('a box off the blocks, or short of its region at either end', () => {
    for (const box of [
      [1, 4],
      [0, 3],
      [4, 8],
      [0, 2],
    ]) {
      const r = region(1, 3, 'flushing', 'ordinary', { box });
      expect(check(P.boundingBox, big({ folio: pinned, regions: [r] })), String(box)).toBe(`flushing ordinary region [1,3) group 1 has box [${box[0]},${box[1]}), not the 4-byte blocks around it`);
    }
    expect(check(P.boundingBox, big({ folio: pinned, regions: [region(4, 6, 'flushing', 'ordinary', { box: [4, 4] })] }))).toMatch(/has box \[4,4\)/);
  });

  it('a folio in the box not pinned, or gone', () => {
    const r = region(1, 2, 'flushing', 'ordinary', { box: [0, 4] });
    expect(check(P.boundingBox, big({ folio: [pinned[0], folio(), pinned[2]], regions: [r] }))).toBe('folio 1 in the box of flushing ordinary region [1,2) group 1 is not pinned');
    expect(check(P.boundingBox, big({ folio: [pinned[0], null, pinned[2]], regions: [r] }))).toBe('folio 1 in the box of flushing ordinary region [1,2) group 1 is gone');
    const tail = region(4, 5, 'flushing', 'ordinary', { box: [4, 6] });
    expect(check(P.boundingBox, big({ folio: [folio(), folio(), folio()], regions: [tail] }))).toBe('folio 2 in the box of flushing ordinary region [4,5) group 1 is not pinned');
  });

  it('a DIO write past its lock sharing a box with a region; a pending one, or a buffered one, may', () => {
    const regions = [region(0, 1, 'dirty', 'ordinary', { box: [0, 4] })];
    expect(check(P.boundingBox, big({ regions, writers: [writer(4, 5, 3, { kind: 'dio' })] }))).toBeUndefined();
    expect(check(P.boundingBox, big({ regions, writers: [writer(3, 4, 3, { kind: 'dio', phase: 'pending' }), writer(3, 4, 4)] }))).toBeUndefined();
    expect(check(P.boundingBox, big({ regions, writers: [writer(3, 5, 3, { kind: 'dio' })] }))).toBe('DIO write 3 shares a box with dirty ordinary region [0,1) group 1');
    // The DIO's own range is rounded out to the blocks: byte 5 alone is in block [4,8).
    expect(check(P.boundingBox, big({ regions: [region(4, 4, 'dirty', 'ordinary', { box: [4, 6] })], writers: [writer(5, 6, 3, { kind: 'dio' })] }))).toBe(
      'DIO write 3 shares a box with dirty ordinary region [4,4) group 1',
    );
  });
});

describe('R8 split-point', () => {
  it('holds when flushing regions stop at the dirtied point and unwritten regions are disjoint', () => {
    const s = world({ writers: [writer(0, 4, 1, { copied: 2 }), writer(0, 4, 2, { phase: 'pending' })], regions: [region(0, 2, 'flushing'), region(2, 4, 'active'), region(1, 1, 'dirty')] });
    expect(check(P.splitPoint, s)).toBeUndefined();
  });

  it("a flushing region past an active write's dirtied point", () => {
    const s = world({ writers: [writer(0, 4, 1, { copied: 2 })], regions: [region(2, 3, 'dirty'), region(1, 3, 'flushing')] });
    expect(check(P.splitPoint, s)).toBe("flushing ordinary region [1,3) group 1 reaches past write 1's dirtied point 2");
  });

  it('two unwritten regions over the same bytes', () => {
    const s = world({ regions: [region(0, 1, 'dirty'), region(1, 3, 'dirty'), region(2, 4, 'active', 'dsync')] });
    expect(check(P.splitPoint, s)).toBe('dirty ordinary region [1,3) group 1 and active dsync region [2,4) group 1 cover the same bytes');
  });
});

describe('R9 cache-only', () => {
  it('holds for semi-dirty data flushed to the cache, or waiting where no local change is', () => {
    const s = world({ regions: [region(0, 2, 'flushing', 'semi', { toServer: false, toCache: true }), region(2, 3, 'dirty', 'semi'), region(3, 4, 'dirty')] });
    expect(check(P.cacheOnly, s)).toBeUndefined();
    // In flight to the cache, it is not superseded.
    expect(check(P.cacheOnly, world({ regions: [region(0, 2, 'flushing', 'semi', { toServer: false }), region(1, 2, 'dirty')] }))).toBeUndefined();
  });

  it('semi-dirty data being uploaded', () => {
    expect(check(P.cacheOnly, world({ regions: [region(0, 2, 'flushing', 'semi')] }))).toBe('flushing semi region [0,2) group 1 is being uploaded to the server');
    expect(check(P.cacheOnly, world({ regions: [region(1, 1, 'flushing', 'semi')] }))).toBeUndefined();
  });

  it('a waiting semi-dirty region under a local change', () => {
    const s = world({ regions: [region(0, 2, 'dirty', 'semi'), region(2, 3, 'dirty', 'semi'), region(1, 3, 'active')] });
    expect(check(P.cacheOnly, s)).toBe('dirty semi region [0,2) group 1 still covers bytes of active ordinary region [1,3) group 1');
  });
});

describe('R10 merge-compatible', () => {
  it('holds for regions that merged only their own type', () => {
    expect(check(P.mergeCompatible, world({ regions: [region(0, 1, 'dirty'), region(1, 2, 'dirty', 'semi')] }))).toBeUndefined();
  });

  it('a region that merged another type, or that is a merge of two records', () => {
    expect(check(P.mergeCompatible, world({ regions: [region(0, 1, 'dirty', 'semi', { kinds: ['ordinary'] })] }))).toBe('dirty semi region [0,1) group 1 merged ordinary');
    expect(check(P.mergeCompatible, world({ regions: [region(0, 1, 'dirty'), region(1, 2, 'dirty', 'ordinary', { kinds: ['ordinary', 'ordinary'] })] }))).toBe(
      'dirty ordinary region [1,2) group 1 merged ordinary+ordinary',
    );
  });
});
