/**
 * shadow-pages-pagecache: the non-DAX form of Dave Chinner's shadow pages
 * (seed 000, 2019-10-10, "Re: [RFC PATCH 0/7] xfs: add reflink & dedupe
 * support for fsdax"): "This works for both DAX and non-DAX sharing of
 * read-only shared filesytsem pages. i.e. it would form the basis of
 * single-copy read-only page cache pages for reflinked files." The DAX form
 * is shadow-pages; this one is mainline XFS's page cache over reflinked
 * files (pagecache-reflink, whose rules it reuses: model/pagecache/) with
 * one change. A read (pread: filemap_read; a load: filemap_fault) of a
 * block whose extent "has multiple references to it" (the refcount btree,
 * as xfs_reflink_trim_around_shared asks it) is served by ONE master folio
 * in the buffer cache, "indexed by LBA" (`master[p]`), and the file gets a
 * shadow entry at its (mapping, index) pointing to the master (`shadow`)
 * instead of a folio of its own: "we add the page to the buffer cache ... if
 * it isn't already present, then allocate a shadow page, point it at the
 * master, set it up with the new mapping,index tuple and add it to the
 * mapping tree". A block its file alone maps, or a hole, is read into a
 * private folio as in mainline.
 *
 * Choices where the mail is silent, each its plainest reading:
 * - A private clean folio that a file cached before its extent was shared
 *   (reflink, clone, dedupe: the remap prep writes the source range back and
 *   leaves its folios cached, __generic_remap_file_range_prep ->
 *   filemap_write_and_wait_range; only the destination's are dropped,
 *   xfs_flush_unmap_range) stays where it is: the mail converts pages only
 *   "when a new page mapping occurs in a shared extent", and it finds the
 *   master "indexed by LBA in the filesystem buffer cache" ("we add the page
 *   to the buffer cache ... if it isn't already present"): a lookup by
 *   physical block in the buffer cache, which cannot find a folio in
 *   another file's mapping tree (that would need a reverse map the mail does
 *   not name). So the next read of the block through another file finds no
 *   master, reads one in from the media and gets a shadow of it, and the
 *   block is cached twice, the first file's folio and the master, until that
 *   file drops its folio (a store, a punch, a truncate, a remap over it, a
 *   crash) or keeps reading through it: single-copy, claimed, breaks there
 *   (test/model/designs/shadow-pages-pagecache.test.ts). The
 *   `convert-on-share` amendment below converts such a folio at the remap
 *   (the DAX form's amendment of the same name does it at the fault).
 * - A store (write(2), or a store through MAP_SHARED: page_mkwrite) to a
 *   shadowed block is the mail's CoW: "we toss away the shadow page". The
 *   file gets a private dirty folio holding the master's data with the
 *   store over it (a store here is the whole block: the store's value), and
 *   from there on it is mainline's: the CoW fork reserved
 *   (xfs_reflink_reserve_cow via dirtyFolio), the new block allocated and
 *   remapped at writeback (xfs_reflink_end_cow). A master is read-only
 *   ("read-only shared filesystem pages"): dirty data never lives in one
 *   (under the bug toggle shadow-not-tossed it does: that is the mistake).
 * - "the master can be reclaimed with the reference count goes to zero or
 *   the extent is no longer shared" is permission, so reclaim is an action,
 *   enabled when no shadow points to the master or its block is no longer
 *   shared (refcount 1 or 0); a shadow still pointing to an unshared master
 *   is dropped with it (a clean entry: truncate_inode_folio), and its file's
 *   next read reads the block into a folio of its own, the block being its
 *   alone. Two cases reclaim cannot wait for, or a later sharer of the
 *   block would find a master that no longer holds it: a freed block's
 *   master goes at the free (refcount zero: XFS invalidates the cached
 *   buffers of blocks it frees, xrep_reap_invalidate_block -> xfs_trans_binval), and a block its one owner overwrites in place at
 *   writeback drops its master (model/pagecache/rules.ts, writebackFolio).
 * - Punch, truncate, a remap over the block and a crash drop the file's
 *   shadow as they drop its folio (truncate_inode_pages_range); a crash also
 *   drops the whole buffer cache: it is memory. fsync, the log and crash
 *   outcomes are pagecache-reflink's, unchanged, and so is its
 *   fsync-durability counterexample past the exhaustive bound (random
 *   search: docs/findings/xfs-reflink-crash-reads-other-files-data.md, a
 *   mainline XFS behaviour the buffer cache does not touch).
 *
 * As proposed, single-copy breaks in three actions, the shortest the
 * exhaustive search finds: write(f=0, b=0, v=1); reflink(s=0, sb=0, d=0,
 * db=1); read(f=0, b=1): the remap prep wrote f0's block 0 back and left its
 * folio cached, the read through index 1 finds no master by block and reads
 * one in, and block 0 is cached twice. Every other claim holds where it did.
 *
 * What it takes (amendments, off unless asked for): `convert-on-share`, the
 * smallest change that counterexample points to, proposed by nobody. When a
 * remap (clone, reflink, dedupe that found the blocks the same) makes a
 * block shared, the filesystem, which knows the source range and holds both
 * inodes' locks (xfs_reflink_remap_prep), moves each clean folio of that
 * range over a now shared block into the buffer cache as the block's master
 * and gives its file a shadow; a dirty one cannot be there (the prep wrote
 * the range back). With it every claimed property holds at the default
 * bound (depth 5, default parameters, exhaustive), every goal reached.
 *
 * Footprint, amended: two reflinked files reading a block cache it once
 * (one master folio, two shadows: `footprint` {folios 1, blocks 1,
 * duplicates 0, shadows 2}) where pagecache-reflink caches it twice
 * ({folios 2, blocks 1, duplicates 1}); as proposed, after write, clone and
 * the clone's read, twice too ({folios 2, blocks 1, duplicates 1, shadows
 * 1}): test/model/designs/shadow-pages-pagecache.test.ts.
 */
import type { Config, Recipe } from '../design.js';
import { amended, defineDesign } from '../design.js';
import { HOLE, NONE, onMedia, content, shadowsOf, type PagecacheState } from '../pagecache/state.js';
import { dirtyEntry } from '../pagecache/rules.js';
import { footprint, pagecacheGoals, pagecacheProperties, type PagecacheView } from '../pagecache/properties.js';
import { shadowCoherent, shadowGoals, singleCopy, type ShadowEvents } from '../pagecache/shadow.js';
import pagecacheReflink, { type PagecacheAction } from './pagecache-reflink.js';

export type ShadowPcState = PagecacheState & ShadowEvents & { master: number[]; shadow: number[][] };
export type ShadowPcAction = PagecacheAction | { readonly kind: 'reclaim'; readonly p: number };

const base = pagecacheReflink;
export const CONVERT_ON_SHARE = 'convert-on-share';
type Store = Extract<PagecacheAction, { kind: 'write' | 'mstore' }>;
type Load = Extract<PagecacheAction, { kind: 'read' | 'mload' }>;

/**
 * Whether block p's master may be reclaimed: no shadow points to it, or its block is no longer shared; never while
 * a shadow of it is dirty (only shadow-not-tossed dirties one), for reclaim never drops a dirty page-cache entry
 * unwritten.
 */
function reclaimable(s: ShadowPcState, p: number, cfg: Config): boolean {
  if (s.master[p] === NONE) return false;
  const shadows = shadowsOf(s, p);
  return !shadows.some(([f, b]) => s.dirty[f][b]) && (cfg.bugs.has('master-reclaimed-with-shadows') || s.ref[p] < 2 || shadows.length === 0);
}

/**
 * A read or load of (f, b). Cached (a folio or a shadow): read there. Over a
 * shared block: the master looked up in the buffer cache by block, read in
 * from the media if it is not there (a clean folio another file cached
 * before the block was shared is not in the buffer cache, and stays where it
 * is), and (f, b) gets a shadow of it. Else mainline's filemap_read.
 */
function readBlock({ f, b }: Load, cfg: Config): Recipe<ShadowPcState> {
  return (d) => {
    const p = d.ext[f][b];
    if (d.folio[f][b] === NONE && d.shadow[f][b] === NONE) {
      if (p !== HOLE && d.ref[p] > 1 && !cfg.bugs.has('private-folio-on-shared-read')) {
        if (d.master[p] === NONE) d.master[p] = d.data[p];
        d.shadow[f][b] = p;
      } else {
        d.folio[f][b] = onMedia(d, f, b);
      }
    }
    d.read = { f, b, v: cfg.bugs.has('read-bypasses-cache') ? onMedia(d, f, b) : content(d, f, b) };
  };
}

/**
 * convert-on-share: after a remap that made the source's blocks shared, each
 * clean folio of the source range over a block now shared moves into the
 * buffer cache as that block's master (or gives way to the master already
 * there), and the source gets a shadow at its index. The filesystem knows
 * the range and holds both inodes' locks (xfs_reflink_remap_prep); a dirty
 * folio cannot be there, for the prep wrote the range back.
 */
function convertSource(d: ShadowPcState, f: number, blocks: readonly number[]): void {
  for (const b of blocks) {
    const p = d.ext[f][b];
    if (p === HOLE || d.ref[p] < 2 || d.folio[f][b] === NONE) continue;
    if (d.dirty[f][b]) throw new Error(`convert-on-share: file ${f} block ${b} is dirty after the remap prep wrote it back`);
    if (d.master[p] === NONE) d.master[p] = d.folio[f][b];
    d.folio[f][b] = NONE;
    d.shadow[f][b] = p;
  }
}

type Remap = Extract<PagecacheAction, { kind: 'clone' | 'reflink' | 'dedupe' }>;

/** A remap (clone, reflink, dedupe): mainline's, then, amended, its source's clean folios converted. */
function remap(a: Remap, s: ShadowPcState, cfg: Config): Recipe<ShadowPcState> {
  const mainline = base.next[a.kind](a as never, s, cfg) as Recipe<PagecacheState>;
  return (d) => {
    mainline(d as never);
    if (!amended(cfg, CONVERT_ON_SHARE)) return;
    if (a.kind === 'clone') convertSource(d, a.s, [...Array(s.size[a.s]).keys()]);
    else if (a.kind === 'reflink' || d.dedupe === 0) convertSource(d, a.s, [a.sb]);
  };
}

/** A store to (f, b): its shadow tossed, then mainline's store into a private dirty folio. */
function store(a: Store, s: ShadowPcState, cfg: Config): Recipe<ShadowPcState> {
  const { f, b, v } = a;
  const m = b < s.shadow[f].length ? s.shadow[f][b] : NONE;
  if (m !== NONE && cfg.bugs.has('shadow-not-tossed')) {
    // The shadow left in the mapping tree: the store lands in the page it points to, the master. The rest of
    // the store path runs as ever: xfs_buffered_write_iomap_begin reserves the CoW fork over the shared block,
    // and __iomap_write_end dirties the entry the lookup returned, the shadow; its writeback sends the
    // master's bytes to the CoW block (rules.ts, writebackFolio).
    return (d) => {
      d.master[m] = v;
      dirtyEntry(d, f, b, v);
    };
  }
  const mainline = base.next[a.kind](a as never, s, cfg) as Recipe<PagecacheState>;
  return (d) => {
    if (m !== NONE) {
      d.shadow[f][b] = NONE;
      d.toss = 1;
    }
    mainline(d as never);
  };
}

const reuse = <K extends Exclude<PagecacheAction['kind'], Store['kind'] | Load['kind'] | Remap['kind']>>(k: K) =>
  base.next[k] as unknown as (a: Extract<ShadowPcAction, { kind: K }>, s: ShadowPcState, cfg: Config) => Recipe<ShadowPcState> | readonly Recipe<ShadowPcState>[];

export default defineDesign<ShadowPcState, ShadowPcAction, PagecacheView>({
  name: 'shadow-pages-pagecache',
  picture: { world: 'pagecache' },
  summary: "XFS's page cache over reflinked files with one read-only master folio per shared block in the buffer cache and a shadow entry per file reading it (seed 000, non-DAX)",
  seed: 'seed 000: Dave Chinner, Re: [RFC PATCH 0/7] xfs: add reflink & dedupe support for fsdax, 2019-10-10 ("single-copy read-only page cache pages for reflinked files"), on mainline XFS ~v6.15',
  params: base.params,
  bugs: {
    ...base.bugs,
    'shadow-not-tossed': 'a store to a shadowed block leaves the shadow in the mapping tree, so the store lands in the master every sharer reads',
    'master-reclaimed-with-shadows': 'reclaim takes a master out of the buffer cache while shadows of a still shared block point to it',
    'private-folio-on-shared-read': 'a read of a shared block gets a private folio, as mainline does, instead of a shadow of the master',
  },
  amendments: {
    [CONVERT_ON_SHARE]: {
      description:
        "when a remap (clone, reflink, dedupe) makes a block shared, each clean folio of the source range over it (the remap prep wrote the range back and holds both inodes' locks) moves into the buffer cache as the block's master, and its file gets a shadow",
      source: {
        kind: 'smallest-change',
        counterexample: "single-copy: write(f=0, b=0, v=1); clone(s=0, d=1); read(f=1, b=0): file 0's clean folio, cached before the clone, and the master file 1's read put in the buffer cache",
        precedent:
          "the DAX form's convert-on-share (shadow-pages-amendments.ts), which converts the first owner at the fault through a second file; here the filesystem converts at the remap, where it knows the source range (xfs_reflink_remap_prep)",
      },
    },
  },
  bounds: base.bounds,
  init: (cfg) => ({
    ...(base.init(cfg) as PagecacheState),
    master: new Array<number>(cfg.params.P).fill(NONE),
    shadow: Array.from({ length: cfg.params.F }, () => new Array<number>(cfg.params.B).fill(NONE)),
    toss: 0,
    reclaimed: 0,
  }),
  events: { ...base.events, toss: 0, reclaimed: 0 },
  actions: (s, cfg) => {
    const out: ShadowPcAction[] = [...base.actions(s, cfg)];
    for (let p = 0; p < s.master.length; p++) if (reclaimable(s, p, cfg)) out.push({ kind: 'reclaim', p });
    return out;
  },
  next: {
    write: store,
    mstore: store,
    read: (a, _s, cfg) => readBlock(a, cfg),
    mload: (a, _s, cfg) => readBlock(a, cfg),
    writeback: reuse('writeback'),
    fsync: reuse('fsync'),
    clone: remap,
    reflink: remap,
    dedupe: remap,
    punch: reuse('punch'),
    truncate: reuse('truncate'),
    crash: reuse('crash'),
    reclaim:
      ({ p }, _s, cfg) =>
      (d) => {
        d.master[p] = NONE;
        d.reclaimed = 1;
        if (cfg.bugs.has('master-reclaimed-with-shadows')) return;
        for (const row of d.shadow) for (let b = 0; b < row.length; b++) if (row[b] === p) row[b] = NONE;
      },
  },
  view: (s) => ({ footprint: footprint(s) }),
  always: [...pagecacheProperties, singleCopy, shadowCoherent],
  // Mainline's double-cached goal is what this design removes: not a goal here.
  sometimes: [...pagecacheGoals.filter((g) => g.id !== 'double-cached'), ...shadowGoals],
  // Mainline's promises, kept (the mail changes only what a read caches), and the mail's own two.
  claims: ['isolation', 'read-your-writes', 'fsync-durability', 'single-copy', 'shadow-coherent'],
  notes: {
    ...base.notes,
    write: 'pwrite -> iomap_write_iter into a private dirty folio, a shadow there tossed first (seed 000: COWed)',
    mstore: 'MAP_SHARED store: iomap_page_mkwrite into a private dirty folio, a shadow there tossed (seed 000)',
    read: "pread -> filemap_read; shared extent: a shadow of the buffer cache's master (seed 000)",
    mload: 'a MAP_SHARED load: filemap_fault; shared extent: a shadow of the master (seed 000)',
    reclaim: 'seed 000: "the master can be reclaimed" when unshadowed or its extent is unshared',
  },
});
