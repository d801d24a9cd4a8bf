// engine/crash.ts, the corners crash.test.ts leaves: a duplicate piece, the
// largest enumeration allowed, an order on a piece no longer pending next to
// one on a piece the cap dropped far down the list, and the summary's sums.
import { describe, expect, it } from 'vitest';
import { CrashStats, crashOutcomes, MAX_CONSIDERED, type Piece } from '../../engine/crash.js';

const sets = (survivors: readonly ReadonlySet<string>[]) => survivors.map((s) => [...s].sort().join(' '));

describe('crashOutcomes, corners', () => {
  it('refuses a piece pending twice', () => {
    expect(() => crashOutcomes([{ id: 'a' }, { id: 'b' }, { id: 'a' }])).toThrow("crash point: piece 'a' is pending twice");
  });

  it(`enumerates ${MAX_CONSIDERED} considered pieces (a chain of them: ${MAX_CONSIDERED + 1} outcomes)`, () => {
    const chain: Piece[] = Array.from({ length: MAX_CONSIDERED }, (_, i) => ({ id: `p${i}`, ...(i > 0 ? { after: [`p${i - 1}`] } : {}) }));
    const o = crashOutcomes(chain);
    expect(o.survivors).toHaveLength(MAX_CONSIDERED + 1);
    expect(o).toMatchObject({ pending: MAX_CONSIDERED, considered: MAX_CONSIDERED });
    expect(() => crashOutcomes([...chain, { id: 'q' }])).toThrow(
      `a crash point has ${MAX_CONSIDERED + 1} unflushed pieces (2^${MAX_CONSIDERED + 1} outcomes); give a crash cap of at most ${MAX_CONSIDERED}`,
    );
  });

  it('a later piece ordered after one already durable is free; one ordered after itself too', () => {
    expect(sets(crashOutcomes([{ id: 'a' }, { id: 'b', after: ['gone'] }]).survivors)).toEqual(['', 'a', 'b', 'a b']);
    expect(sets(crashOutcomes([{ id: 'a' }, { id: 'b', after: ['b'] }]).survivors)).toEqual(['', 'a', 'b', 'a b']);
  });

  it('a piece ordered after one the cap dropped is lost, however far down the pending list that one is', () => {
    // 40 pending, 2 considered: b is ordered after p33, beyond a 32-bit mask of the list.
    const pending: Piece[] = [{ id: 'a' }, { id: 'b', after: ['p33'] }, ...Array.from({ length: 38 }, (_, i) => ({ id: `p${i + 2}` }))];
    const o = crashOutcomes(pending, 2);
    expect(o).toMatchObject({ pending: 40, considered: 2 });
    expect(sets(o.survivors)).toEqual(['', 'a']);
    // And b after p32 (the same bit as a, modulo 32).
    expect(sets(crashOutcomes([{ id: 'a' }, { id: 'b', after: ['p32'] }, ...pending.slice(2)], 2).survivors)).toEqual(['', 'a']);
  });
});

describe('CrashStats', () => {
  it('sums the successors, keeps the most at one point and the most pending, counts the capped points', () => {
    const stats = new CrashStats(2);
    stats.record(crashOutcomes([{ id: 'a' }, { id: 'b' }], 2));
    stats.record(crashOutcomes([{ id: 'a' }, { id: 'b' }, { id: 'c' }], 2));
    stats.record(crashOutcomes([{ id: 'a' }]));
    expect(stats.summary()).toEqual({ points: 3, successors: 4 + 4 + 2, maxSuccessors: 4, maxPending: 3, capped: 1, cap: 2 });
    expect(new CrashStats().summary()).toEqual({ points: 0, successors: 0, maxSuccessors: 0, maxPending: 0, capped: 0, cap: null });
  });
});
