/**
 * The world every reflink/shared-page design (seeds 000-002) lives in: files
 * with a few blocks, physical blocks with reference counts, frames (pfns)
 * with `mapping`, `index`, a count and flags, each mapping's entries,
 * processes with ptes installed by faults, gup pins, one fault that may be
 * half done, a memory-failure record, and the ghost contents of each file.
 *
 * Process f has one vma, on file f: with one process per file, "which
 * process was signalled" and "which file owns the page" are told apart by
 * the memory-failure record, and a pte is keyed by (file, index). A history
 * may hold several memory failures, one handled at a time.
 */
import type { Config, ParamSpec } from '../design.js';

export const HOLE = -1;
/** `page->mapping == NULL`, and "no pfn" in an entry, pte or pin. */
export const NULL = -1;

export interface Frame {
  /** The owning address_space (a file, or a design's own: buffer cache, fragment, shared mapping), or NULL. */
  mapping: number;
  index: number;
  /** fsdax-shared's `folio->share`: live entries once the folio was made shared; 0 elsewhere. */
  share: number;
  /** References held on the frame, kept incrementally as the design's code would. */
  count: number;
  /** Contents, for frames that are memory (page cache); DAX frames are the block itself. */
  data: number;
  /** The block a page-cache frame caches (HOLE for none), or the master frame of a shadow. */
  block: number;
  /** owner-list: the (mapping, index) pairs hanging off the page, each encoded mapping*B+index. */
  owners: number[];
  /** tmpfs-cowflag's CoW flag. */
  cow: boolean;
  poison: boolean;
  free: boolean;
}

/** A fault between its entry lookup (entry locked, pfn chosen) and the pte install. */
export interface Fault {
  f: number;
  i: number;
  write: boolean;
  pfn: number;
  /** Something changed the pfn's identity (freed, poisoned, reassigned) while the fault held it. */
  stale: boolean;
  /**
   * The entry is locked (grab_mapping_entry) but iomap_begin has not run: it
   * waits for the AGF a memory-failure walk holds (model/world/memfail.ts,
   * agfHeld); `pfn` is NULL until it has looked the extent up.
   */
  grabbed?: boolean;
}

/**
 * One memory failure, from the report to the end of its handling. The world
 * computes `due`, `related` and `owners` from the state (`related` grows at
 * every step, since owners may change between steps); the design's handler
 * fills `walk`, `killed` and `told`.
 *
 * A handler visits the (mapping, index) entries it finds one at a time, each
 * under its own entry lock (mf_dax_kill_procs: dax_lock_mapping_entry per
 * index; pre-2022 memory_failure_dev_pagemap: dax_lock_page on the one
 * page->mapping), so other operations run between two entries. Only one
 * failure is handled at a time (memory_failure holds mf_mutex); once `done`,
 * the record stays for the one state the properties judge and goes at the
 * next step.
 */
export interface MemFail {
  pfn: number;
  /**
   * The process whose load consumed the poison (a machine check: kill_me_maybe
   * -> memory_failure(MF_ACTION_REQUIRED), `current`), or NULL for an error
   * reported by a scrub (memory_failure_queue: no user `current`).
   */
  by: number;
  /** vm.memory_failure_early_kill: every process is collected, not only `current` (task_early_kill). */
  early: boolean;
  shared: boolean;
  /**
   * Processes the handler must find mapping the pfn: those with a pte to it
   * when the failure was reported, and those that install one while it is
   * handled through an offset it has yet to visit (an offset already visited
   * was judged when its entry was locked: a later pte is a later fault).
   */
  due: number[];
  /** Processes whose vma covers an owning (file, offset), or that map the pfn, at any step: signalling them is not "unrelated". */
  related: number[];
  /** File offsets whose data the pfn holds when the failure was reported, encoded f*B+i. */
  owners: number[];
  /** The (mapping, index) entries the handler has still to visit, in order, encoded m*B+i. */
  walk: number[];
  /** The file offsets (f*B+i) the handler has visited so far, where its walk has more than one owner. */
  visited?: number[];
  /** The handler holds the AGF across its walk (xfs_dax_notify_ddev_failure), so faults that read it wait. */
  agf?: boolean;
  killed: number[];
  told: number[];
  /** The handler gave up (-EBUSY) before SetPageHWPoison: dax_lock_page found no page->mapping. */
  busy: boolean;
  done: boolean;
}

export interface World {
  /** ext[f][i]: the block file f maps at index i, or HOLE. */
  ext: number[][];
  /** Block reference counts (extent references; shared after reflink). */
  ref: number[];
  /** Block contents: one value per block, 0 for zeroes. */
  disk: number[];
  /** What a correct filesystem shows for file f at index i. */
  ghost: number[][];
  frame: Frame[];
  /** entry[m][i]: the pfn of mapping m's entry at index i, or NULL. */
  entry: number[][];
  /** pte[f][i]: the pfn process f maps at file f's index i, or NULL; ptew: writable. */
  pte: number[][];
  ptew: boolean[][];
  /** pin[f][i]: a pin_user_pages pin taken through pte (f, i), or NULL: FOLL_WRITE unless pinro says otherwise. */
  pin: number[][];
  /**
   * pinro[f][i]: the pin at (f, i) was taken without FOLL_WRITE (the DMA only
   * reads the page: O_DIRECT write(2) from the buffer). Kept only where the
   * design offers read-only pins (Enabling.pins).
   */
  pinro?: boolean[][];
  /**
   * pinlong[f][i]: the pin at (f, i) is FOLL_LONGTERM (RDMA, vfio): userspace
   * drops it "at some undefined point in the future". Kept only where the
   * design grants such pins (fsdax refuses them: Enabling.pins).
   */
  pinlong?: boolean[][];
  fault: Fault | null;
  mf: MemFail | null;
  /**
   * XFS_DIFLAG2_REFLINK per file, kept only where a memory-failure walk holds
   * the AGF (model/world/memfail.ts): xfs_reflink_remap_prep sets it on both
   * inodes, and it makes every iomap_begin on a written extent read the AGF.
   */
  reflinkFlag?: boolean[];
  /**
   * A FIDEDUPERANGE between its compare and its remap: xfs_reflink_remap_prep
   * returned with IOLOCK_EXCL and MMAPLOCK_EXCL of both files held, the
   * layouts broken and vfs_dedupe_file_range_compare (dax_dedupe_file_range_compare)
   * satisfied; xfs_reflink_remap_blocks and xfs_iunlock2_io_mmap are to come.
   * Kept only where dedupe is split so (the DAX world).
   */
  dedupe?: Dedupe | null;
  /**
   * A punch, truncate, reflink or dedupe asleep in its layout break: it found
   * a busy page (dax_layout_busy_page), unmapped the file(s), and sleeps in
   * ___wait_var_event until the page is idle, holding IOLOCK_EXCL with
   * MMAPLOCK_EXCL dropped (xfs_wait_dax_page). The operation, as it was asked
   * for, and `on`, the pfn of the busy page it sleeps on. Kept only where
   * breaks sleep so (the DAX world: model/world/layout-break.ts).
   */
  breaking?: (LayoutOp & { readonly on: number }) | null;
  /**
   * The place the last step remapped by dedupe (f*B+i), or NULL; reset every
   * step: what content-by-own-writes judges (properties/sharing.ts).
   */
  deduped?: number;
  /** What the last step did that a goal looks for ('' mostly); reset every step. */
  event: string;
}

/** An operation that breaks layouts, with its arguments (model/world/actions.ts). */
export type LayoutOp =
  | { kind: 'punch'; f: number; i: number }
  | { kind: 'truncate'; f: number; n: number }
  | { kind: 'reflink'; s: number; d: number }
  | { kind: 'reflink-range'; s: number; si: number; d: number; di: number; n?: number }
  | { kind: 'dedupe'; s: number; si: number; d: number; di: number };

/** The ranges of a FIDEDUPERANGE whose compare has matched: n blocks of s from si onto d from di. */
export interface Dedupe {
  s: number;
  si: number;
  d: number;
  di: number;
}

export const worldParams: Record<string, ParamSpec> = {
  F: { default: 2, min: 2, max: 4, description: 'files (one process maps each)' },
  B: { default: 2, min: 1, max: 4, description: 'blocks per file' },
  P: { default: 3, min: 2, max: 8, description: 'physical blocks' },
  V: { default: 2, min: 1, max: 4, description: 'distinct non-zero values a write may store' },
  // Early kill by default: INV-B as KERNEL 2.1 states it (memory_failure
  // delivers SIGBUS to every process with a pte) is the early-kill contract,
  // and it is where the threads' point shows (the page->mapping rmap signals
  // one file's processes). The kernel's own default is late
  // (sysctl_memory_failure_early_kill = 0): E=0 checks that weaker promise,
  // a SIGBUS when each process's load consumes the poison.
  E: {
    default: 1,
    min: 0,
    max: 1,
    description: 'memory-failure kill policy: 1 early (vm.memory_failure_early_kill), every mapper is signalled; 0 late, only the process whose load consumes the poison',
  },
};

export function grid<T>(rows: number, cols: number, v: T): T[][] {
  return Array.from({ length: rows }, () => new Array<T>(cols).fill(v));
}

export function blankFrame(): Frame {
  return { mapping: NULL, index: 0, share: 0, count: 0, data: 0, block: HOLE, owners: [], cow: false, poison: false, free: true };
}

/**
 * The initial world: file f holds value f+1 in block f at index 0 (so that
 * files differ from the start and a reflink is possible at once); the rest
 * are holes. `frames` pfns, `mappings` address spaces (files first).
 */
export function initWorld(cfg: Config, frames: number, mappings: number): World {
  const { F, B, P } = cfg.params;
  const ext = grid(F, B, HOLE);
  const ref = new Array<number>(P).fill(0);
  const disk = new Array<number>(P).fill(0);
  const ghost = grid(F, B, 0);
  const first = Math.min(F, P - 1);
  for (let f = 0; f < first; f++) {
    ext[f][0] = f;
    ref[f] = 1;
    disk[f] = f + 1;
    ghost[f][0] = f + 1;
  }
  return {
    ext,
    ref,
    disk,
    ghost,
    frame: Array.from({ length: frames }, blankFrame),
    entry: grid(mappings, B, NULL),
    pte: grid(F, B, NULL),
    ptew: grid(F, B, false),
    pin: grid(F, B, NULL),
    fault: null,
    mf: null,
    event: '',
  };
}

export function lowestFree(ref: readonly number[]): number {
  return ref.indexOf(0);
}
