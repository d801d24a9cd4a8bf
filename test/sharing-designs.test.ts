/**
 * shadow-pages, imapping-redirect and owner-list: what each design keeps and
 * what it breaks by itself, as the exhaustive search finds it (at a depth
 * below the default bound, to keep the suite small), and each bug toggle
 * breaking the property it is about, by exhaustive and by random search.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { findDesign } from '../model/designs/index.js';
import { traceMeta } from '../trace/counterexample.js';

interface BugCase {
  readonly bug: string;
  readonly property: string;
  /** The depth of the exhaustive search that finds it. */
  readonly depth: number;
  /** A random search that finds it, where the default one does not. */
  readonly random?: { readonly runs: number; readonly steps: number; readonly seed: number };
}

interface DesignCase {
  readonly design: string;
  readonly depth: number;
  /** Properties whose guarding goals `depth` does not reach: nothing violated them, but they hold vacuously. */
  readonly vacuous: readonly string[];
  /** Properties the design keeps to `depth` (complete). */
  readonly holds: readonly string[];
  /** Properties the design breaks by itself within `depth`. */
  readonly violated: readonly string[];
  /** Properties the design breaks by itself only deeper than `depth` (still within its default bound), and where. */
  readonly deeper?: readonly { readonly property: string; readonly depth: number }[];
  readonly bugs: readonly BugCase[];
}

const CASES: readonly DesignCase[] = [
  {
    design: 'imapping-redirect',
    depth: 4,
    // Its own memfail-reach violation (a vma set up before the reflink is on the old mapping's i_mmap) needs 5
    // actions, and so does memfail-notify's (that page cannot be unmapped, so the handler stops before telling).
    holds: ['memfail-notify'],
    // At depth 4 no pfn is yet mapped by two files, nor a mapped shared page CoW-broken.
    vacuous: ['single-ownership', 'refcount', 'memfail-reach', 'entry-lock'],
    violated: ['cow-isolation', 'layout-pin'],
    deeper: [
      { property: 'memfail-reach', depth: 5 },
      { property: 'memfail-notify', depth: 5 },
    ],
    bugs: [
      { bug: 'mapping-not-updated', property: 'single-ownership', depth: 1 },
      { bug: 'memfail-host-only', property: 'memfail-notify', depth: 2 },
      { bug: 'count-not-dropped', property: 'refcount', depth: 4 },
    ],
  },
  {
    design: 'shadow-pages',
    depth: 4,
    // Its entry-lock violation (a fault through one file holds the master poisoned through the other) needs
    // 5 actions; memfail-reach holds to the default bound (test/sharing-agf.test.ts): a fault on a reflinked
    // extent waits for the AGF the walk holds, so no pte to the master appears through an owner already visited.
    holds: ['cow-isolation', 'memfail-notify', 'entry-lock'],
    vacuous: ['single-ownership', 'refcount', 'memfail-reach', 'layout-pin'],
    violated: [],
    deeper: [
      { property: 'single-ownership', depth: 5 },
      { property: 'entry-lock', depth: 5 },
    ],
    bugs: [
      { bug: 'shadow-not-tossed', property: 'refcount', depth: 4 },
      { bug: 'memfail-via-mapping', property: 'memfail-notify', depth: 1 },
      { bug: 'count-not-dropped', property: 'refcount', depth: 3 },
      { bug: 'write-in-place-shared', property: 'cow-isolation', depth: 2 },
      { bug: 'no-break-layouts', property: 'layout-pin', depth: 4 },
    ],
  },
  {
    design: 'owner-list',
    depth: 4,
    // A never-faulted owner is not on the list: the filesystem never learns it (1 action).
    holds: ['cow-isolation', 'entry-lock'],
    vacuous: ['single-ownership', 'refcount', 'memfail-reach', 'layout-pin'],
    violated: ['memfail-notify'],
    deeper: [{ property: 'entry-lock', depth: 5 }],
    bugs: [
      { bug: 'owner-not-added', property: 'single-ownership', depth: 5, random: { runs: 1000, steps: 20, seed: 2 } },
      { bug: 'owner-not-removed', property: 'single-ownership', depth: 3 },
      { bug: 'count-not-dropped', property: 'refcount', depth: 3 },
      { bug: 'write-in-place-shared', property: 'cow-isolation', depth: 2 },
      { bug: 'no-break-layouts', property: 'layout-pin', depth: 4 },
    ],
  },
];

const RANDOM = { mode: 'random', runs: 1000, steps: 12, seed: 20240611 } as const;

describe.each(CASES)('$design', ({ design, depth, holds, vacuous, violated, deeper, bugs }) => {
  const d = findDesign(design);
  it(`keeps ${holds.join(', ')} (and ${vacuous.join(', ')} vacuously) and breaks ${violated.join(', ') || 'nothing'} to depth ${depth}, exhaustively`, () => {
    const r = check(d, { mode: 'exhaustive', depth });
    const verdict = (id: string): string | undefined => r.properties.find((p) => p.id === id)?.verdict;
    for (const id of holds) expect({ id, verdict: verdict(id) }).toEqual({ id, verdict: 'holds' });
    for (const id of vacuous) expect({ id, verdict: verdict(id) }).toEqual({ id, verdict: 'vacuous' });
    for (const id of violated) expect({ id, verdict: verdict(id) }).toEqual({ id, verdict: 'violated' });
    expect(r.properties.filter((p) => p.verdict === 'holds').every((p) => p.bound!.complete && p.bound!.states > 1000)).toBe(true);
  });
  for (const { property, depth: deep } of deeper ?? []) {
    it(`breaks ${property} by itself at depth ${deep}, exhaustively`, () => {
      const r = check(d, { mode: 'exhaustive', properties: [property], depth: deep });
      expect(r.properties[0]).toMatchObject({ verdict: 'violated', traceLength: deep });
    });
  }
  describe.each(bugs)('--bug $bug', ({ bug, property, depth: bugDepth, random }) => {
    it(`breaks ${property}, exhaustively`, () => {
      const r = check(d, { mode: 'exhaustive', properties: [property], depth: bugDepth, bugs: [bug] });
      expect(r.properties[0].verdict).toBe('violated');
      expect(traceMeta(r.counterexamples[property]).bugs).toEqual([bug]);
    });
    it(`breaks ${property}, by random search`, () => {
      const r = check(d, { ...RANDOM, ...random, properties: [property], bugs: [bug] });
      expect(r.properties[0]).toMatchObject({ verdict: 'violated', mode: 'random' });
    });
  });
});
