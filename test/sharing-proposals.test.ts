/**
 * The seed-002 proposals held to what shmem and the page cache really do
 * (reviews of tmpfs-cowflag, imapping-redirect and fragment-owner against
 * mm/shmem.c, mm/filemap.c, mm/memory-failure.c and mm/vmscan.c): a lookup
 * through a mapping the page does not name spins and never returns the page;
 * memory failure takes the page lock and leaves an unmapped page's processes
 * alone; tmpfs reads through the inode's current i_mapping; a fault holds the
 * page it found locked; a fragment keeps its pages while it is referenced.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { AnyDesign } from '../model/design.js';
import { resolveConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';
import { statesOf } from './fixtures/run.js';
import { viewOf } from '../engine/model.js';
import type { World } from '../model/world/state.js';
import type { View } from '../model/world/view.js';
import { SHARING_PROPERTIES } from '../properties/sharing.js';

const refcountOf = (v: View): string | undefined => SHARING_PROPERTIES.refcount.check(v);

interface Run {
  readonly states: World[];
  readonly enabled: (i?: number) => string[];
  readonly view: (i?: number) => View;
}

/** Runs `labels` from the initial state, each action picked by its label among the enabled ones. */
function run(design: AnyDesign, labels: readonly string[], params: Record<string, number> = {}, bugs: readonly string[] = []): Run {
  const model = instantiate(design, resolveConfig(design, params, bugs), 'immer');
  const states = statesOf(model, labels) as World[];
  const at = (i?: number): World => states[i ?? states.length - 1];
  return {
    states,
    enabled: (i) => model.actions(at(i)).map((x) => model.label(x)),
    view: (i) => viewOf(model, at(i)) as View,
  };
}

describe('tmpfs-cowflag: shmem lookups and memory_failure as the kernel runs them', () => {
  const d = findDesign('tmpfs-cowflag');
  it('a lookup through file 1 of the page file 0 owns spins (shmem_get_folio_gfp: folio->mapping != inode->i_mapping -> repeat): no fault, write, punch or truncate of it completes', () => {
    const r = run(d, ['reflink(s=0, d=1)']);
    const stuck = r.enabled().filter((l) => /^(fault\(f=1, i=0|write\(f=1, i=0|punch\(f=1, i=0\)|truncate\(f=1, n=0\))/.test(l));
    expect(stuck).toEqual([]);
    // The owner's own lookups are untouched.
    expect(r.enabled()).toContain('fault(f=0, i=0, read)');
  });
  it("memory_failure leaves an unmapped page's processes alone (hwpoison_user_mappings: !page_mapped -> return)", () => {
    const r = run(d, ['memfail(pfn=0)']);
    expect(r.states[1].mf).toMatchObject({ done: true, killed: [], told: [0] });
  });
  it('memory_failure takes the page lock: it waits for a fault holding the page, whichever file the fault came through', () => {
    const model = instantiate(d, resolveConfig(d, {}, []), 'immer');
    const s0 = model.initial as World;
    // A fault through file 1 holding file 0's page (the kernel cannot get there; the lock rule must not depend on it).
    const s = { ...s0, fault: { f: 1, i: 0, write: false, pfn: 0, stale: false } };
    expect(model.actions(s).map((a) => model.label(a))).not.toContain('memfail(pfn=0)');
  });
  it("memory_failure on a mapped page kills the owner's mapper and tells the filesystem (file 0, index 0)", () => {
    const r = run(d, ['fault(f=0, i=0, read)', 'finish-fault', 'memfail(pfn=0)']);
    expect(r.states[3].mf).toMatchObject({ done: true, killed: [0], told: [0] });
  });
  it('write(2) waits for the page lock a fault holds through another index (shmem_write_begin -> shmem_get_folio_gfp: folio_lock)', () => {
    // Block 1 is at file 1's indices 0 and 1; the fault through index 1 holds its page locked.
    const r = run(d, ['reflink(s=1, d=0)', 'reflink-range(s=0, si=0, d=1, di=1)', 'fault(f=1, i=1, read)']);
    expect(r.states[3].entry[1][0]).toBe(r.states[3].fault!.pfn);
    expect(r.enabled().filter((l) => l.startsWith('write(f=1, i=0'))).toEqual([]);
    expect(run(d, ['reflink(s=1, d=0)', 'reflink-range(s=0, si=0, d=1, di=1)', 'fault(f=1, i=1, read)', 'finish-fault']).enabled()).toContain('write(f=1, i=0, v=1)');
  });
  it('a page punched while GUP-pinned leaves the cache but stays allocated until unpin_user_page drops the last reference', () => {
    const r = run(d, ['fault(f=0, i=0, write)', 'finish-fault', 'pin(f=0, i=0)', 'punch(f=0, i=0)'], {}, ['no-break-layouts']);
    expect(r.states[4].frame[0]).toMatchObject({ free: false, mapping: -1, count: 1 });
    expect(refcountOf(r.view())).toBeUndefined();
    // Its block is not given to the next allocation while the page lives.
    const w = run(d, ['fault(f=0, i=0, write)', 'finish-fault', 'pin(f=0, i=0)', 'punch(f=0, i=0)', 'write(f=0, i=0, v=2)'], {}, ['no-break-layouts']);
    expect(w.states[5].ext[0][0]).not.toBe(0);
    const u = run(d, ['fault(f=0, i=0, write)', 'finish-fault', 'pin(f=0, i=0)', 'punch(f=0, i=0)', 'unpin(f=0, i=0)'], {}, ['no-break-layouts']);
    expect(u.states[5].frame[0].free).toBe(true);
    expect(refcountOf(u.view())).toBeUndefined();
  });
  it('a read(2) that spins shows no contents: --bug write-in-place-shared no longer breaks cow-isolation by a read of file 1 that never returns', () => {
    // reflink(s=0, d=1); write(f=0, i=0, v=2): file 1's read(2) spins on file 0's page.
    const r = run(d, ['reflink(s=0, d=1)', 'write(f=0, i=0, v=2)'], {}, ['write-in-place-shared']);
    expect(r.view().read[1][0]).toBe(1);
    const two = check(d, { mode: 'exhaustive', properties: ['cow-isolation'], depth: 2, bugs: ['write-in-place-shared'] });
    expect(two.properties[0].verdict).not.toBe('violated');
    // The toggle still breaks it where a read completes: file 1's corrupted page reflinked back to file 0.
    const three = check(d, { mode: 'exhaustive', properties: ['cow-isolation'], depth: 3, bugs: ['write-in-place-shared'] });
    expect(three.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 3 });
  });
  it('a read fault on a hole adds a zeroed page at the lookup (shmem_fault -> shmem_get_folio_gfp(SGP_CACHE)) and maps it read-only', () => {
    const r = run(d, ['fault(f=0, i=1, read)', 'finish-fault']);
    const pfn = r.states[1].fault!.pfn;
    expect(pfn).not.toBe(-1);
    expect(r.states[1].entry[0][1]).toBe(pfn);
    expect(r.states[1].ext[0][1]).toBe(pfn);
    expect(r.states[2]).toMatchObject({
      pte: [
        [-1, pfn],
        [-1, -1],
      ],
      ptew: [
        [false, false],
        [false, false],
      ],
    });
    expect(r.view().read[0][1]).toBe(0);
  });
});

describe("imapping-redirect: tmpfs reads and faults go through the inode's i_mapping", () => {
  const d = findDesign('imapping-redirect');
  it('read(2) through an fd opened before the reflink returns the shared data (shmem_file_read_iter: file_inode(file)->i_mapping)', () => {
    const r = run(d, ['open(f=0)', 'reflink(s=0, d=1)']);
    expect(r.view().read[0][0]).toBe(1);
  });
  it('a fault through a vma set up before the reflink finds the shared page (shmem_fault: file_inode(vm_file)->i_mapping)', () => {
    const r = run(d, ['mmap(f=0)', 'reflink(s=0, d=1)', 'fault(f=0, i=0, read)', 'finish-fault']);
    const shared = (r.states[2] as World & { imap: number[] }).imap[0];
    expect(r.states[4].pte[0][0]).toBe(r.states[2].entry[shared][0]);
  });
  it('a write fault on a hole adds its page at the lookup (shmem_get_folio_gfp, SGP_CACHE), not at the pte install', () => {
    const r = run(d, ['mmap(f=0)', 'fault(f=0, i=1, write)']);
    expect(r.states[2].fault!.pfn).not.toBe(-1);
    expect(r.states[2].entry[0][1]).toBe(r.states[2].fault!.pfn);
  });
  it('a memory failure that cannot unmap the page stops before identify_page_state: the filesystem is told nothing (MF_MSG_UNMAP_FAILED)', () => {
    const r = run(d, ['mmap(f=0)', 'fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)', 'memfail(pfn=0)']);
    expect(r.states[5].mf).toMatchObject({ done: true, killed: [], told: [] });
  });
  it('a fault or write that finds a page naming another mapping spins (shmem_get_folio_gfp after folio_lock: folio->mapping != inode->i_mapping -> repeat)', () => {
    const labels = ['mmap(f=0)', 'open(f=0)', 'reflink(s=1, d=0)'];
    const through0 = (l: string): boolean => /^(fault|write)\(f=0, i=0/.test(l);
    // The untoggled hack moves the page and its page->mapping together: the lookups complete.
    expect(run(d, labels).enabled().filter(through0).length).toBeGreaterThan(0);
    // mapping-not-updated leaves page->mapping at inode 1's i_data: the shared space's page is never returned.
    expect(run(d, labels, {}, ['mapping-not-updated']).enabled().filter(through0)).toEqual([]);
  });
  it('write(2) through an fd opened after the reflink goes to f_mapping->host->i_mapping, the shared space, after the unshare (shmem_write_begin)', () => {
    const r = run(d, ['reflink(s=0, d=1)', 'open(f=0)', 'write(f=0, i=0, v=2)']);
    // Inode 0 was unshared, but its fd's f_mapping is the shared space: file 1 sees the write.
    expect(r.view().read[1][0]).toBe(2);
    expect(r.view().ghost[1][0]).toBe(1);
  });
});

describe('fragment-owner: a fault holds its page locked; a referenced fragment keeps its pages', () => {
  const d = findDesign('fragment-owner');
  it('a fault through a PFN entry holds the fragment page locked (filemap_fault: VM_FAULT_LOCKED): memory failure waits (lock_page)', () => {
    const r = run(d, ['read(f=0, i=0)', 'reflink(s=0, d=1)', 'fault(f=0, i=0, read)']);
    expect(r.enabled()).not.toContain('memfail(pfn=0)');
  });
  it("a fragment's page is not reclaimed while the fragment is referenced (seed 002: freed when its refcount goes to zero)", () => {
    const r = run(d, ['read(f=0, i=0)', 'reflink(s=0, d=1)']);
    expect(r.enabled()).not.toContain('reclaim(pfn=0)');
  });
  it("with --bug fragment-reclaimable reclaim frees it under the files' PFN entries, but never under a fault (shrink_folio_list: folio_trylock)", () => {
    const r = run(d, ['read(f=0, i=0)', 'reflink(s=0, d=1)'], {}, ['fragment-reclaimable']);
    expect(r.enabled()).toContain('reclaim(pfn=0)');
    const f = run(d, ['read(f=0, i=0)', 'reflink(s=0, d=1)', 'fault(f=0, i=0, read)'], {}, ['fragment-reclaimable']);
    expect(f.enabled()).not.toContain('reclaim(pfn=0)');
  });
  it("a write in place after a partial CoW updates the page read(2) then finds, the fragment's", () => {
    const r = run(d, ['read(f=0, i=0)', 'reflink(s=0, d=1)', 'write(f=0, i=0, v=2)', 'write(f=1, i=0, v=2)', 'read(f=1, i=0)']);
    expect(r.view().read[1][0]).toBe(2);
  });
  it('--bug fragment-reclaimable breaks refcount (the dangling PFN entry), exhaustively', () => {
    const r = check(d, { mode: 'exhaustive', properties: ['refcount'], depth: 3, bugs: ['fragment-reclaimable'] });
    expect(r.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 3 });
  });
  it("a fault through a PFN entry left to a freed frame spins: filemap_get_entry's folio_try_get fails on count 0 (goto repeat)", () => {
    const r = run(d, ['read(f=0, i=0)', 'reflink(s=0, d=1)', 'reclaim(pfn=0)'], {}, ['fragment-reclaimable']);
    expect(r.states[3].frame[0].free).toBe(true);
    expect(r.enabled()).not.toContain('fault(f=0, i=0, read)');
    expect(r.enabled()).not.toContain('fault(f=0, i=0, write)');
  });
  it('a fault on a page-cache miss reads the page in (filemap_fault: __filemap_get_folio(FGP_CREAT), then ->read_folio), and holds it', () => {
    const own = run(d, ['fault(f=0, i=0, read)']);
    const p = own.states[1].entry[0][0];
    expect(own.states[1].fault!.pfn).toBe(p);
    expect(own.states[1].frame[p]).toMatchObject({ mapping: 0, index: 0, data: 1, count: 1 });
    // A shared block's page is read into its fragment's address space (mapping F + b); the file gets a PFN entry.
    const shared = run(d, ['reflink(s=0, d=1)', 'fault(f=1, i=0, read)']);
    const q = shared.states[2].entry[1][0];
    expect(shared.states[2].frame[q]).toMatchObject({ mapping: 2, index: 0, data: 1 });
    expect(shared.states[2].entry[2][0]).toBe(q);
  });
  it('two files map one fragment page within the bound, so single-ownership, refcount and layout-pin hold non-vacuously to depth 5', () => {
    const r = check(d, { mode: 'exhaustive', properties: ['single-ownership', 'refcount', 'layout-pin'], depth: 5 });
    expect(r.properties.map((p) => p.verdict)).toEqual(['holds', 'holds', 'holds']);
  });
  it('a whole-file reflink of a file of two blocks makes one fragment of both, each at its source index, with one count per file', () => {
    const r = run(d, ['write(f=0, i=1, v=1)', 'reflink(s=0, d=1)']);
    const s = r.states[2] as World & { fragOf: number[]; fidx: number[]; fref: number[] };
    expect(s.ext).toEqual([
      [0, 2],
      [0, 2],
    ]);
    expect(s.fragOf[0]).not.toBe(-1);
    expect(s.fragOf[2]).toBe(s.fragOf[0]);
    expect([s.fidx[0], s.fidx[2]]).toEqual([0, 1]);
    expect(s.fref[s.fragOf[0]]).toBe(2);
    expect(refcountOf(r.view())).toBeUndefined();
  });
  it("a partial CoW of a two-block fragment keeps the writer's count on it while the other block stays shared (INV-H)", () => {
    const r = run(d, ['write(f=0, i=1, v=1)', 'reflink(s=0, d=1)', 'write(f=0, i=0, v=2)']);
    const s = r.states[3] as World & { fragOf: number[]; fref: number[]; partial: boolean };
    expect(s.partial).toBe(true);
    expect(s.ext[0][1]).toBe(2);
    expect(s.ref[2]).toBe(2);
    expect(s.fref[s.fragOf[2]]).toBe(2);
    expect(r.view().read[1][0]).toBe(1);
    expect(refcountOf(r.view())).toBeUndefined();
  });
  it('a referenced fragment retains the page of a block no file maps until its count drops to 0 (KERNEL 2.2 failure mode (b))', () => {
    const labels = ['write(f=0, i=1, v=1)', 'reflink(s=0, d=1)', 'read(f=1, i=0)', 'write(f=0, i=0, v=2)', 'punch(f=1, i=0)'];
    const r = run(d, labels);
    const s = r.states[5] as World & { fref: number[] };
    const p = r.states[3].entry[1][0];
    expect(s.frame[p]).toMatchObject({ free: false, mapping: 2, block: -1 });
    expect(s.ext.flat()).not.toContain(0);
    expect(refcountOf(r.view())).toBeUndefined();
    // The last file's reference on the fragment goes: "all its pages can be freed".
    const gone = run(d, [...labels, 'punch(f=0, i=1)', 'punch(f=1, i=1)']);
    expect(gone.states[7].frame[p].free).toBe(true);
    expect((gone.states[7] as World & { fref: number[] }).fref.every((n) => n === 0)).toBe(true);
  });
  it("--bug fragment-put-per-block (a partial CoW drops the fragment's count) breaks refcount in 3 actions, exhaustively", () => {
    const r = check(d, { mode: 'exhaustive', properties: ['refcount'], depth: 3, bugs: ['fragment-put-per-block'] });
    expect(r.properties[0]).toMatchObject({ verdict: 'violated', traceLength: 3 });
    const ok = check(d, { mode: 'exhaustive', properties: ['refcount'], depth: 3 });
    expect(ok.properties[0].verdict).not.toBe('violated');
  });
  it('a write that CoWs a fragment block nobody maps is no CoW break of a mapped page; one another file maps is', () => {
    expect(run(d, ['reflink(s=0, d=1)', 'write(f=0, i=0, v=2)']).view().event).toBe('');
    expect(run(d, ['reflink(s=0, d=1)', 'fault(f=1, i=0, read)', 'finish-fault', 'write(f=0, i=0, v=2)']).view().event).toBe('cow-mapped');
  });
  it('punch takes the page out of the cache with page->mapping cleared (filemap_remove_folio -> page_cache_delete); a pin keeps it until unpin, and memory failure on it collects nobody', () => {
    const labels = ['fault(f=0, i=0, write)', 'finish-fault', 'pin(f=0, i=0)', 'punch(f=0, i=0)'];
    const r = run(d, labels, {}, ['no-break-layouts']);
    expect(r.states[4].frame[0]).toMatchObject({ mapping: -1, free: false, count: 1 });
    const m = run(d, [...labels, 'memfail(pfn=0)'], {}, ['no-break-layouts']);
    expect(m.states[5].mf).toMatchObject({ done: true, killed: [], told: [] });
    expect(refcountOf(m.view())).toBeUndefined();
    const u = run(d, [...labels, 'unpin(f=0, i=0)'], {}, ['no-break-layouts']);
    expect(u.states[5].frame[0].free).toBe(true);
  });
});

describe('imapping-redirect: a pte that goes takes its page reference with it', () => {
  // Found by the review of the random search's refcount trace: mmap's munmap
  // of the old vma lowered the page's count but never freed it at 0.
  it('the page an old vma mapped is freed by the munmap that drops its last reference', async () => {
    const { instantiate } = await import('../model/instantiate.js');
    const { defaultConfig } = await import('../model/config.js');
    const { findDesign } = await import('../model/designs/index.js');
    const d = findDesign('imapping-redirect');
    const m = instantiate(d, defaultConfig(d), 'immer');
    let s = m.initial;
    for (const label of ['open(f=0)', 'mmap(f=0)', 'fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)', 'write(f=0, i=1, v=1)', 'reflink(s=0, d=1)', 'mmap(f=0)']) {
      const a = m.actions(s).find((x) => m.label(x) === label);
      expect(a, label).toBeDefined();
      s = m.successors(s, a!)[0];
    }
    const refcount = m.always.find((p) => p.id === 'refcount')!;
    expect(refcount.check(s, m.view ? m.view(s) : undefined)).toBeUndefined();
  });
});
