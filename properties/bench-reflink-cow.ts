/**
 * The two invariants of the benchmark model (shared/bench/reflink-cow.md,
 * "Invariants"): block reference counts match the extent maps, and a free
 * block holds zeroes.
 */
import type { Property } from '../engine/model.js';

/** The benchmark's state: `ext[f][b]` is a physical block or HOLE. */
export interface BlockMapState {
  readonly ext: readonly (readonly number[])[];
  readonly ref: readonly number[];
  readonly data: readonly number[];
}

export const HOLE = -1;

export const accounting: Property<BlockMapState> = {
  id: 'accounting',
  description: 'ref[p] equals the number of (file, block) whose extent maps to p',
  check: (s) => {
    const counts = new Array<number>(s.ref.length).fill(0);
    for (const row of s.ext) for (const p of row) if (p !== HOLE) counts[p]++;
    for (let p = 0; p < s.ref.length; p++) {
      if (counts[p] !== s.ref[p]) return `block ${p} has ref ${s.ref[p]} but ${counts[p]} extent(s) map to it`;
    }
    return undefined;
  },
};

export const freeZeroed: Property<BlockMapState> = {
  id: 'free-zeroed',
  description: 'a block with ref 0 holds zeroes',
  check: (s) => {
    for (let p = 0; p < s.ref.length; p++) {
      if (s.ref[p] === 0 && s.data[p] !== 0) return `block ${p} is free (ref 0) but holds value ${s.data[p]}`;
    }
    return undefined;
  },
};
