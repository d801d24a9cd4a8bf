/**
 * The file's block map as seed 003 argues about it: an extent tree whose root
 * sits in the inode, holding up to C records inline, and grows into leaf
 * metadata blocks of up to C records each when it overflows; a full leaf
 * splits, moving its upper half to a new leaf and updating the root (one
 * level; the root takes as many leaf pointers as the file needs).
 */
import type { Draft } from 'immer';

export const NONE = -1;

export interface Rec {
  off: number;
  pfn: number;
}

/** depth 0: the records sit in the inode; depth 1: the inode points at leaf blocks. */
export interface Root {
  depth: 0 | 1;
  recs: Rec[];
  leaves: number[];
}

export interface Tree {
  root: Root;
  /** leaf[m]: the records of metadata block m. */
  leaf: Rec[][];
}

/** A metadata block an insert changed: the inode's root, or leaf block m. */
export type Loc = 'root' | number;

export function emptyTree(L: number): Tree {
  return { root: { depth: 0, recs: [], leaves: [] }, leaf: Array.from({ length: L }, () => []) };
}

/**
 * The block at `off`, or NONE: any record of the inode, or of a leaf the
 * inode points at. After a crash this is kinder to a torn split than a keyed
 * btree walk, so any loss it reports is a real one.
 */
export function lookup(t: Tree, off: number): number {
  // Loops, not a flatMap of the leaves: this runs several times for every action of every state.
  if (t.root.depth === 0) return find(t.root.recs, off)?.pfn ?? NONE;
  for (const m of t.root.leaves) {
    const leaf = t.leaf[m];
    const r = leaf === undefined ? undefined : find(leaf, off);
    if (r !== undefined) return r.pfn ?? NONE;
  }
  return NONE;
}

// The first record of `recs` at `off`.
function find(recs: readonly Rec[], off: number): Rec | undefined {
  for (let k = 0; k < recs.length; k++) if (recs[k].off === off) return recs[k];
  return undefined;
}

const byOff = (a: Rec, b: Rec) => a.off - b.off;

function freeLeaf(t: Tree): number {
  for (let m = 0; m < t.leaf.length; m++) if (!t.root.leaves.includes(m)) return m;
  // Only after a crash tore a split can the root point at more leaves than the file needs.
  t.leaf.push([]);
  return t.leaf.length - 1;
}

/** Inserts a record; says which metadata blocks changed (in write order) and whose records moved. */
export function insertRecord(t: Draft<Tree>, off: number, pfn: number, C: number): { changed: Loc[]; moved: number[]; split: boolean } {
  const rec = { off, pfn };
  if (t.root.depth === 0) {
    if (t.root.recs.length < C) {
      t.root.recs = [...t.root.recs, rec].sort(byOff);
      return { changed: ['root'], moved: [], split: false };
    }
    // The inode overflows: every record moves to new leaves (XFS's extents
    // to btree format conversion, the "tip-to-root" case of Dave's mail).
    const all = [...t.root.recs, rec].sort(byOff);
    const moved = t.root.recs.map((r) => r.off);
    const changed: Loc[] = [];
    for (let i = 0; i < all.length; i += C) {
      const m = freeLeaf(t);
      t.leaf[m] = all.slice(i, i + C);
      t.root.leaves.push(m);
      changed.push(m);
    }
    t.root.depth = 1;
    t.root.recs = [];
    changed.push('root');
    return { changed, moved, split: true };
  }
  let at = 0;
  t.root.leaves.forEach((m, i) => {
    const first = t.leaf[m][0];
    if (first !== undefined && first.off <= off) at = i;
  });
  const m = t.root.leaves[at];
  if (t.leaf[m].length < C) {
    t.leaf[m] = [...t.leaf[m], rec].sort(byOff);
    return { changed: [m], moved: [], split: false };
  }
  const all = [...t.leaf[m], rec].sort(byOff);
  const half = Math.ceil(all.length / 2);
  const n = freeLeaf(t);
  t.leaf[m] = all.slice(0, half);
  t.leaf[n] = all.slice(half);
  t.root.leaves.splice(at + 1, 0, n);
  return { changed: [n, m, 'root'], moved: t.leaf[n].map((r) => r.off).filter((o) => o !== off), split: true };
}

export function copyRoot(r: Root): Root {
  return { depth: r.depth, recs: r.recs.map((x) => ({ ...x })), leaves: [...r.leaves] };
}

export function copyTree(t: Tree): Tree {
  return { root: copyRoot(t.root), leaf: t.leaf.map((l) => l.map((r) => ({ ...r }))) };
}
