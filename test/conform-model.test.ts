/**
 * pagecache-reflink, the model conform runs against the kernel: every claimed
 * property holds to a complete bound (below the default, to keep the suite
 * small), each bug toggle breaks the property it is about and only that one,
 * and the footprint view counts what the baseline caches twice.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { resolveConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';
import { footprint } from '../model/pagecache/properties.js';
import type { PagecacheAction } from '../model/designs/pagecache-reflink.js';
import type { PagecacheState } from '../model/pagecache/state.js';

const design = findDesign('pagecache-reflink');
const verdicts = (bugs: string[], depth: number) => Object.fromEntries(check(design, { mode: 'exhaustive', depth, bugs }).properties.map((p) => [p.id, p.verdict]));

describe('pagecache-reflink', () => {
  it('keeps isolation, read-your-writes and fsync-durability for every history of 4 actions', () => {
    const result = check(design, { mode: 'exhaustive', depth: 4 });
    expect(Object.fromEntries(result.properties.map((p) => [p.id, p.verdict]))).toEqual({
      isolation: 'holds',
      'read-your-writes': 'holds',
      'fsync-durability': 'holds',
    });
  });

  it.each([
    ['write-in-place-shared', 'isolation'],
    ['read-bypasses-cache', 'read-your-writes'],
    ['fsync-no-log-force', 'fsync-durability'],
  ])('--bug %s breaks %s, and nothing else', (bug, property) => {
    const v = verdicts([bug], 4);
    expect(v[property]).toBe('violated');
    for (const [id, verdict] of Object.entries(v)) if (id !== property) expect(verdict).toBe('holds');
  });

  it('caches a reflinked block once per file: the footprint counts the duplicate', () => {
    const cfg = resolveConfig(design, {}, []);
    const model = instantiate(design, cfg);
    let s = model.initial as PagecacheState;
    const go = (a: PagecacheAction) => {
      s = model.successors(s, a)[0] as PagecacheState;
    };
    go({ kind: 'write', f: 0, b: 0, v: 1 });
    go({ kind: 'fsync', f: 0 });
    go({ kind: 'clone', s: 0, d: 1 });
    go({ kind: 'read', f: 0, b: 0 });
    go({ kind: 'read', f: 1, b: 0 });
    expect(footprint(s)).toEqual({ folios: 2, blocks: 1, duplicates: 1 });
    // A store through f1's mapping CoWs at writeback: f0 keeps its value (generic/578's pattern).
    go({ kind: 'mstore', f: 1, b: 0, v: 2 });
    go({ kind: 'writeback', f: 1, b: 0 });
    expect([s.ghost[0][0], s.ghost[1][0], s.ext[0][0] !== s.ext[1][0]]).toEqual([1, 2, true]);
  });

  // The first conform finding (XFS, seed 1): f0's mapping of block p was made durable by fsync(f1)'s log force
  // (it preceded f1's clone of it), and the remap that later punched f0's block was not: the kernel showed f0
  // reading 1 after the crash, an outcome the model, which offered only f0's last-fsynced and current mappings, lacked.
  it("a crash may show any mapping a block held since its file's last fsync (another file's log force commits it)", () => {
    const cfg = resolveConfig(design, {}, []);
    const model = instantiate(design, cfg);
    let s = model.initial as PagecacheState;
    for (const a of [
      { kind: 'write', f: 0, b: 0, v: 1 },
      { kind: 'reflink', s: 0, sb: 0, d: 1, db: 0 },
      { kind: 'fsync', f: 1 },
      { kind: 'reflink', s: 1, sb: 1, d: 0, db: 0 },
    ] as PagecacheAction[])
      s = model.successors(s, a)[0] as PagecacheState;
    const outcomes = model.successors(s, { kind: 'crash' }) as PagecacheState[];
    const seen = outcomes.map((o) => `${o.ghost[0][0]},${o.ghost[1][0]} ${o.ext[0][0] === o.ext[1][0] ? 'shared' : 'apart'}`);
    expect(seen).toContain('1,1 shared');
    expect(seen).toContain('0,1 apart');
  });

  // Found by conform on XFS (seed 11): the CoW decision is the write's, not the writeback's.
  it('a write over a shared block reserves the CoW fork: its writeback takes a new block even once the block is unshared', () => {
    const cfg = resolveConfig(design, {}, []);
    const model = instantiate(design, cfg);
    let s = model.initial as PagecacheState;
    for (const a of [
      { kind: 'write', f: 1, b: 1, v: 2 },
      { kind: 'fsync', f: 1 },
      { kind: 'clone', s: 1, d: 0 },
      { kind: 'write', f: 0, b: 1, v: 1 },
      { kind: 'punch', f: 1, b: 1 },
    ] as PagecacheAction[])
      s = model.successors(s, a)[0] as PagecacheState;
    const old = s.ext[0][1];
    expect(s.ref[old]).toBe(1);
    s = model.successors(s, { kind: 'writeback', f: 0, b: 1 })[0] as PagecacheState;
    expect(s.ext[0][1]).not.toBe(old);
    expect(s.data[old]).toBe(2);
    // So a crash that loses the punch shows f1 its fsynced 2 again.
    const seen = (model.successors(s, { kind: 'crash' }) as PagecacheState[]).map((o) => o.ghost[1][1]);
    expect(seen).toContain(2);
  });
});
