/**
 * netfs-regions: where the flusher may split an active region. Seed 004:
 * "The flusher can split an active region in order to write out part of it,
 * provided it does so at a page boundary that's at or less than the dirtied
 * point"; the RFC branch's netfs_flush_dirty() takes an active region up to
 * "active_from = round_down(dirty_to, min_bsize)" (dirty_to its dirty.end,
 * min_bsize the crypto/cache block) and all of it when "r->dirty.start <
 * limit". The model once required the cut to lie before the write's end
 * (`cut < w.end`), so a write that had copied everything could not be
 * written out before it committed, and cut at page rather than block
 * boundaries (counterexamples/netfs-regions/bugs/dsync-wait-holding-lock.deadlock.review.md).
 * Then it split even where nothing lay past the cut and left an empty active
 * record carrying the writer, which a DSYNC writer waited on for ever (the
 * same review, second round); the RFC's "if (tail->dirty.end > block.end)"
 * is false there, and the record itself goes to NETFS_REGION_IS_FLUSHING.
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../model/design.js';
import rfc from '../model/designs/netfs-regions.js';
import { labels, run } from './netfs-regions-steps.js';
import type { NetfsState } from '../model/netfs/world.js';

function config(params: Record<string, number> = {}, bugs: string[] = []): Config {
  const defaults = Object.fromEntries(Object.entries(rfc.params).map(([k, p]) => [k, p.default]));
  return { params: { ...defaults, ...params }, bugs: new Set(bugs) };
}

const flushes = (s: NetfsState, cfg: Config) => labels(s, cfg).filter((l) => l.startsWith('flush('));

describe('netfs-regions: the flusher splits an active region at round_down(dirtied point, block)', () => {
  it('a write that has copied everything and not committed may be written out whole (cut at its dirtied point = its end)', () => {
    const cfg = config({ remote: 0, disconnect: 0, crash: 0 });
    const s = run(cfg, ['write(buffered, [0,2))', 'activate(write 1)', 'copy(write 1)']);
    expect(s.writers[0]).toMatchObject({ phase: 'active', copied: 2, end: 2 });
    expect(flushes(s, cfg)).toEqual(['flush(region 0, up to 2)']);
    // Nothing lies past block.end ("tail->dirty.end > block.end" is false): no split, the record itself
    // goes, still the writer's, and no empty active record is left behind.
    const taken = run(cfg, ['write(buffered, [0,2))', 'activate(write 1)', 'copy(write 1)', 'flush(region 0, up to 2)']);
    expect(taken.regions.map((r) => [r.state, r.start, r.end, r.writer])).toEqual([['flushing', 0, 2, 1]]);
    // The write then commits (its data is in flight) and returns.
    const done = run(cfg, ['write(buffered, [0,2))', 'activate(write 1)', 'copy(write 1)', 'flush(region 0, up to 2)', 'complete(write 1)']);
    expect(done.writers).toEqual([]);
    expect(done.regions.map((r) => [r.state, r.start, r.end])).toEqual([['flushing', 0, 2]]);
    expect(done.ghost.allowed.slice(0, 2)).toEqual([[1], [1]]);
  });

  it('a real split (the record reaches past block.end) ejects the front; the writer keeps the remainder (netfs_split_off_front)', () => {
    const cfg = config({ cache: 0, remote: 0, disconnect: 0, crash: 0 });
    const s = run(cfg, ['write(buffered, [1,3))', 'read(folio 0)', 'read(folio 1)', 'activate(write 1)', 'copy(write 1)', 'copy(write 1)']);
    expect(flushes(s, cfg)).toEqual(['flush(region 0, up to 2)']);
    const cut = run(cfg, ['write(buffered, [1,3))', 'read(folio 0)', 'read(folio 1)', 'activate(write 1)', 'copy(write 1)', 'copy(write 1)', 'flush(region 0, up to 2)']);
    expect(cut.regions.filter((r) => r.type === 'ordinary').map((r) => [r.state, r.start, r.end, r.writer])).toEqual([
      ['flushing', 1, 2, 1],
      ['active', 2, 3, 1],
    ]);
  });

  it("an active write cut at its dirtied point with bytes still to copy keeps an active record from the cut (the model's choice)", () => {
    const cfg = config({ cache: 0, remote: 0, disconnect: 0, crash: 0 });
    const steps = ['write(buffered, [1,3))', 'read(folio 0)', 'read(folio 1)', 'activate(write 1)', 'copy(write 1)', 'flush(region 0, up to 2)'];
    const s = run(cfg, steps);
    expect(s.regions.filter((r) => r.type === 'ordinary').map((r) => [r.state, r.start, r.end, r.writer])).toEqual([
      ['flushing', 1, 2, 1],
      ['active', 2, 2, 1],
    ]);
    const on = run(cfg, [...steps, 'copy(write 1)']);
    expect(on.regions.filter((r) => r.type === 'ordinary').map((r) => [r.state, r.start, r.end])).toEqual([
      ['flushing', 1, 2],
      ['active', 2, 3],
    ]);
  });

  it('with a crypto block of two folios, no cut inside the block: round_down(2, 4) is 0; once the block is copied, all of it may go', () => {
    const cfg = config({ C: 4, remote: 0, disconnect: 0, crash: 0, L: 4 });
    const half = run(cfg, ['write(buffered, [0,4))', 'activate(write 1)', 'copy(write 1)']);
    expect(half.writers[0].copied).toBe(2);
    expect(flushes(half, cfg)).toEqual([]);
    const whole = run(cfg, ['write(buffered, [0,4))', 'activate(write 1)', 'copy(write 1)', 'copy(write 1)']);
    expect(flushes(whole, cfg)).toEqual(['flush(region 0, up to 4)']);
  });

  it('dsync-wait-holding-lock with a whole-block DSYNC write: the flusher may still take the active region the writer waits on', () => {
    const cfg = config({ P: 1, W: 1, C: 0, dio: 0, remote: 0, disconnect: 0, crash: 0 }, ['dsync-wait-holding-lock']);
    const waiting = run(cfg, ['write(dsync, [0,2))', 'activate(write 1)', 'copy(write 1)', 'complete(write 1)']);
    expect(waiting.writers[0].phase).toBe('syncing');
    expect(flushes(waiting, cfg)).toEqual(['flush(region 0, up to 2)']);
    // The record itself goes, and the DSYNC writer, waiting on it, returns once it lands
    // (wait_on_region(region, NETFS_REGION_IS_COMPLETE)); no empty active record is left for it to wait on.
    const flushed = run(cfg, ['write(dsync, [0,2))', 'activate(write 1)', 'copy(write 1)', 'complete(write 1)', 'flush(region 0, up to 2)']);
    expect(flushed.regions.map((r) => [r.state, r.start, r.end, r.writer])).toEqual([['flushing', 0, 2, 1]]);
    const landed = run(cfg, ['write(dsync, [0,2))', 'activate(write 1)', 'copy(write 1)', 'complete(write 1)', 'flush(region 0, up to 2)', 'wbDone(region 0)']);
    expect(labels(landed, cfg).filter((l) => l.includes('write 1'))).toEqual(['complete(write 1)']);
    const returned = run(cfg, ['write(dsync, [0,2))', 'activate(write 1)', 'copy(write 1)', 'complete(write 1)', 'flush(region 0, up to 2)', 'wbDone(region 0)', 'complete(write 1)']);
    expect(returned.writers).toEqual([]);
    expect(returned.ghost.durable.slice(0, 2)).toEqual([1, 1]);
    expect(rfc.waiting!(returned, cfg)).toBeUndefined();
  });

  it('dsync-wait-holding-lock with a DSYNC write ending inside a block: the flusher takes the front, and the writer waits for ever on the remainder', () => {
    const cfg = config({ W: 1, dio: 0, cache: 0, remote: 0, disconnect: 0, crash: 0 }, ['dsync-wait-holding-lock']);
    const steps = ['write(dsync, [1,3))', 'read(folio 0)', 'read(folio 1)', 'activate(write 1)', 'copy(write 1)', 'copy(write 1)', 'complete(write 1)', 'flush(region 0, up to 2)'];
    const s = run(cfg, steps);
    const dsync = s.regions.filter((r) => r.type === 'dsync').map((r) => [r.state, r.start, r.end, r.writer]);
    expect(dsync).toEqual([
      ['flushing', 1, 2, 1],
      ['active', 2, 3, 1],
    ]);
    const after = run(cfg, [...steps, 'wbDone(region 0)']);
    expect(flushes(after, cfg)).toEqual([]);
    expect(labels(after, cfg).some((l) => l.includes('write 1'))).toBe(false);
    expect(rfc.waiting!(after, cfg)).toMatch(/dsync write 1 \[1,3\) waits for its DSYNC region to finish flushing/);
  });
});
