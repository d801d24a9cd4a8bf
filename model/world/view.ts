/**
 * The common projection of a design's state that the property families read
 * (properties/sharing.ts). Each design keeps its own kernel structures and
 * says, through `view(state)`, what they amount to: what read(2) and a load
 * through each pte return, what each cache entry claims about ownership, and
 * which counters must equal which references. So `refcount` means the same
 * thing for every design, while only the design knows where its counts live.
 */
import type { Fault, Frame, MemFail } from './state.js';

/**
 * A cache entry and the form of ownership it claims:
 * - `owned`: the frame is this mapping's own page; `mapping`/`index` point back (INV-A1);
 * - `shared`: fsdax-shared's shared folio: `mapping` NULL, `share` counts the entries (INV-A2);
 * - `via`: a PFN entry, or a shadow page, for a frame owned elsewhere: `owner` names
 *   the (mapping, index) the frame must point back to (INV-F; shadow to master);
 * - `listed`: owner-list: the frame's owner list must name this (mapping, index).
 */
export interface CacheEntry {
  readonly m: number;
  readonly i: number;
  readonly pfn: number;
  readonly form: 'owned' | 'shared' | 'via' | 'listed';
  readonly owner?: { readonly mapping: number; readonly index: number };
}

/** A counter held in the state and the references it must equal, counted from the structures. */
export interface Counted {
  readonly what: string;
  readonly stored: number;
  readonly refs: number;
  /** The object is freed (a free block or frame). */
  readonly free: boolean;
  /** The object must be freed once nothing refers to it (false for pmem frames, whose life is the block's). */
  readonly leakable: boolean;
}

export interface View {
  readonly F: number;
  readonly B: number;
  readonly ghost: readonly (readonly number[])[];
  /** What read(2) of file f at index i returns now. */
  readonly read: readonly (readonly number[])[];
  /** The pfn file f's index i resolves to now (what a fault would map), or NULL. */
  readonly resolve: readonly (readonly number[])[];
  /** What a load from pfn returns. */
  readonly data: (pfn: number) => number;
  /** The pfn's contents belong to more than one (file, index): it must not be written in place. */
  readonly shared: (pfn: number) => boolean;
  readonly frames: readonly Frame[];
  readonly ptes: readonly { readonly f: number; readonly i: number; readonly pfn: number; readonly writable: boolean }[];
  /** `write`: the DMA may write the page (FOLL_WRITE; true when absent); `longterm`: FOLL_LONGTERM. */
  readonly pins: readonly { readonly f: number; readonly i: number; readonly pfn: number; readonly write?: boolean; readonly longterm?: boolean }[];
  readonly entries: readonly CacheEntry[];
  readonly counted: readonly Counted[];
  /** Every pfn referred to by an entry or by a design structure, with who refers (for use-after-free). */
  readonly refersTo: readonly { readonly what: string; readonly pfn: number }[];
  readonly fault: Fault | null;
  readonly mf: MemFail | null;
  readonly event: string;
  /** The place the last step remapped by FIDEDUPERANGE, where the design splits dedupe (content-by-own-writes). */
  readonly deduped?: { readonly f: number; readonly i: number };
  /** fragment-owner: a reflink changed a per-page count; undefined where the design makes no such claim. */
  readonly reflinkTouchedPages?: boolean;
}
