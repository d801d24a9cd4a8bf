/**
 * What a DAX design decides, and the shape of its spec (model/world/dax.ts
 * runs it): the page association, the memory-failure handler, how layouts
 * are broken, and the bug toggles every DAX design may carry.
 */
import type { Draft } from 'immer';
import type { Amendment, Config, ParamSpec } from '../design.js';
import type { SharingPropertyId } from '../../properties/sharing.js';
import type { DaxLiveId } from '../../properties/liveness.js';
import type { WorldAction } from './actions.js';
import type { MemFailPlan } from './memfail.js';
import type { World } from './state.js';
import type { CacheEntry } from './view.js';

/**
 * The world's actions, and two the DAX world splits off: `iomap` (a fault's
 * iomap_begin after a walk released the AGF) and `dedupe-remap`
 * (xfs_reflink_remap_blocks of the dedupe whose compare matched, then
 * xfs_iunlock2_io_mmap).
 */
export type DaxAction =
  | Exclude<WorldAction, { kind: 'read' }>
  | { readonly kind: 'iomap' }
  | { readonly kind: 'dedupe-remap' }
  /** The sleeping layout break wakes to idle pages and its operation goes on (model/world/layout-break.ts). */
  | { readonly kind: 'resume' }
  /**
   * unpin_user_page of a FOLL_LONGTERM pin: the RDMA or vfio user deregisters
   * the memory, "at some undefined point in the future" (Dan Williams,
   * get_user_pages_longterm, 2017-11-14). Its own kind so that no fairness
   * assumption covers it: nothing in the kernel makes it happen.
   */
  | { readonly kind: 'unpin-longterm'; readonly f: number; readonly i: number };

export interface DaxPolicy {
  /**
   * dax_associate_entry: `shared` is IOMAP_F_SHARED, the extent's block has
   * other owners. Returns what the entry holds when that is not the pfn itself
   * (shadow-pages: the shadow page standing for it).
   */
  associate(d: Draft<World>, f: number, i: number, pfn: number, shared: boolean, cfg: Config): number | void;
  /** dax_disassociate_entry; `pfn` is what the entry holds. */
  disassociate(d: Draft<World>, f: number, i: number, pfn: number, cfg: Config): void;
  /** The form of ownership an entry at (f, i) to pfn claims. */
  form(s: World, pfn: number): CacheEntry['form'];
  /** The memory-failure handler: which entries it visits for pfn, in turn (model/world/memfail.ts). */
  memfail(s: World, pfn: number, cfg: Config): MemFailPlan;
  /**
   * The filesystem is XFS with a handler that may walk its rmap holding the
   * AGF (xfs_dax_notify_ddev_failure; the plans that do say MemFailPlan.holdsAgf),
   * so the world keeps each inode's reflink flag and splits a fault's iomap
   * off its entry grab while such a walk runs (memfail.ts: agfHeld). A
   * function where only some configurations walk the rmap (an amendment).
   */
  readonly walkHoldsAgf?: boolean | ((cfg: Config) => boolean);
  /**
   * How reflink, dedupe, punch and truncate break layouts. Absent: as XFS did
   * until v6.14 (xfs_break_dax_layouts -> dax_layout_busy_page): the ranges
   * are unmapped and pins waited for, and the DAX entries stay. 'inode': v6.15
   * (xfs_break_dax_layouts -> dax_break_layout_inode -> dax_break_layout(inode,
   * 0, LLONG_MAX), which ends in dax_delete_mapping_range): the whole file is
   * unmapped, its pins waited for and its entries deleted; for a remap only the
   * lower-numbered inode gets that (xfs_mmaplock_two_inodes_and_break_dax_layout
   * swaps so that ip1 has the lower i_ino), the other is unmapped and its pins
   * waited for (dax_layout_busy_page, dax_page_is_idle) and keeps its entries.
   * File numbers are inode numbers.
   */
  readonly layoutBreak?: 'inode';
  /**
   * A DAX pte holds a page reference (true when absent): v6.15's "fs/dax:
   * properly refcount fs dax pages" (vmf_insert_folio_pmd/pte take one, the
   * zap drops it). Before it, insert_pfn made a pte_devmap with no get_page:
   * an idle ZONE_DEVICE page sat at refcount 1 and dax_layout_busy_page
   * (`page_ref_count(page) > 1`) saw only GUP pins. False for a design on an
   * older kernel.
   */
  readonly pteHoldsRef?: boolean;
  /** What an entry holding `held` claims, where it is more than `form` (a shadow and its master). */
  entries?(s: World, f: number, i: number, held: number): CacheEntry[];
  /** The pfn an entry holding `held` maps (a shadow's master); the held pfn itself by default. */
  target?(s: World, held: number): number;
  /** References the design's own structures hold on pfn (shadows on their master), and who refers to what. */
  extraRefs?(s: World, pfn: number): number;
  refers?(s: World): { what: string; pfn: number }[];
  /** Frames that must be freed once unreferenced (shadow pages); pmem frames live as long as their block. */
  leakable?(s: World, pfn: number): boolean;
  /**
   * xfs_dax_failure_fn's xfs_iget(XFS_IGET_INCORE) of the owner m the walk
   * visits: true when its inode is in core (mf_dax_kill_procs runs); else
   * the design records what the handler does instead (fsdax-shared-notify.ts).
   * Every inode is in core when absent.
   */
  owner?(d: Draft<World>, s: World, m: number, cfg: Config): boolean;
  /** What the handler does once its walk has ended (xfs_dax_notify_dev_failure: a shutdown it wanted). */
  walked?(d: Draft<World>, cfg: Config): void;
  /** A design's own reclaim (shadow-pages: a master leaving the buffer cache). */
  reclaim?: { pfns(s: World): number[]; apply(d: Draft<World>, pfn: number, cfg: Config): void };
}

export interface DaxDesignSpec {
  readonly name: string;
  readonly summary: string;
  readonly seed: string;
  readonly bugs: Readonly<Record<string, string>>;
  /** What it would take (Design.amendments). */
  readonly amendments?: Readonly<Record<string, Amendment>>;
  readonly bounds: { depth?: number; maxStates?: number };
  readonly policy: DaxPolicy;
  readonly properties: readonly SharingPropertyId[];
  /** The properties the design's authors promised (Design.claims), each exclusion commented where it is declared. */
  readonly claims?: readonly (SharingPropertyId | DaxLiveId)[];
  /** Its liveness properties (properties/liveness.ts), for a design whose layout breaks sleep. */
  readonly liveness?: readonly DaxLiveId[];
  /** The kernel function or seed rule each action kind stands for (Design.notes). */
  readonly notes?: { readonly [K in DaxAction['kind']]?: string };
  readonly notApplicable: Readonly<Record<string, string>>;
  readonly params?: Readonly<Record<string, ParamSpec>>;
  /** tmpfs: the page cache is the storage, so every block a file maps has its entry, not only faulted ones. */
  readonly cacheIsStorage?: boolean;
  /** Frames, when the design has struct pages besides the pmem ones (shadow pages); P by default. */
  readonly frames?: (cfg: Config) => number;
  /** Pins without FOLL_WRITE beside FOLL_WRITE ones (actions.ts, Enabling.pins). */
  readonly readOnlyPins?: boolean;
  /** FICLONERANGE of any range that fits, at the same offset too (actions.ts, Enabling.ranges). */
  readonly ranges?: boolean;
}

// Bug toggles every DAX design may carry; a design lists those its thread warns about.
export const DAX_BUGS = {
  'no-break-layouts': "punch, truncate, reflink and dedupe neither unmap nor wait for pins (no xfs_break_layouts); a remap's writeback still write-protects its ranges",
  'write-in-place-shared': 'a write fault or write(2) on a shared extent writes the shared pfn in place instead of CoW',
  'count-not-dropped': 'unmap zaps the pte but does not drop the page reference',
  'no-entry-lock': 'the memory-failure handler does not wait for a fault holding the entry it visits (no dax_lock_mapping_entry)',
} as const;

/** The toggle that drops dedupe's locks between the compare and the remap (generic/630's race). */
export const DEDUPE_UNLOCKED = 'dedupe-unlocked';
/**
 * The toggle that grants FOLL_LONGTERM pins of fsdax pages, as kernels before
 * v4.15 did. mm/gup refuses them (-EOPNOTSUPP): get_user_pages_longterm's
 * vma_is_fsdax in v4.15, then check_vma_flags, and since v6.15's "mm/gup:
 * don't allow FOLL_LONGTERM pinning of FS DAX pages" folio_is_longterm_pinnable
 * too ("Filesystems can only tolerate transient delays to truncate and
 * hole-punch operations"). Under the toggle the world's layout break waits
 * for a long-term pin as for any other (dax_layout_busy_page and
 * dax_page_is_idle read the page count, which cannot tell the two apart): the
 * kernel that commit guards against, v6.15's break with the pin granted, whose
 * punch then sleeps for as long as userspace keeps the pin (`unpin-longterm`,
 * which no fairness assumption covers: liveness `layout-break-proceeds`).
 * Kernels before v4.15 had no layout break at all (dax_layout_busy_page came
 * in v4.17): that is this toggle with `no-break-layouts`, where a punch frees
 * the block under the pin (layout-pin).
 */
export const LONGTERM_GRANTED = 'longterm-pin-granted';

/**
 * Toggles of the finer operations (issue 10, section 2) a DAX design of an
 * XFS with reflink carries; tmpfs-cowflag takes DAX_BUGS only.
 */
export const GRANULARITY_BUGS = {
  [DEDUPE_UNLOCKED]: 'FIDEDUPERANGE drops IOLOCK and MMAPLOCK after vfs_dedupe_file_range_compare: write(2), faults and remaps run before the remap',
  [LONGTERM_GRANTED]:
    'FOLL_LONGTERM pins of fsdax pages are granted (no get_user_pages_longterm / folio_is_longterm_pinnable refusal); a layout break waits for them as for any pin, and only userspace releases them',
} as const;
