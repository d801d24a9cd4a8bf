/**
 * netfs-mainline at the granularity issue 10 section 2 asks for, each rule
 * against torvalds/linux fs/netfs (model/netfs/mainline.ts names the file
 * versions): FMODE_READ turning write-streaming off, zero_point and
 * NETFS_MODIFY_AND_CLEAR, netfs_page_mkwrite, wb_lock under WB_SYNC_NONE and
 * WB_SYNC_ALL, and the whole-folio overwrite of a streaming folio that
 * 7b4dcf1b9455 fixed. Each rule has a search where it holds and a toggle
 * (or the kernel's own choice) the search catches.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { Config, Goal } from '../model/design.js';
import mainline, { type MainlineAction, type MainlineState } from '../model/designs/netfs-mainline.js';
import { howToModify } from '../model/netfs/mainline.js';
import { beginWrite, emptyFolio, geometry, type NetfsState } from '../model/netfs/world.js';

type Params = Record<string, number>;

function cfgOf(params: Params = {}, bugs: string[] = []): Config {
  return { params: { ...Object.fromEntries(Object.entries(mainline.params).map(([k, p]) => [k, p.default])), ...params }, bugs: new Set(bugs) };
}

function verdict(r: ReturnType<typeof check>, id: string) {
  const p = r.properties.find((x) => x.id === id);
  if (!p) throw new Error(`no result for ${id}`);
  return p;
}

/** Apply one action to a state, as the checker does. */
function step(s: MainlineState, a: MainlineAction, cfg: Config): MainlineState {
  const handler = mainline.next[a.kind] as (a: MainlineAction, s: MainlineState, cfg: Config) => (d: MainlineState) => void;
  return produce(s, handler(a, s, cfg));
}

function enabled(s: MainlineState, cfg: Config): string[] {
  return mainline.actions(s, cfg).map((a) => mainline.label!(a));
}

/** Run actions by their labels, each of which must be enabled. */
function run(cfg: Config, labels: string[], from?: MainlineState): MainlineState {
  let s = from ?? mainline.init(cfg);
  for (const l of labels) {
    const a = mainline.actions(s, cfg).find((x) => mainline.label!(x) === l);
    if (!a) throw new Error(`${l} is not enabled; enabled: ${enabled(s, cfg).join(', ')}`);
    s = step(s, a, cfg);
  }
  return s;
}

const streamed: Goal<NetfsState> = { id: 'streamed', description: 'a write-streaming span exists', reached: (s) => s.regions.some((r) => r.type === 'stream'), guards: [] };

describe('FMODE_READ: a writer whose file is open for reading does no write-streaming', () => {
  const cfg = cfgOf({ P: 1, zp: 1 });
  const base = produce(mainline.init(cfg), (d) => beginWrite(d, 'buffered', 0, 1));
  it('netfs_perform_write: a partial write into an absent folio streams when write-only, prefetches with FMODE_READ', () => {
    expect(howToModify(base, base.writers[0], geometry(cfg.params), true)).toBe('stream');
    const rdwr = produce(base, (d) => void (d.writers[0].rdwr = true));
    expect(howToModify(rdwr, rdwr.writers[0], geometry(cfg.params), true)).toBe('prefetch');
  });
  it('by search: with every file O_RDWR no streaming span ever exists; write-only, one does', () => {
    const params = { P: 1, dio: 0, dsync: 0, mmap: 0, zp: 1 };
    const design = { ...mainline, sometimes: [streamed] };
    const rw = check(design, { mode: 'exhaustive', properties: ['no-lost-writes'], params: { ...params, rdwr: 1 }, depth: 8 });
    expect(rw.exhaustive?.complete).toBe(true);
    expect(rw.goals.find((g) => g.id === 'streamed')?.reached).toBe(false);
    expect(verdict(rw, 'no-lost-writes').verdict).toBe('holds');
    const wo = check(design, { mode: 'exhaustive', properties: [], params: { ...params, rdwr: 0 }, depth: 3 });
    expect(wo.goals.find((g) => g.id === 'streamed')?.reached).toBe(true);
  });
  it('rdwr=2 offers each write(2) both open modes, and the label says which', () => {
    const labels = enabled(mainline.init(cfgOf({ rdwr: 2 })), cfgOf({ rdwr: 2 }));
    expect(labels).toContain('write(buffered, [0,1))');
    expect(labels).toContain('write(buffered, [0,1), O_RDWR)');
    expect(labels).not.toContain('write(dio, [0,1), O_RDWR)');
  });
});

describe('zero_point: NETFS_MODIFY_AND_CLEAR past it, raised by netfs_release_folio and direct writes', () => {
  const params = { dio: 0, dsync: 0, mmap: 0, rdwr: 0, zp: 1 };
  it('a write past zero_point clears the folio around itself and marks it uptodate, whatever the server holds there', () => {
    const cfg = cfgOf(params);
    // The server's bytes past zero_point are not looked at ("assume there's no data on the server").
    const s0 = produce(mainline.init(cfg), (d) => void (d.server[3] = '9'));
    const s = run(cfg, ['write(buffered, [2,3))', 'lock(write 1)', 'copy(write 1)'], s0);
    expect(s.folio[1]).toMatchObject({ data: [1, 0], uptodate: true, dirty: true });
    expect(s.regions.map((r) => [r.start, r.end, r.type])).toEqual([[2, 4, 'ordinary']]);
    // Below zero_point the same write streams.
    const below = run(cfg, ['write(buffered, [0,1))', 'lock(write 1)', 'copy(write 1)']);
    expect(below.folio[0]).toMatchObject({ data: [1, -1], uptodate: false });
  });
  it('release raises zero_point to the folio end; a direct write to its own end', () => {
    const cfg = cfgOf({ ...params, dio: 1 });
    const up = run(cfg, ['write(buffered, [2,3))', 'lock(write 1)', 'copy(write 1)', 'complete(write 1)', 'writepages()', 'wbDone(region 0)', 'reclaim(folio 1)']);
    expect(up.zeroPoint).toBe(4);
    const dio = run(cfg, ['write(dio, [2,3))', 'lock(write 1)', 'invalidate(write 1)']);
    expect(dio.zeroPoint).toBe(3);
  });
  it('a direct write leaves zero_point inside a folio, which then streams; the span written back raises it (netfs_folio_written_back)', () => {
    const cfg = cfgOf({ ...params, dio: 1 });
    const s = run(cfg, ['write(dio, [2,3))', 'lock(write 1)', 'invalidate(write 1)', 'copy(write 1)', 'complete(write 1)', 'write(buffered, [3,4))', 'lock(write 2)', 'copy(write 2)']);
    expect(s.zeroPoint).toBe(3);
    expect(s.regions.map((r) => [r.start, r.end, r.type])).toEqual([[3, 4, 'stream']]);
    const done = run(cfg, ['complete(write 2)', 'writepages()', 'wbDone(region 0)'], s);
    expect(done.zeroPoint).toBe(4);
  });
  it('holds with release raising it; release-keeps-zero-point reads uploaded data back as zeros', () => {
    const ok = check(mainline, { mode: 'exhaustive', properties: ['no-lost-writes'], params, depth: 8 });
    expect(ok.exhaustive?.complete).toBe(true);
    expect(verdict(ok, 'no-lost-writes').verdict).toBe('holds');
    const bad = check(mainline, { mode: 'exhaustive', properties: ['no-lost-writes'], params, bugs: ['release-keeps-zero-point'], depth: 8 });
    expect(verdict(bad, 'no-lost-writes')).toMatchObject({ verdict: 'violated', traceLength: 7 });
    expect(verdict(bad, 'no-lost-writes').actions?.at(-1)).toBe('reclaim(folio 1)');
  });
  it('zp beyond P is refused by validate', () => {
    expect(mainline.validate?.({ ...cfgOf().params, P: 1, zp: 2 })).toMatch(/zp \(2\) must be at most P \(1\)/);
  });
});

describe('7b4dcf1b9455 "netfs: Fix streaming write being overwritten"', () => {
  // One folio, write-only, no cache: the configuration the fix's fsx reproducer needed.
  const params = { P: 1, dio: 0, dsync: 0, mmap: 0, rdwr: 0, zp: 1 };
  it('a whole-folio write over a streaming folio frees the netfs_folio: nothing is lost', () => {
    const r = check(mainline, { mode: 'exhaustive', properties: ['no-lost-writes'], params, depth: 11 });
    expect(r.exhaustive?.complete).toBe(true);
    expect(verdict(r, 'no-lost-writes').verdict).toBe('holds');
  });
  it('before the fix, writeback sent only the old span and the rest was lost after reclaim (11 actions)', () => {
    const r = check(mainline, { mode: 'exhaustive', properties: ['no-lost-writes'], params, bugs: ['whole-folio-keeps-finfo'], depth: 11 });
    expect(verdict(r, 'no-lost-writes')).toMatchObject({ verdict: 'violated', traceLength: 11 });
    expect(verdict(r, 'no-lost-writes').message).toBe('byte 1 reads 0 but write 2 was acknowledged');
  });
});

describe('netfs_page_mkwrite', () => {
  const cfg = cfgOf({ P: 1, dio: 0, rdwr: 0, zp: 1 });
  /** An mmap store to byte 1 has faulted folio 0 in; a buffered write of byte 0 has dirtied it. */
  const faulted = run(cfg, ['mmap(store to byte 1)']);
  it('the fault reads the folio in, then the store goes in and is acknowledged', () => {
    expect(faulted.folio[0]).toMatchObject({ data: [0, 0], uptodate: true, dirty: false });
    const s = run(cfg, ['mkwrite(write 1)'], faulted);
    expect(s.folio[0]).toMatchObject({ data: [0, 1], dirty: true });
    expect(s.writers).toEqual([]);
    expect(s.ghost.allowed[1]).toEqual([1]);
  });
  it('waits for writeback of the folio, even with no private data (folio_wait_writeback_killable)', () => {
    const s = run(cfg, ['mkwrite(write 1)', 'mmap(store to byte 0)', 'writepages()'], faulted);
    expect(s.folio[0]).toMatchObject({ writeback: true });
    expect(enabled(s, cfg)).not.toContain('mkwrite(write 2)');
    expect(mainline.waiting!(s, cfg)).toMatch(/mmap write 2 \[0,1\) waits in netfs_page_mkwrite for writeback of folio 0/);
    expect(enabled(run(cfg, ['wbDone(region 0)'], s), cfg)).toContain('mkwrite(write 2)');
  });
  it('a folio dropped under the fault is faulted in again (folio->mapping != mapping: VM_FAULT_NOPAGE)', () => {
    const gone = produce(faulted, (d) => void (d.folio[0] = null));
    const s = run(cfg, ['mkwrite(write 1)'], gone);
    expect(s.folio[0]).toMatchObject({ uptodate: true });
    expect(s.writers.map((w) => w.kind)).toEqual(['mmap']);
  });
  it('SIGBUS on a folio that is not uptodate: the store never happens', () => {
    const stale = produce(faulted, (d) => void (d.folio[0] = { ...emptyFolio(2), data: [0, -1] }));
    const s = run(cfg, ['mkwrite(write 1)'], stale);
    expect(s.writers).toEqual([]);
    expect(s.folio[0]!.data).toEqual([0, -1]);
    expect(s.ghost.allowed[1]).toEqual([0]);
  });
  it('the WARN_ON is unreachable by search: every folio an mmap store finds is uptodate', () => {
    const notUptodate: Goal<NetfsState> = {
      id: 'mkwrite-not-uptodate',
      description: 'an mmap store waits on a present folio that is not uptodate',
      reached: (s) => s.writers.some((w) => w.kind === 'mmap' && s.folio[Math.floor(w.start / s.B)]?.uptodate === false),
      guards: [],
    };
    const r = check({ ...mainline, sometimes: [notUptodate] }, { mode: 'exhaustive', properties: ['no-lost-writes'], params: { P: 1, dio: 0, dsync: 0, rdwr: 0, zp: 1 }, depth: 9 });
    expect(r.exhaustive?.complete).toBe(true);
    expect(r.goals.find((g) => g.id === 'mkwrite-not-uptodate')?.reached).toBe(false);
    expect(verdict(r, 'no-lost-writes').verdict).toBe('holds');
  });
  it('a fault on a streaming folio fills its gaps and the netfs_folio goes (netfs_read_folio, filled_gaps)', () => {
    const s = run(cfg, ['write(buffered, [0,1))', 'lock(write 1)', 'copy(write 1)', 'complete(write 1)', 'mmap(store to byte 1)']);
    expect(s.folio[0]).toMatchObject({ data: [1, 0], uptodate: true, dirty: true });
    expect(s.regions.map((r) => [r.start, r.end, r.type])).toEqual([[0, 2, 'ordinary']]);
  });
  it("another group's folio is written back (filemap_fdatawrite_range) and the fault retried", () => {
    const g = cfgOf({ P: 1, dio: 0, dsync: 0, rdwr: 0, zp: 1, G: 1, W: 3 });
    const s = run(g, ['write(buffered, [0,2))', 'lock(write 1)', 'copy(write 1)', 'complete(write 1)', 'barrier()', 'mmap(store to byte 0)']);
    const after = run(g, ['mkwrite(write 2)'], s);
    expect(after.regions.map((r) => r.state)).toEqual(['flushing']);
    expect(after.writers.map((w) => w.value)).toEqual([2]);
  });
  it('an mmap store may not fault in a folio under a direct write unless mixdio; with it, the collision loses the direct write', () => {
    const params = { P: 1, dsync: 0, rdwr: 0, zp: 1 };
    const apart = check(mainline, { mode: 'exhaustive', properties: ['no-lost-writes'], params, depth: 8 });
    expect(apart.exhaustive?.complete).toBe(true);
    expect(verdict(apart, 'no-lost-writes').verdict).toBe('holds');
    // What dio_warn_stale_pagecache() warns of: the fault reads the old bytes in after the invalidation
    // (filemap_invalidate_inode) and before the direct write lands.
    const mixed = check(mainline, { mode: 'exhaustive', properties: ['no-lost-writes'], params: { ...params, mixdio: 1 }, depth: 8 });
    expect(verdict(mixed, 'no-lost-writes')).toMatchObject({ verdict: 'violated', traceLength: 7 });
    expect(verdict(mixed, 'no-lost-writes').actions).toEqual([
      'write(dio, [0,1))',
      'lock(write 1)',
      'invalidate(write 1)',
      'mmap(store to byte 1)',
      'copy(write 1)',
      'mkwrite(write 2)',
      'complete(write 1)',
    ]);
  });
});

describe('wb_lock: WB_SYNC_NONE skips, WB_SYNC_ALL waits, the write-through drops it before waiting', () => {
  const cfg = cfgOf({ mmap: 0, rdwr: 0, zp: 2, W: 3 });
  /** Folio 1 dirty; a DSYNC write of byte 0 in its write-through, holding wb_lock. */
  const held = run(cfg, ['write(buffered, [2,4))', 'lock(write 1)', 'copy(write 1)', 'complete(write 1)', 'write(dsync, [0,2))', 'write(dio, [2,3))', 'lock(write 2)', 'writethrough(write 2)']);
  it('while a write-through holds it, VM writeback (mutex_trylock) has no step; a direct write waits for i_rwsem, which it takes before its pre-flush', () => {
    expect(held.wbLock).toBe(2);
    expect(enabled(held, cfg)).not.toContain('writepages()');
    expect(enabled(held, cfg)).not.toContain('flushRange(write 3)');
    expect(enabled(held, cfg)).not.toContain('lock(write 3)');
    expect(mainline.waiting!(held, cfg)).toMatch(/dio write 3 \[2,3\) waits to start \(i_rwsem/);
  });
  it('netfs_end_writethrough drops wb_lock before it waits for the request', () => {
    const copied = run(cfg, ['copy(write 2)'], held);
    expect(copied.writers.find((w) => w.value === 2)?.copied).toBe(2);
    expect(copied.wbLock).toBe(0);
    expect(enabled(copied, cfg)).not.toContain('complete(write 2)');
    expect(enabled(copied, cfg)).toContain('writepages()');
  });
});

describe('a direct write: i_rwsem first, then its pre-flush and its invalidation (netfs_unbuffered_write_iter)', () => {
  // torvalds/linux fs/netfs/direct_write.c (6867849aac96): netfs_start_io_direct(), then
  // filemap_write_and_wait_range(mapping, pos, end), then filemap_invalidate_inode(inode, true, pos, end),
  // zero_point, fscache_invalidate(), and only then netfs_unbuffered_write_iter_locked() sends the data.
  const cfg = cfgOf({ P: 1, W: 3, dsync: 0, mmap: 0, rdwr: 0, zp: 1 });
  /** Folio 0 dirty from a buffered write that returned; a direct write of byte 0 has begun. */
  const dirty = run(cfg, ['write(buffered, [0,2))', 'lock(write 1)', 'copy(write 1)', 'complete(write 1)', 'write(dio, [0,1))']);
  it('takes i_rwsem with its range still dirty, and keeps buffered I/O out while it flushes', () => {
    expect(dirty.folio[0]).toMatchObject({ dirty: true });
    expect(enabled(dirty, cfg)).toContain('lock(write 2)');
    expect(enabled(dirty, cfg)).not.toContain('flushRange(write 2)');
    const locked = run(cfg, ['lock(write 2)'], dirty);
    expect(enabled(locked, cfg)).toEqual(expect.arrayContaining(['flushRange(write 2)', 'writepages()']));
    expect(enabled(locked, cfg)).not.toContain('invalidate(write 2)');
    expect(enabled(locked, cfg)).not.toContain('copy(write 2)');
    // A buffered write waits for the direct write to drain (netfs_start_io_write -> netfs_block_o_direct).
    const blocked = run(cfg, ['write(buffered, [1,2))'], locked);
    expect(enabled(blocked, cfg)).not.toContain('lock(write 3)');
  });
  it('invalidates only once nothing in the range is left to issue or under writeback, and sends its data after that', () => {
    const flushed = run(cfg, ['lock(write 2)', 'flushRange(write 2)'], dirty);
    expect(flushed.folio[0]).toMatchObject({ dirty: false, writeback: true });
    expect(enabled(flushed, cfg)).not.toContain('invalidate(write 2)');
    expect(mainline.waiting!(flushed, cfg)).toMatch(/dio write 2 \[0,1\)'s pre-flush waits for writeback in \[0,1\)/);
    const landed = run(cfg, ['wbDone(region 0)'], flushed);
    expect(enabled(landed, cfg)).toContain('invalidate(write 2)');
    const inval = run(cfg, ['invalidate(write 2)'], landed);
    expect(inval.folio[0]).toBeNull();
    expect(inval.zeroPoint).toBe(2);
    expect(enabled(inval, cfg)).toContain('copy(write 2)');
  });
  it('by search, with mmap stores mixed in (mixdio=1) up to the invalidation: a store in the window after the pre-flush is written back and waited for by filemap_invalidate_inode, and nothing is lost', () => {
    // The buffered O_DSYNC path has a window: nothing looks at the range again between its pre-flush and
    // mutex_lock(wb_lock) (the header's finding). The direct write's invalidation looks again
    // (filemap_fdatawrite_range, then folio_wait_writeback in invalidate_inode_pages2_range). Faults
    // after the invalidation (a new store, or a store's retried fault) are left out here: they read the
    // old bytes in before the direct write lands, the other collision (above).
    const inWindow: Goal<NetfsState> = {
      id: 'store-in-dio-window',
      description: "an mmap store dirtied a folio of a direct write's range after its i_rwsem and before its invalidation",
      reached: (s) =>
        s.writers.some(
          (w) =>
            w.kind === 'dio' &&
            w.phase === 'active' &&
            !w.invalidated &&
            s.folio[Math.floor(w.start / s.B)]?.dirty === true &&
            s.ghost.source.some((src, i) => src > w.value && Math.floor(i / s.B) === Math.floor(w.start / s.B)),
        ),
      guards: [],
    };
    const design = {
      ...mainline,
      actions: (s: MainlineState, c: Config) => mainline.actions(s, c).filter((a) => (a.kind !== 'mmap' && a.kind !== 'mkwrite') || !s.writers.some((w) => w.kind === 'dio' && w.invalidated)),
      sometimes: [inWindow],
    };
    const r = check(design, { mode: 'exhaustive', properties: ['no-lost-writes', 'dirty-mark'], params: { P: 1, dsync: 0, rdwr: 0, zp: 1, mixdio: 1 } });
    expect(r.exhaustive?.complete).toBe(true);
    expect(r.goals.find((g) => g.id === 'store-in-dio-window')?.reached).toBe(true);
    expect(verdict(r, 'no-lost-writes').verdict).toBe('holds');
    expect(verdict(r, 'dirty-mark').verdict).toBe('holds');
  });
});

describe('G: no mainline filesystem passes a netfs_group', () => {
  it('defaults to no barrier', () => {
    expect(mainline.params.G.default).toBe(0);
    expect(mainline.actions(mainline.init(cfgOf()), cfgOf()).some((a) => a.kind === 'barrier')).toBe(false);
  });
});
