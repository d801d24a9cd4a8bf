/**
 * The bridge's pure parts: parsing the helper's observation, the comparison
 * (with btrfs's documented differences), the btrfs source flush the model is
 * told of, and the xfs_io translation of every helper line.
 */
import { describe, expect, it } from 'vitest';
import { adapters } from '../conform/adapters.js';
import { difference, parseObserve, type ModelObservation } from '../conform/observe.js';
import { writeScript, xfsIo } from '../conform/script.js';
import { resolveConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';
import type { PagecacheAction } from '../model/designs/pagecache-reflink.js';
import type { PagecacheState } from '../model/pagecache/state.js';

const real = (line: string, n = 2) => ({ files: parseObserve(line, n) });
const model = (files: ModelObservation['files']): ModelObservation => ({ files });

describe('observation', () => {
  it('parses sizes, block values and FIEMAP per block', () => {
    expect(parseObserve('ok 8192 1,x S:40960,L 0 - -', 2)).toEqual([
      { size: 8192, values: [1, 'x'], map: ['S:40960', 'L'] },
      { size: 0, values: [], map: [] },
    ]);
    expect(() => parseObserve('err ENOENT', 1)).toThrow(/unexpected/);
  });

  const shared = model([
    { size: 2, values: [1, 0], map: ['S', 'H'], block: [0, -1] },
    { size: 2, values: [1, 0], map: ['S', 'H'], block: [0, -1] },
  ]);

  it('agrees when contents, sharing and the partition agree', () => {
    expect(difference(shared, real('ok 8192 1,0 S:40960,H 8192 1,0 S:40960,U'), 'xfs')).toBeUndefined();
  });

  it('names a content, size, sharing and partition difference', () => {
    expect(difference(shared, real('ok 8192 1,0 S:40960,H 8192 2,0 S:40960,H'), 'xfs')).toMatch(/file 1 block 0 reads 2, the model says 1/);
    expect(difference(shared, real('ok 4096 1 S:40960 8192 1,0 S:40960,H'), 'xfs')).toMatch(/file 0 has 4096 bytes/);
    expect(difference(shared, real('ok 8192 1,0 D:40960,H 8192 1,0 S:40960,H'), 'xfs')).toMatch(/not SHARED/);
    expect(difference(shared, real('ok 8192 1,0 S:40960,H 8192 1,0 S:45056,H'), 'xfs')).toMatch(/not with the other places/);
  });

  it('on btrfs, accepts SHARED on a block the model has alone (a bookend extent) and delalloc after writeback; XFS does not', () => {
    const alone = model([
      { size: 1, values: [1], map: ['D'], block: [0] },
      { size: 1, values: [2], map: ['D'], block: [1] },
    ]);
    const bookend = real('ok 4096 1 S:40960 4096 2 D:45056');
    expect(difference(alone, bookend, 'btrfs')).toBeUndefined();
    expect(difference(alone, bookend, 'xfs')).toMatch(/SHARED in FIEMAP/);
    const lagging = model([
      { size: 1, values: [1], map: ['D'], block: [0] },
      { size: 1, values: [1], map: ['D'], block: [1] },
    ]);
    const oldExtent = real('ok 4096 1 S:40960 4096 1 S:40960');
    expect(difference(lagging, oldExtent, 'btrfs')).toBeUndefined();
    expect(difference(lagging, oldExtent, 'xfs')).toMatch(/SHARED in FIEMAP/);
    const pending = real('ok 4096 1 L 4096 2 D:45056');
    expect(difference(alone, pending, 'btrfs')).toBeUndefined();
    expect(difference(alone, pending, 'xfs')).toMatch(/delalloc/);
  });
});

describe('the pagecache adapter', () => {
  const design = findDesign('pagecache-reflink');
  const cfg = resolveConfig(design, {}, []);
  const m = instantiate(design, cfg);
  let s = m.initial as PagecacheState;
  for (const a of [
    { kind: 'write', f: 0, b: 0, v: 1 },
    { kind: 'write', f: 0, b: 1, v: 2 },
  ] as PagecacheAction[])
    s = m.successors(s, a)[0] as PagecacheState;
  const adapter = adapters.find((a) => a.design === 'pagecache-reflink')!;

  it('tells the model that btrfs writes back the whole remap source (btrfs_remap_file_range_prep: filemap_flush)', () => {
    const reflink: PagecacheAction = { kind: 'reflink', s: 0, sb: 0, d: 1, db: 0 };
    expect(adapter.inside!(reflink, s, 'btrfs')).toEqual([
      { kind: 'writeback', f: 0, b: 0 },
      { kind: 'writeback', f: 0, b: 1 },
    ]);
    expect(adapter.inside!(reflink, s, 'xfs')).toEqual([]);
    expect(adapter.lines(reflink, cfg, s, 'btrfs')[0]).toBe('dread 0 0 8192');
  });

  it('writes the file back after a truncate down on XFS only (the close: xfs_release), not after a truncate up', () => {
    const down: PagecacheAction = { kind: 'truncate', f: 0, n: 1 };
    const after = m.successors(s, down)[0] as PagecacheState;
    expect(adapter.after!(down, after, 'xfs', s)).toEqual([{ kind: 'writeback', f: 0, b: 0 }]);
    expect(adapter.after!(down, after, 'btrfs', s)).toEqual([]);
    const shorter = after;
    const up: PagecacheAction = { kind: 'truncate', f: 0, n: 2 };
    expect(adapter.after!(up, m.successors(shorter, up)[0] as PagecacheState, 'xfs', shorter)).toEqual([]);
  });

  it("on btrfs writes back the rest of a block's dirty run with it (one delalloc range, one ordered extent)", () => {
    const wb: PagecacheAction = { kind: 'writeback', f: 0, b: 0 };
    expect(adapter.inside!(wb, s, 'btrfs')).toEqual([{ kind: 'writeback', f: 0, b: 1 }]);
    expect(adapter.lines(wb, cfg, s, 'btrfs')).toEqual(['syncrange 0 0 8192', 'dread 0 0 8192']);
    expect(adapter.inside!(wb, s, 'xfs')).toEqual([]);
    expect(adapter.lines(wb, cfg, s, 'xfs')).toEqual(['syncrange 0 0 4096', 'dread 0 0 4096']);
  });

  it('runs a crash only where FS_IOC_SHUTDOWN exists', () => {
    expect(adapter.supports({ kind: 'crash' }, 'xfs')).toBe(true);
    expect(adapter.supports({ kind: 'crash' }, 'btrfs')).toBe(false);
  });
});

describe('the xfs_io script', () => {
  const lines = [
    'pwrite 0 0 4096 1',
    'mstore 1 4096 4096 2',
    'pread 0 0 4096',
    'mload 1 0 4096',
    'syncrange 0 0 4096',
    'dread 0 0 4096',
    'fsync 1',
    'clone 0 1',
    'clonerange 0 0 1 4096 4096',
    'dedupe 0 0 1 0 4096',
    'punch 0 0 4096',
    'truncate 1 0',
    'shutdown $MNT',
    'remount $DEV $MNT $FSTYPE',
  ];

  it('translates every helper line the adapters emit', () => {
    for (const line of lines) expect(xfsIo(line)).toMatch(/xfs_io|umount/);
    expect(xfsIo('clonerange 0 0 1 4096 4096')).toBe('xfs_io -c "reflink $D/f0 0 4096 4096" "$D/f1"');
    expect(xfsIo('shutdown $MNT')).toMatch(/shutdown" "\$MNT"/);
    expect(() => xfsIo('frobnicate 0')).toThrow(/no xfs_io translation/);
  });

  it('makes its own filesystem and says what the model expected', () => {
    const text = writeScript({ title: 't', fs: 'xfs', files: 2, bytes: 8192, steps: [{ label: 'write(f=0, b=0, v=1)', lines: ['pwrite 0 0 4096 1'] }], mismatch: 'm', expected: 'E', got: 'G' });
    expect(text).toMatch(/mkfs.xfs -q -f -m reflink=1/);
    expect(text).toMatch(/pwrite -q -S 0x01 0 4096/);
    expect(text).toMatch(/# the model expected: E/);
  });
});
