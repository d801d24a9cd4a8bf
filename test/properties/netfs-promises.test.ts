// properties/netfs.ts, the end-to-end promises (ciphertext at rest, the
// invalidation modes, disconnected operation, no lost writes) and the goals,
// on netfs states built by hand (netfs-states.ts).
import { describe, expect, it } from 'vitest';
import * as P from '../../properties/netfs.js';
import { FROM_CRASH, FROM_REMOTE } from '../../model/netfs/world.js';
import { world, folio, region, writer, check } from './netfs-states.js';
import type { NetfsState, Region } from '../../model/netfs/world.js';

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
