/**
 * Mutations of a valid trace, for fuzzing the ITF reader (issue 16 §5): a
 * field deleted, retyped or duplicated, a name from Object's prototype,
 * values nested deep, huge numbers, odd `#bigint`s and other `#` forms. A
 * mutation is a path into the document (each step an index into the
 * children there, taken modulo their count) and what to do at its end, so
 * fast-check shrinks it towards the document's top and the simplest change.
 */
import fc from 'fast-check';
import { PROTOTYPE_NAMES } from './harness.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Stands for a value nested `n` deep, written into the text after JSON.stringify (which would recurse as deep). */
const DEEP = (n: number) => `@@deep:${n}@@`;

/** What a value may become: every JSON type, ITF's forms with the wrong contents, numbers past what a double or a #bigint holds exactly. */
export const replacement: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 64,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    'x',
    '\u{1F600}',
    [],
    {},
    [[]],
    [{}],
    { '#bigint': '9'.repeat(400) },
    { '#bigint': '-9'.repeat(40) },
    { '#bigint': '-0' },
    { '#bigint': '1e3' },
    { '#bigint': '' },
    { '#bigint': 5 },
    { '#set': 3 },
    { '#set': [[1], { '#bigint': '1' }] },
    { '#map': [[1]] },
    { '#map': [[1, 2, 3]] },
    { '#map': 'x' },
    { '#tup': {} },
    { '#unserializable': 'x' },
    { tag: 'None' },
    { tag: 5, value: 1 },
    { tag: 'Some' },
    { tag: 'Some', value: null },
    { '#meta': {} },
  ),
  fc.constantFrom(3, 50, 201, 3_000, 100_000).map((n) => DEEP(n)),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.integer().map((n) => n),
  fc.double(),
);

export type Op = { op: 'delete' } | { op: 'retype'; to: Json } | { op: 'duplicate' } | { op: 'rename'; to: string } | { op: 'add'; key: string; value: Json };

export const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ op: 'delete' }),
  replacement.map((to): Op => ({ op: 'retype', to })),
  fc.constant<Op>({ op: 'duplicate' }),
  fc.constantFrom(...PROTOTYPE_NAMES, '#meta', '#bigint', 'tag', 'value', '').map((to): Op => ({ op: 'rename', to })),
  fc.tuple(fc.constantFrom(...PROTOTYPE_NAMES, '#meta', '#set', 'tag', 'extra', 'mbt::actionTaken'), replacement).map(([key, value]): Op => ({ op: 'add', key, value })),
);

export interface Mutation {
  readonly path: readonly number[];
  readonly op: Op;
}
export const mutation: fc.Arbitrary<Mutation> = fc.record({ path: fc.array(fc.nat(), { maxLength: 7 }), op });

function children(v: Json): [string | number, Json][] {
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (typeof v === 'object' && v !== null) return Object.entries(v);
  return [];
}

/** Sets own property `k` even when it is `__proto__` (an assignment would set the prototype instead, as JSON.parse does not). */
function put(o: Record<string, Json>, k: string, v: Json): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** `doc` with `m` applied: the node the path ends at is the one changed in its parent. */
export function mutate(doc: Json, m: Mutation): Json {
  const root = structuredClone(doc);
  let parent: Json = root;
  let key: string | number | undefined;
  for (const step of m.path) {
    const here = key === undefined ? parent : (parent as Record<string, Json>)[key];
    const kids = children(here);
    if (kids.length === 0) break;
    parent = here;
    key = kids[step % kids.length][0];
  }
  if (key === undefined) {
    // The path ended at the top: change the document itself.
    if (m.op.op === 'retype') return m.op.to;
    if (m.op.op === 'add' && typeof root === 'object' && root !== null && !Array.isArray(root)) put(root, m.op.key, m.op.value);
    return root;
  }
  const p = parent as Record<string, Json> & Json[];
  const value = p[key as never] as Json;
  switch (m.op.op) {
    case 'delete':
      if (Array.isArray(p)) p.splice(key as number, 1);
      else delete p[key as string];
      break;
    case 'retype':
      if (Array.isArray(p)) p[key as number] = m.op.to;
      else put(p, key as string, m.op.to);
      break;
    case 'duplicate':
      if (Array.isArray(p)) p.splice(key as number, 0, structuredClone(value));
      else put(p, `${String(key)}2`, structuredClone(value));
      break;
    case 'rename':
      if (Array.isArray(p)) break;
      delete p[key as string];
      put(p, m.op.to, value);
      break;
    case 'add':
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) put(value as Record<string, Json>, m.op.key, m.op.value);
      else if (Array.isArray(value)) value.push(m.op.value);
      break;
  }
  return root;
}

/** The document as the file a user would hand over, with every DEEP placeholder spelt out. */
export function text(doc: Json): string {
  return JSON.stringify(doc).replace(/"@@deep:(\d+)@@"/g, (_all, n: string) => '['.repeat(Number(n)) + '{"a":1}' + ']'.repeat(Number(n)));
}
