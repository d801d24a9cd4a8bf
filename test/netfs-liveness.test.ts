/**
 * Liveness of the netfs designs (issue 14 section 3; model/netfs/liveness.ts):
 * each property holds on a whole state space under the fairness the kernel's
 * threads give, and a bug toggle breaks it with a lasso that replays and
 * renders. The bounds are small: only a whole state space judges liveness.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { replay } from '../checker/replay.js';
import { claimsOf } from '../model/design.js';
import mainline from '../model/designs/netfs-mainline.js';
import regions from '../model/designs/netfs-regions.js';
import { renderText } from '../trace/render.js';
import { traceMeta } from '../trace/counterexample.js';

type Result = ReturnType<typeof check>;

function verdict(r: Result, id: string) {
  const p = r.properties.find((x) => x.id === id);
  if (!p) throw new Error(`no result for ${id}`);
  return p;
}

/** A violation's lasso replays (judged fair and violating on its own) and renders with its loop. */
function expectLasso(r: Result, id: string, design: typeof regions | typeof mainline) {
  const trace = r.counterexamples[id];
  expect(trace.loop).toBe(verdict(r, id).loop);
  const out = replay(trace, design);
  expect(out.reproduces).toBe(true);
  const text = renderText(trace);
  expect(text).toMatch(/the last ones repeating\s+for\s+ever/);
  // The fairness the verdict rests on, with the kinds owed it action by action.
  // (Matched on the text with its wrapping undone: a pattern spanning wrapped lines backtracks without end.)
  const flat = text.replace(/\s+/g, ' ');
  expect(flat.indexOf('fairness: weak')).toBeGreaterThanOrEqual(0);
  expect(flat.indexOf('owed to each action apart: read')).toBeGreaterThan(flat.indexOf('fairness: weak'));
  expect(text).toMatch(traceMeta(trace).closing ? /-- the cycle starts here --/ : /the history stays in this state\s+for\s+ever/);
  return trace;
}

const LIVE = ['lock-fair', 'dsync-returns', 'written-back', 'synced-after-reconnect'];

describe('netfs-regions', () => {
  const small = { P: 1, B: 2, W: 2, L: 2, C: 0, dio: 0, remote: 0, disconnect: 0, crash: 0 };

  it('claims its liveness properties (the RFC promises each)', () => {
    for (const id of LIVE) expect(claimsOf(regions)).toContain(id);
  });

  it('holds on the whole state space: pending writes get their region lock, DSYNC writers return, dirty regions are written back', () => {
    const r = check(regions, { mode: 'exhaustive', properties: LIVE, params: { ...small, disconnect: 1 }, depth: 100 });
    expect(r.exhaustive?.exhausted).toBe(true);
    for (const id of LIVE) expect(verdict(r, id)).toMatchObject({ verdict: 'holds', claimed: true });
    expect(verdict(r, 'lock-fair').fairness).toEqual({ weak: ['invalidate', 'copy', 'complete', 'flush', 'wbDone', 'read'], strong: ['activate'], each: ['read'] });
  });

  it('a folio read in for a pending write is held by it: reclaim cannot undo the prefetch for ever', () => {
    // Without the hold, reclaim took each folio before the other was read (read(0), reclaim(0),
    // read(1), reclaim(1), ...): every read fair and taken, activation never enabled.
    // One write over two partial folios ([1,3) with B=2): its activation needs both read in.
    const r = check(regions, { mode: 'exhaustive', properties: ['lock-fair'], params: { ...small, P: 2, W: 1, dsync: 0 }, depth: 100 });
    expect(verdict(r, 'lock-fair').verdict).toBe('holds');
  });

  it('dsync-wait-holding-lock: the DSYNC writer waits with its region active, so neither it nor a write behind it moves, and its data stays dirty', () => {
    const r = check(regions, { mode: 'exhaustive', properties: LIVE, params: small, bugs: ['dsync-wait-holding-lock'], depth: 100 });
    for (const id of ['lock-fair', 'dsync-returns', 'written-back']) {
      expect(verdict(r, id)).toMatchObject({ verdict: 'violated', claimed: true });
      expectLasso(r, id, regions);
    }
    // The writer's complete is its last step: nothing fair is enabled after it, so the history stops there.
    const dsync = verdict(r, 'dsync-returns');
    const [act, copy, done] = dsync.actions!.slice(-3);
    const w = /^activate\((write \d)\)$/.exec(act)?.[1];
    expect([act, copy, done]).toEqual([`activate(${w})`, `copy(${w})`, `complete(${w})`]);
    expect(dsync.message).toMatch(/after step \d+ no (fair )?action is enabled.*, so the history may stop there/);
    expect(verdict(r, 'lock-fair').actions!.filter((a) => a.startsWith('write('))).toHaveLength(2);
  });

  describe('disconnected operation (SERVICES (7))', () => {
    const offline = { P: 2, B: 1, W: 1, L: 2, C: 0, dio: 0, remote: 0, disconnect: 1, crash: 0 };
    it('holds: what went only to the cache is synced back once the server returns', () => {
      const r = check(regions, { mode: 'exhaustive', properties: LIVE, params: offline, depth: 100 });
      expect(r.exhaustive?.exhausted).toBe(true);
      for (const id of LIVE) expect(verdict(r, id).verdict).toBe('holds');
      expect(verdict(r, 'synced-after-reconnect').fairness!.weak).toContain('reconnect');
    });
    it('forget-modified-list: reconnection drops the list, and the cache-only data never reaches the server', () => {
      const r = check(regions, { mode: 'exhaustive', properties: LIVE, params: offline, bugs: ['forget-modified-list'], depth: 100 });
      const p = verdict(r, 'synced-after-reconnect');
      expect(p).toMatchObject({ verdict: 'violated', claimed: true });
      expect(p.actions).toContain('disconnect()');
      expect(p.actions![p.actions!.length - 1]).toBe('reconnect()');
      expectLasso(r, 'synced-after-reconnect', regions);
      // Nothing is dirty any more, so the while-connected promise is kept: the loss is the sync-back's.
      expect(verdict(r, 'written-back').verdict).toBe('holds');
    });
  });
});

describe('netfs-mainline', () => {
  const small = { P: 2, dio: 0, mmap: 0, rdwr: 0, zp: 1 };
  const MAIN = ['written-back', 'dsync-returns'];

  it("claims its liveness properties; has no region lock to be fair (lock-fair is the RFC's)", () => {
    for (const id of MAIN) expect(claimsOf(mainline)).toContain(id);
    expect((mainline.liveness ?? []).map((l) => l.id)).not.toContain('lock-fair');
  });

  it('holds on the whole state space: the flusher writes every dirty folio back, DSYNC writes return', () => {
    const r = check(mainline, { mode: 'exhaustive', properties: MAIN, params: { ...small, P: 1, mmap: 1 }, depth: 100 });
    expect(r.exhaustive?.exhausted).toBe(true);
    for (const id of MAIN) expect(verdict(r, id)).toMatchObject({ verdict: 'holds', claimed: true });
  });

  it('dsync-no-preflush: FLUSH_CONTENT inside the write-through waits for its own wb_lock; the dirty folio stays dirty', () => {
    const r = check(mainline, { mode: 'exhaustive', properties: MAIN, params: { ...small, P: 1 }, bugs: ['dsync-no-preflush'], depth: 100 });
    for (const id of MAIN) {
      expect(verdict(r, id)).toMatchObject({ verdict: 'violated', claimed: true });
      expectLasso(r, id, mainline);
    }
    expect(verdict(r, 'written-back').actions).toEqual([
      'write(buffered, [0,1))',
      'lock(write 1)',
      'copy(write 1)',
      'write(dsync, [0,1))',
      'complete(write 1)',
      'lock(write 2)',
      'writethrough(write 2)',
    ]);
  });

  it('under a non-NULL group (no in-tree caller) a writer of the new group loops in FLUSH_CONTENT holding the inode lock: a livelock, not a deadlock', () => {
    const r = check(mainline, { mode: 'exhaustive', properties: ['deadlock', ...MAIN], params: { ...small, P: 1, G: 1 }, depth: 100 });
    const p = verdict(r, 'dsync-returns');
    expect(p).toMatchObject({ verdict: 'violated', claimed: true });
    expect(p.actions!.slice(0, 4)).toEqual(['write(dsync, [0,1))', 'barrier()', 'write(buffered, [0,1))', 'lock(write 2)']);
    const trace = expectLasso(r, 'dsync-returns', mainline);
    expect(traceMeta(trace).closing).toBeDefined();
    expect(verdict(r, 'deadlock').verdict).toBe('holds');
  });
});
