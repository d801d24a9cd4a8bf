/**
 * Sub-block writes in the DAX world (issue 10 section 2, third bullet;
 * model/world/sectors.ts): write(2) and stores of a sector range, the
 * partial-block CoW that copies the rest of the block from the shared one
 * (dax_iomap_iter -> dax_iomap_copy_around), the zeroed edges of a partial
 * write into a hole, and the toggles that break each, caught by
 * cow-isolation. S = 1 is the world before sectors, state for state.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { AnyDesign } from '../model/design.js';
import { resolveConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';
import { exhaustive } from '../engine/exhaustive.js';
import { viewOf } from '../engine/model.js';
import type { World } from '../model/world/state.js';
import { statesOf } from './fixtures/run.js';

const XFS = ['fsdax-1to1', 'fsdax-shared', 'shadow-pages', 'owner-list'];
const S2 = { S: 2 };

function model(design: AnyDesign, params: Record<string, number> = {}, bugs: string[] = []) {
  return instantiate(design, resolveConfig(design, params, bugs), 'immer');
}
function run(design: AnyDesign, labels: readonly string[], params: Record<string, number> = {}, bugs: string[] = []): World[] {
  return statesOf(model(design, params, bugs), labels) as World[];
}
function violations(design: AnyDesign, s: World, params: Record<string, number> = {}, bugs: string[] = []): string[] {
  const m = model(design, params, bugs);
  const v = viewOf(m, s);
  return m.always.flatMap((p) => (p.check(s, v) ? [p.id] : []));
}
const reads = (s: World, f: number): number[] => s.ext[f].map((b) => (b < 0 ? 0 : s.disk[b]));

describe('S = 1 is the whole-block world', () => {
  // Counts of the world before sectors were added (the same build with no S), every design at depth 3.
  const before: Record<string, [number, number]> = {
    'fsdax-1to1': [1940, 4686],
    'fsdax-shared': [2214, 4872],
    'shadow-pages': [2217, 4872],
    'owner-list': [1940, 4686],
    'tmpfs-cowflag': [2266, 4268],
  };
  for (const [name, [states, transitions]] of Object.entries(before)) {
    it(`${name}: the same states and transitions at depth 3`, () => {
      const r = check(findDesign(name), { mode: 'exhaustive', depth: 3 });
      expect([r.exhaustive!.states, r.exhaustive!.transitions]).toEqual([states, transitions]);
    });
  }
  it('offers no sector range, and the sub-block toggles change nothing', () => {
    const d = findDesign('fsdax-shared');
    const m = model(d);
    expect(
      m
        .actions(m.initial)
        .map((a) => m.label(a))
        .filter((l) => l.includes('sec=')),
    ).toEqual([]);
    for (const bug of ['no-copy-around', 'no-zero-edges']) {
      // Depth 4 reaches the guarding goal (a CoW away from a block another process maps).
      const r = check(d, { mode: 'exhaustive', properties: ['cow-isolation'], depth: 4, bugs: [bug] });
      expect(r.properties[0], bug).toMatchObject({ verdict: 'holds', bound: { complete: true } });
    }
  });
});

describe('S = 2: write(2) of part of a block', () => {
  const d = findDesign('fsdax-shared');
  it("starts with every sector of a file's first block holding its value, and offers each sector range", () => {
    const m = model(d, S2);
    const s = m.initial as World;
    expect(reads(s, 0)).toEqual([11, 0]);
    expect(s.ghost).toEqual([
      [11, 0],
      [22, 0],
    ]);
    const writes = m
      .actions(s)
      .map((a) => m.label(a))
      .filter((l) => l.startsWith('write(f=0, i=0,'));
    // v=1 is already in both sectors: no write of it is offered (it would change nothing the file shows).
    expect(writes).toEqual(['write(f=0, i=0, v=2)', 'write(f=0, i=0, v=2, sec=0, nsec=1)', 'write(f=0, i=0, v=2, sec=1, nsec=1)']);
  });
  it("in place on a block of the file's own: only the range changes", () => {
    const s = run(d, ['write(f=0, i=0, v=2, sec=1, nsec=1)'], S2).at(-1)!;
    expect(reads(s, 0)).toEqual([12, 0]);
    expect(s.ghost[0]).toEqual([12, 0]);
  });
  it('on a shared block: CoW to a new block, the rest copied from the old one (dax_iomap_copy_around)', () => {
    const states = run(d, ['reflink(s=0, d=1)', 'write(f=1, i=0, v=2, sec=0, nsec=1)'], S2);
    const s = states.at(-1)!;
    expect(s.ext[1][0]).not.toBe(s.ext[0][0]);
    expect(reads(s, 0)).toEqual([11, 0]);
    expect(reads(s, 1)).toEqual([21, 0]);
    for (const t of states) expect(violations(d, t, S2)).toEqual([]);
  });
  it('into a hole: the block is new and the rest of it zero, though its last owner left data there', () => {
    // punch frees block 0 with 11 still on it; the write takes it (lowest free) for the hole at index 1.
    const states = run(d, ['punch(f=0, i=0)', 'write(f=0, i=1, v=2, sec=1, nsec=1)'], S2);
    const s = states.at(-1)!;
    expect(s.ext[0][1]).toBe(0);
    expect(reads(s, 0)).toEqual([0, 2]);
    for (const t of states) expect(violations(d, t, S2)).toEqual([]);
  });
  it('no-copy-around: the CoW block keeps its old contents in the sector not written, and cow-isolation says so', () => {
    const bugs = ['no-copy-around'];
    const s = run(d, ['reflink(s=0, d=1)', 'write(f=1, i=0, v=2, sec=0, nsec=1)'], S2, bugs).at(-1)!;
    expect(reads(s, 1)).toEqual([22, 0]);
    expect(violations(d, s, S2, bugs)).toEqual(['cow-isolation']);
  });
  it("no-zero-edges: the hole's new block shows its last owner's data, and cow-isolation says so", () => {
    const bugs = ['no-zero-edges'];
    const s = run(d, ['punch(f=0, i=0)', 'write(f=0, i=1, v=2, sec=1, nsec=1)'], S2, bugs).at(-1)!;
    expect(reads(s, 0)).toEqual([0, 12]);
    expect(violations(d, s, S2, bugs)).toEqual(['cow-isolation']);
  });
  it('a write fault on a shared block copies the whole page (copy_all), and a store of one sector keeps the other', () => {
    const states = run(d, ['reflink(s=0, d=1)', 'fault(f=1, i=0, write)', 'finish-fault', 'store(f=1, i=0, v=2, sec=1, nsec=1)'], S2);
    const s = states.at(-1)!;
    expect(reads(s, 0)).toEqual([11, 0]);
    expect(reads(s, 1)).toEqual([12, 0]);
    for (const t of states) expect(violations(d, t, S2)).toEqual([]);
  });
});

describe('S = 2: the search', () => {
  for (const name of XFS) {
    it(`${name}: cow-isolation holds to depth 4, and each sub-block toggle breaks it in 2 actions`, () => {
      const x = findDesign(name);
      // Depth 4 reaches the guarding goal (cow-break-of-mapped-shared), so the holds is not vacuous.
      const held = check(x, { mode: 'exhaustive', properties: ['cow-isolation'], depth: 4, params: S2 });
      expect(held.properties[0]).toMatchObject({ verdict: 'holds', bound: { complete: true } });
      const cow = check(x, { mode: 'exhaustive', properties: ['cow-isolation'], depth: 3, params: S2, bugs: ['no-copy-around'] });
      expect(cow.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 2 });
      expect(cow.properties[0].actions).toEqual(['reflink(s=0, d=1)', 'write(f=0, i=0, v=2, sec=0, nsec=1)']);
      const hole = check(x, { mode: 'exhaustive', properties: ['cow-isolation'], depth: 3, params: S2, bugs: ['no-zero-edges'] });
      expect(hole.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 2 });
      expect(hole.properties[0].actions).toEqual(['punch(f=0, i=0)', 'write(f=0, i=0, v=1, sec=0, nsec=1)']);
    });
  }
  it("tmpfs-cowflag: cow-isolation at S = 2 as at S = 1 (shmem_write_end zeroes a new page's edges; a CoW-flagged page is copied whole)", () => {
    const r = check(findDesign('tmpfs-cowflag'), { mode: 'exhaustive', properties: ['cow-isolation'], depth: 3, params: S2 });
    const s1 = check(findDesign('tmpfs-cowflag'), { mode: 'exhaustive', properties: ['cow-isolation'], depth: 3 });
    expect(r.properties[0].verdict).toBe(s1.properties[0].verdict);
    expect(r.properties[0].bound).toMatchObject({ complete: true });
  });
});

describe('S = 2 on every path', () => {
  // The sector contents are plain integers, so the words of the flat layout and plain copies must
  // give exactly what immer and objects give.
  const summary = (name: string, how: 'immer' | 'copy', flat: boolean, depth: number) => {
    const d = findDesign(name);
    const r = exhaustive(instantiate(d, resolveConfig(d, S2, []), how), { flat, learned: flat, maxDepth: depth });
    return [r.states, r.transitions, [...r.violations].map(([id, v]) => [id, v.trace.length, v.message]).sort()];
  };
  for (const name of ['fsdax-shared', 'tmpfs-cowflag']) {
    it(`${name}: words and objects, depth 3; immer and plain copies, depth 2`, () => {
      expect(summary(name, 'copy', true, 3)).toEqual(summary(name, 'copy', false, 3));
      expect(summary(name, 'copy', false, 2)).toEqual(summary(name, 'immer', false, 2));
    });
  }
});

describe('generic/140 at S = 2 (scenarios/generic-140-mmap-cow-sub-block.json, replayed by hand)', () => {
  // The scenario's setup: 2 files of 4 blocks of 2 sectors, 8 physical blocks; 0x61 is 1, 0x62 is 2.
  // Its binder (scenarios/bind/reflink.ts) still refuses sub-block stores; this is the same history.
  const params = { F: 2, B: 4, P: 8, V: 2, S: 2 };
  const history = [
    'punch(f=0, i=0)',
    'punch(f=1, i=0)',
    ...[0, 1, 2, 3].map((i) => `write(f=0, i=${i}, v=1)`),
    'reflink(s=0, d=1)',
    // _mwrite_byte 0x62 at 0 (sector 0 of block 0), at blksz*16-34 and at blksz*48-20 (the last sector of blocks 2 and 3).
    ...[
      [0, 0],
      [2, 1],
      [3, 1],
    ].flatMap(([i, sec]) => [`fault(f=1, i=${i}, write)`, 'finish-fault', `store(f=1, i=${i}, v=2, sec=${sec}, nsec=1)`, `unmap(f=1, i=${i})`]),
  ];
  for (const name of XFS) {
    it(`${name}: file1 reads 21, 11, 12, 12; file0 is untouched; nothing is violated on the way`, () => {
      const d = findDesign(name);
      const states = run(d, history, params);
      const s = states.at(-1)!;
      expect(reads(s, 0)).toEqual([11, 11, 11, 11]);
      expect(reads(s, 1)).toEqual([21, 11, 12, 12]);
      expect(s.ghost[1]).toEqual([21, 11, 12, 12]);
      for (const t of states) expect(violations(d, t, params)).toEqual([]);
    });
  }
  it('tmpfs-cowflag: single-ownership is broken by the clone, as the scenario expects', () => {
    const d = findDesign('tmpfs-cowflag');
    const states = run(d, history.slice(0, 7), params);
    expect(violations(d, states[6], params)).toEqual([]);
    expect(violations(d, states[7], params)).toContain('single-ownership');
  });
});

describe('a CoW write(2) reads the shared block it copies from', () => {
  // dax_iomap_iter -> dax_iomap_copy_around -> dax_iomap_direct_access(srcmap): a bad source block is
  // -EIO (dax_mem2blk_err), for a whole-block write too (copy_all); only a hole's zeroed edges read nothing.
  for (const params of [{}, S2]) {
    it(`fsdax-shared (S = ${params === S2 ? 2 : 1}): once a memory failure on a shared pfn is handled, no write(2) to either owner is offered`, () => {
      const d = findDesign('fsdax-shared');
      const m = model(d, params);
      // A mapped pfn, so that the handler poisons it (memory_failure_dev_pagemap); the kill takes the pte.
      let s = statesOf(m, ['reflink(s=0, d=1)', 'fault(f=1, i=0, read)', 'finish-fault', 'memfail(pfn=0)']).at(-1) as World;
      while (s.mf && !s.mf.done)
        s = m.successors(
          s,
          m.actions(s).find((a) => m.label(a) === 'memfail-next')!,
        )[0] as World;
      expect(s.frame[0].poison).toBe(true);
      const writes = m
        .actions(s)
        .map((a) => m.label(a))
        .filter((l) => l.startsWith('write('));
      expect(writes.filter((l) => / i=0,/.test(l))).toEqual([]);
      // The holes at index 1 are still written: nothing is read there.
      expect(writes.some((l) => l.startsWith('write(f=1, i=1,'))).toBe(true);
    });
  }
});
