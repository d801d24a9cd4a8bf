/**
 * netfs-mainline against what the kernel does (torvalds/linux v6.10-rc5,
 * fs/netfs/buffered_write.c and write_issue.c): a writer waits for writeback
 * of a folio whose folio->private is set, writeback requests carry a NULL
 * group and skip folios of any other group, and the design claims what
 * mainline keeps, not the RFC's rules.
 */
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { Config, Property } from '../model/design.js';
import mainline from '../model/designs/netfs-mainline.js';
import { emptyFolio, newRegion, type NetfsState } from '../model/netfs/world.js';
import { flushExclusion } from '../properties/netfs.js';

type Params = Record<string, number>;
/**
 * The features these tests predate (mmap stores, O_RDWR writers, a zero_point inside the file) turned
 * off, so that each keeps the subject it was written about; test/netfs-mainline-granularity.test.ts has theirs.
 */
const OLD = (P = 2): Params => ({ mmap: 0, rdwr: 0, zp: P });

function verdict(r: ReturnType<typeof check>, id: string) {
  const p = r.properties.find((x) => x.id === id);
  if (!p) throw new Error(`no result for ${id}`);
  return p;
}

/**
 * R3 restricted to folios whose folio->private is set while they are in
 * flight (a streaming netfs_folio, COPY_TO_CACHE, a non-NULL group): the
 * writers netfs_perform_write() makes wait. A folio with no private data is
 * legitimately changed under writeback, so that case is left out here.
 */
const privateFolioStable: Property<NetfsState> = {
  id: 'private-folio-stable',
  description: 'no writer changes an in-flight folio that carries private data',
  check: (s) => flushExclusion.check({ ...s, regions: s.regions.filter((r) => r.type === 'stream' || r.type === 'semi' || r.group !== 1) }, undefined),
};
const withPrivateRule = { ...mainline, always: [...mainline.always, privateFolioStable] };

describe('netfs-mainline: a writer waits for writeback when folio->private is set', () => {
  // The corpus's old flush-exclusion trace: a whole-folio write over a streaming folio in flight.
  for (const params of [
    { P: 1, B: 2, W: 2, L: 2, dio: 0, dsync: 0, G: 0, cache: 0, ...OLD(1) },
    { P: 1, B: 2, W: 2, L: 2, dio: 0, dsync: 1, G: 0, cache: 1, ...OLD(1) },
  ] as Params[]) {
    it(`no in-flight streaming or COPY_TO_CACHE folio is changed (cache=${params.cache})`, () => {
      const r = check(withPrivateRule, { mode: 'exhaustive', properties: ['private-folio-stable'], params, depth: 10 });
      expect(r.exhaustive?.complete).toBe(true);
      expect(verdict(r, 'private-folio-stable').verdict).toBe('holds');
      // The search does reach writers with bytes to copy over a folio in flight.
      expect(r.goals.find((g) => g.id === 'writer-waits-on-flush')?.reached).toBe(true);
    });
  }
  it('a private-less uptodate folio is still changed under writeback (no stable pages), and nothing is lost', () => {
    const r = check(mainline, { mode: 'exhaustive', properties: ['flush-exclusion', 'no-lost-writes'], params: { dio: 0, dsync: 0, G: 0, ...OLD() }, depth: 9 });
    const p = verdict(r, 'flush-exclusion');
    expect(p.verdict).toBe('violated');
    expect(p.traceLength).toBe(8);
    expect(p.message).toMatch(/flushing ordinary region \[0,2\) group 1/);
    expect(verdict(r, 'no-lost-writes').verdict).toBe('holds');
  });
});

describe('netfs-mainline: writeback requests carry a NULL group (netfs_write_folio)', () => {
  const cfg: Config = { params: Object.fromEntries(Object.entries(mainline.params).map(([k, p]) => [k, p.default])), bugs: new Set() };
  /** Folio 0 dirty under the NULL group (1), folio 1 dirty under a filesystem's group 2. */
  const twoGroups = produce(mainline.init(cfg), (d) => {
    for (const [f, group] of [
      [0, 1],
      [1, 2],
    ]) {
      d.folio[f] = { ...emptyFolio(2), data: [7, 7], uptodate: true, dirty: true };
      d.regions.push(newRegion(f * 2, f * 2 + 2, 'dirty', 'ordinary', group, [f * 2, f * 2 + 2]));
    }
  });
  it("VM writeback uploads the NULL-group folio and skips and redirties the other group's", () => {
    const after = produce(twoGroups, mainline.next.writepages({ kind: 'writepages' }, twoGroups, cfg) as (d: unknown) => void);
    expect(after.folio[0]).toMatchObject({ dirty: false, writeback: true });
    expect(after.folio[1]).toMatchObject({ dirty: true, writeback: false });
    expect(after.regions.map((r) => [r.group, r.state, r.toServer])).toEqual([
      [1, 'flushing', true],
      [2, 'dirty', false],
    ]);
    // Only the other group's folio is left dirty, and writepages has nothing to issue.
    expect(mainline.actions(after, cfg).some((a) => a.kind === 'writepages')).toBe(false);
  });
  it('a writer under a non-NULL group never gets past FLUSH_CONTENT on a folio with no private data', () => {
    // netfs_how_to_modify: "group != netfs_group && group != NETFS_FOLIO_COPY_TO_CACHE" with group NULL.
    // With the cache off nothing else attaches private data, so no write begun after a barrier copies a byte.
    const copiedAfterBarrier = {
      id: 'copied-after-barrier',
      description: 'a buffered write under group 2 copied a byte',
      reached: (s: NetfsState) => s.writers.some((w) => w.kind !== 'dio' && w.group > 1 && w.copied > w.start),
    };
    const design = { ...mainline, sometimes: [...mainline.sometimes, copiedAfterBarrier] };
    const off = check(design, { mode: 'exhaustive', properties: ['group-order'], params: { dio: 0, dsync: 1, G: 1, L: 1, ...OLD() }, depth: 8 });
    expect(off.exhaustive?.complete).toBe(true);
    expect(off.goals.find((g) => g.id === 'copied-after-barrier')?.reached).toBe(false);
    // A COPY_TO_CACHE folio lets it in: netfs_set_group() attaches the writer's group.
    const on = check(design, { mode: 'exhaustive', properties: [], params: { P: 1, dio: 0, dsync: 0, G: 1, L: 1, cache: 1, ...OLD(1) }, depth: 6 });
    expect(on.goals.find((g) => g.id === 'copied-after-barrier')?.reached).toBe(true);
  });
  it('finding: under a non-NULL group, netfs_perform_write() returns from a DSYNC write into a COPY_TO_CACHE folio with nothing uploaded', () => {
    // netfs_advance_writethrough() puts the folio under writeback, then netfs_write_folio() skips it
    // (fgroup != wreq->group, NULL): redirtied, left under writeback, not on the server. The in-tree
    // callers' generic_write_sync() would then wait on that writeback forever (the design's header).
    const r = check(mainline, { mode: 'exhaustive', properties: ['dsync', 'dirty-mark'], params: { P: 1, dio: 0, G: 1, L: 1, cache: 1, ...OLD(1) }, depth: 7 });
    expect(verdict(r, 'dsync').verdict).toBe('violated');
    expect(verdict(r, 'dsync').actions).toEqual(['barrier()', 'write(dsync, [0,1))', 'lock(write 1)', 'writethrough(write 1)', 'read(folio 0)', 'copy(write 1)', 'complete(write 1)']);
    expect(verdict(r, 'dirty-mark').message).toBe('folio 0 is under writeback but no flushing region is on it');
    // Without groups the same writes keep the promise.
    const c = check(mainline, { mode: 'exhaustive', properties: ['dsync', 'dirty-mark'], params: { P: 1, dio: 0, G: 0, L: 1, cache: 1, ...OLD(1) }, depth: 7 });
    expect(c.exhaustive?.complete).toBe(true);
    expect(verdict(c, 'dsync').verdict).toBe('holds');
    // One folio, one byte, seven actions: no folio is dirtied again under writeback, so dirty-mark is vacuous here.
    expect(verdict(c, 'dirty-mark')).toMatchObject({ verdict: 'vacuous', unreached: ['redirtied-under-writeback'] });
  });
});

describe('netfs-mainline: claims and notes', () => {
  it('claims what mainline keeps, and none of the RFC rules R2, R3, R5', () => {
    // Its invariants, and its liveness properties (test/netfs-liveness.test.ts).
    const ids = [...mainline.always, ...(mainline.liveness ?? [])].map((p) => p.id);
    expect(mainline.claims).toBeDefined();
    for (const id of mainline.claims!) expect(ids).toContain(id);
    for (const id of ['region-exclusion', 'flush-exclusion', 'group-order']) expect(mainline.claims).not.toContain(id);
  });
  it('names the kernel function of every action kind, each in at most 100 characters', () => {
    const kinds = Object.keys(mainline.next);
    expect(Object.keys(mainline.notes ?? {}).sort()).toEqual(kinds.sort());
    for (const note of Object.values(mainline.notes ?? {})) expect((note as string).length).toBeLessThanOrEqual(100);
  });
  it('says a read beside a buffered writer is a fault or readahead, and that a DSYNC return leaves out generic_write_sync', () => {
    // read(2) takes i_rwsem shared (netfs_start_io_read) and waits for the writer; filemap_fault and
    // readahead do not. The dsync finding's complete(write) is netfs_perform_write()'s return.
    expect(mainline.notes?.read).toMatch(/fault/);
    expect(mainline.notes?.read).toMatch(/read\(2\).*i_rwsem/);
    expect(mainline.notes?.complete).toMatch(/generic_write_sync/);
  });
  it('keeps every claimed property over its whole state space but dsync, dirty-mark, region-resident and no-lost-writes (the pre-flush window); the RFC rules it never claimed are broken', () => {
    const r = check(mainline, { mode: 'exhaustive' });
    expect(r.exhaustive?.complete).toBe(true);
    const window = ['dsync', 'dirty-mark', 'region-resident', 'no-lost-writes'];
    for (const id of mainline.claims!) if (!window.includes(id)) expect(verdict(r, id).verdict, id).toBe('holds');
    expect(verdict(r, 'region-resident')).toMatchObject({ verdict: 'violated', claimed: true, traceLength: 9 });
    // The finding in the design's header: a stale background upload lands after the write-through, and
    // the folio's PG_writeback, set once for two requests, is clear while one of them is still in flight.
    expect(verdict(r, 'dsync')).toMatchObject({ verdict: 'violated', claimed: true, traceLength: 10 });
    expect(verdict(r, 'dirty-mark')).toMatchObject({ verdict: 'violated', claimed: true, traceLength: 8 });
    // Beyond the old depth 10: the acknowledged write's folio reclaimed before the stale upload lands.
    expect(verdict(r, 'no-lost-writes')).toMatchObject({ verdict: 'violated', claimed: true, traceLength: 11 });
    expect(verdict(r, 'region-exclusion').verdict).toBe('violated');
    expect(verdict(r, 'flush-exclusion').verdict).toBe('violated');
    // Nobody waits for ever (the built-in property, from the design's `waiting`).
    expect(verdict(r, 'deadlock')).toMatchObject({ verdict: 'holds', claimed: true });
  });
});
