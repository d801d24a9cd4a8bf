/**
 * netfs-regions: what a direct write drops of the page cache. The RFC's
 * netfs_file_direct_write (RFC patch 06/12, dio_helper.c) invalidates its
 * range before the I/O, and falls back to a buffered write when a folio
 * cannot be invalidated (-EBUSY: dirty, or pinned by a region, whose
 * ->releasepage() refuses); after the I/O it invalidates again and keeps what
 * it cannot drop ("If this invalidation fails, tough"). The model once had
 * only the second invalidation, so a DIO was sent and acknowledged over a
 * folio the first would have refused
 * (counterexamples/netfs-regions/bugs/no-region-lock.no-lost-writes.review.md).
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../model/design.js';
import rfc from '../model/designs/netfs-regions.js';
import { run } from './netfs-regions-steps.js';

function config(params: Record<string, number> = {}, bugs: string[] = []): Config {
  const defaults = Object.fromEntries(Object.entries(rfc.params).map(([k, p]) => [k, p.default]));
  return { params: { ...defaults, ...params }, bugs: new Set(bugs) };
}

describe('netfs-regions: a direct write invalidates before and after its I/O', () => {
  it('before the I/O, a folio a region pins makes the DIO fall back to a buffered write, nothing sent', () => {
    const cfg = config({}, ['no-region-lock']);
    const steps = ['write(dio, [0,1))', 'write(buffered, [0,2))', 'activate(write 1)', 'activate(write 2)', 'copy(write 2)'];
    const before = run(cfg, steps);
    expect(before.folio[0]).toMatchObject({ dirty: true });
    const after = run(cfg, [...steps, 'invalidate(write 1)']);
    expect(after.folio[0]).toEqual(before.folio[0]);
    expect(after.server).toEqual(before.server);
    expect(after.writers.find((w) => w.value === 1)).toMatchObject({ kind: 'buffered', phase: 'pending' });
  });
  it('after the I/O, a dirty folio a region pins stays, with the buffered write\'s bytes ("tough")', () => {
    const cfg = config({}, ['no-region-lock']);
    const steps = ['write(dio, [0,1))', 'write(buffered, [0,2))', 'activate(write 1)', 'invalidate(write 1)', 'activate(write 2)', 'copy(write 2)'];
    const before = run(cfg, steps);
    expect(before.folio[0]).toMatchObject({ dirty: true });
    const after = run(cfg, [...steps, 'copy(write 1)']);
    expect(after.folio[0]).toEqual(before.folio[0]);
    expect(after.server).not.toEqual(before.server);
    expect(after.cache[0]).toBeNull();
  });
  it('a clean folio over the box goes before the I/O (no cache: a read leaves no region to copy to it)', () => {
    const cfg = config({ cache: 0, remote: 0, disconnect: 0, crash: 0 });
    const s = run(cfg, ['read(folio 0)', 'write(dio, [0,1))', 'activate(write 1)', 'invalidate(write 1)']);
    expect(s.folio[0]).toBeNull();
    expect(s.writers[0]).toMatchObject({ kind: 'dio', invalidated: true });
  });
});
