/**
 * netfs-regions across a client crash and in disconnected operation: what the
 * cache layer under the RFC does with a cache object that was open for local
 * modification (cachefiles marks it CACHEFILES_CONTENT_DIRTY and discards it
 * at the next lookup), which bytes disconnected-no-loss judges (only what
 * disconnected operation promises: SERVICES (7)), and what the messages of
 * the loss properties say happened.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { Config, CrashStep } from '../model/design.js';
import rfc from '../model/designs/netfs-regions.js';
import type { NetfsState } from '../model/netfs/world.js';
import { disconnectedNoLoss, noLostWrites } from '../properties/netfs.js';

type Params = Record<string, number>;

function verdict(r: ReturnType<typeof check>, id: string) {
  const p = r.properties.find((x) => x.id === id);
  if (!p) throw new Error(`no result for ${id}`);
  return p;
}

function config(params: Params, bugs: string[] = []): Config {
  const defaults = Object.fromEntries(Object.entries(rfc.params).map(([k, p]) => [k, p.default]));
  return { params: { ...defaults, ...params }, bugs: new Set(bugs) };
}

/** One folio of two bytes, no crypto: server bytes are plain numbers. */
const ONE_FOLIO: Params = { P: 1, B: 2, L: 2, C: 0, Z: 0, W: 1, G: 0 };

describe('netfs-regions: a crash discards a cache object open for local modification', () => {
  // The old findings: write, flush, crash with the cache write landed and the upload not; and the same
  // crash followed by a DIO write whose invalidation makes a read go back in time. Both needed the
  // cache's copy trusted after the crash.
  it('a crash with the cache write landed and the upload lost leaves no read of data the server never got', () => {
    const params = { W: 1, G: 0, crash: 1 };
    const r = check(rfc, { mode: 'exhaustive', properties: ['disconnected-no-loss', 'no-lost-writes'], params, depth: 6 });
    expect(r.exhaustive?.complete).toBe(true);
    expect(verdict(r, 'no-lost-writes').verdict).toBe('holds');
    expect(verdict(r, 'disconnected-no-loss').verdict).toBe('holds');
    // The crash points are there, each with the region's upload and its cache write pending.
    const crash = r.exhaustive?.crash;
    expect(crash?.maxPending).toBe(2);
    expect(crash?.successors).toBeGreaterThan(crash?.points ?? Infinity);
    // A crash cap that leaves pieces out proves nothing.
    const capped = check(rfc, { mode: 'exhaustive', properties: ['no-lost-writes'], params, depth: 6, crashCap: 1 });
    expect(verdict(capped, 'no-lost-writes').verdict).toBe('inconclusive');
  });
  it('the DIO invalidation after a crash no longer makes a read go back in time', () => {
    const params = { P: 1, B: 2, L: 2, W: 2, G: 0, dsync: 1, dio: 1, crash: 1 };
    const r = check(rfc, { mode: 'exhaustive', properties: ['no-lost-writes'], params, depth: 9 });
    expect(r.exhaustive?.complete).toBe(true);
    expect(verdict(r, 'no-lost-writes').verdict).toBe('holds');
  });
  it('trust-cache-after-crash (no CACHEFILES_CONTENT_DIRTY check) breaks no-lost-writes (exhaustive, 9 actions: the DIO invalidates, then sends)', () => {
    const params = { P: 1, B: 2, L: 2, W: 2, G: 0, dsync: 1, dio: 1, crash: 1 };
    const bugs = ['trust-cache-after-crash'];
    const r = check(rfc, { mode: 'exhaustive', properties: ['no-lost-writes'], params, bugs, depth: 9 });
    const p = verdict(r, 'no-lost-writes');
    expect(p.verdict).toBe('violated');
    expect(p.traceLength).toBe(9);
    expect(p.actions).toContain('crash()');
    // The DSYNC writer never returned: what the read is held against is the read after the crash.
    expect(p.message).toBe('byte 1 reads 0 but a read after the crash returned 1, and no write to it has returned since');
  });

  /** Drive the crash point by hand: the cache writes in flight land, the uploads do not. */
  function crash(s: NetfsState, cfg: Config): NetfsState {
    const step = rfc.next.crash({ kind: 'crash' }, s, cfg) as CrashStep<NetfsState>;
    const survivors = new Set(step.pending.map((p) => p.id).filter((id) => id.endsWith('>cache')));
    return produce(s, (d) => {
      step.persist(d, survivors);
      step.recover?.(d);
    });
  }
  function run(cfg: Config, labels: string[]): NetfsState {
    let s = rfc.init(cfg);
    for (const label of labels) {
      const a = rfc.actions(s, cfg).find((x) => rfc.label!(x) === label);
      if (!a) throw new Error(`${label} not enabled`);
      if (a.kind === 'crash') s = crash(s, cfg);
      else s = produce(s, rfc.next[a.kind](a as never, s, cfg) as (d: NetfsState) => void);
    }
    return s;
  }

  it('the cache object written by a write-out while a file was open for writing is gone after the crash', () => {
    const cfg = config({ ...ONE_FOLIO, crash: 1, dsync: 0, dio: 0, remote: 0, disconnect: 0 });
    const s = run(cfg, ['write(buffered, [0,2))', 'activate(write 1)', 'copy(write 1)', 'complete(write 1)', 'flush(region 0, up to 2)', 'crash()']);
    expect(s.cache).toEqual([null]);
    expect(s.server).toEqual(['0', '0']);
    // The write returned without O_DSYNC: losing it in a crash breaks no promise, and a read returns the server's bytes.
    expect(s.ghost.allowed).toEqual([[0], [0]]);
    // Without the check the landed cache write is read back, ahead of the server.
    const trusted = run(config({ ...ONE_FOLIO, crash: 1, dsync: 0, dio: 0, remote: 0, disconnect: 0 }, ['trust-cache-after-crash']), [
      'write(buffered, [0,2))',
      'activate(write 1)',
      'copy(write 1)',
      'complete(write 1)',
      'flush(region 0, up to 2)',
      'crash()',
    ]);
    expect(trusted.cache).toEqual([['1', '1']]);
  });
  it('a downloaded copy written to the cache before any write began survives the crash (nothing marked it dirty)', () => {
    const cfg = config({ ...ONE_FOLIO, crash: 1, dsync: 0, dio: 0, remote: 0, disconnect: 0 });
    const s = run(cfg, ['read(folio 0)', 'flush(region 0, up to 2)', 'wbDone(region 0)', 'crash()']);
    expect(s.cache).toEqual([['0', '0']]);
  });
});

describe('netfs-regions: disconnected-no-loss judges only what disconnected operation promises (SERVICES (7))', () => {
  const cfg = config({ ...ONE_FOLIO, crash: 0, dsync: 0, dio: 0, remote: 0, disconnect: 1 });
  /** Write 1 returned; its bytes are in the cache only; no region and no modified list owes them. */
  const stranded = (connected: boolean, offline: boolean): NetfsState =>
    produce(rfc.init(cfg), (d) => {
      d.seq = 1;
      d.connected = connected;
      d.cache[0] = ['1', '1'];
      d.ghost.allowed = [[1], [1]];
      d.ghost.source = [1, 1];
      d.ghost.offline = [offline, offline];
    });
  it("a connected client's write that never went through disconnected operation is not judged", () => {
    expect(disconnectedNoLoss.check(stranded(true, false), undefined)).toBeUndefined();
  });
  it('a write returned while disconnected, then stranded, is', () => {
    expect(disconnectedNoLoss.check(stranded(false, true), undefined)).toBe('byte 0: write 1 was acknowledged, the server holds 0, and nothing will send it (no region, not on the modified list)');
  });
  it('so is a range saved to the cache only while disconnected, after reconnection, until it reaches the server', () => {
    expect(disconnectedNoLoss.check(stranded(true, true), undefined)).toMatch(/^byte 0: write 1 was acknowledged/);
  });
  it('forget-modified-list still breaks it; a crash with no disconnection does not, even with the cache trusted', () => {
    const r = check(rfc, {
      mode: 'exhaustive',
      properties: ['disconnected-no-loss'],
      params: { disconnect: 1, W: 1, G: 0, crash: 0, C: 0, dsync: 0, dio: 0, remote: 0 },
      bugs: ['forget-modified-list'],
      depth: 8,
    });
    expect(verdict(r, 'disconnected-no-loss').verdict).toBe('violated');
    const c = check(rfc, {
      mode: 'exhaustive',
      properties: ['disconnected-no-loss', 'no-lost-writes'],
      params: { W: 1, G: 0, crash: 1, disconnect: 0, C: 0, dsync: 0, dio: 0, remote: 0 },
      bugs: ['trust-cache-after-crash'],
      depth: 7,
    });
    expect(c.exhaustive?.complete).toBe(true);
    // With no disconnection there is nothing for it to judge, and the report says so.
    expect(verdict(c, 'disconnected-no-loss')).toMatchObject({ verdict: 'vacuous', unreached: ['owed-after-disconnection'] });
  });
});

describe('netfs-regions: the loss messages say where the expected value came from', () => {
  const cfg = config({ ...ONE_FOLIO, crash: 1, dsync: 0, dio: 0, remote: 0, disconnect: 0 });
  const reads0 = (allowed: number, source: number): NetfsState =>
    produce(rfc.init(cfg), (d) => {
      d.seq = 2;
      d.ghost.allowed = [[allowed], [0]];
      d.ghost.source = [source, 0];
    });
  it('a value a write returned with', () => {
    expect(noLostWrites.check(reads0(2, 2), undefined)).toBe('byte 0 reads 0 but write 2 was acknowledged');
  });
  it('a value a read returned after a crash, with no write returned since', () => {
    expect(noLostWrites.check(reads0(1, -1), undefined)).toBe('byte 0 reads 0 but a read after the crash returned 1, and no write to it has returned since');
  });
});
