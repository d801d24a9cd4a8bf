/**
 * Memory failure in the sharing designs (issue 10, section 1, items 4-6):
 * memfail-reach is INV-B alone and memfail-notify is the filesystem being
 * told; a failure is handled one owner at a time with the world running
 * between owners, a history may hold several, and under the late kill policy
 * the process whose load consumes the poison is the one signalled; pre-2022
 * fsdax bails out before poisoning a page with no page->mapping. Every design
 * says what its authors promised and what each step stands for.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { AnyDesign } from '../model/design.js';
import { resolveConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';
import { statesOf } from './fixtures/run.js';
import { viewOf } from '../engine/model.js';
import type { World } from '../model/world/state.js';

const SEVEN = ['fsdax-1to1', 'fsdax-shared', 'fragment-owner', 'tmpfs-cowflag', 'shadow-pages', 'imapping-redirect', 'owner-list'];

/** Runs `labels` from the initial state, each action picked by its label among the enabled ones; every state is returned. */
function run(design: AnyDesign, labels: readonly string[], params: Record<string, number> = {}): World[] {
  const model = instantiate(design, resolveConfig(design, params, []), 'immer');
  const states = statesOf(model, labels) as World[];
  return states;
}

/** The properties a state violates, each read through the design's view as the checker reads it. */
const violations = (design: AnyDesign, s: World): string[] => {
  const model = instantiate(design, resolveConfig(design, {}, []), 'immer');
  const v = viewOf(model, s);
  return model.always.flatMap((p) => (p.check(s, v) ? [p.id] : []));
};
const reached = (design: AnyDesign, goal: string, s: World): boolean => {
  const model = instantiate(design, resolveConfig(design, {}, []), 'immer');
  return model.sometimes.find((g) => g.id === goal)!.reached(s, viewOf(model, s));
};

describe('item 4: memfail-reach is INV-B alone, memfail-notify is the filesystem being told', () => {
  const d = findDesign('fsdax-1to1');
  it('memfail-notify is a property of its own beside memfail-reach', () => {
    expect(d.always.map((p) => p.id)).toEqual(expect.arrayContaining(['memfail-reach', 'memfail-notify']));
  });
  it("fsdax-1to1's shortest memfail-reach counterexample is the two-file missed signal", () => {
    const r = check(d, { mode: 'exhaustive', properties: ['memfail-reach'] });
    const p = r.properties[0];
    expect(p).toMatchObject({ verdict: 'violated', traceLength: 6 });
    expect(p.actions).toEqual(['reflink(s=0, d=1)', 'fault(f=0, i=0, read)', 'finish-fault', 'fault(f=1, i=0, read)', 'finish-fault', 'memfail(pfn=0)']);
    expect(p.message).toBe('memory failure on pfn 0: process 0 maps it (index 0) but was not signalled');
  });
  it('memfail-notify carries "the filesystem never learns", on a pfn nobody maps', () => {
    const r = check(d, { mode: 'exhaustive', properties: ['memfail-notify'] });
    expect(r.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 1, message: 'memory failure on pfn 0: the filesystem never learns that (file 0, index 0) owns it' });
  });
  it('a failure on a pfn nobody maps signals nobody and breaks no memfail-reach', () => {
    const [, s] = run(d, ['memfail(pfn=0)']);
    expect(violations(d, s)).toEqual(['memfail-notify']);
  });
});

describe('item 5: memory failure one owner at a time, several per history, late SIGBUS', () => {
  const shared = findDesign('fsdax-shared');
  const twoMappers = ['reflink(s=0, d=1)', 'fault(f=0, i=0, read)', 'finish-fault', 'fault(f=1, i=0, read)', 'finish-fault'];
  it('handles the first rmap owner, then lets the world run before the next (mf_dax_kill_procs per (mapping, index))', () => {
    const states = run(shared, [...twoMappers, 'memfail(pfn=0)']);
    const s = states[states.length - 1];
    expect(s.mf).toMatchObject({ pfn: 0, done: false, walk: [2], killed: [0], told: [0] });
    expect(s.pte[1][0]).toBe(0);
    const model = instantiate(shared, resolveConfig(shared, {}, []), 'immer');
    const enabled = model.actions(s).map((a) => model.label(a));
    expect(enabled).toEqual(expect.arrayContaining(['memfail-next', 'unmap(f=1, i=0)']));
    // The AGF is held across xfs_rmap_query_range: nothing that changes the rmap runs meanwhile.
    expect(enabled.filter((l) => /^(reflink|dedupe|punch|truncate)/.test(l))).toEqual([]);
    // A second failure waits for this one (mf_mutex).
    expect(enabled.filter((l) => l.startsWith('memfail('))).toEqual([]);
    const [end] = run(shared, [...twoMappers, 'memfail(pfn=0)', 'memfail-next']).slice(-1);
    expect(end.mf).toMatchObject({ done: true, killed: [0, 1], told: [0, 2] });
    expect(violations(shared, end)).toEqual([]);
  });
  it('an owner step waits for a fault holding its entry (dax_lock_mapping_entry)', () => {
    const states = run(shared, [...twoMappers.slice(0, 3), 'memfail(pfn=0)', 'fault(f=1, i=0, read)']);
    const s = states[states.length - 1];
    const model = instantiate(shared, resolveConfig(shared, {}, []), 'immer');
    expect(model.actions(s).map((a) => model.label(a))).not.toContain('memfail-next');
  });
  it('holds two failures in one history, a shared and a private pfn (xfs/552)', () => {
    // poisonfile (file 1) shares block 0 with testfile (file 0) at index 0 and has a private block at index 1.
    const states = run(shared, [
      'reflink(s=0, d=1)',
      'write(f=1, i=1, v=2)',
      'fault(f=0, i=0, read)',
      'finish-fault',
      'fault(f=1, i=0, read)',
      'finish-fault',
      'fault(f=1, i=1, read)',
      'finish-fault',
      'memfail(pfn=0)',
      'memfail-next',
      'memfail(pfn=1)',
    ]);
    const s = states[states.length - 1];
    expect(s.frame[0].poison && s.frame[1].poison).toBe(true);
    // The first failure's SIGBUS is a signal, not an exit (kill_proc; world/common.ts, kill): process 1,
    // which may have caught it, still maps pfn 1 at index 1 and is signalled again.
    expect(s.mf).toMatchObject({ pfn: 1, shared: false, done: true, killed: [1], told: [3] });
    expect(s.pte[1]).toEqual([-1, -1]);
    for (const t of states) expect(violations(shared, t)).toEqual([]);
    expect(reached(shared, 'second-memfail', s)).toBe(true);
  });
  it('under late kill only the consuming process is signalled; the other meets the poison at its own next load', () => {
    const late = { E: 0 };
    const states = run(shared, [...twoMappers, 'mce(f=1, i=0)', 'memfail-next'], late);
    const s = states[states.length - 1];
    expect(s.mf).toMatchObject({ by: 1, early: false, done: true, killed: [1] });
    expect(s.pte[0][0]).toBe(0); // not collected, so nothing unmapped (unmap_and_kill with an empty list)
    expect(violations(shared, s)).toEqual([]);
    const after = run(shared, [...twoMappers, 'mce(f=1, i=0)', 'memfail-next', 'mce(f=0, i=0)', 'memfail-next'], late);
    expect(after[after.length - 1].mf).toMatchObject({ by: 0, done: true, killed: [0] });
    // A fault on the poisoned pfn gets VM_FAULT_SIGBUS at its lookup (dax_iomap_direct_access): no action.
    const refault = run(shared, [...twoMappers, 'mce(f=1, i=0)', 'memfail-next'], late).at(-1)!;
    expect(refault.pte[1][0]).toBe(-1);
    const m = instantiate(shared, resolveConfig(shared, late, []), 'immer');
    expect(m.actions(refault).map((a) => m.label(a))).not.toContain('fault(f=1, i=0, read)');
  });
  it('under late kill, fsdax-1to1 misses the consuming process when page->mapping names the other file', () => {
    const r = check(findDesign('fsdax-1to1'), { mode: 'exhaustive', properties: ['memfail-reach'], params: { E: 0 } });
    expect(r.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 6 });
    expect(r.properties[0].actions!.slice(-1)).toEqual(['mce(f=0, i=0)']);
    expect(r.properties[0].message).toBe("memory failure on pfn 0: process 0's load consumed the poison and it was not signalled (the machine check returns to the same load)");
  });
});

describe('item 6: pre-2022 memory_failure_dev_pagemap bails out before SetPageHWPoison without page->mapping', () => {
  const d = findDesign('fsdax-1to1');
  it('leaves a page no file has faulted alone (-EBUSY)', () => {
    const [, s] = run(d, ['memfail(pfn=0)']);
    expect(s.frame[0].poison).toBe(false);
    expect(s.mf).toMatchObject({ busy: true, done: true, killed: [] });
  });
  it('a fault in progress on an unshared, never-mapped pfn is not disturbed', () => {
    const [, , s] = run(d, ['fault(f=0, i=0, read)', 'memfail(pfn=0)']);
    expect(s.fault).toMatchObject({ pfn: 0, stale: false });
  });
  it("the shortest entry-lock counterexample is Dave's: a shared pfn poisoned through one file while a fault through the other holds it", () => {
    const r = check(d, { mode: 'exhaustive', properties: ['entry-lock'] });
    expect(r.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 5 });
    expect(r.properties[0].actions).toEqual(['fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)', 'fault(f=1, i=0, read)', 'memfail(pfn=0)']);
  });
});

describe.each(SEVEN)('%s: claims and notes', (name) => {
  const d = findDesign(name);
  it('claims a subset of its properties, at least one', () => {
    const ids = [...d.always, ...(d.liveness ?? [])].map((p: { id: string }) => p.id);
    expect(d.claims).toBeDefined();
    expect(d.claims!.length).toBeGreaterThan(0);
    for (const c of d.claims!) expect(ids).toContain(c);
  });
  it('notes every action kind it has, each in a short line', () => {
    for (const kind of Object.keys(d.next)) {
      const note = (d.notes as Record<string, string | undefined> | undefined)?.[kind];
      expect({ kind, note: typeof note }).toEqual({ kind, note: 'string' });
      expect(note!.length).toBeLessThanOrEqual(100);
    }
  });
});
