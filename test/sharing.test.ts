/**
 * Each sharing property holds on a design that keeps it and is broken by a
 * bug toggle that the design's thread warns about, found both by the
 * exhaustive and by the random search (fixed seeds, small bounds).
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { findDesign } from '../model/designs/index.js';
import { traceMeta } from '../trace/counterexample.js';

interface Case {
  readonly property: string;
  readonly design: string;
  /** The depth to which the property holds without bugs. */
  readonly depth: number;
  /** Goals guarding the property not yet reached at `depth`: the holds there is vacuous. */
  readonly unreached?: readonly string[];
  readonly bug: string;
  /** The depth at which the bug's shortest counterexample lies, when deeper than `depth`. */
  readonly bugDepth?: number;
  /** A random search that finds it, where the default one does not (a 6-step history is rare). */
  readonly random?: { readonly runs: number; readonly steps: number; readonly seed: number };
  /**
   * A smaller world for the bug searches, where the same violation lies at the
   * same depth among far fewer states (the holds searches keep the defaults).
   */
  readonly bugParams?: Readonly<Record<string, number>>;
  /**
   * The design breaks the property by itself at this depth, beyond `depth`
   * (where it holds): a random search may find that, so the case checks the
   * design's own counterexample exhaustively instead of a random miss.
   */
  readonly own?: number;
}

export const CASES: readonly Case[] = [
  { property: 'single-ownership', design: 'fsdax-shared', depth: 5, bug: 'share-not-dropped', bugDepth: 6, random: { runs: 1000, steps: 12, seed: 4 }, bugParams: { B: 1, V: 1 } },
  { property: 'refcount', design: 'fsdax-shared', depth: 5, bug: 'count-not-dropped' },
  { property: 'cow-isolation', design: 'fsdax-shared', depth: 4, bug: 'write-in-place-shared' },
  // Holds (a fault on a reflinked extent waits for the AGF the walk holds; a pte through an owner already visited is a later fault).
  // 3000 runs: since a layout break sleeps on a pinned page (model/world/layout-break.ts) the walks spend
  // steps in sleeping breaks, and seed 1 finds the bug at run 1832.
  { property: 'memfail-reach', design: 'fsdax-shared', depth: 5, bug: 'missing-rmap-entry', random: { runs: 3000, steps: 20, seed: 1 } },
  { property: 'memfail-notify', design: 'fsdax-shared', depth: 4, bug: 'generic-fallback' },
  // Holds to 4: mainline does not claim it; at 5 a fault through one mapping holds the pfn poisoned through another.
  { property: 'entry-lock', design: 'fsdax-shared', depth: 4, bug: 'no-entry-lock', own: 5, random: { runs: 1000, steps: 12, seed: 1 } },
  { property: 'layout-pin', design: 'fsdax-shared', depth: 5, bug: 'no-break-layouts' },
  { property: 'reflink-walks-no-pages', design: 'fragment-owner', depth: 4, bug: 'count-per-page' },
  // generic/630: a dedupe that drops its locks after the compare lets a write change what it remaps.
  { property: 'content-by-own-writes', design: 'fsdax-shared', depth: 5, bug: 'dedupe-unlocked', bugDepth: 4, random: { runs: 1000, steps: 12, seed: 1 } },
];

const RANDOM = { mode: 'random', runs: 1000, steps: 12, seed: 20240611 } as const;

describe.each(CASES)('$property on $design', ({ property, design, depth, unreached, bug, bugDepth, random, bugParams, own }) => {
  const d = findDesign(design);
  it(`holds to depth ${depth}, exhaustively${unreached ? ', vacuously (the design breaks it one action deeper)' : ''}`, () => {
    const r = check(d, { mode: 'exhaustive', properties: [property], depth });
    const verdict = unreached ? { verdict: 'vacuous', unreached } : { verdict: 'holds' };
    expect(r.properties[0]).toMatchObject({ id: property, ...verdict, bound: { complete: true } });
    expect(r.properties[0].bound!.states).toBeGreaterThan(1000);
  });
  if (own === undefined) {
    it('is not broken by random search', () => {
      const r = check(d, { ...RANDOM, properties: [property] });
      expect(r.properties[0].verdict).toBe('inconclusive');
    });
  } else {
    it(`is broken by the design itself at depth ${own}, exhaustively`, () => {
      const r = check(d, { mode: 'exhaustive', properties: [property], depth: own });
      expect(r.properties[0]).toMatchObject({ verdict: 'violated', traceLength: own });
      expect(traceMeta(r.counterexamples[property]).bugs).toEqual([]);
    });
  }
  it(`is broken by --bug ${bug}, exhaustively`, () => {
    const r = check(d, { mode: 'exhaustive', properties: [property], depth: bugDepth ?? depth, bugs: [bug], ...(bugParams && { params: bugParams }) });
    expect(r.properties[0].verdict).toBe('violated');
    expect(traceMeta(r.counterexamples[property]).bugs).toEqual([bug]);
  });
  it(`is broken by --bug ${bug}, by random search`, () => {
    const r = check(d, { ...RANDOM, ...random, properties: [property], bugs: [bug], ...(bugParams && { params: bugParams }) });
    expect(r.properties[0]).toMatchObject({ verdict: 'violated', mode: 'random' });
  });
});
