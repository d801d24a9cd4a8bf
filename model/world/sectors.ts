/**
 * Sub-block writes in the DAX world (issue 10 section 2): a block (one
 * page: fsdax maps a block per pte) of S sectors, written by write(2) or a
 * store over any sector range [sec, sec + nsec), while faults, reflink,
 * dedupe and punch stay block-sized as the kernel does them.
 *
 * Contents are still one number per block (disk) and per file offset
 * (ghost), so every property compares them as before: the sectors' values,
 * one decimal digit each, sector 0 first (V <= 4 and S <= 3 keep a block
 * under 1000). With S = 1 a block is its one value, exactly the world
 * before sectors; "12" reads "sector 0 holds 1, sector 1 holds 2", and a
 * leading zero sector drops out like a leading zero ("2" is 0, 2 at S = 2).
 *
 * What a partial write of a block that needs a new one leaves in the sectors
 * it does not write, as the kernel does it:
 * - CoW of a shared block (IOMAP_F_SHARED with the shared block as srcmap):
 *   dax_iomap_iter -> dax_iomap_copy_around(pos, length, PAGE_SIZE, srcmap,
 *   kaddr) copies the head [page start, pos) and the tail [end, page end)
 *   from the old block; a write fault (dax_fault_iter) copies the whole page
 *   (copy_all), as the world always did;
 * - a hole (or an unwritten extent, which the world does not have): the new
 *   block is zeroed, by the allocation (xfs_iomap_write_direct with
 *   IOMAP_DAX: XFS_BMAPI_CONVERT | XFS_BMAPI_ZERO) or, where the CoW fork
 *   already held a block over the hole, by dax_iomap_copy_around's zero_edge
 *   (srcmap IOMAP_HOLE makes iomap_iter_srcmap return the IOMAP_F_SHARED
 *   iomap; IOMAP_UNWRITTEN is tested directly): "zero the area to make sure
 *   no old data remains".
 * A freed block keeps its old contents (the world never scrubs pmem), so a
 * write that left an edge alone would show the block's last owner's data.
 * The copy reads the old block (dax_iomap_direct_access on the srcmap), so a
 * CoW write(2) from a bad block is -EIO, whole block or not (dax.ts, allow).
 * tmpfs-cowflag takes the same rules: shmem_write_end zeroes a new folio's
 * edges (folio_zero_segments), and the proposal's CoW copies the whole page.
 */
import type { Config, ParamSpec } from '../design.js';

export const sectorParam: ParamSpec = {
  default: 1,
  min: 1,
  max: 3,
  description: 'sectors per block: write(2) and stores of any sector range; 1 is whole-block writes',
};

/** The toggles that break the edges of a partial write (model/world/dax.ts reads them). */
export const NO_COPY_AROUND = 'no-copy-around';
export const NO_ZERO_EDGES = 'no-zero-edges';
export const SUBBLOCK_BUGS = {
  [NO_COPY_AROUND]: 'a partial write(2) CoW of a shared block copies nothing around the range (no dax_iomap_copy_around head/tail): the new block keeps what it held before in the sectors not written',
  [NO_ZERO_EDGES]: "a partial write(2) into a hole zeroes nothing around the range (no XFS_BMAPI_ZERO, no zero_edge): the new block keeps its last owner's data in the sectors not written",
} as const;

export const sectorsOf = (cfg: Config): number => cfg.params.S ?? 1;

/** The sector range a write or store covers; the whole block where the action names none. */
export interface Span {
  readonly sec: number;
  readonly nsec: number;
}

export const spanOf = (a: { readonly sec?: number; readonly nsec?: number }, S: number): Span => ({ sec: a.sec ?? 0, nsec: a.nsec ?? S });

/**
 * Every sector range, the whole block first and unnamed (so that S = 1
 * gives today's actions and labels exactly), then each partial one.
 */
export function spans(S: number): (Span | undefined)[] {
  const out: (Span | undefined)[] = [undefined];
  for (let nsec = 1; nsec < S; nsec++) for (let sec = 0; sec + nsec <= S; sec++) out.push({ sec, nsec });
  return out;
}

const pow = (k: number): number => 10 ** k;

/** Sector k of a block's contents x (sector 0 the most significant digit). */
export function sectorOf(x: number, k: number, S: number): number {
  return Math.floor(x / pow(S - 1 - k)) % 10;
}

/** A block whose every sector holds v. */
export function fill(v: number, S: number): number {
  let x = 0;
  for (let k = 0; k < S; k++) x = x * 10 + v;
  return x;
}

/** x with the sectors of span replaced by v. */
export function put(x: number, span: Span, v: number, S: number): number {
  let out = 0;
  for (let k = 0; k < S; k++) out = out * 10 + (k >= span.sec && k < span.sec + span.nsec ? v : sectorOf(x, k, S));
  return out;
}

/** Every sector of span already holds v in x: the write would change nothing the file shows. */
export function holds(x: number, span: Span | undefined, v: number, S: number): boolean {
  const { sec, nsec } = span ?? { sec: 0, nsec: S };
  for (let k = sec; k < sec + nsec; k++) if (sectorOf(x, k, S) !== v) return false;
  return true;
}

/**
 * The contents of a new block q after a write of v over span: `around` is
 * what the sectors outside span get, the old block's contents for a CoW
 * (dax_iomap_copy_around's head and tail copy), 0 for a hole (zeroed
 * edges); `stale` is what q held, which a broken edge leaves there.
 */
export function newBlock(around: number, stale: number, span: Span, v: number, S: number, broken: boolean): number {
  return put(broken ? stale : around, span, v, S);
}
