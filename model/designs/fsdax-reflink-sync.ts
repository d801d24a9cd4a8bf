/**
 * fsdax-reflink-sync: a MAP_SYNC write fault on a reflinked extent of an XFS
 * file on DAX (fsdax CoW from v6.0: ea6c49b784f0 "xfs: support CoW in fsdax
 * mode"), with crash points: the DAX world and the crash world joined.
 * File 0 is mapped MAP_SHARED_VALIDATE|MAP_SYNC; file 1 is its reflink
 * clone; their page 0 shares block 0 (refcount 2); block 1 is free and holds
 * whatever it held (G). A page is two cache lines.
 *
 * The fault, as the source orders it (xfs_write_fault -> dax_iomap_fault ->
 * dax_iomap_pte_fault):
 * - `begin`: iomap_iter -> xfs_direct_write_iomap_begin: the extent is
 *   shared, so xfs_reflink_allocate_cow finds or allocates block 1 in the
 *   CoW fork (convert_now for DAX). An allocation logs the inode
 *   (xfs_bmapi_finish -> xfs_trans_log_inode, CORE|AEXT: seen in the VM,
 *   docs/findings/dax-vm-observations.md), so the inode is pinned with fsync
 *   fields; a CoW block already in the fork (`neighbour`: an earlier fault
 *   on the next page of the extent allocated both, the CoW extent size hint)
 *   logs nothing. xfs_bmbt_to_iomap sets IOMAP_F_DIRTY only if the inode is
 *   pinned with fsync fields (`xfs_ipincount(ip) && ili_fsync_fields &
 *   ~XFS_ILOG_TIMESTAMP`): so dax_fault_is_synchronous (IOMAP_WRITE, VM_SYNC,
 *   IOMAP_F_DIRTY) is decided here, before the remap exists.
 * - `copy`: dax_fault_iter: dax_iomap_copy_around copies the whole page
 *   ("copy_all is usually in page fault case") with copy_mc_to_kernel, plain
 *   cached stores; dax_insert_entry tags the entry dirty only for a
 *   non-synchronous write (`write && !sync`); a non-synchronous fault
 *   installs the pte here.
 * - `end`: iomap_end -> xfs_dax_write_iomap_end -> xfs_reflink_end_cow: one
 *   transaction remaps file 0's page to block 1 and drops block 0's count to
 *   1; committed to the CIL, on the media only once the log is forced. A
 *   non-synchronous fault returns here.
 * - `sync`: dax_finish_sync_fault: vfs_fsync_range(datasync) (writeback of
 *   the mapping's dirty entries, dax_writeback_mapping_range, then a log
 *   force), then dax_insert_pfn_mkwrite installs the pte and tags the entry
 *   dirty; the fault returns.
 * Then the user stores to line 0 and flushes it (clwb, sfence): with MAP_SYNC
 * no fsync is needed (mmap(2)). `neighbour` is a synchronous write fault on
 * the next page of the same shared extent, before this one: it allocated
 * CoW blocks for both pages and synced (the log forced, the inode clean). `touch` is an earlier metadata change to file
 * 0 still in the log (a size change: an fsync field), which makes the
 * inode pinned and the next fault synchronous.
 *
 * The claim (issue 12 §2, from MAP_SYNC's contract): once the fault returned
 * and the store was flushed, in every crash state file 0 maps the new block,
 * holding the store and the copied data, and file 1 still maps block 0
 * holding its data. A crash keeps a prefix of the log and any subset of the
 * unflushed cache lines.
 *
 * Choices where the source leaves one open or this model simplifies: one
 * page; the refcount btree's CoW staging record is left out (recovery frees a
 * CoW block nobody maps, xfs_reflink_recover_cow: file contents are the same
 * either way); a crash ends the history (what recovery shows is judged).
 * Every rule above comes from the source as read (torvalds/linux, fs/dax.c,
 * fs/xfs/xfs_iomap.c, xfs_reflink.c, xfs_file.c, libxfs/xfs_bmap.c); there is
 * no DAX device on this machine; a VM with an emulated NVDIMM (conform/vm/,
 * kernel 6.1) holds the fault's steps against a running kernel where it can
 * (docs/findings/dax-vm-observations.md), but cannot show lost cache lines.
 */
import { amended, crashPoint, defineDesign, type Goal, type Property } from '../design.js';
import type { Piece } from '../../engine/crash.js';

export interface State {
  /** In core: the block file 0's page maps; block 0's count; the CoW fork holds block 1. */
  ext: number;
  ref: number;
  cow: boolean;
  /** The inode is pinned in the log with fsync fields dirty. */
  pinned: boolean;
  /** Committed transactions not yet on the media, oldest first. */
  log: ('touch' | 'remap')[];
  /** On the media: what a mount finds. */
  dext: number;
  dref: number;
  /** media[b][line]: the block's lines on the media; cache[b][line]: a store not yet flushed ('' for none). */
  media: string[][];
  cache: string[][];
  /** The DAX entry of file 0's page is tagged dirty (fsync writes its lines back). */
  dirtyEntry: boolean;
  /** The write fault's progress: 0 none, 1 begun, 2 copied, 3 ended, 4 returned. */
  fault: number;
  /** dax_fault_is_synchronous, as iomap_begin decided it; dax_finish_sync_fault has run. */
  sync: boolean;
  synced: boolean;
  pte: boolean;
  stored: boolean;
  flushed: boolean;
  /** The history crashed; what follows is what a mount found. */
  crashed: boolean;
  /** At the crash: the fault had returned and the store was flushed. */
  promised: boolean;
}

type Act =
  | { readonly kind: 'touch' }
  | { readonly kind: 'neighbour' }
  | { readonly kind: 'begin' }
  | { readonly kind: 'copy' }
  | { readonly kind: 'end' }
  | { readonly kind: 'sync' }
  | { readonly kind: 'store' }
  | { readonly kind: 'flush' }
  | { readonly kind: 'fsync' }
  | { readonly kind: 'crash' };

const LINES = 2;

/** The log forced: every committed transaction on the media. */
function forceLog(d: State): void {
  for (const t of d.log) if (t === 'remap') ((d.dext = 1), (d.dref = 1));
  d.log = [];
  d.pinned = false;
}

/** The page's dirty lines written back (dax_writeback_one -> dax_flush), where its entry is tagged dirty. */
function writeback(d: State): void {
  if (!d.dirtyEntry) return;
  for (let l = 0; l < LINES; l++) {
    if (d.cache[d.ext][l] !== '') ((d.media[d.ext][l] = d.cache[d.ext][l]), (d.cache[d.ext][l] = ''));
  }
}

const crashResult: Property<State> = {
  id: 'sync-write-durable',
  description:
    'after a MAP_SYNC write fault on a shared extent returned and a store through it was flushed, every crash leaves file 0 on the new block with the store and the copied data, and file 1 on the old block with its data',
  check: (s) => {
    if (!s.crashed || !s.promised) return undefined;
    if (s.dext !== 1) return `after the crash file 0 maps block ${s.dext} (the old, shared block): the remap of the returned MAP_SYNC fault was not on the media, so the flushed store is lost`;
    if (s.media[1][0] !== 'U') return `after the crash file 0's line 0 holds ${s.media[1][0]}, not the flushed store`;
    if (s.media[1][1] !== 'A') return `after the crash file 0's line 1 holds ${s.media[1][1]} (block 1's old contents), not the data copied from block 0: the copy was never flushed`;
    return undefined;
  },
};

const otherFile: Property<State> = {
  id: 'clone-intact',
  description: 'file 1 (the clone) maps block 0 and reads its data in every state, crashed or not',
  check: (s) => (s.media[0].some((x) => x !== 'A') ? `block 0, which file 1 maps, holds ${s.media[0].join(',')}` : undefined),
};

const goals: Goal<State>[] = [
  { id: 'crash-after-promise', description: 'a crash after the fault returned and the store was flushed', reached: (s) => s.crashed && s.promised },
  { id: 'synchronous-fault', description: 'a write fault that dax_fault_is_synchronous made synchronous', reached: (s) => s.sync && s.fault === 4 },
];

export default defineDesign<State, Act>({
  name: 'fsdax-reflink-sync',
  summary: "A MAP_SYNC write fault on a reflinked extent of XFS on DAX, with crash points: CoW, remap and sync fault in the source's order",
  seed: 'ea6c49b784f0 xfs: support CoW in fsdax mode (v6.0); fs/dax.c dax_iomap_pte_fault, dax_fault_iter, dax_iomap_copy_around, dax_finish_sync_fault; fs/xfs/xfs_iomap.c xfs_direct_write_iomap_begin, xfs_bmbt_to_iomap, xfs_dax_write_iomap_end; issue 12 §2',
  params: {},
  bugs: {
    'no-sync-fault': 'the fault ignores VM_SYNC (dax_fault_is_synchronous never true): no fault is synchronous',
    'sync-before-end-cow': 'dax_finish_sync_fault runs before iomap_end: the fsync comes before the remap transaction exists',
    'write-in-place-shared': 'the write fault maps the shared block itself (no CoW fork, no copy, no remap): stores reach the clone too',
  },
  amendments: {
    'cow-sets-dirty': {
      description: 'xfs_direct_write_iomap_begin sets IOMAP_F_DIRTY for a write to a shared extent, so that the fault is synchronous whatever the inode held before',
      source: { kind: 'smallest-change', counterexample: 'the non-synchronous fault of a clean inode whose remap is lost in a crash (sync-write-durable)' },
    },
    'flush-copy': {
      description: "a synchronous fault's copy of the shared page reaches the media before the fault returns (its entry tagged dirty before the fsync, or the copy flushed)",
      source: { kind: 'smallest-change', counterexample: 'the synchronous fault whose copied line never reaches the media (sync-write-durable)' },
    },
  },
  bounds: { depth: 12 },
  init: () => ({
    ext: 0,
    ref: 2,
    cow: false,
    pinned: false,
    log: [],
    dext: 0,
    dref: 2,
    media: [new Array<string>(LINES).fill('A'), new Array<string>(LINES).fill('G')],
    cache: [new Array<string>(LINES).fill(''), new Array<string>(LINES).fill('')],
    dirtyEntry: false,
    fault: 0,
    sync: false,
    synced: false,
    pte: false,
    stored: false,
    flushed: false,
    crashed: false,
    promised: false,
  }),
  actions: (s, cfg): Act[] => {
    if (s.crashed) return [];
    const out: Act[] = [];
    if (s.fault === 0 && !s.pinned) out.push({ kind: 'touch' });
    if (s.fault === 0 && !s.cow) out.push({ kind: 'neighbour' });
    if (s.fault === 0) out.push({ kind: 'begin' });
    if (s.fault === 1) out.push({ kind: 'copy' });
    const syncFirst = cfg.bugs.has('sync-before-end-cow');
    if (s.fault === 2 && (!s.sync || !syncFirst || s.synced)) out.push({ kind: 'end' });
    if (s.sync && !s.synced && ((s.fault === 3 && !syncFirst) || (s.fault === 2 && syncFirst))) out.push({ kind: 'sync' });
    if (s.pte && s.fault === 4 && !s.stored) out.push({ kind: 'store' });
    if (s.stored && !s.flushed) out.push({ kind: 'flush' });
    if (s.fault === 4) out.push({ kind: 'fsync' });
    out.push({ kind: 'crash' });
    return out;
  },
  next: {
    touch: () => (d) => {
      d.log.push('touch');
      d.pinned = true;
    },
    neighbour: () => (d) => {
      // Its own remap and sync leave this page's CoW block in the fork and the log forced.
      d.cow = true;
      forceLog(d);
    },
    begin: (_a, _s, cfg) => (d) => {
      // Allocating the CoW block logs the inode; finding it in the fork logs nothing.
      if (!d.cow) d.pinned = true;
      d.cow = true;
      const dirty = d.pinned || amended(cfg, 'cow-sets-dirty');
      d.sync = dirty && !cfg.bugs.has('no-sync-fault');
      d.fault = 1;
    },
    copy: (_a, _s, cfg) => (d) => {
      const inPlace = cfg.bugs.has('write-in-place-shared');
      if (!inPlace) for (let l = 0; l < LINES; l++) d.cache[1][l] = 'A';
      if (amended(cfg, 'flush-copy') && d.sync) for (let l = 0; l < LINES; l++) ((d.media[1][l] = 'A'), (d.cache[1][l] = ''));
      d.dirtyEntry = !d.sync;
      if (!d.sync) d.pte = true;
      d.fault = 2;
    },
    end: (_a, s, cfg) => (d) => {
      d.cow = false;
      if (!cfg.bugs.has('write-in-place-shared')) {
        d.ext = 1;
        d.ref = 1;
        d.log.push('remap');
        d.pinned = true;
      }
      // The fault returns here unless a sync is still to come (with the bug it has run already).
      d.fault = !s.sync || s.synced ? 4 : 3;
    },
    sync: (_a, s) => (d) => {
      writeback(d);
      forceLog(d);
      d.pte = true;
      d.dirtyEntry = true;
      d.synced = true;
      d.fault = s.fault === 3 ? 4 : 2;
    },
    store: () => (d) => {
      d.cache[d.ext][0] = 'U';
      d.stored = true;
    },
    flush: () => (d) => {
      // An fsync since may have written the line back already.
      if (d.cache[d.ext][0] !== '') d.media[d.ext][0] = d.cache[d.ext][0];
      d.cache[d.ext][0] = '';
      d.flushed = true;
    },
    fsync: () => (d) => {
      writeback(d);
      forceLog(d);
    },
    crash: crashPoint((_a, s) => {
      // The log keeps a prefix; each unflushed line may or may not have reached the media.
      const pending: Piece[] = [
        ...s.log.map((t, i) => ({ id: `log${i}:${t}`, ...(i > 0 ? { after: [`log${i - 1}:${s.log[i - 1]}`] } : {}) })),
        ...s.cache.flatMap((lines, b) => lines.flatMap((v, l) => (v === '' ? [] : [{ id: `line b${b}.${l}=${v}` }]))),
      ];
      return {
        pending,
        persist: (d, survivors) => {
          d.promised = d.fault === 4 && d.flushed;
          d.log.forEach((t, i) => {
            if (t === 'remap' && survivors.has(`log${i}:${t}`)) ((d.dext = 1), (d.dref = 1));
          });
          d.cache.forEach((lines, b) =>
            lines.forEach((v, l) => {
              if (v !== '' && survivors.has(`line b${b}.${l}=${v}`)) d.media[b][l] = v;
            }),
          );
        },
        recover: (d) => {
          d.log = [];
          d.cache = [new Array<string>(LINES).fill(''), new Array<string>(LINES).fill('')];
          d.ext = d.dext;
          d.ref = d.dref;
          d.cow = false;
          d.pinned = false;
          d.pte = false;
          d.dirtyEntry = false;
          d.crashed = true;
        },
      };
    }),
  },
  always: [crashResult, otherFile],
  sometimes: goals,
  claims: ['sync-write-durable', 'clone-intact'],
  notes: {
    touch: 'an earlier size change to file 0, in the log, not forced: the inode pinned with fsync fields',
    neighbour: 'an earlier MAP_SYNC fault on the next page of the extent: CoW blocks for both (cowextsize), synced',
    begin: 'xfs_direct_write_iomap_begin: xfs_reflink_allocate_cow; xfs_bmbt_to_iomap: IOMAP_F_DIRTY if pinned',
    copy: 'dax_fault_iter: dax_iomap_copy_around (cached copy); dax_insert_entry; pte unless synchronous',
    end: 'xfs_dax_write_iomap_end -> xfs_reflink_end_cow: remap and refcount, one transaction, in the CIL',
    sync: 'dax_finish_sync_fault: vfs_fsync_range (writeback, log force), then dax_insert_pfn_mkwrite',
    store: 'a user store through the pte: in a CPU cache line',
    flush: 'clwb + sfence of the stored line: on the media',
    fsync: 'fsync(2): dirty entries written back, the log forced',
    crash: 'power loss: a prefix of the log and any unflushed lines reach the media; mount replays the log',
  },
});
