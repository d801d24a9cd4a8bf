/**
 * A strict validator of ITF as its readers take it, written from their
 * sources (not from pagecheck's writer):
 *
 * - itf-rs 0.3 (informalsystems/itf-rs): `src/trace.rs` (trace `Meta`:
 *   `format`, `format-description`, `source`, `description` strings or
 *   null, `varTypes` a map of strings, `timestamp` a u64, and
 *   `#[serde(flatten)] other: BTreeMap<String, String>`: every other key a
 *   string; `params`/`vars` lists of strings, `loop` a u64, `states`
 *   required), `src/state.rs` (a state's `#meta` is required: `index` a
 *   u64, every other key a string), `src/value.rs` (the untagged `Value`:
 *   bool, an i64 JSON number, string, `{"#bigint": "[-][0-9]+"}`, list,
 *   `#tup`, `#set`, `#map` of two-element lists, record,
 *   `#unserializable`), `src/de/helpers.rs` (`QuintOption`: `{"tag":
 *   "None"|"Some", "value": ...}`) and `src/de/deserializer.rs` (a typed
 *   integer is read from a JSON number only, a `BigInt` from `#bigint`
 *   only: so a trace for Quint-built drivers writes `#bigint` throughout);
 * - ADR-015: every state defines every name in `vars`; record fields do
 *   not start with `#`;
 * - typed decoding (itf-rs into a Rust type, Quint, Apalache): one type
 *   per variable across the states; Apalache also wants `#meta.varTypes`
 *   for every variable, and no empty records;
 * - with `apalache`, what Apalache's reader adds (apalache-mc/apalache
 *   `tla-io/.../itf/ItfJsonToTla.scala`): `varTypes` names exactly the
 *   variables in `vars`; record fields are TLA+ identifiers; a `Str` is
 *   not of the uninterpreted form `x_OF_T`; and no variant type at all
 *   (`parseItfValueToTlaExpr` has no case for one, so an option, Quint's
 *   included, does not read back).
 *
 * `validateItf` returns every problem found, each naming where.
 */

export interface Rules {
  /** Every integer as `#bigint` (what Quint writes and Quint-built drivers read). */
  readonly bigintOnly?: boolean;
  /** One type per variable, `varTypes` for every variable, each value of its declared type. */
  readonly typed?: boolean;
  /** What Apalache's ITF reader requires beyond that (implies `typed`). */
  readonly apalache?: boolean;
}

import { hasVariant, parseApalacheType, type ApType } from './apalache-type.js';

export { parseApalacheType, type ApType };

type J = unknown;
const isObj = (x: J): x is Record<string, J> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isU64 = (x: J): boolean => typeof x === 'number' && Number.isInteger(x) && x >= 0;

export function validateItf(doc: J, rules: Rules = {}): string[] {
  const errs: string[] = [];
  if (!isObj(doc)) return ['the top level is not an object'];
  const meta = doc['#meta'];
  if (!isObj(meta)) errs.push("trace: '#meta' is required (itf-rs Trace.meta has no default)");
  else traceMeta(meta, errs);
  for (const k of ['params', 'vars'] as const) {
    if (doc[k] !== undefined && !(Array.isArray(doc[k]) && (doc[k] as J[]).every((v) => typeof v === 'string'))) errs.push(`trace: '${k}' is not a list of strings`);
  }
  if (doc.loop !== undefined && doc.loop !== null && !isU64(doc.loop)) errs.push("trace: 'loop' is not a u64");
  if (!Array.isArray(doc.states)) return [...errs, "trace: 'states' is required"];
  const vars = Array.isArray(doc.vars) ? (doc.vars as string[]) : [];
  if (new Set(vars).size !== vars.length) errs.push("trace: 'vars' names a variable twice");
  const keys = new Set<string>();
  doc.states.forEach((s: J, i: number) => {
    if (!isObj(s)) return errs.push(`state ${i}: not an object`);
    const m = s['#meta'];
    if (!isObj(m)) errs.push(`state ${i}: '#meta' is required (itf-rs State.meta has no default)`);
    else {
      for (const [k, x] of Object.entries(m)) {
        if (k === 'index' ? !(x === null || isU64(x)) : typeof x !== 'string') errs.push(`state ${i}: #meta.${k} is ${k === 'index' ? 'not a u64' : 'not a string'}`);
      }
    }
    for (const [k, x] of Object.entries(s)) {
      if (k === '#meta') continue;
      keys.add(k);
      value(x, `state ${i}.${k}`, rules, errs);
    }
    for (const v of vars) if (!(v in s)) errs.push(`state ${i}: lacks variable '${v}' named in 'vars'`);
  });
  for (const k of keys) if (!vars.includes(k)) errs.push(`trace: '${k}' is in a state but not in 'vars'`);
  if ((rules.typed || rules.apalache) && errs.length === 0) typing(doc, vars, errs, rules.apalache === true);
  return errs;
}

function traceMeta(meta: Record<string, J>, errs: string[]): void {
  for (const [k, x] of Object.entries(meta)) {
    if (['format', 'format-description', 'source', 'description'].includes(k)) {
      if (x !== null && typeof x !== 'string') errs.push(`trace: #meta.${k} is not a string`);
    } else if (k === 'varTypes') {
      if (!isObj(x) || !Object.values(x).every((t) => typeof t === 'string')) errs.push('trace: #meta.varTypes is not a map of strings');
    } else if (k === 'timestamp') {
      if (x !== null && !isU64(x)) errs.push('trace: #meta.timestamp is not a u64');
    } else if (typeof x !== 'string') {
      errs.push(`trace: #meta.${k} is not a string (itf-rs takes any other key as a string only)`);
    }
  }
}

const TAGS = ['#bigint', '#tup', '#set', '#map', '#unserializable'];

function value(x: J, at: string, rules: Rules, errs: string[]): void {
  if (typeof x === 'boolean' || typeof x === 'string') return;
  if (typeof x === 'number') {
    if (!Number.isSafeInteger(x)) errs.push(`${at}: ${x} is not an integer a JSON reader keeps exactly`);
    else if (rules.bigintOnly) errs.push(`${at}: the integer ${x} is a plain JSON number, not #bigint`);
    return;
  }
  if (Array.isArray(x)) return x.forEach((e, i) => value(e, `${at}[${i}]`, rules, errs));
  if (!isObj(x)) return void errs.push(`${at}: ${x === null ? 'null' : typeof x} is not an ITF value`);
  const tag = Object.keys(x).find((k) => k.startsWith('#'));
  if (tag !== undefined) {
    if (!TAGS.includes(tag)) return void errs.push(`${at}: unknown form '${tag}'`);
    if (Object.keys(x).length !== 1) return void errs.push(`${at}: '${tag}' with other keys beside it`);
    const v = x[tag];
    if (tag === '#bigint') {
      if (typeof v !== 'string' || !/^-?[0-9]+$/.test(v)) errs.push(`${at}: #bigint '${String(v)}' is not [-][0-9]+`);
    } else if (tag === '#unserializable') {
      if (typeof v !== 'string') errs.push(`${at}: #unserializable is not a string`);
    } else if (!Array.isArray(v)) errs.push(`${at}: ${tag} is not a list`);
    else if (tag === '#map') {
      v.forEach((p, i) => {
        if (!Array.isArray(p) || p.length !== 2) return errs.push(`${at}: #map entry ${i} is not a two-element list`);
        value(p[0], `${at} key ${i}`, rules, errs);
        value(p[1], `${at} value ${i}`, rules, errs);
      });
    } else v.forEach((e, i) => value(e, `${at}(${i})`, rules, errs));
    return;
  }
  for (const [k, e] of Object.entries(x)) value(e, `${at}.${k}`, rules, errs);
}

/** A value's type as typed readers see it; variants by tag, so that two tags of one sum type join. */
type T =
  | { k: 'int' | 'str' | 'bool' | 'none' }
  | { k: 'seq' | 'set'; of: T }
  | { k: 'tup'; of: T[] }
  | { k: 'map'; key: T; value: T }
  | { k: 'rec'; fields: Record<string, T> }
  | { k: 'variant'; cases: Record<string, T> };

function typeOfJ(x: J, at: string, errs: string[]): T {
  if (typeof x === 'boolean') return { k: 'bool' };
  if (typeof x === 'string') return { k: 'str' };
  if (typeof x === 'number') return { k: 'int' };
  const all = (xs: J[], p: string): T => xs.map((e, i) => typeOfJ(e, `${p}[${i}]`, errs)).reduce((a, b) => joinT(a, b, p, errs), { k: 'none' } as T);
  if (Array.isArray(x)) return { k: 'seq', of: all(x, at) };
  const o = x as Record<string, J>;
  if ('#bigint' in o) return { k: 'int' };
  if ('#set' in o) return { k: 'set', of: all(o['#set'] as J[], at) };
  if ('#tup' in o) return { k: 'tup', of: (o['#tup'] as J[]).map((e, i) => typeOfJ(e, `${at}(${i})`, errs)) };
  if ('#map' in o) {
    const ps = o['#map'] as [J, J][];
    return {
      k: 'map',
      key: all(
        ps.map((p) => p[0]),
        `${at} key`,
      ),
      value: all(
        ps.map((p) => p[1]),
        `${at} value`,
      ),
    };
  }
  if (typeof o.tag === 'string' && Object.keys(o).every((k) => k === 'tag' || k === 'value')) {
    return { k: 'variant', cases: { [o.tag]: typeOfJ(o.value ?? { '#tup': [] }, `${at}.value`, errs) } };
  }
  if (Object.keys(o).length === 0) errs.push(`${at}: an empty record (Apalache reads none)`);
  return { k: 'rec', fields: Object.fromEntries(Object.entries(o).map(([k, e]) => [k, typeOfJ(e, `${at}.${k}`, errs)])) };
}

function joinT(a: T, b: T, at: string, errs: string[]): T {
  if (a.k === 'none') return b;
  if (b.k === 'none') return a;
  const fail = (): T => {
    errs.push(`${at}: one type is ${show(a)}, another ${show(b)}`);
    return a;
  };
  if (a.k !== b.k) return fail();
  switch (a.k) {
    case 'seq':
    case 'set':
      return { k: a.k, of: joinT(a.of, (b as typeof a).of, at, errs) };
    case 'tup': {
      const t = b as typeof a;
      return t.of.length !== a.of.length ? fail() : { k: 'tup', of: a.of.map((x, i) => joinT(x, t.of[i], at, errs)) };
    }
    case 'map': {
      const m = b as typeof a;
      return { k: 'map', key: joinT(a.key, m.key, `${at} key`, errs), value: joinT(a.value, m.value, `${at} value`, errs) };
    }
    case 'rec': {
      const r = b as typeof a;
      const ka = Object.keys(a.fields).sort().join(',');
      if (ka !== Object.keys(r.fields).sort().join(',')) return fail();
      return { k: 'rec', fields: Object.fromEntries(Object.keys(a.fields).map((f) => [f, joinT(a.fields[f], r.fields[f], `${at}.${f}`, errs)])) };
    }
    case 'variant': {
      const cases = { ...a.cases };
      for (const [tag, t] of Object.entries((b as typeof a).cases)) cases[tag] = cases[tag] ? joinT(cases[tag], t, `${at}.${tag}`, errs) : t;
      return { k: 'variant', cases };
    }
    default:
      return a;
  }
}

function show(t: T): string {
  switch (t.k) {
    case 'seq':
    case 'set':
      return `${t.k}(${show(t.of)})`;
    case 'tup':
      return `<<${t.of.map(show).join(', ')}>>`;
    case 'map':
      return `${show(t.key)} -> ${show(t.value)}`;
    case 'rec':
      return `{${Object.entries(t.fields)
        .map(([f, x]) => `${f}: ${show(x)}`)
        .join(', ')}}`;
    case 'variant':
      return Object.entries(t.cases)
        .map(([tag, x]) => `${tag}(${show(x)})`)
        .join(' | ');
    default:
      return t.k;
  }
}

function typing(doc: Record<string, J>, vars: string[], errs: string[], apalache: boolean): void {
  const states = doc.states as Record<string, J>[];
  const varTypes = ((doc['#meta'] as Record<string, J>).varTypes ?? {}) as Record<string, string>;
  if (apalache) {
    for (const v of Object.keys(varTypes)) if (!vars.includes(v)) errs.push(`trace: #meta.varTypes types '${v}', which 'vars' does not name (Apalache)`);
    states.forEach((s, i) => vars.forEach((v) => apalacheValue(s[v], `state ${i}.${v}`, errs)));
  }
  for (const v of vars) {
    const t = states.map((s, i) => typeOfJ(s[v], `state ${i}.${v}`, errs)).reduce((a, b) => joinT(a, b, v, errs), { k: 'none' } as T);
    if (varTypes[v] === undefined) {
      errs.push(`trace: #meta.varTypes has no type for '${v}' (Apalache needs one for every variable)`);
      continue;
    }
    let declared: ApType;
    try {
      declared = parseApalacheType(varTypes[v]);
    } catch (e) {
      errs.push(`trace: #meta.varTypes.${v} '${varTypes[v]}' does not parse: ${(e as Error).message}`);
      continue;
    }
    const why = conforms(t, declared);
    if (why) errs.push(`trace: the values of '${v}' are not of its declared type ${varTypes[v]}: ${why}`);
    if (apalache && hasVariant(declared)) errs.push(`trace: '${v}' is of a variant type, which Apalache's ITF reader does not read`);
  }
}

/** Record fields that are TLA+ identifiers, and no string that Apalache takes for an uninterpreted constant. */
function apalacheValue(x: J, at: string, errs: string[]): void {
  if (typeof x === 'string') {
    if (/_OF_[A-Z_][A-Z0-9_]*$/.test(x)) errs.push(`${at}: '${x}' reads as an uninterpreted constant in Apalache, not a string`);
    return;
  }
  if (Array.isArray(x)) return x.forEach((e, i) => apalacheValue(e, `${at}[${i}]`, errs));
  if (!isObj(x)) return;
  const tag = Object.keys(x).find((k) => k.startsWith('#'));
  if (tag === '#map') return (x[tag] as [J, J][]).forEach(([k, v], i) => (apalacheValue(k, `${at} key ${i}`, errs), apalacheValue(v, `${at} value ${i}`, errs)));
  if (tag !== undefined) return Array.isArray(x[tag]) ? (x[tag] as J[]).forEach((e, i) => apalacheValue(e, `${at}(${i})`, errs)) : undefined;
  for (const [k, e] of Object.entries(x)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) errs.push(`${at}: field '${k}' is not a TLA+ identifier (Apalache)`);
    apalacheValue(e, `${at}.${k}`, errs);
  }
}

/** Why the values' type `t` is not of the declared type `d`; undefined when it is. */
function conforms(t: T, d: ApType): string | undefined {
  if (t.k === 'none' || d.k === 'var') return undefined;
  const no = `${show(t)} is not ${d.k}`;
  switch (t.k) {
    case 'int':
      return d.k === 'Int' ? undefined : no;
    case 'str':
      return d.k === 'Str' ? undefined : no;
    case 'bool':
      return d.k === 'Bool' ? undefined : no;
    case 'seq':
      return d.k === 'Seq' ? conforms(t.of, d.of) : no;
    case 'set':
      return d.k === 'Set' ? conforms(t.of, d.of) : no;
    case 'map':
      return d.k === 'fun' ? (conforms(t.key, d.from) ?? conforms(t.value, d.to)) : no;
    case 'tup':
      if (t.of.length === 0) return d.k === 'UNIT' || (d.k === 'tup' && d.of.length === 0) ? undefined : no;
      return d.k === 'tup' && d.of.length === t.of.length ? t.of.map((x, i) => conforms(x, d.of[i])).find(Boolean) : no;
    case 'rec': {
      if (d.k !== 'rec') return no;
      const a = Object.keys(t.fields).sort().join(',');
      if (a !== Object.keys(d.fields).sort().join(',')) return `fields {${a}} are not {${Object.keys(d.fields).sort().join(',')}}`;
      return Object.keys(t.fields)
        .map((f) => conforms(t.fields[f], d.fields[f]))
        .find(Boolean);
    }
    case 'variant': {
      if (d.k !== 'variant') return no;
      for (const [tag, x] of Object.entries(t.cases)) {
        if (d.cases[tag] === undefined) return `variant ${tag} is not declared`;
        const why = conforms(x, d.cases[tag]);
        if (why) return `${tag}: ${why}`;
      }
      return undefined;
    }
  }
}
