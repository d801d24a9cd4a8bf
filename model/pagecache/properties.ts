/**
 * The page-cache world's properties (pure functions of a state) and its
 * footprint view: how many folios the page cache holds against how many
 * distinct blocks are behind them, the figure the sharing designs are
 * measured against (issue 12: "two reflinked files cached take twice the
 * memory").
 */
import type { Goal, Property } from '../design.js';
import { bit, content, HOLE, NONE, type PagecacheState } from './state.js';

export interface Footprint {
  /** Folios in the page cache. */
  readonly folios: number;
  /** Distinct physical blocks behind the cached folios that map one. */
  readonly blocks: number;
  /** Folios over a block another cached folio is also over: the memory sharing would save. */
  readonly duplicates: number;
  /** With a shared buffer cache: the shadow entries, which hold no data of their own (a master's folio counts in `folios`). */
  readonly shadows?: number;
}

export interface PagecacheView {
  readonly footprint: Footprint;
}

export function footprint(s: PagecacheState): Footprint {
  let folios = 0;
  let backed = 0;
  const blocks = new Set<number>();
  s.folio.forEach((row, f) =>
    row.forEach((v, b) => {
      if (v === NONE) return;
      folios++;
      const p = s.ext[f][b];
      if (p !== HOLE) {
        backed++;
        blocks.add(p);
      }
    }),
  );
  if (s.master === undefined || s.shadow === undefined) return { folios, blocks: blocks.size, duplicates: backed - blocks.size };
  // The buffer cache's masters are folios too, each over its block; a shadow is an entry in a mapping, no memory.
  s.master.forEach((v, p) => {
    if (v === NONE) return;
    folios++;
    backed++;
    blocks.add(p);
  });
  const shadows = s.shadow.reduce((n, row) => n + row.filter((p) => p !== NONE).length, 0);
  return { folios, blocks: blocks.size, duplicates: backed - blocks.size, shadows };
}

export const isolation: Property<PagecacheState, PagecacheView> = {
  id: 'isolation',
  description: "a write to one file never changes another file's content: every block reads what was last written, cloned or punched there",
  check: (s) => {
    for (let f = 0; f < s.ext.length; f++) {
      for (let b = 0; b < s.size[f]; b++) {
        const got = content(s, f, b);
        if (got !== s.ghost[f][b]) {
          const p = s.ext[f][b];
          const m = s.shadow?.[f][b] ?? NONE;
          const where =
            s.folio[f][b] !== NONE
              ? 'its folio'
              : m !== NONE
                ? `its shadow of block ${m}'s master${s.master![m] === NONE ? ', which is not cached' : ''}`
                : p === HOLE
                  ? 'a hole'
                  : `block ${p} (refcount ${s.ref[p]})`;
          return `file ${f} block ${b} reads ${got} from ${where}, but ${s.ghost[f][b]} was last put there`;
        }
      }
    }
    return undefined;
  },
};

export const readYourWrites: Property<PagecacheState, PagecacheView> = {
  id: 'read-your-writes',
  description: 'a read (read(2) or an mmap load) returns what the file holds, its own unwritten-back stores included',
  check: (s) => {
    const { f, b, v } = s.read;
    if (f < 0 || v === s.ghost[f][b]) return undefined;
    return `a read of file ${f} block ${b} returned ${v}, but the file holds ${s.ghost[f][b]}${s.dirty[f][b] ? ' in a dirty folio' : ''}`;
  },
};

export const fsyncDurability: Property<PagecacheState, PagecacheView> = {
  id: 'fsync-durability',
  description:
    "after a crash and mount every block holds what the last fsync made durable or a value written since, and every file has the size of its last fsync or one it had since (a write past EOF: any EOF up to the write's end, as its data is written back)",
  check: (s) => {
    if (!s.crashed) return undefined;
    for (let f = 0; f < s.ext.length; f++) {
      if ((s.hsize[f] & bit(s.size[f])) === 0) return `after the crash file ${f} has ${s.size[f]} blocks, a size neither its last fsync nor anything since left it`;
      for (let b = 0; b < s.size[f]; b++) {
        if ((s.hist[f][b] & bit(s.ghost[f][b])) === 0) {
          const allowed = [...Array(31).keys()].filter((v) => s.hist[f][b] & bit(v));
          return `after the crash file ${f} block ${b} reads ${s.ghost[f][b]}; its last fsync and the writes since allow only ${allowed.join(' or ')}`;
        }
      }
    }
    return undefined;
  },
};

export const pagecacheProperties = [isolation, readYourWrites, fsyncDurability];

export const pagecacheGoals: Goal<PagecacheState, PagecacheView>[] = [
  {
    id: 'cow-at-writeback',
    description: 'a dirty folio over a shared block written back (xfs_reflink_end_cow)',
    reached: (s) => s.cow === 1,
    guards: ['isolation'],
  },
  {
    id: 'read-of-dirty-folio',
    description: 'a read of a block whose folio is dirty',
    reached: (s) => s.read.f >= 0 && s.dirty[s.read.f][s.read.b] === 1,
    guards: ['read-your-writes'],
  },
  {
    id: 'crash-after-fsync',
    description: 'a crash and mount after which some block holds data',
    reached: (s) => s.crashed === 1 && s.ghost.some((row) => row.some((v) => v !== 0)),
    guards: ['fsync-durability'],
  },
  {
    id: 'double-cached',
    description: 'two folios of different files cached over one physical block (the memory a shared cache would save)',
    reached: (_s, _cfg, view) => view.footprint.duplicates > 0,
  },
];
