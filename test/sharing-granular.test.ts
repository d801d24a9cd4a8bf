/**
 * The DAX world at the granularity the threads argue at (issue 10, section
 * 2), and the world defects an earlier review found (brief item 4): dedupe
 * as compare, then remap, under both files' locks (generic/630); FICLONERANGE
 * of any range at any offset (xfs/552, generic/578); read-only and
 * FOLL_LONGTERM pins; the remap prep's writeback; who __add_to_kill collects;
 * fsdax-1to1's
 * page counts as the 2019 kernel kept them.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { AnyDesign } from '../model/design.js';
import { resolveConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';
import { viewOf } from '../engine/model.js';
import type { World } from '../model/world/state.js';
import { statesOf } from './fixtures/run.js';

const XFS = ['fsdax-1to1', 'fsdax-shared', 'shadow-pages', 'owner-list'];

function model(design: AnyDesign, params: Record<string, number> = {}, bugs: string[] = []) {
  return instantiate(design, resolveConfig(design, params, bugs), 'immer');
}
function run(design: AnyDesign, labels: readonly string[], params: Record<string, number> = {}, bugs: string[] = []): World[] {
  return statesOf(model(design, params, bugs), labels) as World[];
}
function labels(design: AnyDesign, s: World, params: Record<string, number> = {}, bugs: string[] = []): string[] {
  const m = model(design, params, bugs);
  return m.actions(s).map((a) => m.label(a));
}
function violations(design: AnyDesign, s: World, params: Record<string, number> = {}, bugs: string[] = []): string[] {
  const m = model(design, params, bugs);
  const v = viewOf(m, s);
  return m.always.flatMap((p) => (p.check(s, v) ? [p.id] : []));
}

describe("item 1: FIDEDUPERANGE is a compare, then a remap, under both files' IOLOCK and MMAPLOCK", () => {
  const d = findDesign('fsdax-shared');
  // file 1 is made to hold file 0's value, so a dedupe of (0,0) onto (1,0) compares equal.
  const prep = ['write(f=1, i=0, v=1)', 'dedupe(s=0, si=0, d=1, di=0)'];
  it('between them, write(2) and faults on either file wait (xfs_ilock2_io_mmap), the remap is enabled', () => {
    const s = run(d, prep).at(-1)!;
    expect(s.dedupe).toEqual({ s: 0, si: 0, d: 1, di: 0 });
    const en = labels(d, s);
    expect(en).toContain('dedupe-remap');
    expect(en.filter((l) => /^(write|fault|punch|truncate|reflink)/.test(l))).toEqual([]);
  });
  it('the remap shares the block and changes no content', () => {
    const states = run(d, [...prep, 'dedupe-remap']);
    const s = states.at(-1)!;
    expect(s.ext[1][0]).toBe(s.ext[0][0]);
    expect(s.dedupe).toBeNull();
    for (const t of states) expect(violations(d, t)).toEqual([]);
  });
  it('with dedupe-unlocked a write slips between compare and remap, and content-by-own-writes catches it', () => {
    const bugs = ['dedupe-unlocked'];
    const s = run(d, [...prep, 'write(f=0, i=0, v=2)', 'dedupe-remap'], {}, bugs).at(-1)!;
    expect(violations(d, s, {}, bugs)).toContain('content-by-own-writes');
  });
  for (const name of XFS) {
    it(`${name}: content-by-own-writes holds to depth 5, and dedupe-unlocked breaks it in 4 actions`, () => {
      const x = findDesign(name);
      const held = check(x, { mode: 'exhaustive', properties: ['content-by-own-writes'], depth: 5 });
      expect(held.properties[0]).toMatchObject({ verdict: 'holds', bound: { complete: true } });
      const r = check(x, { mode: 'exhaustive', properties: ['content-by-own-writes'], depth: 4, bugs: ['dedupe-unlocked'] });
      expect(r.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 4 });
      expect(r.properties[0].actions).toEqual(['write(f=0, i=0, v=2)', 'dedupe(s=0, si=0, d=1, di=0)', 'write(f=0, i=0, v=1)', 'dedupe-remap']);
    });
  }
});

describe('item 2: FICLONERANGE of any range, at the same offset or another', () => {
  const d = findDesign('fsdax-shared');
  it("xfs/552's clone of one block of two at the same offset", () => {
    const states = run(d, ['write(f=0, i=1, v=1)', 'reflink-range(s=0, si=0, d=1, di=0)']);
    const s = states.at(-1)!;
    expect(s.ext[1]).toEqual([s.ext[0][0], -1]);
    expect(s.ghost[1]).toEqual([1, 0]);
    for (const t of states) expect(violations(d, t)).toEqual([]);
  });
  it("generic/578's offset-shifted copy of two blocks, where B lets it", () => {
    const p = { B: 3, P: 4 };
    const s = run(d, ['write(f=0, i=1, v=2)', 'reflink-range(s=0, si=0, d=1, di=1, n=2)'], p).at(-1)!;
    expect(s.ext[1].slice(1)).toEqual(s.ext[0].slice(0, 2));
    expect(s.ghost[1]).toEqual([2, 1, 2]);
    expect(violations(d, s, p)).toEqual([]);
  });
  it('the whole file at offset 0 stays `reflink`, and a range that changes nothing is no action', () => {
    const en = labels(d, run(d, ['reflink(s=0, d=1)']).at(-1)!);
    expect(en.filter((l) => l.startsWith('reflink-range(s=0, si=0, d=1, di=0'))).toEqual([]);
    expect(en.filter((l) => l.includes('n=2'))).toEqual([]);
  });
});

describe('item 3: read-only pins beside write pins; FOLL_LONGTERM refused on fsdax', () => {
  const d = findDesign('fsdax-shared');
  it('a read-only pin through a read-only pte; no FOLL_LONGTERM pin is offered', () => {
    const s = run(d, ['fault(f=0, i=0, read)', 'finish-fault']).at(-1)!;
    const pins = labels(d, s).filter((l) => l.startsWith('pin('));
    expect(pins).toEqual(['pin(f=0, i=0, ro=true)']);
  });
  it('a read-only pin may see its block shared and CoW-broken away (the device only reads)', () => {
    const states = run(d, [
      'fault(f=0, i=0, read)',
      'finish-fault',
      'pin(f=0, i=0, ro=true)',
      'unpin(f=0, i=0)',
      'reflink(s=0, d=1)',
      'fault(f=0, i=0, read)',
      'finish-fault',
      'pin(f=0, i=0, ro=true)',
      'fault(f=0, i=0, write)',
      'finish-fault',
    ]);
    const s = states.at(-1)!;
    expect(s.pin[0][0]).not.toBe(s.pte[0][0]);
    for (const t of states) expect(violations(d, t)).toEqual([]);
  });
  it('a write pin on a block that becomes shared is still layout-pin (the pin check waits for both files)', () => {
    // The reflink starts, finds the pinned page busy and sleeps in its break (model/world/layout-break.ts).
    const s = run(d, ['fault(f=0, i=0, write)', 'finish-fault', 'pin(f=0, i=0)', 'reflink(s=0, d=1)']).at(-1)!;
    expect(s.breaking).toEqual({ kind: 'reflink', s: 0, d: 1, on: s.pin[0][0] });
    expect(s.ext[1]).not.toEqual(s.ext[0]);
    expect(labels(d, s)).not.toContain('resume');
  });
  for (const name of XFS) {
    it(`${name}: longterm-pin-granted with no-break-layouts (pre-v4.15) lets a punch free a long-term pinned block (layout-pin)`, () => {
      const x = findDesign(name);
      const r = check(x, { mode: 'exhaustive', properties: ['layout-pin'], depth: 4, bugs: ['longterm-pin-granted', 'no-break-layouts'] });
      // (The shortest such history pins short-term: without a break nothing waits for any pin.)
      expect(r.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 4 });
      // Granted alone, the break waits for the long-term pin (the punch sleeps: liveness, test/liveness-kernel.test.ts).
      const waits = check(x, { mode: 'exhaustive', properties: ['layout-pin'], depth: 4, bugs: ['longterm-pin-granted'] });
      expect(waits.properties[0].verdict).not.toBe('violated');
      const ok = check(x, { mode: 'exhaustive', properties: ['layout-pin'], depth: 4 });
      expect(ok.properties[0].verdict).not.toBe('violated');
    });
  }
});

describe('item 4: world defects', () => {
  it('a memory failure signals no process whose vma maps nothing at the offset (__add_to_kill, ZONE_DEVICE)', () => {
    // The DAX entry outlives the munmap; the handler finds it, but process 0 has no pte there.
    for (const name of XFS) {
      const d = findDesign(name);
      const s = run(d, ['fault(f=0, i=0, read)', 'finish-fault', 'unmap(f=0, i=0)', 'memfail(pfn=0)']).at(-1)!;
      expect([name, s.mf!.done, s.mf!.killed]).toEqual([name, true, []]);
    }
  });
  it('a remap without the layout breaks still write-protects the source (filemap_write_and_wait_range -> dax_entry_mkclean)', () => {
    for (const name of XFS) {
      const d = findDesign(name);
      const s = run(d, ['fault(f=0, i=0, write)', 'finish-fault', 'reflink(s=0, d=1)'], {}, ['no-break-layouts']).at(-1)!;
      expect([name, s.pte[0][0], s.ptew[0][0]]).toEqual([name, 0, false]);
    }
  });
  describe('fsdax-1to1 keeps the 2019 page counts: a DAX pte holds no reference', () => {
    const d = findDesign('fsdax-1to1');
    it('a mapped, unpinned page sits at its idle count; a pin raises it', () => {
      const [, , mapped, pinned] = run(d, ['fault(f=0, i=0, write)', 'finish-fault', 'pin(f=0, i=0)']);
      expect(mapped.frame[0].count).toBe(0);
      expect(pinned.frame[0].count).toBe(1);
      expect(violations(d, pinned)).toEqual([]);
    });
    it("count-not-dropped forgets a pin's reference, not a pte's", () => {
      const bugs = ['count-not-dropped'];
      const unmapped = run(d, ['fault(f=0, i=0, write)', 'finish-fault', 'unmap(f=0, i=0)'], {}, bugs).at(-1)!;
      expect(violations(d, unmapped, {}, bugs)).toEqual([]);
      const r = check(d, { mode: 'exhaustive', properties: ['refcount'], depth: 4, bugs });
      expect(r.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 4 });
      expect(r.properties[0].actions!.at(-1)).toBe('unpin(f=0, i=0)');
    });
  });
});
