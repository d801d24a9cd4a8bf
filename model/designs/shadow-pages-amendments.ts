/**
 * What it would take for shadow-pages to keep what it claims (issue 12 §1).
 * Its counterexamples (counterexamples/shadow-pages/) break two rules, each
 * at a point Dave Chinner's mail (seed 000) leaves open, so every amendment
 * here is the smallest change a counterexample points to, proposed by
 * nobody:
 * - single-ownership: a page a file owns 1:1 before a reflink shares its
 *   extent keeps that entry when the buffer cache takes the page over at the
 *   next fault through another file (`convert-on-share`); and once the
 *   extent is no longer shared and the master leaves the buffer cache ("the
 *   master can be reclaimed ... [when] the extent is no longer shared"), the
 *   last file's shadow still stands for a buffer-cache page that is gone
 *   (`revert-on-unshare`, found by the search under convert-on-share);
 * - deadlock: the walk imported from XFS holds the AGF from its first rmap
 *   record to its last and waits for an entry whose fault waits for the AGF
 *   (xfs_reflink_trim_around_shared at iomap_begin, xfs_reflink_end_cow at
 *   iomap_end), the ABBA mainline has too (counterexamples/fsdax-shared/
 *   deadlock); `agf-before-entry` orders the two locks the same way in both.
 *   A walk that releases the AGF across owners instead was tried and loses an
 *   owner a reflink adds meanwhile (memfail-reach); it is not offered.
 */
import type { Draft } from 'immer';
import { amended, type Amendment, type Config } from '../design.js';
import type { DaxAction } from '../world/dax-policy.js';
import { iomapNeedsAgf } from '../world/memfail.js';
import { blankFrame, HOLE, NULL, type World } from '../world/state.js';

export const CONVERT_ON_SHARE = 'convert-on-share';
export const REVERT_ON_UNSHARE = 'revert-on-unshare';
export const AGF_BEFORE_ENTRY = 'agf-before-entry';

export const SHADOW_AMENDMENTS: Record<string, Amendment> = {
  [CONVERT_ON_SHARE]: {
    description:
      'when the master moves into the buffer cache (a fault through a second file of a shared extent), the file that owned it 1:1 gets a shadow too: its entry holds the shadow, which holds a reference on the master',
    source: {
      kind: 'smallest-change',
      counterexample: "counterexamples/shadow-pages/single-ownership: file 0's 1:1 entry still claims pfn 0 after the buffer cache took it over",
      precedent: 'fsdax as merged converts the first owner at the same moment: dax_associate_entry -> dax_folio_make_shared when a folio already associated is faulted through a second mapping',
    },
  },
  [REVERT_ON_UNSHARE]: {
    description: "a master leaving the buffer cache because its extent is no longer shared goes back to the one file that maps it, 1:1: that file's shadow is tossed and its entry holds the master",
    source: {
      kind: 'smallest-change',
      counterexample:
        "under convert-on-share: reflink(s=0, d=1); fault(f=0, i=0, read); finish-fault; write(f=1, i=0, v=2); reclaim(pfn=0): file 0's shadow stands for a page the buffer cache no longer holds",
    },
  },
  [AGF_BEFORE_ENTRY]: {
    description:
      'a fault that must read the refcount btree takes the AGF before its entry lock (it waits for a walk before grab_mapping_entry), and one that will CoW holds it until iomap_end, so a memory-failure report waits for that fault',
    source: {
      kind: 'smallest-change',
      counterexample: 'counterexamples/shadow-pages/deadlock: the walk holds the AGF and waits for entry (0, 0); the write fault holding that entry waits for the AGF',
      precedent: 'a fixed lock order, as XFS orders the AGF after the inode locks (xfs_reflink_end_cow: ILOCK, then the AGF through the refcount btree)',
    },
  },
};

/**
 * convert-on-share: the master pfn, about to enter the buffer cache, is
 * still associated 1:1 with the file that faulted it before its extent was
 * shared; that entry becomes the file's shadow (pfn P + g*B + j).
 */
export function convertOwner(d: Draft<World>, pfn: number, bufferCache: number, cfg: Config): void {
  if (!amended(cfg, CONVERT_ON_SHARE)) return;
  const master = d.frame[pfn];
  const g = master.mapping,
    j = master.index;
  if (g === NULL || g === bufferCache || d.entry[g][j] !== pfn) return;
  const sp = cfg.params.P + g * cfg.params.B + j;
  Object.assign(d.frame[sp], { ...blankFrame(), free: false, mapping: g, index: j, block: pfn, count: 1 });
  master.count += 1;
  d.entry[g][j] = sp;
}

/**
 * revert-on-unshare: the master leaves the buffer cache (reclaim). When its
 * extent is no longer shared, the one shadow left (its sole owner's) is
 * tossed and that owner's entry holds the master 1:1, as an unshared extent
 * is associated; returns whether it did.
 */
export function revertOwner(d: Draft<World>, pfn: number, cfg: Config): boolean {
  if (!amended(cfg, REVERT_ON_UNSHARE) || d.ref[pfn] > 1) return false;
  const blocks = d.ref.length;
  const sp = d.frame.findIndex((fr, p) => p >= blocks && !fr.free && fr.block === pfn);
  if (sp < 0) return false;
  const { mapping: g, index: j } = d.frame[sp];
  Object.assign(d.frame[sp], blankFrame());
  d.frame[pfn].count -= 1;
  d.frame[pfn].mapping = g;
  d.frame[pfn].index = j;
  d.entry[g][j] = pfn;
  return true;
}

/**
 * agf-before-entry: what waits for the AGF before taking an entry lock.
 * A fault whose iomap_begin reads the refcount btree waits for a walk that
 * holds the AGF before grab_mapping_entry (so the world never splits its
 * iomap off); a report (memfail, mce) waits while a write fault in flight
 * will CoW, for that fault holds the AGF until its iomap_end remaps.
 */
export function waitsForAgf(s: World, a: DaxAction, cfg: Config): boolean {
  if (!amended(cfg, AGF_BEFORE_ENTRY)) return false;
  const allocates = (f: number, i: number): boolean => s.ext[f][i] === HOLE || (s.ref[s.ext[f][i]] > 1 && !cfg.bugs.has('write-in-place-shared'));
  switch (a.kind) {
    case 'fault':
      return s.mf !== null && !s.mf.done && s.mf.agf === true && iomapNeedsAgf(s, a.f, a.i, a.write, allocates);
    case 'memfail':
    case 'mce':
      return s.fault !== null && s.fault.write && allocates(s.fault.f, s.fault.i);
    default:
      return false;
  }
}
