/**
 * The file symmetry of the reflink world (model/world/state.ts): process f
 * maps file f, so renaming a file renames its process with it. A renaming
 * moves every row kept per file (extents, ghosts, ptes, pins, the reflink
 * flag, the file's own mapping's entries), renames every reference to a
 * file (a frame's `mapping` where it is a file's, an owner-list entry, the
 * fault in flight, a dedupe's ranges, the memory-failure record's
 * processes and file offsets) and leaves alone what is not a file's: blocks
 * and frames (allocation takes the lowest free one, so they are not
 * interchangeable), values, and a design's own address spaces (numbered
 * from F: a buffer cache, a fragment's mapping).
 *
 * The memory-failure record's sets (`due`, `related`, `killed`, `told`,
 * `owners`) are kept sorted by the world and are sorted again after the
 * renaming; its `walk` and `visited` are sequences, in the order the design
 * walks them, and keep it. Where a design orders that walk by file (the
 * rmap's order of inode numbers), a renamed walk is not the walk of the
 * renamed state, and the declaration is not a symmetry: the self-check
 * (engine/symmetry.ts) says so.
 */
import type { Renaming, SymmetryDeclaration } from '../design.js';
import { NULL, type World } from './state.js';

function renameWorld<S extends World>(s: S, file: readonly number[]): S {
  const F = s.ext.length,
    B = s.ext[0].length;
  const rows = <T>(xs: readonly T[]): T[] => {
    const out = xs.slice();
    xs.forEach((x, f) => (out[file[f]] = (Array.isArray(x) ? x.slice() : x) as T));
    return out;
  };
  const mapping = (m: number) => (m >= 0 && m < F ? file[m] : m);
  // m*B+i, of a mapping or a file.
  const place = (o: number) => (o < 0 ? o : mapping(Math.floor(o / B)) * B + (o % B));
  const entry = s.entry.map((row) => row.slice());
  for (let m = 0; m < F; m++) entry[file[m]] = s.entry[m].slice();
  const mf = s.mf && {
    ...s.mf,
    by: s.mf.by === NULL ? NULL : file[s.mf.by],
    due: s.mf.due.map((f) => file[f]).sort(),
    related: s.mf.related.map((f) => file[f]).sort(),
    owners: s.mf.owners.map(place).sort(),
    walk: s.mf.walk.map(place),
    ...(s.mf.visited ? { visited: s.mf.visited.map(place) } : {}),
    killed: s.mf.killed.map((f) => file[f]).sort(),
    told: s.mf.told.map(place).sort(),
  };
  return {
    ...s,
    ext: rows(s.ext),
    ref: s.ref.slice(),
    disk: s.disk.slice(),
    ghost: rows(s.ghost),
    frame: s.frame.map((fr) => ({ ...fr, mapping: mapping(fr.mapping), owners: fr.owners.map(place) })),
    entry,
    pte: rows(s.pte),
    ptew: rows(s.ptew),
    pin: rows(s.pin),
    ...(s.pinro ? { pinro: rows(s.pinro) } : {}),
    ...(s.pinlong ? { pinlong: rows(s.pinlong) } : {}),
    fault: s.fault && { ...s.fault, f: file[s.fault.f] },
    mf,
    ...(s.reflinkFlag ? { reflinkFlag: rows(s.reflinkFlag) } : {}),
    ...(s.dedupe ? { dedupe: { ...s.dedupe, s: file[s.dedupe.s], d: file[s.dedupe.d] } } : {}),
    ...(s.deduped !== undefined ? { deduped: place(s.deduped) } : {}),
  };
}

/** Files, each with its process, for a design whose state is the world alone. */
export const fileSymmetry: SymmetryDeclaration<World> = {
  description: 'files (each with the process that maps it)',
  domains: ({ params: { F } }) => ({ file: F }),
  permute: (s, { file }: Renaming) => renameWorld(s, file),
};
