/**
 * fsdax-shared's notify-failure paths (issue 12, section 2): what
 * fs/xfs/xfs_notify_failure.c does besides finding the owners of a block,
 * read from the v6.6-v6.15 source (xfs_dax_notify_failure ->
 * xfs_dax_notify_dev_failure -> xfs_rmap_query_range -> xfs_dax_failure_fn).
 * fsdax-shared composes these into its policy and its design; its rmap walk
 * itself stays in model/world/memfail.ts.
 *
 * Parameters (the defaults are the configuration fsdax-shared checked before,
 * so its default search is unchanged):
 * - META, metadata blocks (0 or 1, default 0). META=1 adds pmem block P, which XFS
 *   holds for itself: its rmap record has a non-inode owner
 *   (XFS_RMAP_NON_INODE_OWNER). A memory failure on it makes
 *   xfs_dax_failure_fn set want_shutdown, and once the query is done
 *   xfs_dax_notify_dev_failure calls xfs_force_shutdown(mp,
 *   SHUTDOWN_CORRUPT_ONDISK) and returns -EFSCORRUPTED: no page is poisoned,
 *   nobody is signalled (no process maps a metadata block), and
 *   memory_failure_dev_pagemap records MF_FAILED. Default 0 so that the
 *   default check stays the sharing question; the block costs states.
 * - R, the rmap btree (0 or 1, default 1). R=0 is mkfs.xfs -m rmapbt=0:
 *   xfs_dax_notify_dev_failure returns -EOPNOTSUPP (!xfs_has_rmapbt), and
 *   memory_failure_dev_pagemap then calls mf_generic_kill_procs, which finds
 *   the victims through folio->mapping (dax_lock_folio). xfs_setup_dax_always
 *   does not refuse reflink without rmapbt, so this is a configuration the
 *   kernel mounts, not a bug: it is the bug toggle `generic-fallback` made a
 *   parameter. The toggle stays, for the corpus that names it.
 * - I, inodes leave the cache (0 or 1, default 0). I=1 lets process f close
 *   file f and the inode go: `evict(f)` (munmap of its vma and close; the last
 *   iput of a linked inode leaves it on the VFS LRU, and the shrinker,
 *   drop_caches, I_DONTCACHE or an unmount evicts it later, the same states:
 *   xfs_fs_evict_inode, where v6.15's dax_break_layout_final waits for idle
 *   pages, so no pin may remain; truncate_inode_pages_final deletes the DAX
 *   entries; xfs_inode_mark_reclaimable sets XFS_IRECLAIMABLE), then
 *   `reclaim-inode(f)` (xfs_reclaim_inode frees it from the inode radix tree),
 *   and `open(f)` back (xfs_iget: xfs_iget_recycle or a read from disk).
 *   While it is out, nothing on file f runs (a syscall would open it first).
 *   A walk that reaches an owner whose inode is out calls xfs_iget(...,
 *   XFS_IGET_INCORE, ...), which returns:
 *   - -ENODATA once the inode is reclaimed: "Continue the rmap query if the
 *     inode isn't incore", nothing else is done;
 *   - -EAGAIN while it is XFS_IRECLAIMABLE (xfs_iget_cache_hit: "Skip inodes
 *     that have no vfs state", goto out_skip; XFS_IGET_INCORE is not
 *     retried; XFS_NEED_INACTIVE, INEW, IRECLAIM and INACTIVATING do the
 *     same, and an unlinked NEED_INACTIVE inode gives -ENOENT): any error but
 *     -ENODATA sets want_shutdown, so the query goes on and the filesystem
 *     is shut down at its end. Only -ENODATA is skipped; -ENOENT is not
 *     (since Darrick Wong's 2022 "only shut down fs after scanning all
 *     mappings"; before it the error ended the query with the remaining
 *     owners unvisited: when it was merged is not checked here).
 *   Why the skip cannot miss a process (INV-B): a pte of file f exists only
 *   inside a vma of f, the vma holds vm_file, the file holds the inode
 *   (i_count > 0), and the inode is evicted only at i_count 0. So an inode
 *   that is not in core has no pte, and its offsets have nobody to signal.
 *   The search tests that (memfail-reach with I=1); the toggle
 *   `evict-mapped` evicts an inode whose process still maps it, the state
 *   the kernel never allows, and memfail-reach catches it. memfail-notify
 *   counts a skipped owner as told: the filesystem's own rmap query found it,
 *   which is the model's meaning of "told" for every owner (the walk tells
 *   every record it visits); that XFS then records nothing for a file nobody
 *   has open is not judged. Default 0: the states grow with every file's
 *   cache state.
 * - PART, the data device is a partition of the pmem namespace (0 or 1,
 *   default 0). Commit 35fcd75af3ed "xfs: fail dax mount if reflink is
 *   enabled on a partition" ("Failure notification is not supported on
 *   partitions"): xfs_setup_dax_always returns -EINVAL when
 *   xfs_has_reflink(mp) && bdev_is_partition(mp->m_ddev_targp->bt_bdev). The
 *   check is still there in the v6.9+ xfs_super.c we read. fsdax-shared's
 *   filesystem always has reflink, so validate() refuses PART=1, and nothing
 *   else reads it.
 *
 * What a shutdown means for the rest (xfs_is_shutdown, every entry point):
 * - write(2) (xfs_file_write_iter), new faults (xfs_read_iomap_begin and
 *   xfs_direct_write_iomap_begin return -EIO: VM_FAULT_SIGBUS), truncate
 *   (xfs_vn_change_ok), FICLONE, FICLONERANGE and FIDEDUPERANGE
 *   (xfs_file_remap_range) fail with -EIO before they change anything, so
 *   they are no longer actions. Punch is one too, which simplifies:
 *   xfs_file_fallocate breaks the layouts before file_modified fails its
 *   transaction, so the kernel still unmaps the file and, from v6.15, deletes
 *   its DAX entries. The model leaves that out; `unmap` reaches the same ptes.
 * - What is in flight finishes as the kernel would:
 *   - a fault that was waiting for the AGF runs iomap_begin, which fails, so
 *     the entry is unlocked with no pte (`iomap`);
 *   - a dedupe between compare and remap fails in xfs_reflink_remap_blocks'
 *     transaction and unlocks (`dedupe-remap` remaps nothing);
 *   - a fault whose iomap_begin ran before the shutdown installs its pte, as
 *     before. In the kernel a write fault's CoW remap in iomap_end
 *     (xfs_reflink_end_cow) then fails, so the file keeps its old block
 *     while the pte maps the new one; the model finishes the remap. Nothing
 *     can tell the two apart: read(2) fails, and every load goes through the
 *     pte;
 *   - a layout break asleep at the shutdown resumes and completes its
 *     operation, which the kernel would fail after the break. That is not
 *     modelled: read(2) cannot show the difference.
 * - Mapped pfns stay mapped: shutdown zaps no pte. Loads, stores, unmap, pins
 *   and unpins go on.
 * - A memory failure after the shutdown: the handler's xfs_alloc_read_agf
 *   gets -EIO (xfs_trans_read_buf_map: xfs_is_shutdown) before its first
 *   record, and memory_failure_dev_pagemap returns that error (MF_FAILED,
 *   rc != -EOPNOTSUPP, so no fallback) before any SetPageHWPoison. So the
 *   plan is `busy`: the handler failed before poisoning; the record's name
 *   comes from -EBUSY, but here the error is -EIO. A machine check then
 *   kills its consumer (kill_me_maybe -> kill_me_now); under early kill
 *   nobody else is signalled, and the filesystem records nothing. The
 *   properties are not relaxed for it: the search decides what that breaks.
 *   KERNEL.md's INV-B ("SIGBUS ... or the fs shuts down") reads here as the
 *   metadata case, a block no process maps, not as a licence for data
 *   blocks after the shutdown.
 */
import type { Draft } from 'immer';
import type { Config, Design, Goal, ParamSpec, Recipe } from '../design.js';
import { settle, zapPte } from '../world/common.js';
import type { DaxAction, DaxPolicy, MemFailPlan } from '../world/dax.js';
import { NULL, type World } from '../world/state.js';
import type { View } from '../world/view.js';

/** The world of fsdax-shared with the filesystem's shutdown, kept only where it can happen (META=1 or I=1). */
export interface NotifyWorld extends World {
  /** xfs_force_shutdown has run: xfs_is_shutdown(mp). Kept where it can happen (META=1 or I=1). */
  shutdown?: boolean;
  /** Per file (I=1): its inode is IN_CORE, RECLAIMABLE (evicted, XFS_IRECLAIMABLE) or GONE (reclaimed). */
  icache?: number[];
  /** The walk under way met an owner xfs_iget could not give (xfs_failure_info.want_shutdown), I=1. */
  wantShutdown?: boolean;
}

export const IN_CORE = 0;
export const RECLAIMABLE = 1;
export const GONE = 2;

/** The mistake that shows why the in-core skip is safe: an inode evicted while its process maps it. */
export const NOTIFY_BUGS = {
  'evict-mapped': "evict(f) leaves process f's ptes in place: an inode evicted while mapped (the kernel never allows it: the vma holds the file)",
} as const;

export const NOTIFY_PARAMS: Readonly<Record<string, ParamSpec>> = {
  // Not `M`: the scenario binder gives every design's M its page frames (fragment-owner's parameter).
  META: {
    default: 0,
    min: 0,
    max: 1,
    description: 'metadata blocks: 1 adds pmem block P, held by XFS for its own metadata; a memory failure on it shuts the filesystem down (xfs_dax_failure_fn: want_shutdown)',
  },
  R: {
    default: 1,
    min: 0,
    max: 1,
    description: 'rmap btree: 0 is mkfs -m rmapbt=0, where notify_failure returns -EOPNOTSUPP and memory failure falls back to mf_generic_kill_procs',
  },
  I: {
    default: 0,
    min: 0,
    max: 1,
    description: 'inodes leave the cache: 1 adds evict(f), reclaim-inode(f) and open(f), and the walk meets owners xfs_iget(XFS_IGET_INCORE) cannot give',
  },
  PART: {
    default: 0,
    min: 0,
    max: 1,
    description: 'the data device is a partition of the pmem namespace: refused with reflink (xfs_setup_dax_always, 35fcd75af3ed)',
  },
};

/** validate(): the parameter combinations the kernel refuses at mount. */
export function validateNotify(params: Readonly<Record<string, number>>): string | undefined {
  if (params.PART === 1) {
    return 'PART=1: xfs_setup_dax_always refuses -o dax on a partition when the filesystem has reflink ("DAX and reflink cannot work with multi-partitions!", -EINVAL, 35fcd75af3ed), and fsdax-shared has reflink';
  }
  return undefined;
}

/** The metadata block's pfn: the one past the P data blocks, or NULL without one. */
export const metadataPfn = (cfg: Config): number => (cfg.params.META === 1 ? cfg.params.P : NULL);

/** Frames: the P data blocks and the metadata block. */
export const notifyFrames = (cfg: Config): number => cfg.params.P + (cfg.params.META === 1 ? 1 : 0);

const isShutdown = (s: World): boolean => (s as NotifyWorld).shutdown === true;
const cacheOf = (s: World, f: number): number => (s as NotifyWorld).icache?.[f] ?? IN_CORE;

/**
 * DaxPolicy.owner: xfs_dax_failure_fn's xfs_iget(mp, tp, owner, XFS_IGET_INCORE, 0, &ip).
 * -ENODATA (reclaimed): skipped; any other error (-EAGAIN for XFS_IRECLAIMABLE): want_shutdown.
 */
export function notifyOwner(d: Draft<World>, s: World, m: number): boolean {
  const c = cacheOf(s, m);
  if (c === IN_CORE) return true;
  if (c === RECLAIMABLE) (d as Draft<NotifyWorld>).wantShutdown = true;
  d.event = c === GONE ? 'owner-not-in-core' : 'owner-reclaimable';
  return false;
}

/** DaxPolicy.walked: xfs_dax_notify_dev_failure: error || notify.want_shutdown -> xfs_force_shutdown(SHUTDOWN_CORRUPT_ONDISK). */
export function notifyWalked(d: Draft<World>): void {
  const w = d as Draft<NotifyWorld>;
  if (!w.wantShutdown) return;
  w.wantShutdown = false;
  w.shutdown = true;
}

/**
 * The memory-failure handler of fsdax-shared: pmem_pagemap_memory_failure ->
 * dax_holder_notify_failure -> xfs_dax_notify_failure, or the generic path.
 * `generic` is mf_generic_kill_procs, `rmap` xfs_dax_notify_dev_failure's walk.
 */
export function notifyPlan(s: World, pfn: number, cfg: Config, generic: () => MemFailPlan, rmap: () => MemFailPlan): MemFailPlan {
  // xfs_dax_notify_dev_failure: !xfs_has_rmapbt(mp) -> -EOPNOTSUPP; memory_failure_dev_pagemap falls back.
  // mf_generic_kill_procs asks nothing of the filesystem, so a shutdown does not stop it.
  if (cfg.params.R === 0 || cfg.bugs.has('generic-fallback')) return generic();
  // xfs_alloc_read_agf -> xfs_trans_read_buf_map: xfs_is_shutdown -> -EIO before the first record;
  // memory_failure_dev_pagemap returns it (MF_FAILED) before any SetPageHWPoison.
  if (isShutdown(s)) return { busy: true, walk: [], tells: false, poison: 'entry' };
  // The metadata block's record has a non-inode owner: want_shutdown, no owner visited (the shutdown itself: next.memfail).
  if (pfn === metadataPfn(cfg)) return { walk: [], tells: false, poison: 'entry' };
  return rmap();
}

// The entry points that test xfs_is_shutdown first and fail with -EIO, changing nothing.
const FAILS_AFTER_SHUTDOWN: ReadonlySet<DaxAction['kind']> = new Set(['write', 'fault', 'punch', 'truncate', 'reflink', 'reflink-range', 'dedupe']);

type DaxDesign = Design<World, DaxAction, View>;
type Handler = (a: DaxAction, s: World, cfg: Config) => Recipe<World>;
/** The inode-cache actions (I=1). */
type CacheAction = { readonly kind: 'evict' | 'reclaim-inode' | 'open'; readonly f: number };

// The files an action works on: with I=1 it needs them in core (a syscall would open the file first).
const filesOf = (a: DaxAction): number[] => {
  const r = a as { f?: number; s?: number; d?: number };
  return [r.f, r.s, r.d].filter((x): x is number => x !== undefined);
};

/**
 * fsdax-shared with the metadata block, the shutdown, the inode cache and
 * the mount rule: the design as daxDesign builds it, wrapped. A handler it replaces settles the
 * step's events itself, as the world's `step` does.
 */
export function withNotifyFailure(design: DaxDesign, policy: DaxPolicy): DaxDesign {
  const next = design.next as unknown as Record<string, Handler>;
  const own = { ...next };
  const stepped =
    (r: Recipe<World>): Recipe<World> =>
    (d) => {
      settle(d);
      r(d);
    };
  // The metadata record: xfs_dax_failure_fn sets want_shutdown, and after the query
  // xfs_force_shutdown(mp, SHUTDOWN_CORRUPT_ONDISK) (not under R=0: the generic path never asks XFS).
  own.memfail = (a, s, cfg) => {
    const r = next.memfail(a, s, cfg);
    if (a.kind !== 'memfail' || a.pfn !== metadataPfn(cfg) || cfg.params.R === 0 || cfg.bugs.has('generic-fallback') || isShutdown(s)) return r;
    return (d) => {
      r(d);
      (d as Draft<NotifyWorld>).shutdown = true;
      d.event = 'shutdown';
    };
  };
  // xfs_read_iomap_begin / xfs_direct_write_iomap_begin: xfs_is_shutdown -> -EIO, VM_FAULT_SIGBUS; the entry is unlocked.
  if (next.iomap) own.iomap = (a, s, cfg) => (isShutdown(s) ? stepped((d) => void (d.fault = null)) : next.iomap(a, s, cfg));
  // xfs_reflink_remap_blocks' transaction fails; xfs_iunlock2_io_mmap.
  if (next['dedupe-remap']) own['dedupe-remap'] = (a, s, cfg) => (isShutdown(s) ? stepped((d) => void (d.dedupe = null)) : next['dedupe-remap'](a, s, cfg));
  // evict(f): munmap and close (process f's ptes zapped, each with its page reference), iput_final ->
  // xfs_fs_evict_inode -> truncate_inode_pages_final (dax_delete_mapping_entry: dax_disassociate_entry),
  // xfs_inode_mark_reclaimable. The toggle keeps the ptes (never in the kernel).
  own.evict = (a, _s, cfg) =>
    stepped((d) => {
      const f = (a as unknown as CacheAction).f;
      if (!cfg.bugs.has('evict-mapped')) for (let i = 0; i < d.pte[f].length; i++) zapPte(d, f, i);
      for (let i = 0; i < d.entry[f].length; i++) {
        const pfn = d.entry[f][i];
        if (pfn === NULL) continue;
        policy.disassociate(d, f, i, pfn, cfg);
        d.entry[f][i] = NULL;
      }
      (d as Draft<NotifyWorld>).icache![f] = RECLAIMABLE;
    });
  // xfs_reclaim_inode: the inode leaves the radix tree.
  own['reclaim-inode'] = (a) => stepped((d) => void ((d as Draft<NotifyWorld>).icache![(a as unknown as CacheAction).f] = GONE));
  // open(2) and mmap again: xfs_iget (xfs_iget_recycle of a reclaimable inode, or xfs_iget_cache_miss).
  own.open = (a) => stepped((d) => void ((d as Draft<NotifyWorld>).icache![(a as unknown as CacheAction).f] = IN_CORE));
  const cacheActions = (s: World): CacheAction[] => {
    const w = s as NotifyWorld;
    if (!w.icache) return [];
    const out: CacheAction[] = [];
    for (let f = 0; f < w.icache.length; f++) {
      const c = w.icache[f];
      if (c === IN_CORE) {
        // dax_break_layout_final waits for idle pages (no pin), and nothing may hold the file's locks or entries.
        const busy =
          s.pin[f].some((p) => p !== NULL) || s.fault?.f === f || (s.dedupe != null && (s.dedupe.s === f || s.dedupe.d === f)) || (s.breaking != null && filesOf(s.breaking as DaxAction).includes(f));
        if (!busy) out.push({ kind: 'evict', f });
      } else {
        if (c === RECLAIMABLE) out.push({ kind: 'reclaim-inode', f });
        // After the shutdown the reopened file could only fail with -EIO: not an action.
        if (!isShutdown(s)) out.push({ kind: 'open', f });
      }
    }
    return out;
  };
  return {
    ...design,
    params: { ...design.params, ...NOTIFY_PARAMS },
    validate: (params) => validateNotify(params) ?? design.validate?.(params),
    init: (cfg) => {
      const w = design.init(cfg) as NotifyWorld;
      // The metadata block: allocated to XFS for good, so never a file's (lowestFree skips it) and open to memory failure.
      const b = metadataPfn(cfg);
      if (cfg.params.I === 1) {
        w.icache = new Array<number>(cfg.params.F).fill(IN_CORE);
        w.wantShutdown = false;
      }
      if (cfg.params.META === 1 || cfg.params.I === 1) w.shutdown = false;
      if (cfg.params.META !== 1) return w;
      w.ref.push(1);
      w.disk.push(0);
      w.frame[b].free = false;
      return w;
    },
    actions: (s, cfg) => {
      let out = design.actions(s, cfg);
      const w = s as NotifyWorld;
      if (w.icache) out = out.filter((a) => filesOf(a).every((f) => w.icache![f] === IN_CORE));
      if (isShutdown(s)) out = out.filter((a) => !FAILS_AFTER_SHUTDOWN.has(a.kind));
      return w.icache ? [...out, ...(cacheActions(s) as unknown as DaxAction[])] : out;
    },
    next: own as unknown as DaxDesign['next'],
    view: (s, cfg) => {
      const v = design.view!(s, cfg);
      const b = metadataPfn(cfg);
      if (b === NULL) return v;
      // The filesystem's own reference holds the metadata block (no extent names it).
      const what = `block ${b}`;
      return { ...v, counted: v.counted.map((c) => (c.what === what ? { ...c, refs: c.refs + 1 } : c)) };
    },
    sometimes: [...design.sometimes, ...notifyGoals()],
    notes: {
      ...design.notes,
      ...({
        evict: 'munmap, close; the VFS LRU evicts it later (shrinker, drop_caches): xfs_fs_evict_inode',
        memfail: 'xfs_dax_notify_failure: xfs_rmap_query_range, first owner (shut down: -EIO, no walk)',
        'reclaim-inode': 'xfs_reclaim_inode: the inode leaves the radix tree (xfs_iget INCORE: -ENODATA)',
        open: 'open(2), mmap: xfs_iget (xfs_iget_recycle, or read from disk)',
      } as Record<string, string>),
    },
  };
}

/**
 * What the search must reach where the metadata block exists (META=1) or
 * inodes leave the cache (I=1); no goal at all where they do not.
 */
function notifyGoals(): Goal<World, View>[] {
  const meta = (cfg: Config): boolean => cfg.params.META === 1;
  const cache = (cfg: Config): boolean => cfg.params.I === 1;
  return [
    {
      id: 'memfail-owner-not-in-core',
      guards: ['memfail-reach', 'memfail-notify'],
      description: 'the walk skips an owner whose inode was reclaimed (xfs_iget INCORE: -ENODATA) (I=1 only)',
      applies: cache,
      reached: (_s, _cfg, v) => v.event === 'owner-not-in-core',
    },
    {
      id: 'memfail-owner-reclaimable',
      guards: ['memfail-reach', 'memfail-notify'],
      description: 'the walk meets an owner evicted but not reclaimed (-EAGAIN: want_shutdown) (I=1 only)',
      applies: cache,
      reached: (_s, _cfg, v) => v.event === 'owner-reclaimable',
    },
    {
      id: 'metadata-shutdown',
      guards: ['memfail-reach', 'memfail-notify'],
      description: 'a memory failure on a metadata block shuts the filesystem down (META=1 only)',
      applies: meta,
      reached: (_s, _cfg, v) => v.event === 'shutdown',
    },
    {
      id: 'memfail-after-shutdown',
      guards: ['memfail-reach', 'memfail-notify'],
      description: 'a memory failure on a data block of a shut-down filesystem (META=1 only)',
      applies: meta,
      reached: (s, cfg, v) => isShutdown(s) && v.mf !== null && v.mf.pfn !== metadataPfn(cfg),
    },
  ];
}
