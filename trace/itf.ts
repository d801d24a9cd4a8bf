/**
 * ITF values (Apalache ADR-015, as Quint writes them): JSON where it has a
 * type, `#`-tagged objects where it has not. A state's arrays are lists,
 * records are records, Maps are `#map`, Sets are `#set`, integers are
 * `#bigint`; `null` (a NULL `mapping`, say) is Quint's `None` variant, and
 * the values beside it `Some(v)`. Decoding inverts encoding; `#tup` reads as
 * a list, a `#bigint` in the safe range as a number, a plain JSON integer
 * as itself (pagecheck's first traces wrote them so), so traces
 * written by Quint decode too.
 */
import { match, P } from 'ts-pattern';
import { typeOf, UNKNOWN, type ItfType } from './itf-types.js';

export type ItfValue =
  | string
  | number
  | boolean
  | ItfValue[]
  | { '#bigint': string }
  | { '#set': ItfValue[] }
  | { '#map': [ItfValue, ItfValue][] }
  | { '#tup': ItfValue[] }
  | { tag: string; value: ItfValue }
  | { [field: string]: ItfValue };

/** Thrown for a value ITF cannot carry, or JSON that is not ITF; `path` says where. */
export class ItfError extends Error {
  override readonly name = 'ItfError';
}

const none = (): ItfValue => ({ tag: 'None', value: { '#tup': [] } });

/**
 * A value as ITF, of type `type` (its own type when not given; see
 * itf-types.ts): every integer as `#bigint`, as Quint writes them, since a
 * typed reader built for Quint's traces (itf-rs's `BigInt`, `de::Integer`)
 * takes no plain JSON number; NULL as `None`, and a value at an optional
 * place as `Some(v)`; a record of a sum type as the variant named by its
 * kind.
 */
export function encodeValue(v: unknown, path = 'state', type: ItfType = typeOf(v)): ItfValue {
  if (type.k === 'opt') return v === null ? none() : { tag: 'Some', value: encodeValue(v, path, type.of) };
  if (type.k === 'unknown' || type.k === 'mixed') type = typeOf(v);
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (!Number.isInteger(v)) throw new ItfError(`${path}: ITF has no non-integer numbers (${v})`);
      return { '#bigint': BigInt(v).toString() };
    case 'bigint':
      return { '#bigint': v.toString() };
    case 'object': {
      if (v === null) return none();
      const of = (t: ItfType, k: 'of' | 'key' | 'value'): ItfType => (k in t ? (t as unknown as Record<typeof k, ItfType>)[k] : UNKNOWN);
      if (Array.isArray(v)) return v.map((x, i) => encodeValue(x, `${path}[${i}]`, of(type, 'of')));
      if (v instanceof Set) return { '#set': [...v].map((x, i) => encodeValue(x, `${path}{${i}}`, of(type, 'of'))) };
      if (v instanceof Map) {
        return {
          '#map': [...v].map(([k, x]) => [encodeValue(k, `${path} key`, of(type, 'key')), encodeValue(x, `${path}[${String(k)}]`, of(type, 'value'))]),
        };
      }
      const rec = v as Record<string, unknown>;
      if (type.k === 'union') {
        const tag = rec[type.by] as string;
        return { tag, value: encodeRecord(rec, path, type.cases[tag]) };
      }
      return encodeRecord(rec, path, type);
    }
    default:
      throw new ItfError(`${path}: a ${typeof v} cannot be written to ITF`);
  }
}

function encodeRecord(rec: Record<string, unknown>, path: string, type: ItfType): ItfValue {
  const fields = type.k === 'rec' ? type.fields : {};
  const out: Record<string, ItfValue> = {};
  for (const [k, x] of Object.entries(rec)) {
    if (k.startsWith('#')) throw new ItfError(`${path}.${k}: ITF record fields may not start with '#'`);
    // Quint's reader (ofItf in quint/src/itf.ts) takes any object with a `tag` as a variant.
    if (k === 'tag') throw new ItfError(`${path}.tag: a record field named 'tag' reads as a Quint variant in ITF; rename it`);
    out[k] = encodeValue(x, `${path}.${k}`, fields[k] ?? UNKNOWN);
  }
  return out;
}

export function decodeValue(j: unknown, path = 'state'): unknown {
  return (
    match(j)
      .with(P.union(P.string, P.boolean), (x) => x)
      .with(P.number, (n) => {
        if (!Number.isInteger(n)) throw new ItfError(`${path}: ${n} is not an ITF integer`);
        return n;
      })
      .with(P.array(), (xs) => xs.map((x, i) => decodeValue(x, `${path}[${i}]`)))
      .with({ '#bigint': P.string }, ({ '#bigint': s }) => {
        if (!/^-?[0-9]+$/.test(s)) throw new ItfError(`${path}: '${s}' is not a #bigint`);
        const n = BigInt(s);
        return Number.isSafeInteger(Number(n)) ? Number(n) : n;
      })
      .with({ '#set': P.array() }, ({ '#set': xs }) => new Set(xs.map((x, i) => decodeValue(x, `${path}{${i}}`))))
      .with({ '#map': P.array([P._, P._]) }, ({ '#map': kvs }) => {
        return new Map(kvs.map(([k, x]) => [decodeValue(k, `${path} key`), decodeValue(x, `${path}[${String(k)}]`)]));
      })
      .with({ '#tup': P.array() }, ({ '#tup': xs }) => xs.map((x, i) => decodeValue(x, `${path}(${i})`)))
      .with({ tag: 'None' }, () => null)
      // Some(v), and a record of a sum type, which its variant carries whole (see itf-types.ts).
      .with({ tag: P.string, value: P._ }, ({ value }) => decodeValue(value, path))
      .with(P.nullish, () => {
        throw new ItfError(`${path}: null is not an ITF value`);
      })
      .with(P.record(P.string, P._), (rec) => {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(rec)) {
          if (k.startsWith('#')) throw new ItfError(`${path}: unknown ITF form '${k}'`);
          // Assigned, it would set the record's prototype; kept as a field, it is one no design has.
          if (k === '__proto__') throw new ItfError(`${path}: a record field named '__proto__' is not a state's`);
          out[k] = decodeValue(x, `${path}.${k}`);
        }
        return out;
      })
      .otherwise(() => {
        throw new ItfError(`${path}: not an ITF value`);
      })
  );
}
