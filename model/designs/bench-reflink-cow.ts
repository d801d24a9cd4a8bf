/**
 * bench-reflink-cow: the benchmark model of shared/bench/reflink-cow.md,
 * exactly as specified there (same variables, same enabled actions, same
 * successors), so that its distinct state counts can be held against any
 * other explicit-state checker's. Not a kernel design: a yardstick.
 *
 * The two bug toggles are not in the spec; they are off by default and exist
 * so that the tests can show each invariant catching a real violation.
 */
import { defineDesign, type Config } from '../design.js';
import { accounting, freeZeroed, HOLE, type BlockMapState } from '../../properties/bench-reflink-cow.js';

export type BenchAction =
  | { readonly kind: 'write'; readonly f: number; readonly b: number; readonly v: number }
  | { readonly kind: 'reflink'; readonly s: number; readonly d: number }
  | { readonly kind: 'punch'; readonly f: number; readonly b: number };

interface State extends BlockMapState {
  ext: number[][];
  ref: number[];
  data: number[];
}

/** The lowest free physical block, or -1. */
function lowestFree(ref: readonly number[]): number {
  return ref.indexOf(0);
}

function sameRow(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Releasing block p: one reference fewer, zeroed when none is left. */
function release(d: State, p: number, cfg: Config): void {
  d.ref[p] -= 1;
  if (d.ref[p] === 0 && !cfg.bugs.has('no-zero-on-free')) d.data[p] = 0;
}

export default defineDesign<State, BenchAction>({
  name: 'bench-reflink-cow',
  summary: 'Benchmark: files, block refcounts and copy-on-write over reflink, punch and write',
  seed: 'shared/bench/reflink-cow.md (the benchmark specification, not a mail)',
  params: {
    F: { default: 2, min: 2, max: 6, description: 'files' },
    B: { default: 2, min: 1, max: 6, description: 'logical blocks per file' },
    P: { default: 3, min: 1, max: 12, description: 'physical blocks' },
    V: { default: 2, min: 2, max: 6, description: 'data values (0 is zeroes)' },
  },
  bugs: {
    'leak-on-punch': 'punch unmaps the block but does not drop its reference',
    'no-zero-on-free': 'a block whose last reference goes keeps its data',
  },
  // The spec's configurations are finite, and exhausted well within depth 12;
  // the bound is there for leak-on-punch, whose counts grow without end.
  bounds: { depth: 12 },
  init: ({ params: { F, B, P } }) => ({
    ext: Array.from({ length: F }, () => new Array<number>(B).fill(HOLE)),
    ref: new Array<number>(P).fill(0),
    data: new Array<number>(P).fill(0),
  }),

  actions: (s, { params: { F, B, V } }) => {
    const out: BenchAction[] = [];
    const free = lowestFree(s.ref);
    for (let f = 0; f < F; f++) {
      for (let b = 0; b < B; b++) {
        const p = s.ext[f][b];
        for (let v = 1; v < V; v++) {
          const enabled = p === HOLE ? free >= 0 : s.ref[p] === 1 ? s.data[p] !== v : free >= 0;
          if (enabled) out.push({ kind: 'write', f, b, v });
        }
      }
    }
    for (let src = 0; src < F; src++) {
      if (!s.ext[src].some((p) => p !== HOLE)) continue;
      for (let dst = 0; dst < F; dst++) {
        if (dst !== src && !sameRow(s.ext[src], s.ext[dst])) out.push({ kind: 'reflink', s: src, d: dst });
      }
    }
    for (let f = 0; f < F; f++) for (let b = 0; b < B; b++) if (s.ext[f][b] !== HOLE) out.push({ kind: 'punch', f, b });
    return out;
  },

  next: {
    write:
      ({ f, b, v }) =>
      (d) => {
        const p = d.ext[f][b];
        if (p !== HOLE && d.ref[p] === 1) {
          d.data[p] = v;
          return;
        }
        // A hole, or a shared block (copy on write): take the lowest free block.
        const free = lowestFree(d.ref);
        if (p !== HOLE) d.ref[p] -= 1;
        d.ext[f][b] = free;
        d.ref[free] = 1;
        d.data[free] = v;
      },
    // Release all of the destination's old blocks first, then take the new references.
    reflink:
      ({ s, d: dst }, _state, cfg) =>
      (d) => {
        for (const p of d.ext[dst]) if (p !== HOLE) release(d, p, cfg);
        for (let b = 0; b < d.ext[s].length; b++) {
          const p = d.ext[s][b];
          d.ext[dst][b] = p;
          if (p !== HOLE) d.ref[p] += 1;
        }
      },
    punch:
      ({ f, b }, _state, cfg) =>
      (d) => {
        if (!cfg.bugs.has('leak-on-punch')) release(d, d.ext[f][b], cfg);
        d.ext[f][b] = HOLE;
      },
  },

  // The spec's rules treat every file alike, and every non-zero value alike
  // (write takes any v in 1..V-1; only 0, zeroes, is special). Physical
  // blocks are not interchangeable: write takes the lowest free one, so a
  // renaming of blocks does not commute with it.
  symmetry: {
    description: 'files; non-zero values',
    domains: ({ params: { F, V } }) => ({ file: F, value: V - 1 }),
    permute: (s, { file, value }) => {
      const ext = s.ext.map((row) => row.slice());
      if (file) s.ext.forEach((row, f) => (ext[file[f]] = row.slice()));
      const data = value ? s.data.map((v) => (v === 0 ? 0 : value[v - 1] + 1)) : s.data.slice();
      return { ext, ref: s.ref.slice(), data };
    },
  },

  picture: {
    groups: { block: ['ref', 'data'] },
    refs: [{ at: 'ext[*][*]', to: 'block', none: [HOLE] }],
    names: { ext: 'file' },
  },

  always: [accounting, freeZeroed],
  // The benchmark is a spec, not a proposal: it claims both of its properties, and its steps
  // stand for the spec's rules (shared/bench/reflink-cow.md), each the kernel operation it abstracts.
  claims: ['accounting', 'free-zeroed'],
  notes: {
    write: 'spec write(f, b, v): pwrite; a hole or a shared block takes the lowest free block (CoW)',
    reflink: "spec reflink(s, d): FICLONE; the destination's old blocks released, then shared",
    punch: 'spec punch(f, b): fallocate(PUNCH_HOLE); the block released, zeroed when free',
  },
  sometimes: [
    {
      id: 'block-shared',
      description: 'one physical block mapped by two (file, block) places',
      reached: (s) => s.ref.some((r) => r >= 2),
    },
    {
      id: 'all-blocks-used',
      description: 'no physical block is free',
      reached: (s) => s.ref.every((r) => r > 0),
    },
  ],
});
