/**
 * The kernel liveness properties (properties/liveness.ts, issue 14 section 3):
 * each holds where the kernel's rule keeps it, and a toggle (or the design
 * itself) breaks it, with a lasso that replays.
 *
 * The DAX checks run on a sub-world: the design as it is, with only the
 * action kinds the property is about offered (`only`). A liveness verdict
 * needs the whole state graph, and the whole DAX world at its smallest
 * parameters is some 300,000 states (fsdax-1to1, F=2 B=1 P=2 V=1); the
 * sub-worlds are a few thousand. Leaving kinds out removes histories, so a
 * "holds" here is a holds of that sub-world only; a violation found in it is
 * a history of the whole design.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { CheckResult } from '../checker/result.js';
import { replay } from '../checker/replay.js';
import type { AnyDesign } from '../model/design.js';
import { findDesign } from '../model/designs/index.js';
import { renderText } from '../trace/render.js';
import { resolveConfig } from '../model/config.js';
import { instantiate } from '../model/instantiate.js';
import { NULL, type World } from '../model/world/state.js';
import { statesOf } from './fixtures/run.js';

const SMALL = { B: 1, V: 1, P: 2 };
const BREAKS = ['fault', 'finish', 'iomap', 'unmap', 'pin', 'unpin', 'unpin-longterm', 'punch', 'resume'];
const MEMFAIL = ['fault', 'finish', 'iomap', 'unmap', 'memfail', 'memfail-next', 'reflink', 'resume'];

function only(name: string, kinds: readonly string[]): AnyDesign {
  const d = findDesign(name);
  return { ...d, actions: (s, cfg) => d.actions(s, cfg).filter((a: { kind: string }) => kinds.includes(a.kind)) };
}

function live(design: AnyDesign, id: string, bugs: string[] = []): { r: CheckResult; p: CheckResult['properties'][number] } {
  const r = check(design, { mode: 'exhaustive', depth: 60, params: SMALL, bugs, properties: [id] });
  expect(r.exhaustive?.stoppedBy).toBe('exhausted');
  return { r, p: r.properties.find((x) => x.id === id)! };
}

function replays(design: AnyDesign, r: CheckResult, id: string): string {
  const trace = r.counterexamples[id];
  expect(trace.loop).toBeDefined();
  expect(replay(trace, design).reproduces).toBe(true);
  return renderText(trace);
}

describe('layout-break-proceeds: a punch asleep in its layout break eventually goes on', () => {
  it('fsdax-1to1 (a pte holds no page reference before v6.15): the sleeper wakes once the short-term pins go', () => {
    const { p } = live(only('fsdax-1to1', BREAKS), 'layout-break-proceeds');
    expect(p).toMatchObject({ verdict: 'holds', claimed: true });
    expect(p.fairness).toEqual({ weak: ['unpin', 'finish', 'iomap', 'dedupe-remap'], strong: ['resume', 'memfail-next'] });
  });

  it('fsdax-1to1 with longterm-pin-granted: the punch sleeps for as long as userspace keeps its FOLL_LONGTERM pin', () => {
    const d = only('fsdax-1to1', BREAKS);
    const { r, p } = live(d, 'layout-break-proceeds', ['longterm-pin-granted']);
    expect(p.verdict).toBe('violated');
    expect(p.actions!.some((a) => a.includes('longterm=true'))).toBe(true);
    expect(p.actions!.at(-1)).toMatch(/^punch/);
    // The history stops where only the pin's owner could end the wait.
    expect(p.loop).toBe(p.traceLength);
    expect(p.message).toMatch(/no fair action is enabled \(enabled: .*unpin-longterm/);
    expect(replays(d, r, 'layout-break-proceeds')).toMatch(/violated: layout-break-proceeds/);
  });

  it('fsdax-shared (v6.15: a pte holds a reference, idle is a count of 0): a pte faulted in during the sleep keeps it asleep until munmap', () => {
    const d = only('fsdax-shared', BREAKS);
    const { r, p } = live(d, 'layout-break-proceeds');
    expect(p).toMatchObject({ verdict: 'violated', claimed: true });
    const punch = p.actions!.findIndex((a) => a.startsWith('punch'));
    const after = p.actions!.slice(punch + 1);
    expect(after.some((a) => a.startsWith('fault'))).toBe(true);
    expect(after).toContain('unpin(f=0, i=0)');
    expect(p.message).toMatch(/no fair action is enabled \(enabled: .*unmap/);
    replays(d, r, 'layout-break-proceeds');
  });

  it('the toggle keeps layout-pin: the break waits for a long-term pin; with no-break-layouts too (before v4.15) the punch frees the block', () => {
    const d = findDesign('fsdax-1to1');
    const waits = check(d, { mode: 'exhaustive', depth: 4, properties: ['layout-pin'], bugs: ['longterm-pin-granted'] });
    expect(waits.properties[0].verdict).not.toBe('violated');
    const frees = check(d, { mode: 'exhaustive', depth: 4, properties: ['layout-pin'], bugs: ['longterm-pin-granted', 'no-break-layouts'] });
    expect(frees.properties[0].verdict).toBe('violated');
  });

  it('the sleeping break is who waits; it holds off write(2) and new pins, not faults', () => {
    const d = findDesign('fsdax-1to1');
    const cfg = resolveConfig(d, {}, []);
    const m = instantiate(d, cfg, 'immer');
    const s = (statesOf(m, ['fault(f=0, i=0, read)', 'finish-fault', 'pin(f=0, i=0, ro=true)', 'punch(f=0, i=0)']) as World[]).at(-1)!;
    expect(s.breaking).toEqual({ kind: 'punch', f: 0, i: 0, on: s.pin[0][0] });
    expect(s.pte[0][0]).toBe(NULL);
    expect(d.waiting!(s, cfg)).toMatch(/punch\(f=0, i=0\) sleeps in its layout break/);
    const enabled = m.actions(s).map((a) => m.label(a));
    expect(enabled).toContain('fault(f=0, i=0, write)');
    expect(enabled).toContain('unpin(f=0, i=0)');
    expect(enabled.filter((a) => a.startsWith('pin(') || a.startsWith('write(f=0') || a.startsWith('punch') || a === 'resume')).toEqual([]);
  });

  it('truncate, reflink and dedupe sleep in their breaks as punch does, and resume on idle pages', () => {
    const d = findDesign('fsdax-1to1');
    const m = instantiate(d, resolveConfig(d, {}, []), 'immer');
    const pinned = ['fault(f=0, i=0, read)', 'finish-fault', 'pin(f=0, i=0, ro=true)'];
    for (const [op, kind] of [
      ['truncate(f=0, n=0)', 'truncate'],
      ['reflink(s=0, d=1)', 'reflink'],
      ['dedupe(s=0, si=0, d=1, di=0)', 'dedupe'],
    ] as const) {
      if (kind === 'dedupe') continue; // the files' contents differ at the start: no compare matches
      const states = statesOf(m, [...pinned, op, 'unpin(f=0, i=0)', 'resume']) as World[];
      expect(states.at(-3)!.breaking?.kind).toBe(kind);
      expect(states.at(-1)!.breaking).toBeNull();
    }
    const states = statesOf(m, ['write(f=1, i=0, v=1)', ...pinned, 'dedupe(s=0, si=0, d=1, di=0)', 'unpin(f=0, i=0)', 'resume', 'dedupe-remap']) as World[];
    expect(states.at(-4)!.breaking?.kind).toBe('dedupe');
    expect(states.at(-2)!.dedupe).toEqual({ s: 0, si: 0, d: 1, di: 0 });
    expect(states.at(-1)!.ext[1][0]).toBe(states.at(-1)!.ext[0][0]);
  });
});

describe('memfail-finishes: a memory failure being handled eventually finishes', () => {
  it('owner-list (entry locks per owner, no lock held across the walk): holds, the walk strongly fair', () => {
    expect(live(only('owner-list', MEMFAIL), 'memfail-finishes').p.verdict).toBe('holds');
  });

  it('fsdax-shared: the walk holds the AGF while it waits for an entry a fault holds, and the fault waits for the AGF', () => {
    const d = only('fsdax-shared', MEMFAIL);
    const { r, p } = live(d, 'memfail-finishes');
    expect(p).toMatchObject({ verdict: 'violated', claimed: true });
    expect(p.actions).toEqual(['reflink(s=0, d=1)', 'memfail(pfn=0)', 'fault(f=1, i=0, read)']);
    expect(p.message).toMatch(/no action is enabled/);
    replays(d, r, 'memfail-finishes');
  });

  it('fsdax-shared with no-entry-lock: the walk does not wait, and finishes', () => {
    expect(live(only('fsdax-shared', MEMFAIL), 'memfail-finishes', ['no-entry-lock']).p.verdict).toBe('holds');
  });
});

describe('sync-fault-completes: a MAP_SYNC write fault eventually completes or SIGBUSes', () => {
  const d = findDesign('pmem-map-sync');
  it('holds at the defaults, whose bound is the whole state space', () => {
    const r = check(d, { mode: 'exhaustive', properties: ['sync-fault-completes'] });
    expect(r.exhaustive?.stoppedBy).toBe('exhausted');
    expect(r.properties[0]).toMatchObject({ verdict: 'holds', claimed: true });
  });

  it('sync-under-entry-lock: the fault waits for its own entry lock for ever (the crash is no fair way out)', () => {
    const r = check(d, { mode: 'exhaustive', properties: ['sync-fault-completes'], bugs: ['sync-under-entry-lock'] });
    const p = r.properties[0];
    expect(p).toMatchObject({ verdict: 'violated', actions: ['mmap(sync=true)', 'fault(off=0, write=true)'], loop: 2 });
    expect(p.message).toMatch(/no fair action is enabled \(enabled: crash\)/);
    replays(d, r, 'sync-fault-completes');
  });
});
