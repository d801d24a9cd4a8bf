/**
 * The built-in deadlock property on the netfs designs (issue 14 section 1):
 * each says who waits (a pending write on its region lock, a DSYNC writer on
 * its flush, a writer on writeback or on wb_lock, an mmap store in
 * page_mkwrite), a toggle that makes a real deadlock reachable is caught, and
 * the designs hold without it.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { claimsOf, propertyList } from '../model/design.js';
import mainline from '../model/designs/netfs-mainline.js';
import regions from '../model/designs/netfs-regions.js';

function deadlock(r: ReturnType<typeof check>) {
  const p = r.properties.find((x) => x.id === 'deadlock');
  if (!p) throw new Error('no deadlock result');
  return p;
}

describe('netfs-mainline', () => {
  it('claims deadlock', () => {
    expect(claimsOf(mainline)).toContain('deadlock');
    expect(propertyList(mainline).map((p) => p.id)).toContain('deadlock');
  });
  it('holds with the pre-flush: a DSYNC write never meets FLUSH_CONTENT inside its write-through', () => {
    const r = check(mainline, { mode: 'exhaustive', properties: ['deadlock'], params: { P: 1, dio: 0, mmap: 0, rdwr: 0, zp: 1 }, depth: 9 });
    expect(r.exhaustive?.complete).toBe(true);
    expect(deadlock(r).verdict).toBe('holds');
  });
  it('dsync-no-preflush: NETFS_FLUSH_CONTENT inside the write-through waits for the wb_lock its own write-through holds', () => {
    const r = check(mainline, { mode: 'exhaustive', properties: ['deadlock'], params: { P: 1, dio: 0, mmap: 0, rdwr: 0, zp: 1 }, bugs: ['dsync-no-preflush'], depth: 9 });
    expect(deadlock(r)).toMatchObject({ verdict: 'violated', claimed: true, traceLength: 7 });
    expect(deadlock(r).actions).toEqual(['write(buffered, [0,1))', 'write(dsync, [0,1))', 'lock(write 1)', 'copy(write 1)', 'complete(write 1)', 'lock(write 2)', 'writethrough(write 2)']);
    expect(deadlock(r).message).toMatch(/dsync write 2 \[0,1\)'s NETFS_FLUSH_CONTENT \(WB_SYNC_ALL\) waits for wb_lock \(held by write 2's write-through\)/);
  });
  it('under a non-NULL group (no in-tree caller), page_mkwrite retries for ever on a folio with no private data', () => {
    // netfs_page_mkwrite: "group != netfs_group && group != NETFS_FOLIO_COPY_TO_CACHE" with group NULL:
    // filemap_fdatawrite_range finds nothing to write, VM_FAULT_RETRY, and the same again.
    const r = check(mainline, { mode: 'exhaustive', properties: ['deadlock'], params: { P: 1, dio: 0, dsync: 0, rdwr: 0, zp: 1, G: 1, W: 1 }, depth: 4 });
    expect(deadlock(r)).toMatchObject({ verdict: 'violated', traceLength: 2 });
    expect(deadlock(r).message).toMatch(/retries netfs_page_mkwrite for ever: folio 0 is of another group/);
  });
});

describe('netfs-regions', () => {
  const small = { W: 2, G: 0, C: 0, dio: 0, remote: 0, disconnect: 0, crash: 0 };
  it('holds: pending writes get their region lock, DSYNC writers their flush', () => {
    const r = check(regions, { mode: 'exhaustive', properties: ['deadlock'], params: small, depth: 8 });
    expect(r.exhaustive?.complete).toBe(true);
    expect(deadlock(r).verdict).toBe('holds');
  });
  it('dsync-wait-holding-lock: the DSYNC writer keeps its region active while it waits, and the flusher cannot take a write that ends inside a block', () => {
    // The flusher takes an active region only up to round_down(dirtied point, block): 0 for [0,1) in a
    // block of 2 (test/netfs-regions-split.test.ts).
    const r = check(regions, { mode: 'exhaustive', properties: ['deadlock'], params: { ...small, P: 1, W: 1 }, bugs: ['dsync-wait-holding-lock'], depth: 6 });
    expect(deadlock(r)).toMatchObject({ verdict: 'violated', claimed: true, traceLength: 6 });
    expect(deadlock(r).actions).toEqual(['write(dsync, [0,1))', 'read(folio 0)', 'activate(write 1)', 'copy(write 1)', 'complete(write 1)', 'writepage(folio 0)']);
    expect(deadlock(r).message).toMatch(/dsync write 1 \[0,1\) waits for its DSYNC region to finish flushing/);
  });
});
