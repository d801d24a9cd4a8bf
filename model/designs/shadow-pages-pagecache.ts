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
 * - A private clean folio that a file read before its extent was shared
 *   (reflink, clone, dedupe) is kept: the mail converts pages only "when a
 *   new page mapping occurs in a shared extent". At the next such mapping
 *   of the block the buffer cache takes it over ("add the page to the
 *   buffer cache ... if it isn't already present": it is present, in the
 *   page cache of the file that read it first), and that file gets a shadow
 *   too. Finding it needs the reverse map (xfs_rmap_query_range, then the
 *   owner's filemap_get_folio); the mail names no mechanism. The DAX form
 *   left such a page 1:1 instead (its `convert-on-share` amendment is this
 *   choice), and broke single ownership for it.
 * - A store (write(2), or a store through MAP_SHARED: page_mkwrite) to a
 *   shadowed block is the mail's CoW: "we toss away the shadow page". The
 *   file gets a private dirty folio holding the master's data with the
 *   store over it (a store here is the whole block: the store's value), and
 *   from there on it is mainline's: the CoW fork reserved
 *   (xfs_reflink_reserve_cow via dirtyFolio), the new block allocated and
 *   remapped at writeback (xfs_reflink_end_cow). A master is read-only
 *   ("read-only shared filesystem pages"): dirty data never lives in one.
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
 * Footprint: two reflinked files reading a block cache it once (one master
 * folio, two shadows: `footprint` {folios 1, blocks 1, duplicates 0,
 * shadows 2}) where pagecache-reflink caches it twice ({folios 2, blocks 1,
 * duplicates 1}): test/model/designs/shadow-pages-pagecache.test.ts.
 */
import type { Config, Recipe } from '../design.js';
import { defineDesign } from '../design.js';
import { bit, HOLE, NONE, onMedia, content, type PagecacheState } from '../pagecache/state.js';
import { footprint, pagecacheGoals, pagecacheProperties, type PagecacheView } from '../pagecache/properties.js';
import { shadowCoherent, shadowGoals, shadowsOf, singleCopy, type ShadowEvents } from '../pagecache/shadow.js';
import pagecacheReflink, { type PagecacheAction } from './pagecache-reflink.js';

export type ShadowPcState = PagecacheState & ShadowEvents & { master: number[]; shadow: number[][] };
export type ShadowPcAction = PagecacheAction | { readonly kind: 'reclaim'; readonly p: number };

const base = pagecacheReflink;
type Store = Extract<PagecacheAction, { kind: 'write' | 'mstore' }>;
type Load = Extract<PagecacheAction, { kind: 'read' | 'mload' }>;

/** Whether block p's master may be reclaimed: no shadow points to it, or its block is no longer shared. */
const reclaimable = (s: ShadowPcState, p: number, cfg: Config) =>
  s.master[p] !== NONE && (cfg.bugs.has('master-reclaimed-with-shadows') || s.ref[p] < 2 || shadowsOf(s, p).length === 0);

/**
 * A read or load of (f, b). Cached (a folio or a shadow): read there. Over a
 * shared block: the master looked up in the buffer cache by block, read in
 * from the media if it is not there, or taken over from the clean folio of
 * a file that read the block before it was shared; every such folio gives
 * way to a shadow, and (f, b) gets one. Else mainline's filemap_read.
 */
function readBlock({ f, b }: Load, cfg: Config): Recipe<ShadowPcState> {
  return (d) => {
    const p = d.ext[f][b];
    if (d.folio[f][b] === NONE && d.shadow[f][b] === NONE) {
      if (p !== HOLE && d.ref[p] > 1 && !cfg.bugs.has('private-folio-on-shared-read')) {
        for (let g = 0; g < d.ext.length; g++) {
          for (let c = 0; c < d.ext[g].length; c++) {
            if (d.ext[g][c] !== p || d.folio[g][c] === NONE || d.dirty[g][c]) continue;
            if (d.master[p] === NONE) d.master[p] = d.folio[g][c];
            d.folio[g][c] = NONE;
            d.shadow[g][c] = p;
          }
        }
        if (d.master[p] === NONE) d.master[p] = d.data[p];
        d.shadow[f][b] = p;
      } else {
        d.folio[f][b] = onMedia(d, f, b);
      }
    }
    d.read = { f, b, v: cfg.bugs.has('read-bypasses-cache') ? onMedia(d, f, b) : content(d, f, b) };
  };
}

/** A store to (f, b): its shadow tossed, then mainline's store into a private dirty folio. */
function store(a: Store, s: ShadowPcState, cfg: Config): Recipe<ShadowPcState> {
  const { f, b, v } = a;
  const m = b < s.shadow[f].length ? s.shadow[f][b] : NONE;
  if (m !== NONE && cfg.bugs.has('shadow-not-tossed')) {
    // The shadow left in the mapping tree: the store lands in the page it points to, the master.
    return (d) => {
      d.master[m] = v;
      d.ghost[f][b] = v;
      d.hist[f][b] |= bit(v);
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

const reuse = <K extends Exclude<PagecacheAction['kind'], Store['kind'] | Load['kind']>>(k: K) =>
  base.next[k] as unknown as (a: Extract<ShadowPcAction, { kind: K }>, s: ShadowPcState, cfg: Config) => Recipe<ShadowPcState> | readonly Recipe<ShadowPcState>[];

export default defineDesign<ShadowPcState, ShadowPcAction, PagecacheView>({
  name: 'shadow-pages-pagecache',
  picture: { world: 'pagecache' },
  summary: 'XFS\'s page cache over reflinked files with one read-only master folio per shared block in the buffer cache and a shadow entry per file reading it (seed 000, non-DAX)',
  seed: 'seed 000: Dave Chinner, Re: [RFC PATCH 0/7] xfs: add reflink & dedupe support for fsdax, 2019-10-10 ("single-copy read-only page cache pages for reflinked files"), on mainline XFS ~v6.15',
  params: base.params,
  bugs: {
    ...base.bugs,
    'shadow-not-tossed': 'a store to a shadowed block leaves the shadow in the mapping tree, so the store lands in the master every sharer reads',
    'master-reclaimed-with-shadows': 'reclaim takes a master out of the buffer cache while shadows of a still shared block point to it',
    'private-folio-on-shared-read': 'a read of a shared block gets a private folio, as mainline does, instead of a shadow of the master',
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
    clone: reuse('clone'),
    reflink: reuse('reflink'),
    dedupe: reuse('dedupe'),
    punch: reuse('punch'),
    truncate: reuse('truncate'),
    crash: reuse('crash'),
    reclaim: ({ p }, _s, cfg) => (d) => {
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
    write: 'pwrite -> iomap_write_iter; a shadow tossed for a private dirty folio (seed 000: COWed)',
    mstore: 'a MAP_SHARED store: iomap_page_mkwrite; a shadow tossed for a private dirty folio (seed 000)',
    read: 'pread -> filemap_read; shared extent: a shadow of the buffer cache\'s master (seed 000)',
    mload: 'a MAP_SHARED load: filemap_fault; shared extent: a shadow of the master (seed 000)',
    reclaim: 'seed 000: "the master can be reclaimed" when unshadowed or its extent is unshared',
  },
});
