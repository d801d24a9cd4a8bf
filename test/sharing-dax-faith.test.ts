/**
 * Departures from the kernel that a non-author review of the published DAX
 * traces found (issue 10, session 5): a memory failure's kill is a signal
 * (kill_proc), not an exit_mmap; the badblocks test that refuses a DAX fault
 * is in the fault's first half (dax_iomap_direct_access), so a pfn poisoned
 * between the lookup and the pte install is mapped, and a later load takes
 * the machine check; a repeated failure on a DAX pfn re-runs the holder's
 * walk (memory_failure_dev_pagemap comes before TestSetPageHWPoison), on a
 * page-cache page it stops at TestSetPageHWPoison (kill_accessing_process).
 */
import type { Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import type { AnyDesign } from '../model/design.js';
import { resolveConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';
import { viewOf } from '../engine/model.js';
import { kill, openMemFail } from '../model/world/common.js';
import { initWorld, type World } from '../model/world/state.js';
import { statesOf } from './fixtures/run.js';

function model(design: AnyDesign, params: Record<string, number> = {}, bugs: string[] = [], amendments: string[] = []) {
  return instantiate(design, resolveConfig(design, params, bugs, amendments), 'immer');
}
function run(name: string, labels: readonly string[], params: Record<string, number> = {}, bugs: string[] = [], amendments: string[] = []): World[] {
  return statesOf(model(findDesign(name), params, bugs, amendments), labels) as World[];
}
function labels(name: string, s: World, params: Record<string, number> = {}, bugs: string[] = [], amendments: string[] = []): string[] {
  const m = model(findDesign(name), params, bugs, amendments);
  return m.actions(s).map((a) => m.label(a));
}
function violations(name: string, s: World, params: Record<string, number> = {}, bugs: string[] = [], amendments: string[] = []): string[] {
  const m = model(findDesign(name), params, bugs, amendments);
  const v = viewOf(m, s);
  return m.always.flatMap((p) => (p.check(s, v) ? [p.id] : []));
}

describe('item 1: a kill is a signal (kill_proc -> force_sig_mceerr / send_sig_mceerr), not an exit', () => {
  it("kill() records the signal and leaves the process's ptes and pins", () => {
    const cfg = resolveConfig(findDesign('fsdax-shared'), {}, []);
    const w = initWorld(cfg, 3, 2) as Draft<World>;
    Object.assign(w.frame[1], { free: false, count: 2 });
    w.pte[0][0] = 1;
    w.pin[0][0] = 1;
    openMemFail(w, { pfn: 0, by: -1, early: true, shared: false }, { owners: [], due: [], related: [0] }, []);
    kill(w, [0]);
    expect(w.mf!.killed).toEqual([0]);
    expect([w.pte[0][0], w.pin[0][0], w.frame[1].count, w.frame[1].free]).toEqual([1, 1, 2, false]);
  });
  // counterexamples/fragment-owner/bugs/fragment-put-per-block.entry-lock, reviewed "not realisable" at step 9.
  const reviewed = [
    'reflink(s=0, d=1)',
    'reflink-range(s=1, si=0, d=0, di=1)',
    'fault(f=0, i=0, read)',
    'finish-fault',
    'fault(f=0, i=1, write)',
    'write(f=1, i=0, v=2)',
    'finish-fault',
    'fault(f=0, i=0, write)',
    'memfail(pfn=1)',
  ];
  it("fragment-owner: an early kill of a process whose fault holds frame 0 leaves the frame allocated and the fault's page unchanged", () => {
    const states = run('fragment-owner', reviewed, {}, ['fragment-put-per-block']);
    const before = states.at(-2)!,
      after = states.at(-1)!;
    expect(before.fault).toMatchObject({ f: 0, i: 0, pfn: 0 });
    expect(after.mf).toMatchObject({ pfn: 1, killed: [0], done: true });
    expect(after.fault).toMatchObject({ f: 0, i: 0, pfn: 0, stale: false });
    expect(after.frame[0]).toMatchObject({ free: false, count: before.frame[0].count });
    expect(after.pte[0][0]).toBe(0);
    // Frame 1 (the failing page) is what try_to_unmap takes: the pte to it goes.
    expect(after.pte[0][1]).toBe(-1);
    expect(violations('fragment-owner', after, {}, ['fragment-put-per-block'])).not.toContain('entry-lock');
  });
  // The same history with the fault's pte to frame 0 unmapped first, reviewed "not realisable" at step 10:
  // the fault's reference (wp_page_shared's get_page) keeps the orphan until the fault ends.
  const unmapped = [...reviewed.slice(0, -1), 'unmap(f=0, i=0)', 'memfail(pfn=1)'];
  it('fragment-owner: a page orphaned while a fault holds it is freed at finish-fault, not by the memory failure', () => {
    const states = run('fragment-owner', [...unmapped, 'finish-fault'], {}, ['fragment-put-per-block']);
    const [failed, finished] = states.slice(-2);
    expect(failed.frame[0]).toMatchObject({ free: false, count: 0 });
    expect(failed.fault).toMatchObject({ pfn: 0, stale: false });
    expect(violations('fragment-owner', failed, {}, ['fragment-put-per-block'])).not.toContain('entry-lock');
    expect(finished.fault).toBeNull();
    expect(finished.frame[0].free).toBe(true);
  });
  it('the DAX walk unmaps the failing (mapping, index) only (unmap_and_kill -> unmap_mapping_range)', () => {
    // Process 0 maps pfn 0 at index 0 and a block of its own at index 1; the failure on pfn 0 kills it.
    const s = run('fsdax-shared', ['write(f=0, i=1, v=1)', 'fault(f=0, i=1, read)', 'finish-fault', 'fault(f=0, i=0, read)', 'finish-fault', 'memfail(pfn=0)']).at(-1)!;
    expect(s.mf).toMatchObject({ killed: [0], done: true });
    expect(s.pte[0]).toEqual([-1, 2]);
  });
});

describe('item 2: DAX tests badblocks at the lookup (dax_iomap_direct_access), not at the pte install', () => {
  // owner-list's entry-lock trace: the fault through (1, 0) looked pfn 0 up before the walk poisoned it.
  const window = ['fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)', 'fault(f=1, i=0, read)', 'memfail(pfn=0)'];
  it('a pfn poisoned between the lookup and the install is mapped (dax_insert_entry, vmf_insert_page_mkwrite test no poison)', () => {
    const s = run('owner-list', [...window, 'finish-fault']).at(-1)!;
    expect(s.frame[0].poison).toBe(true);
    expect(s.pte[1][0]).toBe(0);
    expect(s.frame[0].owners).toEqual([0, 2]);
  });
  it('a load through it is a machine check under early kill too, and the walk again signals the loader (the late SIGBUS)', () => {
    const states = run('owner-list', [...window, 'finish-fault', 'mce(f=1, i=0)', 'memfail-next']);
    const s = states.at(-1)!;
    expect(s.mf).toMatchObject({ pfn: 0, by: 1, killed: [1], done: true });
    expect(s.pte[1][0]).toBe(-1);
    for (const t of states) expect(violations('owner-list', t)).not.toContain('memfail-reach');
  });
  it('a fault on a pfn known bad is refused at its lookup; a CoW write fault reaches the copy, which refuses it', () => {
    const s = run('owner-list', [...window, 'finish-fault', 'unmap(f=1, i=0)']).at(-1)!;
    const ls = labels('owner-list', s);
    expect(ls).not.toContain('fault(f=1, i=0, read)');
    expect(ls).toContain('fault(f=1, i=0, write)');
    const after = run('owner-list', [...window, 'finish-fault', 'unmap(f=1, i=0)', 'fault(f=1, i=0, write)', 'finish-fault']).at(-1)!;
    expect([after.pte[1][0], after.ext[1][0]]).toEqual([-1, 0]);
  });
});

describe('item 2: a page-cache page already poisoned stops at TestSetPageHWPoison (kill_accessing_process)', () => {
  // fragment-owner: the failure on the fragment's page finds no vma through page->mapping and leaves file 1's pte.
  const left = ['reflink(s=0, d=1)', 'fault(f=1, i=0, read)', 'finish-fault', 'memfail(pfn=0)'];
  it('a load through the pte left to the poisoned page signals the loader alone, and unmaps and tells nothing', () => {
    const before = run('fragment-owner', left).at(-1)!;
    expect([before.frame[0].poison, before.pte[1][0], before.mf!.killed]).toEqual([true, 0, []]);
    const s = run('fragment-owner', [...left, 'mce(f=1, i=0)']).at(-1)!;
    expect(s.mf).toMatchObject({ pfn: 0, by: 1, killed: [1], told: [], due: [], done: true });
    expect(s.pte[1][0]).toBe(0);
    expect(violations('fragment-owner', s)).not.toContain('memfail-reach');
  });
});

describe("item 2: owner-list filesystem-rmap walks the filesystem's rmap, as xfs_dax_failure_fn -> mf_dax_kill_procs does", () => {
  const window = ['fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)', 'fault(f=1, i=0, read)', 'memfail(pfn=0)'];
  it('the walk visits every rmap owner under the AGF, and waits for the fault holding (1, 0)', () => {
    const s = run('owner-list', window, {}, [], ['filesystem-rmap']).at(-1)!;
    expect(s.mf).toMatchObject({ pfn: 0, walk: [2], agf: true, done: false, told: [0] });
    expect(labels('owner-list', s, {}, [], ['filesystem-rmap'])).not.toContain('memfail-next');
  });
  it('the fault maps the pfn it looked up, and the walk then signals its process', () => {
    const states = run('owner-list', [...window, 'finish-fault', 'memfail-next'], {}, [], ['filesystem-rmap']);
    const s = states.at(-1)!;
    expect(s.mf).toMatchObject({ done: true, killed: [1], told: [0, 2] });
    for (const t of states) expect(violations('owner-list', t, {}, [], ['filesystem-rmap'])).toEqual(expect.not.arrayContaining(['memfail-reach', 'memfail-notify']));
  });
});

describe("item 3: a second failure on a DAX pfn runs the holder's walk again (memory_failure_dev_pagemap precedes TestSetPageHWPoison)", () => {
  it('fsdax-shared: a pfn no entry holds is not marked, and a second report on it finds the world as the first did', () => {
    const once = run('fsdax-shared', ['memfail(pfn=0)']).at(-1)!;
    expect([once.frame[0].poison, once.mf!.told, once.mf!.done]).toEqual([false, [0], true]);
    expect(labels('fsdax-shared', once)).toContain('memfail(pfn=0)');
    const twice = run('fsdax-shared', ['memfail(pfn=0)', 'memfail(pfn=0)']).at(-1)!;
    expect(twice).toEqual(once);
  });
});

describe('item 2: imapping-redirect: a load through the pte a failed handler left is a machine check under early kill too', () => {
  it('signals the loader alone (TestSetPageHWPoison -> kill_accessing_process)', () => {
    const left = ['mmap(f=0)', 'fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)', 'memfail(pfn=0)'];
    const before = run('imapping-redirect', left).at(-1)!;
    expect([before.frame[0].poison, before.pte[0][0], before.mf!.killed]).toEqual([true, 0, []]);
    const s = run('imapping-redirect', [...left, 'mce(f=0, i=0)']).at(-1)!;
    expect(s.mf).toMatchObject({ pfn: 0, by: 0, killed: [0], told: [], due: [], done: true });
    expect(s.pte[0][0]).toBe(0);
  });
});

describe('memfail-reach owes the loader a signal only while it maps the pfn', () => {
  // counterexamples/fsdax-shared/bugs/no-entry-lock.memfail-reach, reviewed "not realisable" at step 10, untoggled
  // as the review replayed it: the loader's sibling thread unmaps mid-walk, __add_to_kill leaves it out.
  const history = [
    'reflink(s=1, d=0)',
    'fault(f=0, i=0, read)',
    'finish-fault',
    'fault(f=1, i=0, read)',
    'finish-fault',
    'memfail(pfn=1)',
    'memfail-next',
    'mce(f=1, i=0)',
    'unmap(f=1, i=0)',
    'memfail-next',
  ];
  for (const name of ['fsdax-shared', 'shadow-pages']) {
    it(`${name}: an unsignalled loader with no pte left breaks nothing; with its pte kept, the walk signals it`, () => {
      const states = run(name, history, { E: 0 });
      const end = states.at(-1)!;
      expect(end.mf).toMatchObject({ by: 1, done: true, killed: [] });
      for (const s of states) expect(violations(name, s, { E: 0 })).not.toContain('memfail-reach');
      const kept = run(name, [...history.slice(0, 8), 'memfail-next'], { E: 0 }).at(-1)!;
      expect(kept.mf).toMatchObject({ by: 1, done: true, killed: [1] });
    });
  }
});
