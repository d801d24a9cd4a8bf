/**
 * The kernel review of the DAX designs (reviews/fsdax-shared, shadow-pages,
 * fsdax-1to1, owner-list): the AGF the XFS memory-failure walk holds also
 * stops every DAX fault on a reflinked inode's written extent; fault and walk
 * take the entry lock and the AGF in opposite orders; early kill concerns the
 * processes mapping the pfn while the failure is handled; v6.15 reflink
 * deletes the lower inode's DAX entries; badblocks, not PageHWPoison, refuse
 * a DAX fault.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { AnyDesign } from '../model/design.js';
import { resolveConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';
import { statesOf } from './fixtures/run.js';
import { viewOf } from '../engine/model.js';
import { SHARING_PROPERTIES } from '../properties/sharing.js';
import type { World } from '../model/world/state.js';

const model = (design: AnyDesign, params: Record<string, number> = {}) => instantiate(design, resolveConfig(design, params, []), 'immer');
const enabled = (design: AnyDesign, s: World): string[] => {
  const m = model(design);
  return m.actions(s).map((a) => m.label(a));
};
function run(design: AnyDesign, labels: readonly string[], params: Record<string, number> = {}): World[] {
  const m = model(design, params);
  const states = statesOf(m, labels) as World[];
  return states;
}
const last = (design: AnyDesign, labels: readonly string[], params: Record<string, number> = {}): World => run(design, labels, params).slice(-1)[0];
const violations = (design: AnyDesign, s: World, params: Record<string, number> = {}): string[] => {
  const m = model(design, params);
  const v = viewOf(m, s);
  return m.always.flatMap((p) => (p.check(s, v) ? [p.id] : []));
};

describe.each(['fsdax-shared', 'shadow-pages'])('item 1: %s: the walk holding the AGF stops faults on a reflinked inode', (name) => {
  const d = findDesign(name);
  it('a read fault on a reflinked written extent locks its entry and waits for the walk (xfs_read_iomap_begin -> trim_around_shared)', () => {
    const s = last(d, ['reflink(s=0, d=1)', 'memfail(pfn=0)', 'fault(f=0, i=0, read)']);
    expect(s.fault).toMatchObject({ f: 0, i: 0, grabbed: true, pfn: -1 });
    const on = enabled(d, s);
    expect(on).not.toContain('finish-fault');
    expect(on).not.toContain('iomap-begin');
    // The review's trace (reflink; memfail; fault; finish; memfail-next) cannot be replayed.
    expect(() => run(d, ['reflink(s=0, d=1)', 'memfail(pfn=0)', 'fault(f=0, i=0, read)', 'finish-fault'])).toThrow(/finish-fault is not enabled/);
  });
  it('once the walk ends, the fault runs iomap_begin and maps the pfn', () => {
    const s = last(d, ['reflink(s=0, d=1)', 'memfail(pfn=0)', 'fault(f=0, i=0, read)']);
    // the walk waits for nothing of (0,0): it has visited it; its last owner (1,0) is free
    const end = last(d, ['reflink(s=0, d=1)', 'memfail(pfn=0)', 'fault(f=0, i=0, read)', 'memfail-next', 'iomap-begin']);
    expect(s.mf?.done).toBe(false);
    expect(end.fault).toMatchObject({ f: 0, i: 0, pfn: 0 });
    expect(end.fault!.grabbed).toBeUndefined();
  });
  it('write(2) in place on a file that has the reflink flag waits too (xfs_reflink_allocate_cow -> xfs_bmap_trim_cow)', () => {
    // File 1's index 1 gets a block of its own, but the inode has XFS_DIFLAG2_REFLINK.
    const s = last(d, ['reflink(s=0, d=1)', 'write(f=1, i=1, v=1)', 'memfail(pfn=0)']);
    expect(s.reflinkFlag).toEqual([true, true]);
    expect(s.ref[s.ext[1][1]]).toBe(1);
    expect(s.mf?.done).toBe(false);
    expect(enabled(d, s)).not.toContain('write(f=1, i=1, v=2)');
  });
  it('a fault on a file never reflinked does not wait', () => {
    const s = last(d, ['memfail(pfn=1)', 'fault(f=0, i=0, read)']);
    expect(s.fault!.grabbed).toBeUndefined();
    expect(enabled(d, s)).toContain('finish-fault');
  });
});

describe('item 2: fault and walk take the entry and the AGF in opposite orders', async () => {
  const d = findDesign('fsdax-shared');
  // Imported here so that the other items' tests also run against a world without it.
  const { daxWaiting } = (await import('../model/world/dax.js')) as { daxWaiting?: (s: World) => string | undefined };
  it('a fault that grabs an owner the walk has yet to visit deadlocks with it: nothing is enabled', () => {
    const s = last(d, ['reflink(s=0, d=1)', 'memfail(pfn=0)', 'fault(f=1, i=0, read)']);
    expect(enabled(d, s)).toEqual([]);
    expect(daxWaiting!(s)).toBe('a fault through (file 1, index 0) holds its entry and waits for the AGF; the memory-failure walk holds the AGF and waits for the entry (file 1, index 0)');
  });
  it('a walk reported while a fault holds its first owner takes the AGF and waits for that entry', () => {
    // A write fault on the shared block holds (0,0); its CoW remap (xfs_reflink_end_cow) needs the AGF.
    const s = last(d, ['reflink(s=0, d=1)', 'fault(f=0, i=0, write)', 'memfail(pfn=0)']);
    expect(s.mf).toMatchObject({ agf: true, walk: [0, 2], done: false });
    expect(enabled(d, s)).toEqual([]);
    expect(daxWaiting!(s)).toBe('a fault through (file 0, index 0) holds its entry and waits for the AGF; the memory-failure walk holds the AGF and waits for the entry (file 0, index 0)');
  });
  it('the generic fallback (mf_generic_kill_procs) holds no AGF: its report waits for the entry instead', () => {
    const m = instantiate(d, resolveConfig(d, {}, ['generic-fallback']), 'immer');
    let s = m.initial as World;
    for (const l of ['fault(f=0, i=0, read)', 'finish-fault', 'unmap(f=0, i=0)', 'fault(f=0, i=0, read)'])
      s = m.successors(
        s,
        m.actions(s).find((a) => m.label(a) === l)!,
      )[0] as World;
    expect(m.actions(s).map((a) => m.label(a))).not.toContain('memfail(pfn=0)');
  });
  it('nobody waits in the initial state nor while a read fault finishes beside the walk', () => {
    expect(daxWaiting!(model(d).initial as World)).toBeUndefined();
    const s = last(d, ['reflink(s=0, d=1)', 'fault(f=1, i=0, read)', 'memfail(pfn=0)']);
    expect(daxWaiting!(s)).toBe('the memory-failure walk holds the AGF and waits for the entry (file 1, index 0)');
    expect(enabled(d, s)).toContain('finish-fault');
  });
});

describe('item 3: early kill owes a signal to the processes mapping the pfn while the failure is handled', () => {
  const check3 = SHARING_PROPERTIES['memfail-reach'].check;
  const d = findDesign('fsdax-shared');
  it('a pte installed through an offset the walk had already visited is a later fault: not judged', () => {
    // The state the review found unrealisable, built by hand: the walk visited (0,0) with no entry there,
    // then process 0 mapped pfn 0 through it before the walk ended.
    const s = last(d, ['reflink(s=0, d=1)', 'fault(f=0, i=0, read)', 'finish-fault']);
    const v = viewOf(model(d), s);
    const mf = { pfn: 0, by: -1, early: true, shared: true, due: [], related: [0, 1], owners: [0, 2], walk: [], visited: [0, 2], killed: [], told: [0, 2], busy: false, done: true };
    expect(check3({ ...v, mf })).toBeUndefined();
    // Process 0 mapping it at the report is owed the signal.
    expect(check3({ ...v, mf: { ...mf, due: [0] } })).toBe('memory failure on pfn 0: process 0 maps it (index 0) but was not signalled');
  });
  it('a pte installed through an offset the walk has yet to visit makes its process due', () => {
    const s = last(d, ['reflink(s=0, d=1)', 'fault(f=1, i=0, read)', 'memfail(pfn=0)', 'finish-fault']);
    expect(s.mf).toMatchObject({ visited: [0], due: [1], done: false });
    const end = last(d, ['reflink(s=0, d=1)', 'fault(f=1, i=0, read)', 'memfail(pfn=0)', 'finish-fault', 'memfail-next']);
    expect(end.mf).toMatchObject({ done: true, killed: [1] });
    expect(violations(d, end)).toEqual([]);
  });
  it('memfail-reach holds on fsdax-shared at its default bound', () => {
    const r = check(d, { mode: 'exhaustive', properties: ['memfail-reach'] });
    expect(r.properties[0]).toMatchObject({ verdict: 'holds', bound: { complete: true } });
  });
});

describe("item 4: v6.15 reflink deletes the lower-numbered inode's DAX entries (dax_break_layout_inode)", () => {
  const d = findDesign('fsdax-shared');
  it('reflink(s=0, d=1): the source, file 0, is the lower inode: unmapped and its entry deleted', () => {
    const s = last(d, ['fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)']);
    expect(s.pte[0][0]).toBe(-1);
    expect(s.entry[0][0]).toBe(-1);
    expect(s.frame[0]).toMatchObject({ mapping: -1, share: 0 });
  });
  it('reflink(s=1, d=0): the source, file 1, is the higher inode: unmapped, its entry kept', () => {
    const s = last(d, ['fault(f=1, i=0, read)', 'finish-fault', 'reflink(s=1, d=0)']);
    expect(s.pte[1][0]).toBe(-1);
    expect(s.entry[1][0]).toBe(1);
    expect(s.frame[1]).toMatchObject({ mapping: 1, index: 0 });
  });
  it('the 2019 designs keep the source entries (xfs_break_dax_layouts -> dax_layout_busy_page, v5.3-v6.14)', () => {
    for (const name of ['fsdax-1to1', 'shadow-pages', 'owner-list']) {
      const s = last(findDesign(name), ['fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)']);
      expect([name, s.entry[0][0]]).toEqual([name, 0]);
    }
  });
  it("fsdax-shared's entry-lock counterexample faults the source after the reflink", () => {
    const r = check(d, { mode: 'exhaustive', properties: ['entry-lock'] });
    expect(r.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 5 });
    expect(r.properties[0].actions).toEqual(['reflink(s=0, d=1)', 'fault(f=0, i=0, read)', 'finish-fault', 'fault(f=1, i=0, read)', 'memfail(pfn=0)']);
  });
});

describe('item 5: what refuses a DAX fault on a bad pfn is badblocks, known only once the handling has ended', () => {
  const d = findDesign('owner-list');
  it('a fault holding a pfn poisoned during the walk maps it (fs/dax.c never tests PageHWPoison)', () => {
    // pfn 0 is listed for (0,0) and (1,1); file 1 faults (1,1) again, so the walk's second owner waits for it.
    const labels = [
      'fault(f=0, i=0, read)',
      'finish-fault',
      'reflink-range(s=0, si=0, d=1, di=1)',
      'fault(f=1, i=1, read)',
      'finish-fault',
      'unmap(f=1, i=1)',
      'fault(f=1, i=1, read)',
      'memfail(pfn=0)',
      'finish-fault',
    ];
    const s = last(d, labels);
    expect(s.frame[0].poison).toBe(true);
    expect(s.mf).toMatchObject({ done: false, walk: [3], due: [1] });
    expect(s.pte[1][1]).toBe(0);
    // The walk's next owner, (1,1), is that very entry: process 1 is signalled. Process 0 is not: the
    // remap's layout break took its pte, and __add_to_kill collects no task without a mapping there.
    const end = last(d, [...labels, 'memfail-next']);
    expect(end.mf).toMatchObject({ done: true, killed: [1] });
    expect(violations(d, end)).toEqual([]);
  });
  it('after the handling, a fault on the poisoned pfn gets VM_FAULT_SIGBUS at its lookup (nfit_handle_mce has added the sector)', () => {
    const s = last(d, ['fault(f=0, i=0, read)', 'finish-fault', 'unmap(f=0, i=0)', 'memfail(pfn=0)']);
    expect(s.frame[0].poison).toBe(true);
    // dax_iomap_direct_access fails before dax_insert_entry: nothing changes, so the fault is no action.
    expect(enabled(d, s)).not.toContain('fault(f=0, i=0, read)');
  });
  it("so owner-list's claimed memfail-reach breaks with three files: a third mapper faults, unlisted, during the walk", () => {
    const three = { F: 3, B: 1 };
    const labels = [
      'fault(f=0, i=0, read)',
      'finish-fault',
      'reflink(s=0, d=1)',
      'fault(f=1, i=0, read)',
      'finish-fault',
      'reflink(s=0, d=2)',
      'fault(f=2, i=0, read)',
      'memfail(pfn=0)',
      'finish-fault',
      'memfail-next',
    ];
    const s = last(d, labels, three);
    // Process 0's pte went with the first reflink's layout break, so __add_to_kill does not collect it.
    expect(s.mf).toMatchObject({ done: true, killed: [1], due: [1, 2] });
    expect(s.pte[2][0]).toBe(0);
    expect(violations(d, s, three)).toContain('memfail-reach');
  });
});
