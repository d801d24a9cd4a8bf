// The shape-compiled fingerprint and clone must equal the generic ones on
// every value, of the expected shape or not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprintInto } from '../../engine/fingerprint.js';
import { compileFingerprint, inferShape } from '../../engine/shape.js';
import { clone, compileClone } from '../../engine/clone.js';
import { defaultConfig } from '../../model/config.js';
import { designs } from '../../model/designs/index.js';
import { instantiate } from '../../model/instantiate.js';

const generic = (v: unknown) => {
  const out = new Uint32Array(2);
  fingerprintInto(v, out);
  return [...out];
};
const byShape = (sample: unknown) => {
  const f = compileFingerprint(inferShape(sample));
  return (v: unknown) => {
    const out = new Uint32Array(2);
    f(v, out);
    return [...out];
  };
};

// Plain state data of any shape, including the awkward corners.
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -20, max: 300 }),
    fc.integer(),
    fc.double(),
    fc.constantFrom(null, undefined, true, false, -0),
    fc.string({ maxLength: 4 }),
    fc.bigInt(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('ext', 'ref', 'data', 'mapping', 'index', 'x'), tie('value'), { maxKeys: 4 }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), tie('value')), { maxLength: 3 }).map((kvs) => new Map(kvs)),
    fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }).map((xs) => new Set(xs)),
  ),
}));

/** Nothing in the copy is shared with the original. */
function unaliased(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null) return true;
  if (a === b) return false;
  const children = (v: unknown): unknown[] => (Array.isArray(v) ? v : v instanceof Map ? [...v.values()] : v instanceof Set ? [] : Object.values(v as object));
  const ca = children(a),
    cb = children(b);
  return ca.every((x, i) => unaliased(x, cb[i]));
}

const benchLike: unknown = {
  ext: [
    [-1, 0, 2],
    [1, -1, -1],
  ],
  ref: [1, 1, 1],
  data: [2, 0, 1],
  folio: [{ mapping: 1, index: 0 }],
};

describe('shape-compiled fingerprint and clone', () => {
  it('equal the generic ones on values of the sample shape and of any other', () => {
    fc.assert(
      fc.property(value, value, (sample, v) => {
        expect(byShape(sample)(v)).toEqual(generic(v));
        expect(byShape(benchLike)(v)).toEqual(generic(v));
        for (const copy of [compileClone(sample)(v), compileClone(benchLike)(v)]) {
          expect(generic(copy)).toEqual(generic(v));
          expect(unaliased(v, copy)).toBe(true);
        }
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('equal the generic ones on perturbations of a state shape', () => {
    const perturbed = fc.record(
      {
        ext: fc.array(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 4 }), { maxLength: 3 }),
        ref: fc.oneof(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }), value),
        data: fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), value), { maxLength: 4 }),
        folio: fc.array(fc.record({ mapping: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(null)), index: fc.nat(3) }, { requiredKeys: ['index'] })),
      },
      { requiredKeys: ['ext', 'data'] },
    );
    fc.assert(
      fc.property(perturbed, (v) => {
        expect(byShape(benchLike)(v)).toEqual(generic(v));
        const copy = compileClone(benchLike)(v);
        expect(copy).toEqual(v);
        expect(unaliased(v, copy)).toBe(true);
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it.each(designs.map((d) => [d.name, d] as const))('equal the generic ones on reachable states of %s', (_name, design) => {
    const model = instantiate(design, defaultConfig(design), 'immer');
    const fp = byShape(model.initial);
    const copy = compileClone(model.initial);
    let frontier = [model.initial];
    let seen = 0;
    for (let depth = 0; depth < 4 && seen < 500; depth++) {
      const next: unknown[] = [];
      for (const s of frontier) {
        expect(fp(s)).toEqual(generic(s));
        const c = copy(s);
        expect(c).toEqual(s);
        expect(unaliased(s, c)).toBe(true);
        seen++;
        for (const a of model.actions(s)) next.push(...model.successors(s, a));
      }
      frontier = next.slice(0, 200);
    }
    expect(seen).toBeGreaterThan(1);
  });

  it('falls back to the generic clone where nothing can be compiled', () => {
    expect(compileClone(3)).toBe(clone);
  });
});
