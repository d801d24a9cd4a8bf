/**
 * shadow-pages-pagecache (seed 000, non-DAX): as the mail reads, single-copy
 * breaks (a clean folio cached before the remap stays beside the master the
 * next read through another index makes) and every other claim holds on
 * small exhaustive searches; with the convert-on-share amendment every
 * claimed property holds at the default bound with every goal reached; each
 * bug toggle breaks the property it names, and the footprint shows the
 * single copy (amended) against pagecache-reflink's two.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.js';
import { defaultConfig, resolveConfig } from '../../../model/config.js';
import { findDesign } from '../../../model/designs/index.js';
import type { ShadowPcState } from '../../../model/designs/shadow-pages-pagecache.js';
import { instantiate } from '../../../model/instantiate.js';
import { footprint } from '../../../model/pagecache/properties.js';
import type { PagecacheState } from '../../../model/pagecache/state.js';
import { statesOf } from '../../fixtures/run.js';
import { proofRun } from '../../proof-run.js';

const design = findDesign('shadow-pages-pagecache');
const verdicts = (r: ReturnType<typeof check>) => Object.fromEntries(r.properties.map((p) => [p.id, p.verdict]));
const AMEND = ['convert-on-share'];
const at = (labels: string[], name = design.name, amends: string[] = []) => {
  const d = findDesign(name);
  return statesOf(instantiate(d, resolveConfig(d, {}, [], amends), 'immer'), labels).at(-1) as ShadowPcState;
};

describe('shadow-pages-pagecache: as proposed', () => {
  it('single-copy breaks in 3 actions, the shortest the exhaustive search finds: a folio cached before the remap stays beside the master', () => {
    const r = check(design, { mode: 'exhaustive', depth: 4 });
    expect(r.exhaustive!.complete).toBe(true);
    const p = r.properties.find((x) => x.id === 'single-copy')!;
    expect(p.verdict).toBe('violated');
    // f0's folio, written back by the remap prep and left cached (only the destination's range is dropped); the read
    // through the new index finds no master in the buffer cache by block and reads one from the media.
    expect(p.actions).toEqual(['write(f=0, b=0, v=1)', 'reflink(s=0, sb=0, d=0, db=1)', 'read(f=0, b=1)']);
    expect(p.message).toBe("shared block 0 (refcount 2) is cached 2 times: file 0 block 0's folio, the master (file 0 block 1 through shadows)");
    for (const id of ['isolation', 'read-your-writes', 'fsync-durability']) expect(verdicts(r)[id], id).toBe('holds');
    // Two files through one master now take five actions (the first file's folio must go before it reads: below), a reclaim five.
    expect(r.goals.filter((g) => !g.reached).map((g) => g.id)).toEqual(['two-files-one-master', 'master-reclaimed']);
  });

  it('every other claimed property, shadow-coherent included, holds to depth 5 with one block a file, every goal reached', () => {
    const r = check(design, { mode: 'exhaustive', depth: 5, params: { B: 1 } });
    expect(r.exhaustive!.complete).toBe(true);
    expect(r.properties.filter((p) => p.claimed).map((p) => [p.id, p.verdict])).toEqual([
      ['isolation', 'holds'],
      ['read-your-writes', 'holds'],
      ['fsync-durability', 'holds'],
      ['single-copy', 'violated'],
      ['shadow-coherent', 'holds'],
    ]);
    expect(r.properties.find((p) => p.id === 'single-copy')!.actions).toEqual(['write(f=0, b=0, v=1)', 'clone(s=0, d=1)', 'read(f=1, b=0)']);
    expect(r.goals.every((g) => g.reached)).toBe(true);
  });
});

describe('shadow-pages-pagecache: convert-on-share', () => {
  it('every claimed property holds at the default bound (depth 5, the default parameters), every goal reached; past it, the random walks find the XFS fsync finding', () => {
    // A search of half a minute: npm run proofs makes it (exhaustive, then random walks), for the current code.
    const r = proofRun(design, `Amended: ${AMEND.join(', ')}`);
    expect([r.exhaustive!.complete, r.exhaustive!.depth, r.amends]).toEqual([true, design.bounds!.depth, AMEND]);
    // What the exhaustive search found to its bound: a violation it found would be reported as its own (mode exhaustive).
    expect(r.properties.filter((p) => p.claimed && p.mode === 'exhaustive').map((p) => [p.id, p.verdict])).toEqual(
      ['isolation', 'read-your-writes', 'single-copy', 'shadow-coherent'].map((id) => [id, 'holds']),
    );
    // pagecache-reflink's finding (its fsync-durability counterexample, reviewed there), which this design inherits, in 9 actions.
    expect(r.properties.find((p) => p.id === 'fsync-durability')).toMatchObject({ claimed: true, verdict: 'violated', mode: 'random', traceLength: 9 });
    expect(r.goals.every((g) => g.reached)).toBe(true);
  });

  it("the remap moves the source's clean folio into the buffer cache as the master and gives it a shadow", () => {
    const s = at(['write(f=0, b=0, v=1)', 'reflink(s=0, sb=0, d=0, db=1)'], design.name, AMEND);
    expect([s.master[0], s.folio[0][0], s.shadow[0][0]]).toEqual([1, -1, 0]);
    // A dedupe that finds the blocks differ remaps nothing, and converts nothing.
    const differs = at(['write(f=0, b=0, v=1)', 'write(f=0, b=1, v=2)', 'dedupe(s=0, sb=0, d=0, db=1)'], design.name, AMEND);
    expect([differs.dedupe, differs.master[0], differs.folio[0][0]]).toEqual([1, -1, 1]);
  });
});

describe('shadow-pages-pagecache: the bug toggles', () => {
  const broken = (bug: string, id: string, depth = 4, amends: string[] = [], params: Record<string, number> = {}) => {
    const r = check(design, { mode: 'exhaustive', depth, bugs: [bug], properties: [id], amends, params });
    const p = r.properties.find((x) => x.id === id)!;
    expect(p.verdict, `${bug} breaks ${id}`).toBe('violated');
    return p;
  };

  it("write-in-place-shared breaks isolation: the other index reads the writer's data from the media", () => {
    expect(broken('write-in-place-shared', 'isolation').actions).toEqual(['write(f=0, b=0, v=1)', 'reflink(s=0, sb=0, d=0, db=1)', 'write(f=0, b=0, v=2)', 'writeback(f=0, b=0)']);
  });

  // As proposed the shortest is 6 actions: f0's block 0 stays a private folio after the remap, so the shadow that
  // takes the store is the read's at block 1. The store is dirty (on the shadow) and its writeback moves block 1 to
  // a new block, but the master keeps the 2, and the next sharer to read block 0 through a shadow reads it.
  // Amended, 4: the remap itself gives f0's block 0 a shadow.
  it('shadow-not-tossed breaks isolation: the store lands in the master the other shadow reads', () => {
    // One file and three blocks, for the depth: the history takes only file 0.
    const p = broken('shadow-not-tossed', 'isolation', 6, [], { F: 1, P: 3 });
    expect(p.actions).toEqual(['write(f=0, b=0, v=1)', 'reflink(s=0, sb=0, d=0, db=1)', 'read(f=0, b=1)', 'write(f=0, b=1, v=2)', 'reflink(s=0, sb=0, d=0, db=1)', 'read(f=0, b=1)']);
    expect(p.message).toBe("file 0 block 1 reads 2 from its shadow of block 0's master, but 1 was last put there");
    const q = broken('shadow-not-tossed', 'isolation', 4, AMEND);
    expect(q.actions).toEqual(['write(f=0, b=0, v=1)', 'reflink(s=0, sb=0, d=0, db=1)', 'write(f=0, b=0, v=2)', 'read(f=0, b=1)']);
    expect(q.message).toMatch(/from its shadow of block 0's master/);
  });

  // The toggle changes only where the store lands: the entry it dirties is the shadow, and the CoW fork is reserved
  // (xfs_buffered_write_iomap_begin, __iomap_write_end -> filemap_dirty_folio), so writeback moves the file to a
  // new block and leaves the shadow pointing to the old block's master (reviewed: the store once dirtied nothing).
  it('shadow-not-tossed breaks shadow-coherent: the dirtied shadow outlives the writeback that moved its block', () => {
    const p = broken('shadow-not-tossed', 'shadow-coherent', 5);
    expect(p.actions).toEqual(['write(f=0, b=0, v=1)', 'reflink(s=0, sb=0, d=0, db=1)', 'read(f=0, b=1)', 'write(f=0, b=1, v=1)', 'writeback(f=0, b=1)']);
    expect(p.message).toBe("file 0 block 1's shadow points to block 0's master, but the file maps block 1 there");
  });

  // A master leaving the buffer cache (its block freed, or overwritten in place) while a stale shadow still points
  // to it: the shadow's page keeps the bytes, which the model hands to the (file, index) as its folio. It once read
  // "-1 from its shadow of block 0's master, which is not cached" (a review found no such read in the kernel).
  it("shadow-not-tossed: a shadow that outlives its master's block still reads the bytes its page held", () => {
    const s = statesOf(instantiate(design, resolveConfig(design, {}, ['shadow-not-tossed'], []), 'immer'), [
      'mstore(f=1, b=0, v=1)',
      'reflink(s=1, sb=0, d=0, db=0)',
      'read(f=0, b=0)',
      'mstore(f=0, b=0, v=2)',
      'dedupe(s=1, sb=0, d=0, db=0)',
      'write(f=1, b=0, v=1)',
      'clone(s=0, d=1)',
    ]).at(-1) as ShadowPcState;
    expect([s.shadow[0][0], s.folio[0][0]]).toEqual([-1, 2]);
  });

  // Reviewed: reclaim took a master whose shadow the toggle had dirtied, and the store was lost unwritten.
  it('shadow-not-tossed: a master with a dirty shadow is not reclaimed', () => {
    const model = instantiate(design, resolveConfig(design, {}, ['shadow-not-tossed'], []), 'immer');
    const steps = ['write(f=0, b=0, v=1)', 'clone(s=0, d=1)', 'read(f=1, b=0)', 'write(f=1, b=0, v=2)', 'punch(f=0, b=0)'];
    const s = statesOf(model, steps).at(-1) as ShadowPcState;
    expect([s.shadow[1][0], s.dirty[1][0], s.ref[0]]).toEqual([0, 1, 1]);
    expect(model.actions(s).map((a) => model.label(a))).not.toContain('reclaim(p=0)');
    expect(() => statesOf(model, ['write(f=0, b=0, v=1)', 'clone(s=0, d=1)', 'read(f=1, b=0)', 'punch(f=0, b=0)', 'reclaim(p=0)'])).not.toThrow();
  });

  it('master-reclaimed-with-shadows breaks shadow-coherent: a shadow left pointing to a master no longer cached', () => {
    expect(broken('master-reclaimed-with-shadows', 'shadow-coherent').message).toMatch(/no longer in the buffer cache/);
  });

  it("private-folio-on-shared-read (mainline's read) breaks single-copy: two folios over one shared block, amended or not", () => {
    const p = broken('private-folio-on-shared-read', 'single-copy');
    expect(p.actions).toEqual(['write(f=0, b=0, v=1)', 'reflink(s=0, sb=0, d=0, db=1)', 'read(f=0, b=1)']);
    expect(p.message).toMatch(/file 0 block 0's folio, file 0 block 1's folio/);
    // Amended, the source's folio is a shadow after the remap: the private folio of the read is cached beside the master.
    const q = broken('private-folio-on-shared-read', 'single-copy', 4, AMEND);
    expect(q.actions).toEqual(['write(f=0, b=0, v=1)', 'reflink(s=0, sb=0, d=0, db=1)', 'read(f=0, b=1)']);
  });

  it("read-bypasses-cache breaks read-your-writes, fsync-no-log-force fsync-durability (pagecache-reflink's toggles, its rules reused)", () => {
    broken('read-bypasses-cache', 'read-your-writes', 3);
    broken('fsync-no-log-force', 'fsync-durability', 4);
  });
});

describe('shadow-pages-pagecache: the buffer cache', () => {
  const shared = ['write(f=0, b=0, v=1)', 'clone(s=0, d=1)', 'read(f=1, b=0)'];

  it('two reflinked files read one master, amended: one folio a block where pagecache-reflink has two; as proposed, two too', () => {
    const s = at(shared, design.name, AMEND);
    // f0's clean folio (written back by the clone's prep) became the master at the clone; f1's read found it by block.
    expect(s.master[0]).toBe(1);
    expect(s.shadow.map((row) => row[0])).toEqual([0, 0]);
    expect(s.folio.map((row) => row[0])).toEqual([-1, -1]);
    expect(footprint(s)).toEqual({ folios: 1, blocks: 1, duplicates: 0, shadows: 2 });
    const mainline = at(['write(f=0, b=0, v=1)', 'clone(s=0, d=1)', 'read(f=0, b=0)', 'read(f=1, b=0)'], 'pagecache-reflink') as PagecacheState;
    expect(footprint(mainline)).toEqual({ folios: 2, blocks: 1, duplicates: 1 });
    // As proposed, f0's folio stays in f0's mapping, which the buffer cache's lookup by block does not see: a master is read in beside it.
    const proposed = at(shared);
    expect([proposed.master[0], proposed.folio[0][0], proposed.shadow[0][0], proposed.shadow[1][0]]).toEqual([1, 1, -1, 0]);
    expect(footprint(proposed)).toEqual({ folios: 2, blocks: 1, duplicates: 1, shadows: 1 });
  });

  // Amended below: f0 holds a shadow from the clone on.
  it('a store tosses its shadow for a private dirty folio and CoWs at writeback; the master stays for the other file', () => {
    const s = at([...shared, 'write(f=1, b=0, v=2)', 'writeback(f=1, b=0)'], design.name, AMEND);
    expect(s.shadow.map((row) => row[0])).toEqual([0, -1]);
    expect(s.folio[1][0]).toBe(2);
    expect(s.ext[1][0]).not.toBe(0);
    expect([s.master[0], s.ref[0]]).toEqual([1, 1]);
  });

  it('reclaim is enabled once the block is unshared, and drops the shadow left; a punch, a crash drop shadows and masters', () => {
    const m = instantiate(design, resolveConfig(design, {}, [], AMEND), 'immer');
    const labels = (s: unknown) => m.actions(s).map((a) => m.label(a));
    expect(labels(at(shared, design.name, AMEND))).not.toContain('reclaim(p=0)');
    const unshared = at([...shared, 'punch(f=1, b=0)'], design.name, AMEND);
    expect(unshared.shadow.map((row) => row[0])).toEqual([0, -1]);
    expect(labels(unshared)).toContain('reclaim(p=0)');
    const reclaimed = at([...shared, 'punch(f=1, b=0)', 'reclaim(p=0)'], design.name, AMEND);
    expect([reclaimed.master[0], reclaimed.shadow[0][0]]).toEqual([-1, -1]);
    const crashed = at([...shared, 'crash()'], design.name, AMEND);
    expect([crashed.master, crashed.shadow.flat()].flat().every((x) => x === -1)).toBe(true);
  });
});

describe("shadow-pages-pagecache: crash, fsync and the log are pagecache-reflink's", () => {
  // The history `check`'s random search finds past the exhaustive bound (seed 718685792): mainline XFS's own
  // finding (docs/findings/xfs-reflink-crash-reads-other-files-data.md), which the shared buffer cache neither adds to nor removes.
  it('a history breaking fsync-durability in pagecache-reflink breaks it here at the same crash outcomes, with the same message', () => {
    const labels = [
      'truncate(f=0, n=0)',
      'write(f=1, b=0, v=1)',
      'write(f=1, b=1, v=1)',
      'write(f=0, b=1, v=1)',
      'reflink(s=1, sb=1, d=0, db=0)',
      'reflink(s=0, sb=1, d=1, db=1)',
      'write(f=0, b=0, v=2)',
      'reflink(s=0, sb=0, d=0, db=1)',
    ];
    const outcomes = (name: string) => {
      const d = findDesign(name);
      const cfg = defaultConfig(d);
      const m = instantiate(d, cfg, 'immer');
      const durability = d.always.find((p: { id: string }) => p.id === 'fsync-durability')!;
      return m.successors(statesOf(m, labels).at(-1), { kind: 'crash' }).map((o) => durability.check(o, cfg, d.view!(o, cfg)) ?? 'holds');
    };
    const mainline = outcomes('pagecache-reflink');
    expect(mainline.filter((v) => v !== 'holds')).toHaveLength(3);
    expect(outcomes(design.name)).toEqual(mainline);
  });
});
