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
    const taken = run(cfg, ['write(buffered, [0,2))', 'activate(write 1)', 'copy(write 1)', 'flush(region 0, up to 2)']);
    expect(taken.regions.map((r) => [r.state, r.start, r.end])).toEqual([['flushing', 0, 2], ['active', 2, 2]]);
    // The write then commits an empty remainder and returns.
    expect(labels(taken, cfg)).toContain('complete(write 1)');
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
  });

});
