/**
 * netfs-mainline, O_DSYNC: the pre-flush and wb_lock are separate steps.
 * netfs_perform_write() (torvalds/linux fs/netfs/buffered_write.c, 011b1134b82c)
 * calls filemap_write_and_wait_range(mapping, pos, pos + iter->count) and
 * then netfs_begin_writethrough(), whose mutex_lock(&ictx->wb_lock)
 * (fs/netfs/write_issue.c, 0410c6121529) does not look at the range again;
 * only i_rwsem is held in between, and it keeps out neither page faults and
 * netfs_page_mkwrite() nor VM writeback (netfs_writepages' trylock). The
 * model once took the range check and wb_lock in one `lock` step
 * (counterexamples/netfs-mainline/bugs/dsync-no-preflush.dsync.review.md).
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { Config } from '../model/design.js';
import mainline, { type MainlineAction, type MainlineState } from '../model/designs/netfs-mainline.js';

function cfgOf(params: Record<string, number> = {}, bugs: string[] = []): Config {
  return { params: { ...Object.fromEntries(Object.entries(mainline.params).map(([k, p]) => [k, p.default])), ...params }, bugs: new Set(bugs) };
}

function enabled(s: MainlineState, cfg: Config): string[] {
  return mainline.actions(s, cfg).map((a) => mainline.label!(a));
}

function run(cfg: Config, labels: string[], from?: MainlineState): MainlineState {
  let s = from ?? mainline.init(cfg);
  for (const l of labels) {
    const a = mainline.actions(s, cfg).find((x) => mainline.label!(x) === l);
    if (!a) throw new Error(`${l} is not enabled; enabled: ${enabled(s, cfg).join(', ')}`);
    const handler = mainline.next[a.kind] as (a: MainlineAction, s: MainlineState, cfg: Config) => (d: MainlineState) => void;
    s = produce(s, handler(a, s, cfg));
  }
  return s;
}

const RACE = [
  'write(dsync, [0,1))',
  'mmap(store to byte 1)',
  'lock(write 1)',
  'mkwrite(write 2)',
  'writepages()',
  'writethrough(write 1)',
  'copy(write 1)',
  'wbDone(region 1)',
  'complete(write 1)',
  'wbDone(region 0)',
];

describe('netfs-mainline O_DSYNC: filemap_write_and_wait_range, then netfs_begin_writethrough', () => {
  const cfg = cfgOf();

  it('i_rwsem first; a pre-flush with nothing to do returns in the same step, and wb_lock is taken only in a step of its own', () => {
    const locked = run(cfg, ['write(dsync, [0,1))', 'lock(write 1)']);
    expect(locked.preflushed).toBe(1);
    expect(locked.wbLock).toBe(0);
    expect(enabled(locked, cfg)).toContain('writethrough(write 1)');
    expect(enabled(locked, cfg)).not.toContain('copy(write 1)');
  });

  it('a dirty folio in the range: the pre-flush writes it back and waits, and returns as a step of its own', () => {
    const dirty = run(cfg, ['write(buffered, [0,2))', 'lock(write 1)', 'copy(write 1)', 'complete(write 1)', 'write(dsync, [0,1))', 'lock(write 2)']);
    expect(dirty.preflushed).toBe(0);
    expect(enabled(dirty, cfg)).toContain('flushRange(write 2)');
    expect(enabled(dirty, cfg)).not.toContain('preflushed(write 2)');
    expect(enabled(dirty, cfg)).not.toContain('writethrough(write 2)');
    const issued = run(cfg, ['flushRange(write 2)'], dirty);
    expect(enabled(issued, cfg)).not.toContain('preflushed(write 2)');
    expect(mainline.waiting!(issued, cfg)).toMatch(/dsync write 2 \[0,1\)'s pre-flush waits for writeback in \[0,1\)/);
    const landed = run(cfg, ['wbDone(region 0)', 'preflushed(write 2)'], issued);
    expect(landed.preflushed).toBe(2);
    expect(enabled(landed, cfg)).toContain('writethrough(write 2)');
  });

  it('netfs_begin_writethrough does not look again: a store and VM writeback in the window leave the folio in flight under the write-through', () => {
    const s = run(cfg, RACE.slice(0, 5));
    expect(s.folio[0]?.writeback).toBe(true);
    expect(enabled(s, cfg)).toContain('writethrough(write 1)');
    const copied = run(cfg, RACE.slice(5, 7), s);
    // Two requests in flight on folio 0: background writeback's (the store's byte, the old byte 0) and
    // the write-through's; netfs_end_writethrough() waits for its own only.
    expect(copied.regions.filter((r) => r.state === 'flushing').map((r) => [r.writer, r.payload.join(',')])).toEqual([
      [0, '0,2'],
      [1, '1,2'],
    ]);
    const returned = run(cfg, RACE.slice(7, 9), copied);
    expect(returned.writers.map((w) => w.value)).toEqual([]);
    expect(returned.server.slice(0, 2)).toEqual(['1', '2']);
    // __folio_end_writeback XORs PG_writeback: clear after the first end, with request A still in flight
    // on the folio, which holds no reference of its own (netfs_write_folio), so reclaim may take it ...
    expect(returned.folio[0]?.writeback).toBe(false);
    expect(enabled(returned, cfg)).toContain('reclaim(folio 0)');
    // ... and set again, for ever, by the second: the stale upload has landed and nothing is in flight.
    const landed = run(cfg, RACE.slice(9), returned);
    expect(landed.server.slice(0, 2)).toEqual(['0', '2']);
    expect(landed.folio[0]?.writeback).toBe(true);
    expect(landed.regions.filter((r) => r.state === 'flushing')).toEqual([]);
  });

  it('by search at the defaults: the stale background upload lands after the write-through, and the DSYNC write returned (10 actions)', () => {
    const r = check(mainline, { mode: 'exhaustive', properties: ['dsync'] });
    const dsync = r.properties.find((p) => p.id === 'dsync')!;
    expect(dsync).toMatchObject({ verdict: 'violated', claimed: true, traceLength: 10 });
    expect(dsync.actions).toEqual(RACE);
    expect(dsync.message).toBe('DSYNC write 1 returned but the server holds 0 at byte 0');
  });

  it('without mmap stores nothing dirties the range in the window, and dsync holds to the default bound', () => {
    const r = check(mainline, { mode: 'exhaustive', properties: ['dsync'], params: { mmap: 0 } });
    expect(r.exhaustive?.complete).toBe(true);
    expect(r.properties.find((p) => p.id === 'dsync')!.verdict).toBe('holds');
  });
});
