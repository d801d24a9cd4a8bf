/**
 * Who waits in the pmem world (issue 14, section 1): a fault in flight. Every
 * pmem design declares it, so `deadlock` is checked and claimed; it holds at
 * the defaults, and pmem-map-sync's `sync-under-entry-lock` (the entry kept
 * locked into dax_finish_sync_fault, whose dax_insert_pfn_mkwrite waits in
 * get_unlocked_entry) makes one reachable, with a trace that replays.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.js';
import { replay } from '../../../checker/replay.js';
import { claimsOf } from '../../../model/design.js';
import { findDesign } from '../../../model/designs/index.js';

const deadlock = (r: ReturnType<typeof check>) => r.properties.find((p) => p.id === 'deadlock')!;

describe('deadlock in the pmem designs', () => {
  for (const name of ['pmem-nofsync-naive', 'pmem-nofsync-invalidate', 'pmem-map-sync', 'pmem-static-chunks']) {
    it(`${name} says who waits, claims deadlock, and none is reachable at the defaults`, () => {
      const design = findDesign(name);
      expect(claimsOf(design)).toContain('deadlock');
      const r = check(design, { mode: 'exhaustive', properties: ['deadlock'] });
      expect(deadlock(r)).toMatchObject({ verdict: 'holds', claimed: true });
      expect(r.exhaustive!.complete).toBe(true);
    });
  }

  it('the crash goals guard the crash properties only: deadlock needs no crash to mean something', () => {
    const r = check(findDesign('pmem-map-sync'), { mode: 'exhaustive', depth: 2 });
    expect(r.properties.map((p) => [p.id, p.verdict])).toEqual([
      ['crash-durability', 'vacuous'],
      ['crash-ordering', 'vacuous'],
      ['no-lost-writes', 'vacuous'],
      ['deadlock', 'holds'],
      // Liveness needs the whole state space, which depth 2 is not.
      ['sync-fault-completes', 'inconclusive'],
    ]);
  });

  it('a fault in flight is waiting; a state without one is quiescent', () => {
    const design = findDesign('pmem-map-sync');
    const s = design.init({ params: { L: 2, C: 1, V: 1, K: 1 }, bugs: new Set() });
    expect(design.waiting!(s, { params: {}, bugs: new Set() })).toBeUndefined();
    expect(design.waiting!({ ...s, fault: { off: 1, write: true } }, { params: {}, bugs: new Set() })).toMatch(/fault\(off=1, write=true\) is in flight/);
  });

  it('pmem-map-sync --bug sync-under-entry-lock: the synchronous fault waits for its own entry lock', () => {
    const design = findDesign('pmem-map-sync');
    const r = check(design, { mode: 'exhaustive', bugs: ['sync-under-entry-lock'], properties: ['deadlock'] });
    const p = deadlock(r);
    expect(p.verdict).toBe('violated');
    // The crash spends the budget of crashes (K=1), which is otherwise always enabled.
    expect(p.actions).toEqual(['crash()', 'mmap(sync=true)', 'fault(off=0, write=true)']);
    expect(p.message).toMatch(/holds its entry lock, and its dax_finish_sync_fault waits for that entry to be unlocked/);
    const trace = JSON.parse(JSON.stringify(r.counterexamples.deadlock));
    expect(replay(trace)).toMatchObject({ reproduces: true, steps: 3 });
    // Without crashes the same wait is two actions away.
    const k0 = check(design, { mode: 'exhaustive', bugs: ['sync-under-entry-lock'], properties: ['deadlock'], params: { K: 0 } });
    expect(deadlock(k0).actions).toEqual(['mmap(sync=true)', 'fault(off=0, write=true)']);
  });
});
