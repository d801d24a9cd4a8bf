// properties/netfs.ts on netfs states built by hand (two folios of two
// bytes, unless a test says otherwise): each region rule and end-to-end
// promise on a state where it holds and, per clause, one where it is broken,
// with the message naming the culprit; then the goals.
import { describe, expect, it } from 'vitest';
import * as P from '../../properties/netfs.js';
import { FROM_CRASH, FROM_REMOTE, geometry, initialWorld, type Folio, type NetfsState, type Region, type RegionState, type RegionType, type Writer } from '../../model/netfs/world.js';

const left = { writes: 0, barriers: 0, remote: 0, disconnects: 0, crashes: 0 };

function world(over: Partial<NetfsState> = {}, params: Record<string, number> = { P: 2, B: 2 }): NetfsState {
  return { ...initialWorld(geometry(params), left), ...over };
}
const folio = (data = [0, 0], o: Partial<Folio> = {}): Folio => ({ data, uptodate: true, dirty: false, writeback: false, pin: 0, ...o });
const region = (start: number, end: number, state: RegionState, type: RegionType = 'ordinary', o: Partial<Region> = {}): Region => ({
  start,
  end,
  state,
  type,
  group: 1,
  kinds: [type],
  box: [start, end],
  writer: 0,
  toServer: true,
  toCache: false,
  payload: [],
  queued: false,
  ...o,
});
const writer = (start: number, end: number, value: number, o: Partial<Writer> = {}): Writer => ({
  kind: 'buffered',
  start,
  end,
  value,
  phase: 'active',
  copied: start,
  group: 1,
  conc: [],
  ...o,
});
const check = (p: { check: (s: NetfsState, v: undefined) => string | undefined }, s: NetfsState) => p.check(s, undefined);

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

describe('ciphertext-at-rest', () => {
  it('says nothing without content crypto; with it, holds for ciphertext and holes', () => {
    expect(check(P.ciphertextAtRest, world({ server: ['1', '2', '3', '4'] }))).toBeUndefined();
    expect(check(P.ciphertextAtRest, world({ crypto: true, server: ['E1', '?', 'E3', 'E4'], cache: [['E1', '?'], null] }))).toBeUndefined();
  });

  it('plaintext on the server, or in the cache', () => {
    expect(check(P.ciphertextAtRest, world({ crypto: true, server: ['E1', 'E2', 'E3', '4'] }))).toBe('the server holds plaintext 4 at byte 3');
    expect(check(P.ciphertextAtRest, world({ crypto: true, server: ['E1', 'E2', 'E3', 'E4'], cache: [null, ['E1', '7']] }))).toBe('the cache holds plaintext 7 in folio 1');
  });
});

describe('invalidation-mode', () => {
  const inval = (mode: 'discard' | 'reapply' | 'keep' | 'stash', o: Partial<NonNullable<NetfsState['ghost']['inval']>> = {}) => ({
    mode,
    R: 5,
    expect: [6, 6, 0, 0],
    stash: null,
    hadLocal: false,
    ...o,
  });
  const after = (mode: 'discard' | 'reapply' | 'keep' | 'stash', over: Partial<NetfsState>, o: Partial<NonNullable<NetfsState['ghost']['inval']>> = {}) => {
    const s = world({ server: ['6', '6', '0', '0'], ...over });
    s.ghost = { ...s.ghost, inval: inval(mode, o) };
    return s;
  };

  it('says nothing with no invalidation; holds when reads show the promise or a write in flight', () => {
    expect(check(P.invalidationMode, world())).toBeUndefined();
    expect(check(P.invalidationMode, after('keep', { folio: [null, folio([7, 0])], writers: [writer(2, 3, 7)] }))).toBeUndefined();
  });

  it('a read that is not the promise', () => {
    expect(check(P.invalidationMode, after('reapply', { folio: [null, folio([0, 3])] }))).toBe('reapply: byte 3 reads 3, the mode promised 0');
  });

  it('stash: nothing stashed, or a stash that is not the local version', () => {
    expect(check(P.invalidationMode, after('stash', {}, { stash: [1, 2, 0, 0] }))).toBe('stash: nothing was stashed');
    expect(check(P.invalidationMode, after('stash', { stash: [1, 2, 0, 0] }, { stash: [1, 2, 0, 0] }))).toBeUndefined();
    expect(check(P.invalidationMode, after('stash', { stash: [1, 2, 0, 4] }, { stash: [1, 2, 0, 0] }))).toBe('stash: the stash holds 4 at byte 3, the local version was 0');
  });

  it('discard and stash: no local change from before the invalidation survives; keep and reapply keep it', () => {
    // Folio 1 holds 3 (older than the remote change 5) under a dirty region; the promise counts it as read.
    const over = { folio: [null, folio([3, 0])], regions: [region(2, 3, 'dirty')] };
    const promise = { expect: [6, 6, 3, 0] };
    expect(check(P.invalidationMode, after('discard', over, promise))).toBe('discard: local changes survive as dirty ordinary region [2,3) group 1');
    expect(check(P.invalidationMode, after('stash', { ...over, stash: [0, 0, 3, 0] }, { ...promise, stash: [0, 0, 3, 0] }))).toBe(
      'stash: local changes survive as dirty ordinary region [2,3) group 1',
    );
    expect(check(P.invalidationMode, after('keep', over, promise))).toBeUndefined();
    expect(check(P.invalidationMode, after('reapply', over, promise))).toBeUndefined();
    // Content numbered from the remote change on is a new local change; a semi-dirty region, or a folio's gap, is none.
    expect(check(P.invalidationMode, after('discard', { folio: [null, folio([5, 0])], regions: [region(2, 3, 'dirty')] }, { expect: [6, 6, 5, 0] }))).toBeUndefined();
    expect(check(P.invalidationMode, after('discard', { folio: [null, folio([3, 0])], regions: [region(2, 3, 'dirty', 'semi')] }, promise))).toBeUndefined();
    expect(check(P.invalidationMode, after('discard', { folio: [null, folio([-1, 0])], regions: [region(2, 3, 'dirty')] }, { expect: [6, 6, 0, 0] }))).toBeUndefined();
    // A region over a folio no longer in the page cache holds nothing of its own.
    expect(check(P.invalidationMode, after('discard', { regions: [region(0, 1, 'dirty')] }))).toBeUndefined();
    // Content 0, the file's original, is older than any remote change.
    expect(check(P.invalidationMode, after('discard', { folio: [null, folio([0, 0])], regions: [region(2, 3, 'dirty')] }))).toBe(
      'discard: local changes survive as dirty ordinary region [2,3) group 1',
    );
  });
});

describe('disconnected-no-loss', () => {
  const offline = (over: Partial<NetfsState>, source = 4) => {
    const s = world({ server: ['0', '0', '0', '0'], ...over });
    s.ghost.offline = [false, false, true, false];
    s.ghost.allowed[2] = [4];
    s.ghost.source[2] = source;
    return s;
  };

  it('holds while a byte in its keeping is under a region, on the modified list, in flight, or on the server', () => {
    expect(check(P.disconnectedNoLoss, offline({ regions: [region(2, 3, 'dirty')] }))).toBeUndefined();
    expect(
      check(
        P.disconnectedNoLoss,
        offline({
          modified: [
            [0, 1],
            [2, 4],
          ],
        }),
      ),
    ).toBeUndefined();
    expect(check(P.disconnectedNoLoss, offline({ writers: [writer(2, 3, 6)] }))).toBeUndefined();
    expect(check(P.disconnectedNoLoss, offline({ server: ['0', '0', 'E4', '0'] }))).toBeUndefined();
    // Bytes not in its keeping are not its concern.
    const s = offline({ regions: [region(2, 3, 'dirty')], server: ['9', '9', '0', '9'] });
    expect(check(P.disconnectedNoLoss, s)).toBeUndefined();
  });

  it('a byte nothing will send: no region (a semi-dirty one does not count), not on the list', () => {
    const msg = 'byte 2: write 4 was acknowledged, the server holds 0, and nothing will send it (no region, not on the modified list)';
    expect(check(P.disconnectedNoLoss, offline({}))).toBe(msg);
    expect(
      check(
        P.disconnectedNoLoss,
        offline({
          regions: [region(2, 3, 'dirty', 'semi'), region(3, 4, 'dirty'), region(1, 2, 'dirty')],
          modified: [
            [0, 2],
            [3, 4],
          ],
          writers: [writer(3, 4, 7)],
        }),
      ),
    ).toBe(msg);
  });
});

describe('no-lost-writes (netfs)', () => {
  it('holds when every byte reads a value allowed or in flight', () => {
    const s = world({ folio: [folio([2, 0]), null], writers: [writer(1, 2, 0)] });
    s.ghost.allowed[0] = [1, 2];
    expect(check(P.noLostWrites, s)).toBeUndefined();
  });

  it('names the byte and what its expected value rests on: a write (and the writes overlapping it), a crash, an invalidation, the file', () => {
    const s = world({ folio: [folio([9, 0]), null] });
    const at0 = (source: number, allowed: number[]) => {
      const t = structuredClone(s);
      t.ghost.source[0] = source;
      t.ghost.allowed[0] = allowed;
      return check(P.noLostWrites, t);
    };
    expect(at0(3, [3])).toBe('byte 0 reads 9 but write 3 was acknowledged');
    expect(at0(3, [3, 4, 5])).toBe('byte 0 reads 9 but write 3 was acknowledged (overlapping in time with write 4, 5: either may be read)');
    expect(at0(FROM_CRASH, [1, 2])).toBe('byte 0 reads 9 but a read after the crash returned 1|2, and no write to it has returned since');
    expect(at0(FROM_REMOTE, [6, 7])).toBe('byte 0 reads 9 but the remote invalidation promised 6|7');
    expect(at0(0, [0, 8])).toBe('byte 0 reads 9 but the file held 0|8 and no write to it has returned');
    // A write in flight over [1,2) is no excuse for byte 2.
    const t = world({ folio: [null, folio([7, 0])], writers: [writer(1, 2, 7)] });
    expect(check(P.noLostWrites, t)).toBe('byte 2 reads 7 but the file held 0 and no write to it has returned');
    // A byte the cache holds as a hole reads as garbage.
    expect(check(P.noLostWrites, world({ cache: [null, ['0', '?']] }))).toBe('byte 3 reads garbage but the file held 0 and no write to it has returned');
  });
});

describe('the netfs goals', () => {
  const reached = (g: { reached: (s: NetfsState, v: undefined) => boolean }, s: NetfsState) => g.reached(s, undefined);

  it('are the list, each guarding its rule', () => {
    expect(P.netfsGoals.map((g) => [g.id, g.guards])).toEqual([
      ['two-regions-on-a-page', ['dirty-mark']],
      ['writer-waits-on-flush', ['flush-exclusion']],
      ['split-region', ['split-point']],
      ['flush-group-barrier', ['group-order']],
      ['invalidation-with-local-changes', ['invalidation-mode']],
      ['owed-after-disconnection', ['disconnected-no-loss']],
    ]);
    expect(P.redirtiedUnderWriteback.guards).toEqual(['dirty-mark']);
    expect(P.netfsProperties.map((p) => p.id)).toEqual([
      'region-resident',
      'region-exclusion',
      'flush-exclusion',
      'dirty-mark',
      'group-order',
      'dsync',
      'bounding-box',
      'split-point',
      'cache-only',
      'merge-compatible',
      'ciphertext-at-rest',
      'invalidation-mode',
      'disconnected-no-loss',
      'no-lost-writes',
    ]);
  });

  it('two-regions-on-a-page: two unwritten regions not in flight on one folio', () => {
    const two = (regions: Region[]) => reached(P.twoRegionsOnAPage, world({ folio: [folio(), folio()], regions }));
    expect(two([region(2, 3, 'dirty'), region(3, 4, 'active')])).toBe(true);
    expect(two([region(1, 2, 'dirty'), region(2, 3, 'dirty')])).toBe(false);
    expect(two([region(2, 3, 'dirty'), region(3, 4, 'flushing')])).toBe(false);
    expect(two([region(2, 3, 'dirty'), region(3, 3, 'dirty')])).toBe(false);
  });

  it('writer-waits-on-flush, split-region, flush-group-barrier', () => {
    expect(reached(P.writerWaitsOnFlush, world({ writers: [writer(0, 4, 1, { copied: 2 })], regions: [region(2, 3, 'flushing')] }))).toBe(true);
    expect(reached(P.writerWaitsOnFlush, world({ writers: [writer(0, 4, 1, { copied: 2 })], regions: [region(0, 2, 'flushing'), region(2, 3, 'dirty')] }))).toBe(false);
    expect(reached(P.writerWaitsOnFlush, world({ writers: [writer(0, 1, 2, { copied: 1 }), writer(0, 4, 1, { copied: 2 })], regions: [region(0, 1, 'dirty'), region(2, 3, 'flushing')] }))).toBe(true);
    expect(reached(P.splitRegion, world({ regions: [region(0, 2, 'flushing', 'ordinary', { writer: 3 }), region(2, 4, 'active', 'ordinary', { writer: 3 })] }))).toBe(true);
    expect(reached(P.splitRegion, world({ regions: [region(0, 2, 'flushing', 'ordinary', { writer: 3 }), region(2, 4, 'active', 'ordinary', { writer: 4 })] }))).toBe(false);
    expect(reached(P.splitRegion, world({ regions: [region(0, 2, 'flushing'), region(2, 4, 'active')] }))).toBe(false);
    expect(reached(P.splitRegion, world({ regions: [region(0, 2, 'dirty', 'ordinary', { writer: 3 }), region(2, 4, 'active', 'ordinary', { writer: 3 })] }))).toBe(false);
    const barrier = (a: Region, b: Region) => reached(P.flushGroupBarrier, world({ regions: [a, b] }));
    expect(barrier(region(0, 1, 'dirty', 'ordinary', { group: 2 }), region(1, 2, 'flushing', 'ordinary', { group: 1 }))).toBe(true);
    expect(barrier(region(0, 1, 'dirty', 'ordinary', { group: 2 }), region(1, 2, 'flushing', 'semi', { group: 1 }))).toBe(false);
    expect(barrier(region(0, 1, 'dirty', 'semi', { group: 2 }), region(1, 2, 'flushing', 'ordinary', { group: 1 }))).toBe(false);
    expect(barrier(region(0, 1, 'active', 'ordinary', { group: 2 }), region(1, 2, 'flushing', 'ordinary', { group: 1 }))).toBe(false);
    expect(barrier(region(0, 1, 'dirty', 'ordinary', { group: 2 }), region(1, 2, 'flushing', 'ordinary', { group: 2 }))).toBe(false);
  });

  it('invalidation-with-local-changes, redirtied-under-writeback, owed-after-disconnection', () => {
    const s = world();
    expect(reached(P.invalidationWithLocalChanges, s)).toBe(false);
    s.ghost.inval = { mode: 'keep', R: 1, expect: [0, 0, 0, 0], stash: null, hadLocal: true };
    expect(reached(P.invalidationWithLocalChanges, s)).toBe(true);
    s.ghost.inval.hadLocal = false;
    expect(reached(P.invalidationWithLocalChanges, s)).toBe(false);
    expect(reached(P.redirtiedUnderWriteback, world({ folio: [null, folio([0, 0], { dirty: true, writeback: true })] }))).toBe(true);
    expect(reached(P.redirtiedUnderWriteback, world({ folio: [folio([0, 0], { dirty: true }), folio([0, 0], { writeback: true })] }))).toBe(false);
    const owed = world({ server: ['0', '0', '0', '0'] });
    owed.ghost.allowed[1] = [2];
    expect(reached(P.owedAfterDisconnection, owed)).toBe(false);
    owed.ghost.offline[1] = true;
    expect(reached(P.owedAfterDisconnection, owed)).toBe(true);
    owed.server[1] = '2';
    expect(reached(P.owedAfterDisconnection, owed)).toBe(false);
  });
});
