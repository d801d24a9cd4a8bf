/**
 * One type per variable across a trace, as the typed ITF readers need it
 * (itf-rs decoding into a Rust type, Quint's runtime, Apalache reading a
 * trace back with `#meta.varTypes`). A design's states are plain JS values
 * with no declared types, so the type of each variable is inferred from
 * every state of the trace at once and then drives the encoding:
 *
 * - a place that is NULL in some state (a `mapping` that is not set, a
 *   fault not in progress) is a Quint option there: `None`, and `Some(v)`
 *   for every value it holds in the other states;
 * - records with different fields at one place (`{t: 'data', pfn}` beside
 *   `{t: 'root', root}`) are a sum type when one string field names the
 *   kind in all of them: each is written as the Quint variant
 *   `{"tag": <that field>, "value": <the record, whole>}`, so decoding needs
 *   no knowledge of which field it was;
 * - a list, set or map that is empty in every state has an element type
 *   nobody saw: `unknown`, written as a type variable in `varTypes`.
 *
 * Where no one type exists (an int in one state, a string in another), the
 * type is `mixed`: the values are written as they are and the variable is
 * left out of `varTypes`; the corpus test reports any such variable.
 *
 * The inference is per trace: a place that is never NULL in a trace is not
 * an option in that trace. In the built-in designs every optional place is
 * NULL in the initial state, so their traces agree.
 */

export type ItfType =
  | { readonly k: 'int' | 'str' | 'bool' | 'unknown' }
  | { readonly k: 'seq' | 'set' | 'opt'; readonly of: ItfType }
  | { readonly k: 'map'; readonly key: ItfType; readonly value: ItfType }
  | { readonly k: 'rec'; readonly fields: Readonly<Record<string, ItfType>>; readonly strs: Readonly<Record<string, ReadonlySet<string>>> }
  | { readonly k: 'union'; readonly by: string; readonly cases: Readonly<Record<string, ItfType>> }
  | { readonly k: 'mixed' };

type Rec = Extract<ItfType, { k: 'rec' }>;
type Union = Extract<ItfType, { k: 'union' }>;

export const UNKNOWN: ItfType = { k: 'unknown' };
const MIXED: ItfType = { k: 'mixed' };

/** The type of one value. */
export function typeOf(v: unknown): ItfType {
  if (v === null) return { k: 'opt', of: UNKNOWN };
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return { k: 'int' };
    case 'string':
      return { k: 'str' };
    case 'boolean':
      return { k: 'bool' };
    case 'object':
      if (Array.isArray(v)) return { k: 'seq', of: v.map(typeOf).reduce(join, UNKNOWN) };
      if (v instanceof Set) return { k: 'set', of: [...v].map(typeOf).reduce(join, UNKNOWN) };
      if (v instanceof Map) {
        return { k: 'map', key: [...v.keys()].map(typeOf).reduce(join, UNKNOWN), value: [...v.values()].map(typeOf).reduce(join, UNKNOWN) };
      }
      return recordType(v as Record<string, unknown>);
    default:
      return MIXED;
  }
}

function recordType(r: Record<string, unknown>): Rec {
  const fields: Record<string, ItfType> = {};
  const strs: Record<string, ReadonlySet<string>> = {};
  for (const [k, x] of Object.entries(r)) {
    fields[k] = typeOf(x);
    if (typeof x === 'string') strs[k] = new Set([x]);
  }
  return { k: 'rec', fields, strs };
}

const sameKeys = (a: Rec, b: Rec): boolean => {
  const ka = Object.keys(a.fields).sort().join('\0');
  return ka === Object.keys(b.fields).sort().join('\0');
};

/** The least type of both, `mixed` where there is none. */
export function join(a: ItfType, b: ItfType): ItfType {
  if (a.k === 'unknown') return b;
  if (b.k === 'unknown') return a;
  if (a.k === 'mixed' || b.k === 'mixed') return MIXED;
  if (a.k === 'opt' || b.k === 'opt') {
    const inner = (t: ItfType): ItfType => (t.k === 'opt' ? t.of : t);
    return { k: 'opt', of: join(inner(a), inner(b)) };
  }
  if ((a.k === 'rec' || a.k === 'union') && (b.k === 'rec' || b.k === 'union')) return joinRecords(a, b);
  if (a.k !== b.k) return MIXED;
  switch (a.k) {
    case 'int':
    case 'str':
    case 'bool':
      return a;
    case 'seq':
    case 'set':
      return { k: a.k, of: join(a.of, (b as typeof a).of) };
    case 'map': {
      const m = b as typeof a;
      return { k: 'map', key: join(a.key, m.key), value: join(a.value, m.value) };
    }
    default:
      return MIXED;
  }
}

function joinRecords(a: Rec | Union, b: Rec | Union): ItfType {
  if (a.k === 'rec' && b.k === 'rec' && sameKeys(a, b)) {
    const fields: Record<string, ItfType> = {};
    const strs: Record<string, ReadonlySet<string>> = {};
    for (const k of Object.keys(a.fields)) {
      fields[k] = join(a.fields[k], b.fields[k]);
      if (a.strs[k] && b.strs[k]) strs[k] = new Set([...a.strs[k], ...b.strs[k]]);
    }
    return { k: 'rec', fields, strs };
  }
  const by = a.k === 'union' ? a.by : b.k === 'union' ? b.by : discriminator(a as Rec, b as Rec);
  if (by === undefined) return MIXED;
  const cases: Record<string, ItfType> = {};
  for (const part of [a, b]) {
    const split = splitBy(part, by);
    if (split === undefined) return MIXED;
    for (const [tag, t] of Object.entries(split)) {
      const was = cases[tag] as Rec | undefined;
      // One kind with two field sets has no one type (and joining them would split them again).
      if (was !== undefined && !sameKeys(was, t as Rec)) return MIXED;
      cases[tag] = was === undefined ? t : join(was, t);
    }
  }
  return { k: 'union', by, cases };
}

/** Its cases by the value of `by`; undefined when `by` does not name the kind of every record. */
function splitBy(t: Rec | Union, by: string): Record<string, ItfType> | undefined {
  if (t.k === 'union') return t.by === by ? { ...t.cases } : undefined;
  const tags = t.strs[by];
  if (tags === undefined || [...tags].some((tag) => tag === 'None' || tag === 'Some')) return undefined;
  return Object.fromEntries([...tags].map((tag) => [tag, { ...t, strs: { ...t.strs, [by]: new Set([tag]) } }]));
}

/** A string field both records have, preferring the names designs use for a kind. */
function discriminator(a: Rec, b: Rec): string | undefined {
  const common = Object.keys(a.strs).filter((k) => b.strs[k] !== undefined && a.fields[k].k === 'str' && b.fields[k].k === 'str');
  const preferred = ['t', 'kind', 'type'].find((k) => common.includes(k));
  return preferred ?? common.sort()[0];
}

/**
 * The type in Apalache's type system 1.2 syntax (ADR-002, as
 * `#meta.varTypes` takes it): `Int`, `Str`, `Bool`, `Seq(T)`, `Set(T)`,
 * `(K -> V)`, `{ f: T }`, variants `Some(T) | None(UNIT)`; an element type
 * nobody saw is a type variable (`a`, `b`, ...). Undefined for `mixed`.
 */
export function typeText(t: ItfType): string | undefined {
  let fresh = 0;
  const vars = 'abcdefghijklmnopqrstuvwxyz';
  const go = (t: ItfType, nested: boolean): string | undefined => {
    switch (t.k) {
      case 'int':
        return 'Int';
      case 'str':
        return 'Str';
      case 'bool':
        return 'Bool';
      case 'unknown':
        return vars[Math.min(fresh++, vars.length - 1)];
      case 'mixed':
        return undefined;
      case 'seq':
      case 'set': {
        const of = go(t.of, true);
        return of === undefined ? undefined : `${t.k === 'seq' ? 'Seq' : 'Set'}(${of})`;
      }
      case 'map': {
        const k = go(t.key, true);
        const v = go(t.value, true);
        return k === undefined || v === undefined ? undefined : `(${k} -> ${v})`;
      }
      case 'rec': {
        const fs = Object.entries(t.fields).map(([f, x]) => [f, go(x, true)] as const);
        if (fs.some(([, x]) => x === undefined)) return undefined;
        return `{ ${fs.map(([f, x]) => `${f}: ${x}`).join(', ')} }`;
      }
      case 'opt': {
        const of = go(t.of, true);
        return of === undefined ? undefined : paren(`Some(${of}) | None(UNIT)`, nested);
      }
      case 'union': {
        const cs = Object.entries(t.cases).map(([tag, x]) => [tag, go(x, true)] as const);
        if (cs.some(([, x]) => x === undefined)) return undefined;
        return paren(cs.map(([tag, x]) => `${tag}(${x})`).join(' | '), nested);
      }
    }
  };
  return go(t, false);
}

const paren = (s: string, nested: boolean): string => (nested ? `(${s})` : s);
