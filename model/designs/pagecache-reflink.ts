/**
 * pagecache-reflink: mainline's non-DAX page cache over reflinked files, as
 * XFS does it (~v6.15) and btrfs does it to the same file-level effect. Every
 * file has its own folios, keyed by (mapping, index), so two reflinked files
 * cached take twice the memory and single ownership holds trivially: the
 * baseline every sharing design is measured against (issue 12), and the
 * design `pagecheck conform` checks against the running kernel (issue 11).
 *
 * Choices where the kernel leaves one open, and where btrfs differs:
 * - A write only dirties the folio (iomap_write_iter; delalloc, or a CoW-fork
 *   reservation over a shared block: xfs_reflink_reserve_cow); blocks are
 *   allocated and the CoW remapped at writeback (xfs_reflink_end_cow). btrfs
 *   CoWs every writeback, shared or not (cow_file_range); the file-level
 *   effect is the same, and physical placement is never compared.
 * - The allocator takes the lowest block that is neither referenced in core
 *   nor still mapped by the log (busy extents); P is large enough at the
 *   defaults that no enabled history runs out (ENOSPC is not modelled).
 * - A crash (xfs_fs_goingdown with XFS_FSOP_GOING_FLAGS_NOLOGFLUSH, then
 *   mount) keeps a prefix of the metadata log (model/pagecache/rules.ts):
 *   every remap, allocation, unmap and i_disk_size change is a transaction,
 *   committed in program order, except that the I/O completions of one
 *   writeback of several folios commit in any order (a batch), and a mount
 *   finds the durable state with a prefix of the batches replayed and any
 *   part of the next one. fsync forces the log up to the file's last
 *   transaction, every older one of any file included (found by conform:
 *   the kernel showed a mapping held between two fsyncs, made durable by
 *   another file's fsync); the later ones stay optional, though a force
 *   often commits them too (it pushes the whole CIL checkpoint). Real
 *   outcomes end at checkpoint boundaries, a subset of these prefixes, so a
 *   violation found here still needs a review that its prefix is one a
 *   checkpoint can end at. Media writes (writeback) are never lost: the
 *   loop device's backing file has them. btrfs's fsync goes through its log
 *   tree (btrfs_sync_file), a full transaction commit otherwise; conform
 *   cannot crash btrfs here (below), and this model does not claim its
 *   outcomes.
 * - A write past EOF moves i_size in core only; i_disk_size follows at the
 *   writeback's completion (xfs_setfilesize), or at a truncate
 *   (xfs_setattr_size), or at a clone past EOF (xfs_reflink_remap_extent).
 * - fsync counts on the file's own mapping and size only, though the log
 *   force also commits older transactions of other files. Its force reaches
 *   the file's last mapping or size transaction; XFS also logs timestamps
 *   (file_modified), which may carry a force further: the model forces
 *   less, so its crash allows more. An operation with nothing to change
 *   logs nothing (found by conform: a dedupe of a hole onto a hole is
 *   cancelled, xfs_reflink_remap_extent's out_cancel, and its file's fsync
 *   forced nothing).
 * - fsync-durability allows, after a write past EOF, any EOF up to the
 *   write's end (found by conform: the on-disk EOF follows the data written
 *   back, xfs_setfilesize), not only the sizes the file had in core; that
 *   is XFS's design against exposing unwritten data, not a lost fsync.
 * - Files start at B blocks, all holes (what conform creates: ftruncate).
 * - Punch writes the block's dirty folio back first, then unmaps it
 *   (xfs_free_file_space -> xfs_flush_unmap_range): with a log, the order
 *   matters, since a crash may keep the writeback's allocation and lose the
 *   unmap. Truncate drops the folios past the new EOF unwritten
 *   (truncate_setsize) and writes back those between the on-disk EOF and
 *   the new one when it moves i_disk_size up over them (xfs_setattr_size,
 *   against the NULL files problem). The model's truncate is ftruncate
 *   alone: XFS writes the file back at the close after a truncate down
 *   (XFS_ITRUNCATED, xfs_release), which conform adds where its helper
 *   closes the file (conform/adapters.ts).
 *
 * What `pagecheck conform` compares (conform/observe.ts) and where btrfs
 * differs from this model, each handled there rather than here:
 * - contents, sizes, ioctl results, and through FIEMAP holes, sharing and
 *   which blocks share one, for blocks with no dirty folio, on both;
 * - btrfs's FIEMAP SHARED is per extent item (btrfs_is_data_extent_shared),
 *   so after a partial CoW a block alone may read SHARED (a bookend extent);
 * - btrfs keeps a written-back block delalloc until its whole delalloc
 *   range's ordered extent completes (btrfs_finish_ordered_io);
 * - btrfs writes back a remap's whole source first
 *   (btrfs_remap_file_range_prep: filemap_flush), XFS the two ranges;
 * - btrfs has no FS_IOC_SHUTDOWN on the 6.18 kernel here (ENOTTY), so the
 *   crash is compared on XFS only.
 */
import { defineDesign, type Config } from '../design.js';
import { bit, blocksNeeded, content, freeBlocks, HOLE, NONE, onMedia, type PagecacheState } from '../pagecache/state.js';
import {
  crashOutcomes,
  dirtyFolio,
  extendByWrite,
  fsyncFile,
  logDiskSize,
  mountAfterCrash,
  remapBlock,
  setSize,
  unmapBlock,
  writebackFile,
  writebackFolio,
  writebackRange,
} from '../pagecache/rules.js';
import { footprint, pagecacheGoals, pagecacheProperties, type PagecacheView } from '../pagecache/properties.js';

export type PagecacheAction =
  | { readonly kind: 'write'; readonly f: number; readonly b: number; readonly v: number }
  | { readonly kind: 'mstore'; readonly f: number; readonly b: number; readonly v: number }
  | { readonly kind: 'read'; readonly f: number; readonly b: number }
  | { readonly kind: 'mload'; readonly f: number; readonly b: number }
  | { readonly kind: 'writeback'; readonly f: number; readonly b: number }
  | { readonly kind: 'fsync'; readonly f: number }
  | { readonly kind: 'clone'; readonly s: number; readonly d: number }
  | { readonly kind: 'reflink'; readonly s: number; readonly sb: number; readonly d: number; readonly db: number }
  | { readonly kind: 'dedupe'; readonly s: number; readonly sb: number; readonly d: number; readonly db: number }
  | { readonly kind: 'punch'; readonly f: number; readonly b: number }
  | { readonly kind: 'truncate'; readonly f: number; readonly n: number }
  | { readonly kind: 'crash' };

const grid = (F: number, B: number, v: number) => Array.from({ length: F }, () => new Array<number>(B).fill(v));
const range = (f: number, from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => ({ f, b: from + i }));

/** Whether writing back these blocks finds the blocks it allocates. */
const room = (s: PagecacheState, blocks: { f: number; b: number }[]) => blocksNeeded(s, blocks) <= freeBlocks(s);

/** A read (filemap_read, or filemap_fault for a load): a missing folio is read in from the media. */
function readBlock(f: number, b: number, bypass: boolean) {
  return (d: PagecacheState) => {
    if (d.folio[f][b] === NONE) d.folio[f][b] = onMedia(d, f, b);
    d.read = { f, b, v: bypass ? onMedia(d, f, b) : d.folio[f][b] };
  };
}

/** The blocks a truncate to n writes back first: those between the on-disk EOF and the new one, when it moves i_disk_size up over them (xfs_setattr_size). */
function truncateFlush(s: PagecacheState, f: number, n: number) {
  return n > s.disk[f] && s.size[f] !== s.disk[f] ? range(f, s.disk[f], Math.min(s.size[f], n)) : [];
}

/** Write back both ranges of a remap, as generic_remap_file_range_prep does (filemap_write_and_wait_range on each, one after the other). */
function prepRemap(d: PagecacheState, s: number, sb: number, t: number, tb: number, n: number, cfg: Config) {
  writebackRange(
    d,
    s,
    range(s, sb, sb + n).map(({ b }) => b),
    cfg,
  );
  writebackRange(
    d,
    t,
    range(t, tb, tb + n).map(({ b }) => b),
    cfg,
  );
}

export default defineDesign<PagecacheState, PagecacheAction, PagecacheView>({
  name: 'pagecache-reflink',
  picture: { world: 'pagecache' },
  summary: "Mainline's non-DAX page cache over reflinked files (XFS, btrfs): every file its own folios, CoW at writeback, fsync and crash",
  seed: 'mainline XFS (fs/xfs/xfs_reflink.c, xfs_iomap.c, xfs_file.c; fs/remap_range.c) as of ~v6.15: shared page cache folios never landed for a writable filesystem (KERNEL.md 1.4)',
  params: {
    F: { default: 2, min: 1, max: 3, description: 'files' },
    B: { default: 2, min: 1, max: 4, description: "blocks (4 KiB folios) per file, and each file's initial size" },
    V: { default: 3, min: 2, max: 5, description: 'data values (0 is zeroes; writes store 1..V-1)' },
    P: { default: 6, min: 1, max: 12, description: 'physical blocks' },
  },
  bugs: {
    'write-in-place-shared': 'writeback of a folio over a shared block writes the block in place instead of to a new one (no xfs_reflink_allocate_cow / end_cow)',
    'read-bypasses-cache': "a read returns the media's block even where the page cache holds a dirty folio",
    'fsync-no-log-force': "fsync writes the file's folios back but does not force the log (no xfs_log_force_seq), so a new mapping is not durable",
  },
  bounds: { depth: 5 },
  init: ({ params: { F, B, P } }) => ({
    size: new Array<number>(F).fill(B),
    ext: grid(F, B, HOLE),
    ref: new Array<number>(P).fill(0),
    data: new Array<number>(P).fill(0),
    disk: new Array<number>(F).fill(B),
    dext: grid(F, B, HOLE),
    dsize: new Array<number>(F).fill(B),
    log: [],
    cowres: grid(F, B, 0),
    folio: grid(F, B, NONE),
    dirty: grid(F, B, 0),
    ghost: grid(F, B, 0),
    hist: grid(F, B, bit(0)),
    hsize: new Array<number>(F).fill(bit(B)),
    read: { f: -1, b: -1, v: -1 },
    dedupe: -1,
    crashed: 0,
    cow: 0,
  }),
  events: { read: { f: -1, b: -1, v: -1 }, dedupe: -1, crashed: 0, cow: 0 },

  actions: (s, { params: { F, B, V } }) => {
    const out: PagecacheAction[] = [];
    for (let f = 0; f < F; f++) {
      for (let b = 0; b < B; b++) {
        for (let v = 1; v < V; v++) out.push({ kind: 'write', f, b, v });
        if (b < s.size[f]) {
          for (let v = 1; v < V; v++) out.push({ kind: 'mstore', f, b, v });
          out.push({ kind: 'read', f, b }, { kind: 'mload', f, b });
        }
        if (s.dirty[f][b] && room(s, [{ f, b }])) out.push({ kind: 'writeback', f, b });
      }
      if (room(s, range(f, 0, B))) out.push({ kind: 'fsync', f });
    }
    for (let src = 0; src < F; src++) {
      for (let dst = 0; dst < F; dst++) {
        if (src !== dst && s.size[src] > 0 && room(s, [...range(src, 0, s.size[src]), ...range(dst, 0, Math.min(s.size[src], s.size[dst]))])) {
          out.push({ kind: 'clone', s: src, d: dst });
        }
        for (let sb = 0; sb < s.size[src]; sb++) {
          for (let db = 0; db < s.size[dst]; db++) {
            if (src === dst && sb === db) continue;
            if (
              !room(s, [
                { f: src, b: sb },
                { f: dst, b: db },
              ])
            )
              continue;
            out.push({ kind: 'reflink', s: src, sb, d: dst, db }, { kind: 'dedupe', s: src, sb, d: dst, db });
          }
        }
      }
    }
    for (let f = 0; f < F; f++) {
      for (let b = 0; b < s.size[f]; b++) if (room(s, [{ f, b }])) out.push({ kind: 'punch', f, b });
      for (let n = 0; n <= B; n++) if (n !== s.size[f] && room(s, truncateFlush(s, f, n))) out.push({ kind: 'truncate', f, n });
    }
    out.push({ kind: 'crash' });
    return out;
  },

  next: {
    // A write past EOF extends i_size (iomap_write_end -> i_size_write); the gap reads zeroes.
    write:
      ({ f, b, v }) =>
      (d) => {
        dirtyFolio(d, f, b, v);
        if (b >= d.size[f]) extendByWrite(d, f, b + 1);
      },
    // page_mkwrite (xfs_write_fault -> iomap_page_mkwrite): the folio dirtied, the CoW reserved, nothing written yet (generic/578).
    mstore:
      ({ f, b, v }) =>
      (d) =>
        dirtyFolio(d, f, b, v),
    read: ({ f, b }, _s, cfg) => readBlock(f, b, cfg.bugs.has('read-bypasses-cache')),
    mload: ({ f, b }, _s, cfg) => readBlock(f, b, cfg.bugs.has('read-bypasses-cache')),
    writeback:
      ({ f, b }, _s, cfg) =>
      (d) =>
        writebackFolio(d, f, b, cfg),
    fsync:
      ({ f }, _s, cfg) =>
      (d) =>
        fsyncFile(d, f, cfg),
    // FICLONE: the whole source remapped onto the destination's same offsets; the destination grows to the source's size, never shrinks (xfs_reflink_update_dest).
    clone:
      ({ s, d: t }, state, cfg) =>
      (d) => {
        const n = state.size[s];
        writebackFile(d, s, cfg);
        prepRemap(d, s, 0, t, 0, Math.min(n, d.size[t]), cfg);
        // Each block its own transaction, a block past the destination's EOF extending it in the same one.
        for (let b = 0; b < n; b++) remapBlock(d, s, b, t, b);
      },
    // FICLONERANGE of one block, both within EOF (xfs_file_remap_range -> xfs_reflink_remap_blocks).
    reflink:
      ({ s, sb, d: t, db }, _s, cfg) =>
      (d) => {
        prepRemap(d, s, sb, t, db, 1, cfg);
        remapBlock(d, s, sb, t, db);
      },
    // FIDEDUPERANGE of one block: both written back, compared (vfs_dedupe_file_range_compare), remapped only if the same.
    dedupe:
      ({ s, sb, d: t, db }, _s, cfg) =>
      (d) => {
        prepRemap(d, s, sb, t, db, 1, cfg);
        if (content(d, s, sb) !== content(d, t, db)) {
          d.dedupe = 1;
          return;
        }
        d.dedupe = 0;
        remapBlock(d, s, sb, t, db);
      },
    // fallocate(PUNCH_HOLE) of one block (xfs_free_file_space): the folio written back and dropped
    // (xfs_flush_unmap_range), then the block unmapped and released.
    punch:
      ({ f, b }, _s, cfg) =>
      (d) => {
        writebackFolio(d, f, b, cfg);
        unmapBlock(d, f, b);
        d.ghost[f][b] = 0;
        d.hist[f][b] |= bit(0);
      },
    // ftruncate (xfs_setattr_size): the folios past the new EOF dropped (truncate_setsize), the range i_disk_size
    // moves up over written back, then one transaction logs the size and the next ones unmap the blocks past
    // it (xfs_itruncate_extents); up adds holes.
    truncate:
      ({ f, n }, s, cfg) =>
      (d) => {
        const old = d.size[f];
        for (let b = n; b < old; b++) {
          d.folio[f][b] = NONE;
          d.dirty[f][b] = 0;
        }
        writebackRange(
          d,
          f,
          truncateFlush(s, f, n).map(({ b }) => b),
          cfg,
        );
        setSize(d, f, n);
        logDiskSize(d, f, n);
        for (let b = n; b < old; b++) {
          unmapBlock(d, f, b);
          d.ghost[f][b] = 0;
          d.hist[f][b] |= bit(0);
        }
      },
    // One successor per state of the pending log a mount may find (crashOutcomes: prefixes of it, shortest first):
    // the in-core metadata replaced by it, then log recovery.
    crash: (_a, s) =>
      crashOutcomes(s).map((o) => (d: PagecacheState) => {
        o.ext.forEach((row, f) =>
          row.forEach((p, b) => {
            d.ext[f][b] = p;
          }),
        );
        o.size.forEach((n, f) => {
          d.size[f] = n;
        });
        mountAfterCrash(d);
      }),
  },

  // Every rule treats the files alike (none is ordered by inode number, and
  // a log force commits every file's older transactions alike), as do the
  // properties and goals. Values are not renamed: `hist` keeps them as bits.
  // Physical blocks are not: allocation takes the lowest allocatable one.
  symmetry: {
    description: 'files',
    domains: ({ params: { F } }) => ({ file: F }),
    permute: (s, { file }) => {
      const rows = <T>(xs: readonly T[]): T[] => {
        const out = xs.slice();
        xs.forEach((x, f) => (out[file[f]] = (Array.isArray(x) ? x.slice() : x) as T));
        return out;
      };
      return {
        ...s,
        size: rows(s.size),
        ext: rows(s.ext),
        ref: s.ref.slice(),
        data: s.data.slice(),
        disk: rows(s.disk),
        dext: rows(s.dext),
        dsize: rows(s.dsize),
        // A transaction is its batch flag, then (file, block, value) triples: the files renamed.
        log: s.log.map((t) => t.map((x, i) => (i % 3 === 1 ? file[x] : x))),
        cowres: rows(s.cowres),
        folio: rows(s.folio),
        dirty: rows(s.dirty),
        ghost: rows(s.ghost),
        hist: rows(s.hist),
        hsize: rows(s.hsize),
        read: s.read.f < 0 ? { ...s.read } : { ...s.read, f: file[s.read.f] },
      };
    },
  },
  view: (s) => ({ footprint: footprint(s) }),
  always: pagecacheProperties,
  sometimes: pagecacheGoals,
  // What mainline keeps: CoW isolation (generic/578 for mmap stores, generic/140 for writes),
  // a read sees the file's own stores, and fsync's contract across a shutdown (xfstests' godown).
  claims: ['isolation', 'read-your-writes', 'fsync-durability'],
  notes: {
    write: 'pwrite -> iomap_write_iter: the folio dirtied (delalloc; shared: CoW fork reserved)',
    mstore: 'a store through MAP_SHARED: xfs_write_fault -> iomap_page_mkwrite, the folio dirtied',
    read: 'pread -> filemap_read: a missing folio read in from the media',
    mload: 'a load through MAP_SHARED: filemap_fault reads the folio in',
    writeback: 'sync_file_range -> iomap_writepages -> xfs_map_blocks; CoW fork: xfs_reflink_end_cow',
    fsync: 'xfs_file_fsync: file_write_and_wait_range, then xfs_log_force_seq',
    clone: 'FICLONE -> xfs_file_remap_range: both ranges written back, dest cache dropped, remapped',
    reflink: 'FICLONERANGE of one block -> xfs_reflink_remap_blocks',
    dedupe: 'FIDEDUPERANGE of one block: generic_remap_file_range_prep compares, then the remap',
    punch: 'fallocate(PUNCH_HOLE) -> xfs_free_file_space',
    truncate: 'ftruncate -> xfs_setattr_size',
    crash: 'shutdown without a log flush (XFS_IOC_GOINGDOWN, NOLOGFLUSH), unmount, mount: log recovery',
  },
});
