/**
 * What it would take for the i_mapping quick hack (issue 12 §1). Every
 * counterexample of imapping-redirect (counterexamples/imapping-redirect/)
 * is an open file or a vma that captured an address space the inode has
 * since left: file->f_mapping is set once, at open (do_dentry_open), and a
 * vma sits on its file's f_mapping's i_mmap. cow-isolation: a write through
 * an fd opened while the inode was shared lands in the shared space after
 * the unshare; layout-pin: a vma mmapped while shared takes a writable pte
 * to the shared page; memfail-reach: a vma left on i_data after reflink
 * moved its pages to the shared space is not on page->mapping's i_mmap.
 *
 * `follow-i_mapping` makes every open file and vma of an inode follow its
 * i_mapping whenever the hack repoints it (reflink, unshare). Nobody in the
 * thread proposes it, and the kernel avoids the very thing: a change of an
 * inode's address_space operations under open files is refused and
 * deferred to inode eviction (FS_XFLAG_DAX: xfs_ioctl_setattr_prepare_dax ->
 * d_mark_dontcache), so this is the smallest change the counterexamples
 * point to, not a claim that it is safe in the kernel as it is.
 */
import type { Draft } from 'immer';
import { amended, type Amendment, type Config } from '../design.js';
import { NULL } from '../world/state.js';
import { pageAt, type State } from './imapping-redirect-view.js';

export const FOLLOW_I_MAPPING = 'follow-i_mapping';

export const IMAPPING_AMENDMENTS: Record<string, Amendment> = {
  [FOLLOW_I_MAPPING]: {
    description:
      "reflink and the unshare repoint every open file of the inode (f_mapping) and move its vma to the new mapping's i_mmap, zapping each pte whose page the new mapping does not hold at that index",
    source: {
      kind: 'smallest-change',
      counterexample:
        'counterexamples/imapping-redirect/{cow-isolation,layout-pin,memfail-reach}: an fd or vma set up before the unshare (or the reflink) keeps the address space it captured (KERNEL.md 2.2)',
      precedent: "none in the kernel, which refuses to switch an open inode's mapping: FS_XFLAG_DAX changes wait for eviction (d_mark_dontcache)",
    },
  },
};

/**
 * Under follow-i_mapping, inode f's open file and vma now use its current
 * i_mapping; a pte stays only where that mapping holds the same page (a
 * reflink's source, whose pages moved). Returns the spaces left behind, for
 * the design to release once nothing uses them.
 */
export function followIMapping(d: Draft<State>, f: number, cfg: Config, zap: (d: Draft<State>, f: number, i: number) => void): number[] {
  if (!amended(cfg, FOLLOW_I_MAPPING)) return [];
  const m = d.imap[f];
  const left: number[] = [];
  if (d.fmap[f] !== NULL && d.fmap[f] !== m) {
    left.push(d.fmap[f]);
    d.fmap[f] = m;
  }
  if (d.vmap[f] !== NULL && d.vmap[f] !== m) {
    left.push(d.vmap[f]);
    for (let i = 0; i < d.pte[f].length; i++) if (d.pte[f][i] !== NULL && pageAt(d as State, m, i) !== d.pte[f][i]) zap(d, f, i);
    d.vmap[f] = m;
  }
  return left;
}
