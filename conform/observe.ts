/**
 * What a user can observe of the files, from the model and from the kernel,
 * and how the two are compared. Per file: its size, each 4 KiB block's value
 * (every store writes one byte value over a whole block), and, through
 * FIEMAP, whether each block is a hole, holds data alone or is shared, and
 * which blocks share one physical block. Where the model says a block's
 * placement is not settled yet (a dirty folio: its delalloc or CoW
 * reservation is the filesystem's business until writeback) it says `?`.
 */
import type { FsType } from './fs.js';

export const BLOCK = 4096;

export interface RealFile {
  readonly size: number;
  readonly values: readonly (number | 'x')[];
  /** H hole, U unwritten, L delalloc, D:phys data, S:phys shared. */
  readonly map: readonly string[];
}

export interface ModelFile {
  /** In blocks. */
  readonly size: number;
  readonly values: readonly number[];
  readonly map: readonly ('H' | 'D' | 'S' | '?')[];
  /** The model's physical block behind each block (for which blocks share one), -1 where none or unsettled. */
  readonly block: readonly number[];
}

export interface ModelObservation {
  readonly files: readonly ModelFile[];
  /** What the operation itself returned (a read's values, a dedupe's status), where it returns anything. */
  readonly result?: string;
}

export interface RealObservation {
  readonly files: readonly RealFile[];
  readonly result?: string;
}

/** `ok 8192 1,0 D:40960,H 8192 0,0 H,H` (helper.c `observe`). */
export function parseObserve(line: string, files: number): RealFile[] {
  const words = line.trim().split(/\s+/);
  if (words[0] !== 'ok' || words.length !== 1 + 3 * files) throw new Error(`observe: unexpected answer '${line}'`);
  const out: RealFile[] = [];
  for (let f = 0; f < files; f++) {
    const [size, values, map] = words.slice(1 + 3 * f, 4 + 3 * f);
    out.push({
      size: Number(size),
      values: values === '-' ? [] : values.split(',').map((v) => (v === 'x' ? 'x' : Number(v))),
      map: map === '-' ? [] : map.split(','),
    });
  }
  return out;
}

const holeLike = (m: string) => m === 'H' || m === 'U' || m === 'L';

/**
 * The first difference between what the model says and what the kernel did,
 * in a line, or undefined. On btrfs a block the model has alone may report
 * SHARED: btrfs's FIEMAP asks whether the extent *item* is shared
 * (btrfs_is_data_extent_shared, fs/btrfs/backref.c), and a CoW of part of
 * a shared extent leaves the rest of it referenced (a bookend extent), so
 * only "shared in the model implies SHARED" is held there, with the sharing
 * partition. And on btrfs a block written back may still report delalloc:
 * writeback of one page allocates its whole delalloc range
 * (writepage_delalloc -> btrfs_run_delalloc_range) and the file extent item
 * appears only when the range's ordered extent completes
 * (btrfs_finish_ordered_io), once every page of it is written; so there a
 * delalloc block is unsettled, its contents still compared.
 */
export function difference(model: ModelObservation, real: RealObservation, fs: FsType): string | undefined {
  if (model.result !== undefined && model.result !== real.result) return `the operation returned ${real.result ?? 'nothing'}, the model says ${model.result}`;
  for (let f = 0; f < model.files.length; f++) {
    const m = model.files[f];
    const r = real.files[f];
    if (r.size !== m.size * BLOCK) return `file ${f} has ${r.size} bytes, the model says ${m.size * BLOCK}`;
    for (let b = 0; b < m.size; b++) {
      if (r.values[b] !== m.values[b]) return `file ${f} block ${b} reads ${r.values[b] === 'x' ? 'mixed bytes' : r.values[b]}, the model says ${m.values[b]}`;
    }
    for (let b = 0; b < m.size; b++) {
      const want = m.map[b];
      const got = r.map[b];
      if (want === '?') continue;
      if (got === 'L' && fs === 'btrfs') continue;
      if (want === 'H' && !holeLike(got)) return `file ${f} block ${b} is mapped (${got}), the model says a hole`;
      if (want !== 'H' && holeLike(got)) return `file ${f} block ${b} is ${got === 'H' ? 'a hole' : got === 'U' ? 'unwritten' : 'delalloc'}, the model says it holds data`;
      if (want === 'S' && !got.startsWith('S')) return `file ${f} block ${b} is not SHARED in FIEMAP, the model says shared (refcount > 1)`;
      if (want === 'D' && got.startsWith('S') && fs === 'xfs') return `file ${f} block ${b} is SHARED in FIEMAP, the model says this file alone maps it`;
    }
  }
  // Which places share a physical block: the same partition on both sides. On btrfs only one way (what the
  // model shares, the kernel shares): right after a writeback FIEMAP may still show a CoWed block at its old
  // extent, the new file extent item being inserted by btrfs_finish_ordered_io from a workqueue; the same
  // steps by hand (an xfs_io process each) show it moved.
  const byModel = new Map<number, string>();
  const byReal = new Map<string, number>();
  for (let f = 0; f < model.files.length; f++) {
    const m = model.files[f];
    for (let b = 0; b < m.size; b++) {
      const p = m.block[b];
      const got = real.files[f].map[b];
      if (p < 0 || m.map[b] === '?' || holeLike(got)) continue;
      const phys = got.slice(2);
      const seen = byModel.get(p);
      if (seen !== undefined && seen !== phys) return `file ${f} block ${b} is at ${phys}, not with the other places the model puts on its block ${p} (at ${seen})`;
      const seenP = byReal.get(phys);
      if (seenP !== undefined && seenP !== p && fs === 'xfs') return `file ${f} block ${b} shares physical ${phys} with a place the model puts on another block`;
      byModel.set(p, phys);
      byReal.set(phys, p);
    }
  }
  return undefined;
}
