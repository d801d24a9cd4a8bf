/**
 * The shape of a state, and shape-compiled fingerprints. Most designs'
 * states keep one shape: the same records with the same keys, arrays of
 * integers. One description of it, `inferShape`, serves the three code
 * generators: this fingerprint, the copier (engine/clone.ts) and the flat
 * layout (engine/layout.ts). From the initial
 * state's shape this compiles (with `new Function`) a fingerprint function
 * that walks that shape in straight-line code, with no type dispatch, no
 * for-in and no key hashing. Every node is guarded; a value that does not
 * have the expected shape is walked by the generic code from where it
 * stands, so the result is always exactly the generic fingerprint (a test
 * holds the two against each other on random values).
 */
import { fingerprintInto, HASH, keySeed, laneB, resume } from './fingerprint.js';

export type Shape =
  | { readonly k: 'int' }
  | { readonly k: 'any' }
  /** An array whose items share a shape; `length` is the sample's (the flat layout keeps it fixed). */
  | { readonly k: 'list'; readonly item: Shape; readonly length: number }
  | { readonly k: 'tuple'; readonly items: readonly Shape[] }
  | { readonly k: 'record'; readonly keys: readonly string[]; readonly fields: readonly Shape[] };

const ANY: Shape = { k: 'any' };
const MAX_TUPLE = 16;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && (v as object).constructor === Object;
}

/** The shape of a sample value. Arrays whose items share a shape are lists of it. */
export function inferShape(v: unknown, depth = 0): Shape {
  if (depth > 12) return ANY;
  if (typeof v === 'number' && (v | 0) === v && !Object.is(v, -0)) return { k: 'int' };
  if (Array.isArray(v)) {
    // A sparse array has no shape of items.
    for (let i = 0; i < v.length; i++) if (!(i in v)) return ANY;
    const items = v.map((x) => inferShape(x, depth + 1));
    const first = JSON.stringify(items[0]);
    if (items.length === 0) return { k: 'list', item: ANY, length: 0 };
    if (items.every((s) => JSON.stringify(s) === first)) return { k: 'list', item: items[0], length: items.length };
    return items.length <= MAX_TUPLE ? { k: 'tuple', items } : ANY;
  }
  if (isRecord(v)) {
    const keys = Object.keys(v);
    return { k: 'record', keys, fields: keys.map((key) => inferShape(v[key], depth + 1)) };
  }
  return ANY;
}

/** `in` tests for a record guard, and a count, so the key set is exactly the shape's. */
export function recordGuard(x: string, keys: readonly string[], fresh: () => string): { pre: string; test: string } {
  const n = fresh();
  // -1 unless x is a plain record, so that no other value passes as one with no keys.
  const pre = `let ${n} = -1; if (${x} !== null && typeof ${x} === 'object' && ${x}.constructor === Object) { ${n} = 0; for (const _ in ${x}) ${n}++; }`;
  const test = [`${n} === ${keys.length}`, ...keys.map((key) => `(${JSON.stringify(key)} in ${x})`)].join(' && ');
  return { pre, test };
}

export function compileFingerprint(shape: Shape): (value: unknown, out: Uint32Array) => void {
  if (shape.k === 'any') return fingerprintInto;
  let id = 0;
  const fresh = () => `v${id++}`;
  const word = (k: string) => `a = mixA(a, ${k}); b = mixB(b, (${k}) ^ ${HASH.WORD_SALT});`;
  const generic = (x: string) => `a = resume(${x}, a, b); b = laneB();`;

  const gen = (s: Shape, x: string): string => {
    switch (s.k) {
      case 'any':
        return generic(x);
      case 'int':
        return `if (typeof ${x} === 'number' && (${x} | 0) === ${x}) { ${word(x)} } else { ${generic(x)} }`;
      case 'list': {
        const i = fresh(),
          e = fresh();
        return `if (Array.isArray(${x})) { ${word('TAG_ARRAY')} ${word(`${x}.length`)}
          for (let ${i} = 0; ${i} < ${x}.length; ${i}++) { const ${e} = ${x}[${i}]; ${gen(s.item, e)} }
        } else { ${generic(x)} }`;
      }
      case 'tuple': {
        const parts = s.items.map((item, i) => {
          const e = fresh();
          return `{ const ${e} = ${x}[${i}]; ${gen(item, e)} }`;
        });
        return `if (Array.isArray(${x}) && ${x}.length === ${s.items.length}) { ${word('TAG_ARRAY')} ${word(String(s.items.length))} ${parts.join('\n')} } else { ${generic(x)} }`;
      }
      case 'record': {
        const g = recordGuard(x, s.keys, fresh);
        const oa = fresh(),
          ob = fresh(),
          sa = fresh(),
          sb = fresh();
        const fields = s.keys.map((key, i) => {
          const seed = keySeed(key);
          const f = fresh();
          return `a = ${seed.a}; b = ${seed.b}; { const ${f} = ${x}[${JSON.stringify(key)}]; ${gen(s.fields[i], f)} }
            ${sa} = (${sa} + fmix(a)) | 0; ${sb} = (${sb} + fmix(b)) | 0;`;
        });
        return `${g.pre} if (${g.test}) { const ${oa} = a, ${ob} = b; let ${sa} = 0, ${sb} = 0;
          ${fields.join('\n')}
          a = ${oa}; b = ${ob}; ${word('TAG_RECORD')} ${word(String(s.keys.length))} ${word(sa)} ${word(sb)}
        } else { ${generic(x)} }`;
      }
    }
  };

  const body = `let a = SEED_A, b = SEED_B;
    ${gen(shape, 'value')}
    finish(a, b, out);`;
  const make = new Function('SEED_A', 'SEED_B', 'TAG_ARRAY', 'TAG_RECORD', 'mixA', 'mixB', 'fmix', 'finish', 'resume', 'laneB', `return function fingerprintByShape(value, out) { ${body} };`);
  return make(HASH.SEED_A, HASH.SEED_B, HASH.TAG_ARRAY, HASH.TAG_RECORD, HASH.mixA, HASH.mixB, HASH.fmix, HASH.finish, resume, laneB);
}
