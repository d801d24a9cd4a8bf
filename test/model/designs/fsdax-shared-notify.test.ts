/**
 * fsdax-shared's notify-failure paths (model/designs/fsdax-shared-notify.ts):
 * a poisoned metadata block shuts XFS down, what the shutdown leaves working,
 * a memory failure after it, no rmap btree, and the partition mount rule.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.js';
import { resolveConfig } from '../../../model/config.js';
import { findDesign } from '../../../model/designs/index.js';
import { instantiate } from '../../../model/instantiate.js';
import { viewOf } from '../../../engine/model.js';
import { statesOf } from '../../fixtures/run.js';
import type { NotifyWorld } from '../../../model/designs/fsdax-shared-notify.js';

const d = findDesign('fsdax-shared');
const model = (params: Record<string, number> = {}, bugs: string[] = []) => instantiate(d, resolveConfig(d, params, bugs), 'immer');
const last = (labels: readonly string[], params: Record<string, number> = {}, bugs: string[] = []): NotifyWorld => statesOf(model(params, bugs), labels).slice(-1)[0] as NotifyWorld;
const enabled = (s: NotifyWorld, params: Record<string, number>): string[] => {
  const m = model(params);
  return m.actions(s).map((a) => m.label(a));
};
const violated = (s: NotifyWorld, params: Record<string, number>, bugs: string[] = []): string[] => {
  const m = model(params, bugs);
  const v = viewOf(m, s);
  return m.always.flatMap((p) => (p.check(s, v) ? [p.id] : []));
};
const verdict = (property: string, depth: number, params: Record<string, number>, bugs: string[] = []) =>
  check(d, { mode: 'exhaustive', properties: [property], depth, params, bugs }).properties.find((p) => p.id === property)!.verdict;
const M1 = { META: 1 };

describe('fsdax-shared: the defaults are the configuration checked before the notify-failure paths', () => {
  it('META=0 R=1 I=0 PART=0 by default, and the same states at depth 4', () => {
    const cfg = resolveConfig(d, {}, []);
    expect([cfg.params.META, cfg.params.R, cfg.params.PART]).toEqual([0, 1, 0]);
    expect(cfg.params.I).toBe(0);
    const r = check(d, { mode: 'exhaustive', properties: ['refcount'], depth: 4 });
    expect([r.exhaustive!.states, r.exhaustive!.transitions]).toEqual([13167, 36553]);
    expect(model().initial).not.toHaveProperty('shutdown');
  });
  it('with META=1 the metadata block is pfn P, held by XFS, and its count is no leak', () => {
    const s = model(M1).initial as NotifyWorld;
    expect(s.ref).toEqual([1, 1, 0, 1]);
    expect(s.frame[3].free).toBe(false);
    expect(s.shutdown).toBe(false);
    expect(violated(s, M1)).toEqual([]);
    const r = check(d, { mode: 'exhaustive', properties: ['refcount'], depth: 4, params: M1 });
    expect([r.exhaustive!.states, r.exhaustive!.transitions]).toEqual([15577, 39590]);
  });
});

describe('META=1: a memory failure on a metadata block (xfs_dax_failure_fn: XFS_RMAP_NON_INODE_OWNER -> want_shutdown)', () => {
  it('shuts the filesystem down, poisons no page and signals nobody', () => {
    const s = last(['fault(f=0, i=0, read)', 'finish-fault', 'memfail(pfn=3)'], M1);
    expect(s.shutdown).toBe(true);
    expect(s.event).toBe('shutdown');
    expect(s.mf).toMatchObject({ pfn: 3, done: true, killed: [], told: [] });
    expect(s.frame.every((fr) => !fr.poison)).toBe(true);
    // Shutdown zaps no pte.
    expect(s.pte[0][0]).toBe(0);
    expect(violated(s, M1)).toEqual([]);
  });
  it('every entry point that tests xfs_is_shutdown fails; loads, stores, unmap and pins go on', () => {
    const s = last(['fault(f=0, i=0, write)', 'finish-fault', 'memfail(pfn=3)'], M1);
    const on = enabled(s, M1);
    for (const k of ['write(', 'fault(', 'punch(', 'truncate(', 'reflink(', 'reflink-range(', 'dedupe(']) expect(on.filter((l) => l.startsWith(k))).toEqual([]);
    expect(on).toEqual(expect.arrayContaining(['unmap(f=0, i=0)', 'store(f=0, i=0, v=2)', 'pin(f=0, i=0)', 'memfail(pfn=0)']));
    const before = enabled(last(['fault(f=0, i=0, write)', 'finish-fault'], M1), M1);
    expect(before.some((l) => l.startsWith('write('))).toBe(true);
  });
  it('under R=0 the generic path never asks XFS: dax_lock_folio finds no mapping, -EBUSY, no shutdown', () => {
    const s = last(['memfail(pfn=3)'], { META: 1, R: 0 });
    expect(s.shutdown).toBe(false);
    expect(s.mf).toMatchObject({ busy: true, done: true });
  });
  it('a fault waiting for the AGF at the shutdown fails its iomap_begin: the entry is unlocked, no pte', () => {
    const s = last(['reflink(s=0, d=1)', 'memfail(pfn=0)', 'fault(f=0, i=0, read)', 'memfail-next', 'memfail(pfn=3)', 'iomap-begin'], M1);
    expect(s.fault).toBeNull();
    expect(s.pte[0][0]).toBe(-1);
  });
  it('a dedupe between compare and remap at the shutdown remaps nothing (xfs_reflink_remap_blocks fails)', () => {
    const s = last(['write(f=1, i=0, v=1)', 'dedupe(s=0, si=0, d=1, di=0)', 'memfail(pfn=3)', 'dedupe-remap'], M1);
    expect(s.dedupe).toBeNull();
    expect(s.ext[1][0]).not.toBe(s.ext[0][0]);
    const live = last(['write(f=1, i=0, v=1)', 'dedupe(s=0, si=0, d=1, di=0)', 'dedupe-remap'], M1);
    expect(live.ext[1][0]).toBe(live.ext[0][0]);
  });
});

describe('META=1: a memory failure on a data block after the shutdown (xfs_alloc_read_agf: -EIO before the first record)', () => {
  it('poisons nothing and signals no mapper under early kill, and the filesystem learns nothing', () => {
    const s = last(['fault(f=0, i=0, read)', 'finish-fault', 'memfail(pfn=3)', 'memfail(pfn=0)'], M1);
    expect(s.mf).toMatchObject({ pfn: 0, busy: true, done: true, killed: [], told: [] });
    expect(s.frame[0].poison).toBe(false);
    expect(violated(s, M1).sort()).toEqual(['memfail-notify', 'memfail-reach']);
  });
  it('a machine check still kills its consumer (kill_me_maybe -> kill_me_now)', () => {
    const p = { META: 1, E: 0 };
    const s = last(['fault(f=0, i=0, read)', 'finish-fault', 'memfail(pfn=3)', 'mce(f=0, i=0)'], p);
    expect(s.mf).toMatchObject({ busy: true, by: 0, killed: [0] });
    // The kill is a signal (force_sig): the handler failed before unmap_and_kill, so the pte stays.
    expect(s.pte[0][0]).toBe(0);
    expect(violated(s, p)).toEqual(['memfail-notify']);
  });
  it('the search: memfail-reach holds without the metadata block and under late kill, and breaks with it under early kill', () => {
    expect(verdict('memfail-reach', 5, {})).toBe('holds');
    expect(verdict('memfail-reach', 5, { META: 1, E: 0 })).toBe('holds');
    expect(verdict('memfail-reach', 4, M1)).toBe('violated');
  });
  it('the search: memfail-notify holds without the metadata block, and breaks with it', () => {
    expect(verdict('memfail-notify', 4, {})).toBe('holds');
    expect(verdict('memfail-notify', 2, M1)).toBe('violated');
  });
  it('the goals are reached where the metadata block exists, so the holds above are not vacuous', () => {
    const r = check(d, { mode: 'exhaustive', properties: ['memfail-reach'], depth: 3, params: { META: 1, E: 0 } });
    expect(r.goals.find((g) => g.id === 'metadata-shutdown')).toMatchObject({ reached: true, depth: 1 });
    expect(r.goals.find((g) => g.id === 'memfail-after-shutdown')).toMatchObject({ reached: true, depth: 2 });
  });
  it('where there is no metadata block nor inode cache, their goals are not listed (never reached vacuously)', () => {
    const ids = check(d, { mode: 'exhaustive', properties: ['memfail-reach'], depth: 1 }).goals.map((g) => g.id);
    expect(ids.filter((g) => /shutdown|owner-not-in-core|owner-reclaimable/.test(g))).toEqual([]);
    expect(ids.length).toBeGreaterThan(0);
  });
});

describe('R=0 (mkfs -m rmapbt=0): notify_failure returns -EOPNOTSUPP, mf_generic_kill_procs', () => {
  it('is the generic-fallback path: a shared folio has no mapping, -EBUSY, and the mapper of the reflinked file is missed', () => {
    const trace = ['fault(f=1, i=0, read)', 'finish-fault', 'reflink(s=1, d=0)', 'fault(f=0, i=0, read)', 'finish-fault', 'memfail(pfn=1)'];
    const s = last(trace, { R: 0 });
    expect(s.mf).toMatchObject({ busy: true, killed: [] });
    expect(violated(s, { R: 0 }).sort()).toEqual(['memfail-notify', 'memfail-reach']);
    expect(violated(last(trace), {})).toEqual([]);
    expect(last(trace, {}, ['generic-fallback']).mf).toEqual(s.mf);
  });
  it('the search: memfail-notify breaks at once (the generic path tells the filesystem nothing)', () => {
    expect(verdict('memfail-notify', 2, { R: 0 })).toBe('violated');
  });
});

describe('PART=1: reflink on a partition is refused at mount (35fcd75af3ed)', () => {
  it('validate() refuses it in one line', () => {
    expect(() => resolveConfig(d, { PART: 1 }, [])).toThrow(/DAX and reflink cannot work with multi-partitions!.*35fcd75af3ed/);
    expect(d.validate!({ ...resolveConfig(d, {}, []).params, PART: 1 })).not.toMatch(/\n/);
  });
});

describe('I=1: inodes leave the cache; xfs_dax_failure_fn skips an owner xfs_iget(XFS_IGET_INCORE) cannot give', () => {
  const I1 = { I: 1 };
  it('evict(f) unmaps process f, deletes its DAX entries (the share count drops) and leaves the inode XFS_IRECLAIMABLE', () => {
    const s = last(['reflink(s=0, d=1)', 'fault(f=0, i=0, read)', 'finish-fault', 'fault(f=1, i=0, read)', 'finish-fault', 'evict(f=1)'], I1);
    expect(s.icache).toEqual([0, 1]);
    expect(s.pte[1]).toEqual([-1, -1]);
    expect(s.entry[1]).toEqual([-1, -1]);
    expect(s.frame[0]).toMatchObject({ mapping: -1, share: 1, count: 1 });
    expect(violated(s, I1)).toEqual([]);
    const on = enabled(s, I1);
    expect(on.filter((l) => /f=1|s=1|d=1/.test(l)).sort()).toEqual(['open(f=1)', 'reclaim-inode(f=1)']);
  });
  it('a reclaimed owner (-ENODATA) is skipped: no poison, no shutdown, the rmap record still found', () => {
    const s = last(['evict(f=0)', 'reclaim-inode(f=0)', 'memfail(pfn=0)'], I1);
    expect(s.event).toBe('owner-not-in-core');
    expect(s.mf).toMatchObject({ done: true, killed: [], told: [0] });
    expect(s.frame[0].poison).toBe(false);
    expect(s.shutdown).toBe(false);
    expect(violated(s, I1)).toEqual([]);
  });
  it('an owner evicted but not reclaimed (-EAGAIN, not retried) sets want_shutdown: the walk goes on, then XFS shuts down', () => {
    const s = last(['reflink(s=0, d=1)', 'fault(f=0, i=0, read)', 'finish-fault', 'evict(f=1)', 'memfail(pfn=0)', 'memfail-next'], I1);
    expect(s.mf).toMatchObject({ done: true, killed: [0], told: [0, 2] });
    expect(s.frame[0].poison).toBe(true);
    expect(s.shutdown).toBe(true);
    expect(s.wantShutdown).toBe(false);
    expect(violated(s, I1)).toEqual([]);
  });
  it('the claim: a file whose inode is out of core has no pte, so the skip signals nobody it owes (and the search reaches the skip)', () => {
    const unmapped = {
      id: 'uncached-unmapped',
      description: 'no process maps a file whose inode is not in core',
      check: (s: NotifyWorld) => (s.icache ?? []).flatMap((c, f) => (c !== 0 && s.pte[f].some((p) => p !== -1) ? [`process ${f} maps file ${f}, whose inode is out of core`] : []))[0],
    };
    const probe = { ...d, always: [unmapped] };
    const r = check(probe, { mode: 'exhaustive', depth: 4, params: I1 });
    expect(r.properties.find((p) => p.id === 'uncached-unmapped')!.verdict).toBe('holds');
    expect(r.goals.find((g) => g.id === 'memfail-owner-not-in-core')).toMatchObject({ reached: true, depth: 3 });
    const broken = check(probe, { mode: 'exhaustive', depth: 4, params: I1, bugs: ['evict-mapped'] });
    expect(broken.properties.find((p) => p.id === 'uncached-unmapped')!.verdict).toBe('violated');
  });
  it('the search: memfail-reach holds under late kill and breaks under evict-mapped, where the skipped owner is mapped', () => {
    expect(verdict('memfail-reach', 5, { I: 1, E: 0 })).toBe('holds');
    const r = check(d, { mode: 'exhaustive', properties: ['memfail-reach'], depth: 4, params: I1, bugs: ['evict-mapped'] });
    const p = r.properties.find((x) => x.id === 'memfail-reach')!;
    expect(p.verdict).toBe('violated');
    expect(p.actions).toEqual(['fault(f=0, i=0, read)', 'finish-fault', 'evict(f=0)', 'memfail(pfn=0)']);
  });
  it('the search: under early kill the -EAGAIN shutdown leaves the next failure with nobody signalled', () => {
    const r = check(d, { mode: 'exhaustive', properties: ['memfail-reach'], depth: 5, params: I1 });
    const p = r.properties.find((x) => x.id === 'memfail-reach')!;
    expect(p.verdict).toBe('violated');
    expect(p.actions).toEqual(['fault(f=0, i=0, read)', 'finish-fault', 'evict(f=1)', 'memfail(pfn=1)', 'memfail(pfn=0)']);
  });
});
