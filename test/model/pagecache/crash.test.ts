/**
 * pagecache-reflink's crash: a mount finds a prefix of the metadata log
 * (every remap, allocation, unmap and size change a transaction, in commit
 * order), never a per-block mixture of them; fsync forces the log up to the
 * file's last transaction. The XFS finding (a file fsynced before reads
 * another file's later write, docs/findings/) needs only a prefix and is
 * still found.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../model/config.js';
import { findDesign } from '../../../model/designs/index.js';
import type { PagecacheAction } from '../../../model/designs/pagecache-reflink.js';
import { instantiate } from '../../../model/instantiate.js';
import type { PagecacheState } from '../../../model/pagecache/state.js';

const design = findDesign('pagecache-reflink');
const durability = design.always.find((p) => p.id === 'fsync-durability')!;

function run(actions: PagecacheAction[], params: Record<string, number> = {}) {
  const cfg = resolveConfig(design, params, []);
  const model = instantiate(design, cfg);
  let s = model.initial as PagecacheState;
  for (const a of actions) s = model.successors(s, a)[0] as PagecacheState;
  const crashed = model.successors(s, { kind: 'crash' }) as PagecacheState[];
  const verdict = (o: PagecacheState) => durability.check(o, cfg, design.view!(o, cfg));
  return { before: s, crashed, verdict };
}

const reads = (o: PagecacheState) => o.ghost.map((row, f) => row.slice(0, o.size[f]).join(',')).join(' | ');

describe('pagecache-reflink crash: a prefix of the log', () => {
  it('two allocations written back in order: a mount never finds the second without the first', () => {
    const { crashed } = run([
      { kind: 'write', f: 0, b: 0, v: 1 },
      { kind: 'writeback', f: 0, b: 0 },
      { kind: 'write', f: 0, b: 1, v: 2 },
      { kind: 'writeback', f: 0, b: 1 },
    ]);
    const seen = new Set(crashed.map(reads));
    // Nothing, the first, or both; per-block independent outcomes would add "0,2".
    expect([...seen].sort()).toEqual(['0,0 | 0,0', '1,0 | 0,0', '1,2 | 0,0']);
  });

  it('the folios of one writeback complete in any order (xfs_end_io): a mount may keep either allocation, but nothing logged after the writeback without both', () => {
    const { crashed } = run([
      { kind: 'write', f: 0, b: 0, v: 1 },
      { kind: 'write', f: 0, b: 1, v: 2 },
      { kind: 'clone', s: 0, d: 1 },
    ]);
    const seen = crashed.map(reads);
    expect(seen).toEqual(['0,0 | 0,0', '1,0 | 0,0', '0,2 | 0,0', '1,2 | 0,0', '1,2 | 1,0', '1,2 | 1,2']);
  });

  // Found by conform (XFS, seed 1): the dedupe of a hole onto a hole logs nothing (xfs_reflink_remap_extent cancels
  // a remap with nothing to do), so f1's fsync forced nothing and the kernel lost f0's truncate.
  it('a remap with nothing to do logs nothing: a later fsync of its destination forces nothing', () => {
    const { crashed } = run([
      { kind: 'reflink', s: 0, sb: 1, d: 1, db: 1 },
      { kind: 'fsync', f: 0 },
      { kind: 'truncate', f: 0, n: 1 },
      { kind: 'dedupe', s: 0, sb: 0, d: 1, db: 1 },
      { kind: 'fsync', f: 1 },
    ]);
    expect(crashed.map((o) => o.size[0])).toEqual([2, 1]);
  });

  it('one successor per prefix: as many as the pending transactions, plus one', () => {
    const { before, crashed } = run([
      { kind: 'write', f: 0, b: 0, v: 1 },
      { kind: 'writeback', f: 0, b: 0 },
      { kind: 'clone', s: 0, d: 1 },
    ]);
    // f0 block 0 allocated; f1's blocks remapped (block 1 a hole over a hole: no change, no transaction).
    expect(before.log).toHaveLength(2);
    expect(crashed).toHaveLength(3);
    expect(crashed.map(reads)).toEqual(['0,0 | 0,0', '1,0 | 0,0', '1,0 | 1,0']);
  });

  it("fsync forces the log up to its file's last transaction, older ones of other files included, later ones left open", () => {
    const { before, crashed } = run([
      { kind: 'write', f: 0, b: 0, v: 1 },
      { kind: 'writeback', f: 0, b: 0 },
      { kind: 'write', f: 1, b: 0, v: 2 },
      { kind: 'fsync', f: 1 },
      { kind: 'write', f: 0, b: 1, v: 1 },
      { kind: 'writeback', f: 0, b: 1 },
    ]);
    expect(before.log).toHaveLength(1);
    expect(crashed.map(reads)).toEqual(['1,0 | 2,0', '1,1 | 2,0']);
  });

  it('a punch writes its dirty folio back first (xfs_flush_unmap_range): a mount may keep the allocation and lose the unmap', () => {
    const { crashed } = run([
      { kind: 'write', f: 0, b: 0, v: 1 },
      { kind: 'punch', f: 0, b: 0 },
    ]);
    expect(crashed.map((o) => o.ghost[0][0])).toEqual([0, 1, 0]);
  });

  it('a truncate that moves the on-disk EOF over dirty folios writes them back first (xfs_setattr_size)', () => {
    const { before } = run([
      { kind: 'truncate', f: 0, n: 0 },
      { kind: 'write', f: 0, b: 0, v: 1 },
      { kind: 'truncate', f: 0, n: 2 },
    ]);
    expect(before.dirty[0][0]).toBe(0);
    expect(before.ext[0][0]).toBeGreaterThanOrEqual(0);
  });

  // Conform (XFS) showed this outcome: f0's on-disk EOF followed the block written back (xfs_setfilesize), a size
  // f0 never had in core, and f1's fsync forced it. The ghost of sizes allows it; the model produces it.
  it('a write past EOF written back in part: a mount may find the EOF at the end of what was written', () => {
    const { crashed, verdict } = run([
      { kind: 'truncate', f: 0, n: 0 },
      { kind: 'write', f: 0, b: 1, v: 1 },
      { kind: 'write', f: 0, b: 0, v: 1 },
      { kind: 'writeback', f: 0, b: 0 },
      { kind: 'write', f: 1, b: 0, v: 1 },
      { kind: 'fsync', f: 1 },
    ]);
    expect(crashed.map((o) => o.size[0])).toContain(1);
    for (const o of crashed) expect(verdict(o)).toBeUndefined();
  });
});

describe('the XFS finding is still found (docs/findings/xfs-reflink-crash-reads-other-files-data.md)', () => {
  it.each([
    {
      what: "a clone, fsynced then CoW-written, reads the other file's later in-place write",
      actions: [
        { kind: 'write', f: 0, b: 0, v: 1 },
        { kind: 'clone', s: 0, d: 1 },
        { kind: 'fsync', f: 1 },
        { kind: 'write', f: 1, b: 0, v: 2 },
        { kind: 'writeback', f: 1, b: 0 },
        { kind: 'write', f: 0, b: 0, v: 3 },
        { kind: 'writeback', f: 0, b: 0 },
      ] as PagecacheAction[],
      message: 'file 1 block 0 reads 3; its last fsync and the writes since allow only 1 or 2',
    },
    {
      what: "a reflinked block, fsynced then punched, reads the other owner's later in-place write",
      actions: [
        { kind: 'write', f: 0, b: 1, v: 1 },
        { kind: 'reflink', s: 0, sb: 1, d: 1, db: 0 },
        { kind: 'fsync', f: 1 },
        { kind: 'punch', f: 1, b: 0 },
        { kind: 'write', f: 0, b: 1, v: 2 },
        { kind: 'reflink', s: 0, sb: 0, d: 0, db: 1 },
      ] as PagecacheAction[],
      message: 'file 1 block 0 reads 2; its last fsync and the writes since allow only 0 or 1',
    },
  ])('$what', ({ actions, message }) => {
    const { crashed, verdict } = run(actions, { V: 4 });
    // The mount that replays none of the pending transactions: the remap that moved f1 off the block is lost.
    expect(crashed.map(verdict)).toContain(`after the crash ${message}`);
  });
});
