// properties/pmem-crash.ts on pmem states built by hand: each crash property
// on a state before any crash, after a crash where it holds, and after one
// where each of its clauses is broken; and the goals, each in its situation.
import { describe, expect, it } from 'vitest';
import { crashDurability, crashGoals, crashOrdering, crashProperties, noLostWrites, staticCrashGoals } from '../../properties/pmem-crash.js';
import { initState, NONE, STALE, type PmemState, type Tree } from '../../model/pmem.js';

const cfg = { params: { L: 3, C: 1, V: 1, K: 1 }, bugs: new Set<string>() };

/** Offsets 0 and 2 mapped to blocks 0 and 2 (zeroed), offset 1 a hole; values 0 1 0 on the media. */
function state(over: (s: PmemState) => void = () => {}): PmemState {
  const tree: Tree = {
    root: {
      depth: 0,
      recs: [
        { off: 0, pfn: 0 },
        { off: 2, pfn: 2 },
      ],
      leaves: [],
    },
    leaf: [[], [], []],
  };
  const s = initState(cfg, tree);
  s.disk.data = [3, STALE, 5];
  over(s);
  return s;
}
const crashed = (c: Partial<NonNullable<PmemState['atCrash']>> = {}) => ({ promised: [NONE, NONE, NONE], flushed: [0, 0, 0], afterSplit: false, unflushedStore: false, ...c });

describe('crash-durability', () => {
  it('says nothing before a crash', () => {
    expect(
      crashDurability.check(
        state((s) => (s.ghost.promised = [0, NONE, NONE])),
        undefined,
      ),
    ).toBeUndefined();
  });

  it('holds where the promised offsets read back what was flushed, or newer; unpromised ones are not judged', () => {
    const s = state((s) => (s.atCrash = crashed({ promised: [NONE, NONE, 2], flushed: [9, 9, 4] })));
    expect(crashDurability.check(s, undefined)).toBeUndefined();
    const exact = state((s) => (s.atCrash = crashed({ promised: [0, NONE, 2], flushed: [3, 0, 5] })));
    expect(crashDurability.check(exact, undefined)).toBeUndefined();
  });

  it('a promised offset that reads back older data, or stale data, after the crash', () => {
    const older = state((s) => (s.atCrash = crashed({ promised: [0, NONE, 2], flushed: [3, 0, 6] })));
    expect(crashDurability.check(older, undefined)).toBe('offset 2 was promised durable with value 6 flushed, but reads back 5 after the crash');
    const stale = state((s) => {
      s.disk.data[2] = STALE;
      s.atCrash = crashed({ promised: [NONE, NONE, 2], flushed: [0, 0, 1] });
    });
    expect(crashDurability.check(stale, undefined)).toBe('offset 2 was promised durable with value 1 flushed, but reads back stale data after the crash');
  });
});

describe('crash-ordering', () => {
  it('says nothing before a crash, even over stale blocks', () => {
    expect(
      crashOrdering.check(
        state((s) => (s.disk.data[2] = STALE)),
        undefined,
      ),
    ).toBeUndefined();
  });

  it('holds where every mapped block is initialised and every durable mapping is still there', () => {
    const s = state((s) => {
      s.ghost.durable = [0, NONE, 2];
      s.atCrash = crashed();
    });
    expect(crashOrdering.check(s, undefined)).toBeUndefined();
  });

  it('an offset mapping a block that still holds stale data', () => {
    const s = state((s) => {
      s.disk.data[2] = STALE;
      s.atCrash = crashed();
    });
    expect(crashOrdering.check(s, undefined)).toBe('after the crash offset 2 maps block 2, which still holds stale data');
  });

  it('a mapping promised durable, or made durable otherwise, lost or moved', () => {
    const promised = state((s) => {
      s.ghost.durable = [0, 1, 2];
      s.atCrash = crashed({ promised: [NONE, 1, NONE] });
    });
    expect(crashOrdering.check(promised, undefined)).toBe('offset 1 was promised durable in block 1, but after the crash the tree has no record of it');
    const synced = state((s) => {
      s.ghost.durable = [0, NONE, 1];
      s.atCrash = crashed({ promised: [NONE, NONE, 2] });
    });
    expect(crashOrdering.check(synced, undefined)).toBe(
      'offset 2 was made durable in block 1 before the crash (by fsync, msync or a promise since withdrawn), but after the crash the tree maps it to block 2',
    );
  });
});

describe('no-lost-writes (pmem)', () => {
  it('says nothing before a crash', () => {
    expect(
      noLostWrites.check(
        state((s) => (s.ghost.owed = [9, 9, 9])),
        undefined,
      ),
    ).toBeUndefined();
  });

  it('holds where every owed value, or a newer one, reads back; nothing owed is nothing to judge', () => {
    const s = state((s) => {
      s.ghost.owed = [3, 0, 4];
      s.atCrash = crashed();
    });
    expect(noLostWrites.check(s, undefined)).toBeUndefined();
    // Nothing owed at an offset whose block lost its zeroing: not this property's to judge.
    const unowed = state((s) => {
      s.disk.data[0] = STALE;
      s.atCrash = crashed();
    });
    expect(noLostWrites.check(unowed, undefined)).toBeUndefined();
  });

  it('an owed value that reads back older, or stale', () => {
    const older = state((s) => {
      s.ghost.owed = [3, 0, 6];
      s.atCrash = crashed();
    });
    expect(noLostWrites.check(older, undefined)).toBe('value 6 at offset 2 was made durable, but after recovery it reads 5');
    const stale = state((s) => {
      s.disk.data[0] = STALE;
      s.ghost.owed = [1, 0, 0];
      s.atCrash = crashed();
    });
    expect(noLostWrites.check(stale, undefined)).toBe('value 1 at offset 0 was made durable, but after recovery it reads stale data');
  });
});

describe('the crash goals', () => {
  it("are the crash properties' guards, the static set without the two a split needs", () => {
    expect(crashProperties.map((p) => p.id)).toEqual(['crash-durability', 'crash-ordering', 'no-lost-writes']);
    expect(crashGoals.map((g) => [g.id, g.guards])).toEqual(
      ['crash-after-split', 'crash-between-store-and-flush', 'promise-then-split-moves-record', 'crash-while-promised'].map((id) => [id, ['crash-durability', 'crash-ordering', 'no-lost-writes']]),
    );
    expect(staticCrashGoals.map((g) => g.id)).toEqual(['crash-between-store-and-flush', 'crash-while-promised']);
  });

  it('each is reached in its situation and not elsewhere', () => {
    const reached = (id: string, s: PmemState) => crashGoals.find((g) => g.id === id)!.reached(s, undefined);
    const none = state();
    for (const g of crashGoals) expect(g.reached(none, undefined), g.id).toBe(false);
    expect(
      reached(
        'crash-after-split',
        state((s) => (s.atCrash = crashed({ afterSplit: true }))),
      ),
    ).toBe(true);
    expect(
      reached(
        'crash-after-split',
        state((s) => (s.atCrash = crashed())),
      ),
    ).toBe(false);
    expect(
      reached(
        'crash-between-store-and-flush',
        state((s) => (s.atCrash = crashed({ unflushedStore: true }))),
      ),
    ).toBe(true);
    expect(
      reached(
        'crash-between-store-and-flush',
        state((s) => (s.atCrash = crashed())),
      ),
    ).toBe(false);
    expect(
      reached(
        'promise-then-split-moves-record',
        state((s) => (s.events.movedPromised = true)),
      ),
    ).toBe(true);
    expect(
      reached(
        'crash-while-promised',
        state((s) => (s.atCrash = crashed({ promised: [NONE, NONE, 2] }))),
      ),
    ).toBe(true);
    expect(
      reached(
        'crash-while-promised',
        state((s) => (s.atCrash = crashed())),
      ),
    ).toBe(false);
  });
});
