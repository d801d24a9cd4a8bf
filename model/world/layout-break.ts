/**
 * A layout break that sleeps: what the DAX world (model/world/dax.ts) keeps
 * of a punch, truncate, reflink or dedupe while it waits for pinned pages.
 *
 * The kernel's wait (fs/xfs/xfs_inode.c, fs/dax.c):
 * - xfs_break_layouts -> xfs_break_dax_layouts runs with IOLOCK_EXCL and
 *   MMAPLOCK_EXCL of the file(s) held. dax_layout_busy_page (v6.15:
 *   dax_break_layout -> dax_layout_busy_page_range) first unmaps the whole
 *   mapping (unmap_mapping_pages), then looks for a page whose count says a
 *   GUP pin holds it (before v6.15 `page_ref_count(page) > 1`; v6.15
 *   dax_busy_page: `folio_ref_count - folio_mapcount`).
 * - On a busy page it sleeps: ___wait_var_event(page, idle, TASK_INTERRUPTIBLE,
 *   ..., xfs_wait_dax_page(inode)), and xfs_wait_dax_page drops MMAPLOCK_EXCL
 *   around schedule(). So while it sleeps, faults (MMAPLOCK_SHARED) map the
 *   file again and GUP pins again; write(2) and every other operation that
 *   takes IOLOCK_EXCL of those files wait.
 * - It wakes when that one page is idle. Before v6.15 idle is
 *   `atomic_read(&page->_refcount) == 1` (a DAX pte held no reference, so only
 *   pins count); from v6.15 (dax_page_is_idle) it is `page_ref_count(page) == 0`,
 *   and a pte holds a reference (vmf_insert_folio_pte), so a pte that a fault
 *   installed during the sleep keeps the page busy too; the wake-up is
 *   free_zone_device_folio's wake_up_var when the count reaches 0. Then it
 *   loops: unmaps again, looks again, and sleeps on the next busy page, or
 *   goes on once nothing is busy. So a pte on another page does not hold the
 *   break off: the rescan unmaps it.
 *
 * Choices the model makes:
 * - The busy page it sleeps on is the first in the scan's order: the
 *   operation's files in turn (a remap's source, then its destination), each
 *   in index order (dax_layout_busy_page_range walks the mapping's entries
 *   from the start of the range).
 * - One break sleeps at a time in the world: while one sleeps, no other
 *   layout-breaking operation starts, even on another file (with F=2 every
 *   remap involves both files anyway). A simplification that only removes
 *   histories with two sleepers.
 * - The sleep is TASK_INTERRUPTIBLE: a signal ends it with -ERESTARTSYS and
 *   the operation fails. Signals are not modelled: a signal is the user
 *   giving up, nothing the kernel owes, and "eventually proceeds" asks about
 *   the kernel's own progress.
 * - No new GUP pin is taken while a break sleeps. In the kernel one can be (a
 *   fault maps the page again, O_DIRECT pins it), and a user who keeps the
 *   page pinned with overlapping I/O holds the break off for ever: the page is
 *   never idle. That is the user's doing, not a wait the kernel imposes, and
 *   pagecheck's fairness is per action kind, so a pin taken and released on
 *   another page would count as the release the sleeper's own pin owes. Faults
 *   during the sleep stay: where a pte holds a page reference (v6.15) a pte
 *   faulted in meanwhile keeps the page busy until it is unmapped.
 * - tmpfs (cacheIsStorage) has no layout break; its operations keep the
 *   world's old rule (enabled once nothing is pinned).
 */
import type { Draft } from 'immer';
import type { Config, Recipe } from '../design.js';
import { label } from './actions.js';
import { HOLE, NULL, type LayoutOp, type World } from './state.js';

const LAYOUT_KINDS = ['punch', 'truncate', 'reflink', 'reflink-range', 'dedupe'] as const;
const blocksOf = (s: World, f: number, from = 0): number[] => s.ext[f].slice(from).filter((b) => b !== HOLE);

/**
 * The blocks an operation's layout break covers: a remap waits for the pins
 * of both whole files (dax_layout_busy_page finds a busy page anywhere), a
 * punch or truncate for its range, or its whole file where the break is by
 * inode (v6.15 dax_break_layout_inode).
 */
export function coveredPfns(s: World, op: LayoutOp, byInode: boolean): number[] {
  switch (op.kind) {
    case 'punch':
      return byInode ? blocksOf(s, op.f) : [s.ext[op.f][op.i]].filter((b) => b !== HOLE);
    case 'truncate':
      return blocksOf(s, op.f, byInode ? 0 : op.n);
    default:
      return [...blocksOf(s, op.s), ...blocksOf(s, op.d)];
  }
}

/**
 * Wraps each layout-breaking handler of a design's `next`: where `waitsFor`
 * says a page is busy, the operation unmaps its file(s) whole
 * (dax_layout_busy_page_range: unmap_mapping_pages of the whole mapping;
 * v6.15 deletes the entries only once nothing is busy) and sleeps; else it
 * runs at once, as its handler says.
 */
export function sleepOnBusyPages(
  next: Record<string, (a: LayoutOp, s: World, cfg: Config) => Recipe<World>>,
  waitsFor: (s: World, op: LayoutOp, cfg: Config) => boolean,
  step: (r: Recipe<World>) => Recipe<World>,
  zap: (d: Draft<World>, f: number, i: number) => void,
  coveredBy: (s: World, op: LayoutOp) => number[],
): void {
  for (const kind of LAYOUT_KINDS) {
    const go = next[kind];
    next[kind] = (a, s, cfg) => (waitsFor(s, a, cfg) ? step((d) => sleepOn(d, a, firstBusy(s, a, coveredBy(s, a)), zap)) : go(a, s, cfg));
  }
}

/** dax_layout_busy_page_range's unmap_mapping_pages: every pte of the operation's files goes. */
export function unmapFiles(d: Draft<World>, op: LayoutOp, zap: (d: Draft<World>, f: number, i: number) => void): void {
  for (const f of opFiles(op)) for (let i = 0; i < d.ext[f].length; i++) zap(d, f, i);
}

/** One round of dax_break_layout that finds page `on` busy: the files unmapped, the operation asleep on it. */
export function sleepOn(d: Draft<World>, op: LayoutOp, on: number, zap: (d: Draft<World>, f: number, i: number) => void): void {
  unmapFiles(d, op, zap);
  d.breaking = { ...op, on };
}

/**
 * The busy page a scan of the operation's files finds first: the pfn of the
 * first place, file by file in index order, whose block is covered and
 * pinned; NULL when none is.
 */
export function firstBusy(s: World, op: LayoutOp, pfns: readonly number[]): number {
  for (const f of opFiles(op)) {
    for (const b of s.ext[f]) if (b !== HOLE && pfns.includes(b) && !idle(s, [b], false)) return b;
  }
  return NULL;
}

/** The files whose IOLOCK_EXCL the sleeping operation holds. */
export function opFiles(op: LayoutOp): number[] {
  return op.kind === 'punch' || op.kind === 'truncate' ? [op.f] : [op.s, op.d];
}

/**
 * Whether none of `pfns` is busy for a sleeping break: no GUP pin on any
 * (FOLL_LONGTERM ones too: the count cannot tell them apart), and where a
 * pte holds a page reference (v6.15), no pte of any file maps one.
 */
export function idle(s: World, pfns: readonly number[], pteHoldsRef: boolean): boolean {
  for (let f = 0; f < s.pin.length; f++) {
    for (let i = 0; i < s.pin[f].length; i++) {
      if (s.pin[f][i] !== NULL && pfns.includes(s.pin[f][i])) return false;
      if (pteHoldsRef && s.pte[f][i] !== NULL && pfns.includes(s.pte[f][i])) return false;
    }
  }
  return true;
}

/** Who waits, for `Design.waiting`: the sleeping break, if any. */
export function breakWaiting(s: World): string | undefined {
  if (!s.breaking) return undefined;
  const { on, ...op } = s.breaking;
  return `${label(op)} sleeps in its layout break (xfs_break_dax_layouts) until pfn ${on} is idle`;
}
