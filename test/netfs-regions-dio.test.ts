/**
 * netfs-regions: what a direct write drops of the page cache. The RFC's
 * netfs_file_direct_write (RFC patch 06/12, dio_helper.c) writes the range
 * back and invalidates it with invalidate_inode_pages2_range, which leaves a
 * dirty folio (invalidate_complete_folio2: -EBUSY; "If this invalidation
 * fails, tough"), and the mail keeps a region's pages in RAM (->releasepage()
 * refuses them). The model once dropped every folio of the DIO's box, so
 * under no-region-lock a buffered write's copied bytes were thrown away
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

describe('netfs-regions: a direct write invalidates only the folios invalidate_inode_pages2_range may take', () => {
  const reviewed = ['write(dio, [0,1))', 'write(buffered, [0,2))', 'activate(write 1)', 'activate(write 2)', 'copy(write 2)', 'copy(write 1)'];
  it('a dirty folio a region pins stays, with the buffered write\'s bytes (the reviewed no-region-lock history)', () => {
    const cfg = config({}, ['no-region-lock']);
    const before = run(cfg, reviewed.slice(0, -1));
    expect(before.folio[0]).toMatchObject({ dirty: true });
    const after = run(cfg, reviewed);
    expect(after.folio[0]).toEqual(before.folio[0]);
    expect(after.cache[0]).toBeNull();
  });
  it('a clean folio over the box goes (no cache: a read leaves no region to copy to it)', () => {
    const cfg = config({ cache: 0, remote: 0, disconnect: 0, crash: 0 });
    const s = run(cfg, ['read(folio 0)', 'write(dio, [0,1))', 'activate(write 1)', 'copy(write 1)']);
    expect(s.folio[0]).toBeNull();
  });
});
