/**
 * The page-cache world with a shared buffer cache (shadow-pages-pagecache,
 * seed 000): the properties and goals of a master folio per shared block
 * and shadow entries pointing to it. Pure functions of a state; a state
 * without a buffer cache (mainline) has no shadows, and a folio of its own
 * per (file, index) is what single-copy counts there.
 */
import type { Goal, Property } from '../design.js';
import type { PagecacheView } from './properties.js';
import { HOLE, NONE, shadowsOf, type PagecacheState } from './state.js';

export const singleCopy: Property<PagecacheState, PagecacheView> = {
  id: 'single-copy',
  description: 'a shared block that several cached (file, index) read through is cached once: no two clean folios over one shared block (a master its shadows read counts once)',
  check: (s) => {
    for (let p = 0; p < s.ref.length; p++) {
      if (s.ref[p] < 2) continue;
      const copies: string[] = [];
      s.folio.forEach((row, f) =>
        row.forEach((v, b) => {
          if (v !== NONE && !s.dirty[f][b] && s.ext[f][b] === p) copies.push(`file ${f} block ${b}'s folio`);
        }),
      );
      const readers = shadowsOf(s, p);
      if (readers.length > 0) copies.push(`the master (${readers.map(([f, b]) => `file ${f} block ${b}`).join(', ')} through shadows)`);
      if (copies.length > 1) return `shared block ${p} (refcount ${s.ref[p]}) is cached ${copies.length} times: ${copies.join(', ')}`;
    }
    return undefined;
  },
};

export const shadowCoherent: Property<PagecacheState, PagecacheView> = {
  id: 'shadow-coherent',
  description: 'every shadow points to the master of the block its file maps at that index, and that master is in the buffer cache',
  check: (s) => {
    if (s.shadow === undefined) return undefined;
    for (let f = 0; f < s.shadow.length; f++) {
      for (let b = 0; b < s.shadow[f].length; b++) {
        const m = s.shadow[f][b];
        if (m === NONE) continue;
        const p = s.ext[f][b];
        if (p !== m) return `file ${f} block ${b}'s shadow points to block ${m}'s master, but the file maps ${p === HOLE ? 'a hole' : `block ${p}`} there`;
        if (s.master![m] === NONE) return `file ${f} block ${b}'s shadow points to block ${m}'s master, which is no longer in the buffer cache`;
        if (s.folio[f][b] !== NONE) return `file ${f} block ${b} has both a folio and a shadow`;
      }
    }
    return undefined;
  },
};

/** Ghost events of shadow-pages-pagecache's steps. */
export interface ShadowEvents {
  /** 1 when the last step was a store that tossed the (file, index)'s shadow (the mail's CoW). */
  toss: number;
  /** 1 when the last step reclaimed a master. */
  reclaimed: number;
}

type ShadowState = PagecacheState & ShadowEvents;

export const shadowGoals: Goal<ShadowState, PagecacheView>[] = [
  {
    id: 'shadow-over-shared',
    description: "a (file, index) over a shared block reads it through a shadow of the block's master",
    reached: (s) => s.shadow!.some((row, f) => row.some((m, b) => m !== NONE && s.ext[f][b] === m && s.ref[m] > 1)),
    guards: ['shadow-coherent'],
  },
  {
    id: 'two-files-one-master',
    description: 'two files read one shared block through shadows of one master',
    reached: (s) => s.master!.some((v, p) => v !== NONE && new Set(shadowsOf(s, p).map(([f]) => f)).size > 1),
    guards: ['single-copy'],
  },
  {
    id: 'cow-of-shadowed',
    description: 'a store to a shadowed block tossed the shadow for a private dirty folio (seed 000: "When the page get\'s COWed, we toss away the shadow page")',
    reached: (s) => s.toss === 1,
    guards: ['isolation', 'read-your-writes'],
  },
  {
    id: 'master-reclaimed',
    description: 'a master reclaimed from the buffer cache',
    reached: (s) => s.reclaimed === 1,
    guards: ['shadow-coherent'],
  },
];
