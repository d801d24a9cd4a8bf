/**
 * Deep copies of plain state data, for applying recipes to a private copy in
 * the exhaustive search. `clone` handles any plain value; `compileClone`
 * builds, from a state's shape, a copier in straight-line code (object
 * literals, `slice()` for integer arrays) that falls back to `clone` for any
 * part that does not have the expected shape. Both give equal, unaliased
 * copies; a test holds them against each other on random values.
 */
import { inferShape, recordGuard, type Shape } from './shape.js';

/** A deep copy of plain state data: arrays, records, Maps and Sets of such, and primitives. */
export function clone<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    // slice() copies an array of small integers as one block; then deepen.
    const out = value.slice();
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (typeof v === 'object' && v !== null) out[i] = clone(v);
    }
    return out as T;
  }
  if (value instanceof Map) {
    const out = new Map();
    for (const [k, v] of value) out.set(k, clone(v));
    return out as T;
  }
  if (value instanceof Set) {
    const out = new Set();
    for (const v of value) out.add(clone(v));
    return out as T;
  }
  const out: Record<string, unknown> = {};
  const rec = value as Record<string, unknown>;
  for (const key in rec) {
    const v = rec[key];
    out[key] = typeof v === 'object' && v !== null ? clone(v) : v;
  }
  return out as T;
}

export function compileClone<T>(sample: T): (value: T) => T {
  const shape = inferShape(sample);
  if (shape.k !== 'record' && shape.k !== 'tuple') return clone;
  let id = 0;
  const fresh = () => `v${id++}`;
  const functions: string[] = [];

  // An expression copying the value in variable x; composite shapes get a function each.
  const gen = (s: Shape, x: string): string => {
    switch (s.k) {
      case 'int':
        return `(typeof ${x} === 'object' && ${x} !== null ? clone(${x}) : ${x})`;
      case 'any':
        return `clone(${x})`;
      case 'list': {
        if (s.item.k === 'int' || s.item.k === 'any') return `clone(${x})`;
        const f = fresh(),
          i = fresh(),
          out = fresh(),
          e = fresh();
        functions.push(`function ${f}(x) {
          if (!Array.isArray(x)) return clone(x);
          const ${out} = new Array(x.length);
          for (let ${i} = 0; ${i} < x.length; ${i}++) { const ${e} = x[${i}]; ${out}[${i}] = ${gen(s.item, e)}; }
          return ${out};
        }`);
        return `${f}(${x})`;
      }
      case 'tuple': {
        const f = fresh();
        const items = s.items.map((item, i) => {
          const e = fresh();
          return { decl: `const ${e} = x[${i}];`, expr: gen(item, e) };
        });
        functions.push(`function ${f}(x) {
          if (!Array.isArray(x) || x.length !== ${s.items.length}) return clone(x);
          ${items.map((it) => it.decl).join(' ')}
          return [${items.map((it) => it.expr).join(', ')}];
        }`);
        return `${f}(${x})`;
      }
      case 'record': {
        const f = fresh();
        const g = recordGuard('x', s.keys, fresh);
        const fields = s.keys.map((key, i) => {
          const e = fresh();
          return { decl: `const ${e} = x[${JSON.stringify(key)}];`, expr: `${JSON.stringify(key)}: ${gen(s.fields[i], e)}` };
        });
        functions.push(`function ${f}(x) {
          ${g.pre}
          if (!(${g.test})) return clone(x);
          ${fields.map((it) => it.decl).join(' ')}
          return { ${fields.map((it) => it.expr).join(', ')} };
        }`);
        return `${f}(${x})`;
      }
    }
  };
  const top = gen(shape, 'value');
  const make = new Function('clone', `${functions.join('\n')}\nreturn function cloneByShape(value) { return ${top}; };`);
  return make(clone);
}
