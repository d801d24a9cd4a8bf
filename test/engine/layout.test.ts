// Flat layouts (engine/layout.ts): which states have one, that words and
// states convert both ways, that an update leaving the layout is caught, and
// that a search keeping states as words finds exactly what the generic path
// finds, also when states leave the layout and come back to it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Codec } from '../../engine/codec.js';
import { exhaustive } from '../../engine/exhaustive.js';
import { compileLayout } from '../../engine/layout.js';
import type { Model, Update } from '../../engine/model.js';
import { resolveConfig } from '../../model/config.js';
import bench from '../../model/designs/bench-reflink-cow.js';
import { instantiate } from '../../model/instantiate.js';
import { counter, referenceBfs } from './toys.js';

const sample = {
  ext: [
    [-1, 2],
    [0, -1],
    [1, 1],
  ],
  ref: [1, 2, 1],
  data: [0, 5, 7],
};
type Sample = typeof sample;
// Values of the sample's layout, with any int32 at the leaves.
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const ofLayout = fc.record(
  {
    ext: fc.tuple(fc.tuple(int32, int32), fc.tuple(int32, int32), fc.tuple(int32, int32)),
    ref: fc.tuple(int32, int32, int32),
    data: fc.tuple(int32, int32, int32),
  },
  { noNullPrototype: true },
);

const packed = (layout: ReturnType<typeof compileLayout<unknown>>, v: unknown) => {
  const words = new Int32Array(layout!.words);
  const out = new Uint32Array(2);
  return layout!.pack(v, words, 0, out) ? { words: [...words], hash: [...out] } : undefined;
};

describe('which states have a flat layout', () => {
  it('records and arrays of int32s do, with one word per integer', () => {
    expect(compileLayout(sample)?.words).toBe(12);
    expect(compileLayout([{ a: 1 }, { a: 2 }])?.words).toBe(2);
    expect(compileLayout({ n: 0 })?.words).toBe(1);
  });

  it('anything else does not: strings, booleans, null, floats, -0, Maps, Sets, empty containers', () => {
    for (const v of [
      { n: 'x' },
      { n: true },
      { n: null },
      { n: undefined },
      { n: 1.5 },
      { n: -0 },
      { n: 2 ** 31 },
      { n: new Map() },
      { n: new Set([1]) },
      { n: [] },
      { n: {} },
      // eslint-disable-next-line no-sparse-arrays -- a sparse array is one of the shapes under test
      { n: [1, , 3] },
      new (class Folio {
        index = 0;
      })(),
      7,
      JSON.parse('{"__proto__": 1}'),
      // Too many words for straight-line code.
      { pfn: new Array(300).fill(0) },
    ]) {
      expect(compileLayout(v), JSON.stringify(v)).toBeUndefined();
    }
  });
});

describe('a layout', () => {
  const layout = compileLayout<unknown>(sample)!;

  it('packs a state into words and makes the same state back from them', () => {
    fc.assert(
      fc.property(ofLayout, (v) => {
        const p = packed(layout, v)!;
        expect(p).toBeDefined();
        const fresh = layout.fresh(Int32Array.from(p.words), 0);
        expect(fresh).toEqual(v);
        expect(packed(layout, fresh)).toEqual(p);
      }),
    );
  });

  it('gives equal states one hash and, on these, distinct states distinct hashes', () => {
    const seen = new Map<string, string>();
    fc.assert(
      fc.property(ofLayout, (v) => {
        const p = packed(layout, v)!;
        const key = p.words.join(',');
        const hash = p.hash.join(':');
        const before = seen.get(hash);
        if (before !== undefined) expect(before).toBe(key);
        seen.set(hash, key);
      }),
      { numRuns: 5000 },
    );
    // Record keys in another order are the same state.
    expect(
      packed(layout, {
        data: [0, 5, 7],
        ref: [1, 2, 1],
        ext: [
          [-1, 2],
          [0, -1],
          [1, 1],
        ],
      }),
    ).toEqual(packed(layout, sample));
  });

  it('refuses a value that does not have the layout', () => {
    const off: unknown[] = [
      { ...sample, extra: 1 },
      { ext: sample.ext, ref: sample.ref },
      { ...sample, ref: [1, 2] },
      { ...sample, ref: [1, 2, 1, 0] },
      { ...sample, data: [0, 'x', 7] },
      { ...sample, data: [0, 0.5, 7] },
      { ...sample, data: [0, null, 7] },
      { ...sample, ext: { 0: [-1, 2], 1: [0, -1], 2: [1, 1] } },
      { ...sample, ext: [[-1, 2], [0, -1], { 0: 1, 1: 1 }] },
      [sample.ext, sample.ref, sample.data],
      null,
      3,
    ];
    for (const v of off) expect(packed(layout, v), JSON.stringify(v)).toBeUndefined();
  });

  it('packs whatever the structural fingerprint takes for the same data alike', () => {
    // Null-prototype records and class instances are records to the fingerprint,
    // so a state must fit the layout, or not, whatever object carries it.
    const bare = Object.assign(Object.create(null) as object, sample);
    class BlockMap {
      ext = sample.ext;
      ref = sample.ref;
      data = sample.data;
    }
    expect(packed(layout, bare)).toEqual(packed(layout, sample));
    expect(packed(layout, new BlockMap())).toEqual(packed(layout, sample));
  });

  it('loads an instance from words, and packs it back as the layout packs the same value', () => {
    const instance = layout.instance();
    fc.assert(
      fc.property(ofLayout, (v) => {
        const p = packed(layout, v)!;
        instance.load(Int32Array.from(p.words), 0);
        expect(instance.state).toEqual(v);
        const words = new Int32Array(layout.words);
        const out = new Uint32Array(2);
        expect(instance.pack(words, 0, out)).toBe(true);
        expect({ words: [...words], hash: [...out] }).toEqual(p);
      }),
    );
  });

  it("catches an update that leaves the layout in an instance: replaced, aliased or grown containers, a record's new key, a non-integer", () => {
    const updates: [string, (s: Sample) => void][] = [
      ['replaced', (s) => void (s.ref = [1, 2, 1])],
      ['aliased', (s) => void (s.ext[1] = s.ext[0])],
      ['grown', (s) => void s.data.push(0)],
      ['shrunk', (s) => void s.data.pop()],
      ['deleted', (s) => void delete (s.data as unknown as Record<number, number>)[1]],
      ['a string', (s) => void ((s.data as unknown[])[1] = 'x')],
      ['a float', (s) => void (s.data[1] = 0.5)],
    ];
    for (const [what, update] of updates) {
      const instance = layout.instance();
      instance.load(Int32Array.from(packed(layout, sample)!.words), 0);
      update(instance.state as Sample);
      expect(instance.pack(new Int32Array(layout.words), 0, new Uint32Array(2)), what).toBe(false);
    }
    // This file is a module, so strict: the record refuses the key.
    const instance = layout.instance();
    expect(() => ((instance.state as Record<string, unknown>).extra = 1)).toThrow(TypeError);
  });
});

describe('frontier words', () => {
  it('round-trip through the codec, extremes included', () => {
    const codec = new Codec();
    const values = [0, -1, 1, 63, 64, -64, -65, 127, 128, 300, -300, 2 ** 31 - 1, -(2 ** 31), 123456789, -987654321];
    const words = Int32Array.from(values);
    const bytes = codec.encodeWords(words, 0, words.length).slice();
    expect(codec.isWords(bytes, 0)).toBe(true);
    const back = new Int32Array(words.length);
    codec.decodeWords(bytes, 0, back, words.length);
    expect([...back]).toEqual(values);
    // Small integers take a byte each, after the tag.
    expect(codec.encodeWords(Int32Array.from([0, -1, 5, -5]), 0, 4).length).toBe(5);
    // A generic state is never taken for words.
    for (const v of [{ a: 1 }, [1, 2], 5, -3, null, 'x', new Map()]) expect(codec.isWords(codec.encode(v), 0)).toBe(false);
  });
});

// A state that starts on a layout and leaves it and comes back: a list that
// grows and shrinks, a record that gains and loses a key, a leaf that becomes
// a string, a container replaced by a new one.
interface Roaming {
  xs: number[];
  r: Record<string, number | string>;
  n: number;
  /** The sum of xs, mod 3, kept by every update: a successor built from a stale copy breaks it. */
  sum: number;
}
const sumOf = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) % 3;
type RoamAction = 'push' | 'pop' | 'tag' | 'untag' | 'name' | 'unname' | 'inc' | 'renew';

function roaming(): Model<Roaming, RoamAction> {
  const update = (s: Roaming, a: RoamAction): Update<Roaming> => {
    switch (a) {
      case 'push':
        return (d) => {
          d.xs.push(d.n);
          d.sum = (d.sum + d.n) % 3;
        };
      case 'pop':
        return (d) => {
          d.sum = (d.sum + 3 - d.xs.pop()!) % 3;
        };
      case 'tag':
        return (d) => void (d.r.b = d.n);
      case 'untag':
        return (d) => void delete d.r.b;
      case 'name':
        return (d) => void (d.r.a = 'x');
      case 'unname':
        return (d) => void (d.r.a = 0);
      case 'inc':
        return (d) => void (d.n = (d.n + 1) % 3);
      case 'renew':
        // A new array of the same length: still the layout, but not the scratch's own.
        return (d) => {
          d.xs = d.xs.map((x) => (x + s.n) % 3);
          d.sum = (d.sum + s.n * d.xs.length) % 3;
        };
    }
  };
  return {
    initial: { xs: [0], r: { a: 0 }, n: 0, sum: 0 },
    actions: (s) => {
      // renew first: the updates after it must not see the array it replaced.
      const out: RoamAction[] = ['renew', 'inc'];
      if (s.xs.length < 3) out.push('push');
      if (s.xs.length > 1) out.push('pop');
      out.push('b' in s.r ? 'untag' : 'tag');
      out.push(s.r.a === 'x' ? 'unname' : 'name');
      return out;
    },
    successors: (s, a) => {
      const t = structuredClone(s);
      update(s, a)(t);
      return [t];
    },
    updates: update,
    label: (a) => a,
    kind: (a) => a,
    always: [
      { id: 'short', description: 'at most two items', check: (s) => (s.xs.length > 2 ? `${s.xs.length} items` : undefined) },
      { id: 'sum', description: 'sum is the sum of xs', check: (s) => (s.sum !== sumOf(s.xs) ? `sum ${s.sum} of ${s.xs}` : undefined) },
    ],
    sometimes: [{ id: 'named-and-tagged', description: 'r.a named, r.b set', reached: (s) => s.r.a === 'x' && 'b' in s.r }],
  };
}

describe('a search keeping states as words', () => {
  const summary = <S, A>(model: Model<S, A>, flat: boolean, properties?: string[], maxDepth?: number) => {
    const r = exhaustive(model, { flat, ...(properties ? { properties } : {}), ...(maxDepth ? { maxDepth } : {}) });
    return {
      states: r.states,
      transitions: r.transitions,
      depth: r.depth,
      stoppedBy: r.stoppedBy,
      violations: [...r.violations].map(([id, v]) => [id, v.depth, v.message, v.trace.map((s) => s.action && model.label(s.action))]),
      goals: [...r.goals].map(([id, g]) => [id, g.depth, g.trace.map((s) => s.action && model.label(s.action))]),
      coverage: r.coverage.report([]),
    };
  };

  it('finds what the generic path finds, on states that leave the layout and come back', () => {
    const model = roaming();
    expect(compileLayout(model.initial)).toBeDefined();
    const flat = summary(model, true, ['sum']);
    expect(flat).toEqual(summary(model, false, ['sum']));
    expect(flat.violations).toEqual([]);
    expect(flat.states).toBe(referenceBfs(model).size);
    expect(flat.goals[0][1]).toBe(2);
    // And the violation, with its trace.
    const violated = summary(model, true, ['short']);
    expect(violated).toEqual(summary(model, false, ['short']));
    expect(violated.violations[0].slice(0, 2)).toEqual(['short', 2]);
  });

  it('finds what the generic path finds on a model without updates', () => {
    expect(summary(counter(12, 9), true)).toEqual(summary(counter(12, 9), false));
  });

  it('finds what the generic path finds on the benchmark, with and without its bug toggles', () => {
    const params = { F: 2, B: 2, P: 3, V: 3 };
    for (const bugs of [[], ['leak-on-punch'], ['no-zero-on-free']]) {
      const model = instantiate(bench, resolveConfig(bench, params, bugs), 'copy');
      expect(compileLayout(model.initial)).toBeDefined();
      // leak-on-punch's states grow without end: a depth bound, as the design's default has.
      const flat = summary(model, true, undefined, 10);
      expect(flat).toEqual(summary(model, false, undefined, 10));
      if (bugs.length === 0) expect(flat.states).toBe(referenceBfs(model).size);
      else expect(flat.violations.length).toBe(1);
    }
  });
});
