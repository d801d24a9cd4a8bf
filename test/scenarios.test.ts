/**
 * The scenario corpus (scenarios/, issue 10 section 4): every scenario is
 * replayed against every design it names, and the outcome must be exactly
 * the status recorded in the file's `replay` field:
 * - agrees: the replay gives the scenario's expectation;
 * - model-differs: it still differs, in the recorded way (`replayed`), so a
 *   fix to the model fails here and the record is to be updated
 *   (npx tsx scenarios/bind/record.ts);
 * - scenario-wrong: the scenario misread its source; fixed (the note cites
 *   the line) it agrees, not fixed it still differs as recorded;
 * - inexpressible: the scenario fails to bind to the design.
 */
import { describe, expect, it } from 'vitest';
import { designs } from '../model/designs/index.js';
import { replayPair, UNBOUND } from '../scenarios/bind/index.js';
import { compare, type ReplayResult } from '../scenarios/bind/replay.js';
import { loadScenarios } from '../scenarios/bind/scenario.js';

const scenarios = loadScenarios();

describe('scenario corpus', () => {
  it('holds at least 25 scenarios, each citing its source and naming every design', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(25);
    const names = designs.map((d) => d.name).sort();
    for (const s of scenarios) {
      expect(s.source, s.id).toBeTruthy();
      expect(Object.keys(s.expect).sort(), s.id).toEqual(names);
      expect(Object.keys(s.replay ?? {}).sort(), `${s.id}: replay records`).toEqual(names);
      s.ops.forEach((op, k) => expect(op.step, `${s.id} op ${k}`).toBe(k + 1));
    }
  });

  for (const s of scenarios) {
    describe(s.id, () => {
      for (const [design, record] of Object.entries(s.replay ?? {})) {
        it(`${design}: ${record.status}`, () => {
          const r = replayPair(s, design);
          const at = `${s.id} / ${design}: ${r.why}`;
          if (record.status !== 'agrees') expect(record.note, `${s.id} / ${design}: a reviewed note`).not.toMatch(/^(UNREVIEWED)?$/);
          switch (record.status) {
            case 'agrees':
              expect(r.agrees, at).toBe(true);
              break;
            case 'inexpressible':
              expect(r.result.failure, `${s.id} / ${design} binds: ${r.outcome}`).toBeDefined();
              break;
            case 'unbound':
              // Only a design the binders cannot drive yet (scenarios/bind/index.ts), never a way to hide a mismatch.
              expect(UNBOUND.has(design), at).toBe(true);
              expect(r.result.failure?.reason, at).toMatch(/^no binding/);
              break;
            case 'scenario-wrong':
              // Fixed against the source the note cites: it agrees now; not fixed: it still differs as recorded.
              if (record.replayed === undefined) expect(r.agrees, at).toBe(true);
              else {
                expect(r.agrees, at).toBe(false);
                expect(r.outcome, at).toBe(record.replayed);
              }
              break;
            default:
              expect(r.agrees, at).toBe(false);
              expect(r.outcome, at).toBe(record.replayed);
          }
        });
      }
    });
  }
});

describe('a replay sees a design built with a known mistake', () => {
  const byId = (id: string) => scenarios.find((s) => s.id === id)!;
  it('fsdax-shared writing a shared pfn in place breaks generic/578 (cow-isolation)', () => {
    const s = byId('generic-578-mmap-write-reflinked');
    expect(replayPair(s, 'fsdax-shared').agrees).toBe(true);
    const r = replayPair(s, 'fsdax-shared', ['write-in-place-shared']);
    expect(r.agrees).toBe(false);
    expect(r.result.first['cow-isolation']).toBe(6);
  });
  it('fsdax-shared without xfs_break_layouts lets the punch free a pinned block (layout-pin)', () => {
    const s = byId('dax-layout-busy-punch-pinned');
    expect(replayPair(s, 'fsdax-shared').agrees).toBe(true);
    const r = replayPair(s, 'fsdax-shared', ['no-break-layouts']);
    expect(r.agrees).toBe(false);
    expect(r.result.first['layout-pin']).toBe(4);
  });
  it('fsdax-shared dropping the dedupe locks after the compare lets deduperace -w change what it remaps (content-by-own-writes)', () => {
    const s = byId('generic-630-dedupe-pwrite-race');
    expect(replayPair(s, 'fsdax-shared').agrees).toBe(true);
    const r = replayPair(s, 'fsdax-shared', ['dedupe-unlocked']);
    expect(r.agrees).toBe(false);
    expect(r.result.first['content-by-own-writes']).toBe(10);
  });
  it('fsdax-shared granting FOLL_LONGTERM with no layout break (before v4.15) lets the punch free the pinned block (layout-pin)', () => {
    const s = byId('gup-longterm-fsdax-refused');
    const r = replayPair(s, 'fsdax-shared', ['longterm-pin-granted', 'no-break-layouts']);
    expect(r.agrees).toBe(false);
    expect(r.result.first['layout-pin']).toBe(4);
    // Granted alone, the punch sleeps on the pin (model/world/layout-break.ts): nothing is freed under it.
    const waits = replayPair(s, 'fsdax-shared', ['longterm-pin-granted']);
    expect(waits.result.first['layout-pin']).toBeUndefined();
    expect(waits.result.trace.join(' ')).toMatch(/punch/);
  });
  it('pagecache-reflink writing a shared block back in place breaks generic/578 with three copies (isolation, at the msync)', () => {
    const s = byId('generic-578-three-copies');
    expect(replayPair(s, 'pagecache-reflink').agrees).toBe(true);
    const r = replayPair(s, 'pagecache-reflink', ['write-in-place-shared']);
    expect(r.agrees).toBe(false);
    expect(r.result.first.isolation).toBe(13);
  });
  it("pagecache-reflink reading the media under a dirty folio breaks seed 002's partial CoW (read-your-writes)", () => {
    const s = byId('seed-002-partial-cow-retention');
    expect(replayPair(s, 'pagecache-reflink').agrees).toBe(true);
    const r = replayPair(s, 'pagecache-reflink', ['read-bypasses-cache']);
    expect(r.agrees).toBe(false);
    expect(r.result.first['read-your-writes']).toBe(8);
  });
  it("pagecache-reflink's fsync without a log force loses the written blocks at the cycle mount (fsync-durability)", () => {
    const s = byId('seed-002-reflink-b-to-c');
    expect(replayPair(s, 'pagecache-reflink').agrees).toBe(true);
    const r = replayPair(s, 'pagecache-reflink', ['fsync-no-log-force']);
    expect(r.agrees).toBe(false);
    expect(r.result.first['fsync-durability']).toBe(3);
  });
  it("pagecache-reflink binds a store to one sector as the block's new content (generic/140: three contents, three values)", () => {
    const r = replayPair(byId('generic-140-mmap-cow-sub-block'), 'pagecache-reflink');
    expect(r.result.trace.filter((t) => t.includes('mstore'))).toEqual(['6 mmap-store: mstore(f=1, b=0, v=2)', '8 mmap-store: mstore(f=1, b=2, v=3)', '10 mmap-store: mstore(f=1, b=3, v=3)']);
    expect(r.agrees).toBe(true);
    // Each cycle mount is a crash after every file's fsync: with the log forced, one outcome, no branch.
    expect(r.result.trace.filter((t) => t.includes('remount'))).toEqual(['3 remount: fsync(f=0) ; fsync(f=1) ; crash()', '12 remount: fsync(f=0) ; fsync(f=1) ; crash()']);
    expect(r.result.branches).toBe(1);
  });
  it('pmem-map-sync skipping the sync on a write after a read fault (mkwrite-no-sync) breaks the MAP_SYNC promise', () => {
    const s = byId('map-sync-read-fault-then-write');
    expect(replayPair(s, 'pmem-map-sync').agrees).toBe(true);
    const r = replayPair(s, 'pmem-map-sync', ['mkwrite-no-sync']);
    expect(r.agrees, r.outcome).toBe(false);
  });
});

describe('compare', () => {
  const result = (first: Record<string, number>, claims = ['a', 'b']): ReplayResult => ({ first, claims, trace: [], branches: 1 });
  it('agrees on the first violation and its op, and on a holds with its contrasts', () => {
    expect(compare({ violated: 'a', after: 3, why: '' }, result({ a: 3 })).agrees).toBe(true);
    expect(compare({ verdict: 'holds', why: '' }, result({ c: 2 })).agrees).toBe(true);
    expect(compare({ verdict: 'holds', why: '', contrast: [{ violated: 'c', after: 2, claimed: false }] }, result({ c: 2 })).agrees).toBe(true);
  });
  it('differs on another op, an unexpected claimed violation, a missed contrast, or a binding', () => {
    expect(compare({ violated: 'a', after: 3, why: '' }, result({ a: 4 })).agrees).toBe(false);
    expect(compare({ violated: 'a', after: 3, why: '' }, result({ a: 3, b: 5 })).agrees).toBe(false);
    expect(compare({ verdict: 'holds', why: '' }, result({ b: 1 })).agrees).toBe(false);
    expect(compare({ verdict: 'holds', why: '', contrast: [{ violated: 'c', after: 2, claimed: false }] }, result({})).agrees).toBe(false);
    expect(compare({ inexpressible: 'x' }, result({})).agrees).toBe(false);
    expect(compare({ verdict: 'holds', why: '' }, { ...result({}), failure: { step: 1, reason: 'x' } }).agrees).toBe(false);
  });
});
