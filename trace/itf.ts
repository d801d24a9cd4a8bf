/**
 * ITF values (Apalache ADR-015, as Quint writes them): JSON where it has a
 * type, `#`-tagged objects where it has not. A state's arrays are lists,
 * records are records, Maps are `#map`, Sets are `#set`, integers beyond
 * 2^53 are `#bigint`; `null` (a NULL `mapping`, say) is Quint's `None`
 * variant. Decoding inverts encoding; `#tup` reads as a list, a `#bigint` in
 * the safe range as a number, so traces written by Quint decode too.
 */
import { match, P } from 'ts-pattern';

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

export function encodeValue(v: unknown, path = 'state'): ItfValue {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (!Number.isInteger(v)) throw new ItfError(`${path}: ITF has no non-integer numbers (${v})`);
      return Number.isSafeInteger(v) ? v : { '#bigint': BigInt(v).toString() };
    case 'bigint':
      return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : { '#bigint': v.toString() };
    case 'object':
      if (v === null) return none();
      if (Array.isArray(v)) return v.map((x, i) => encodeValue(x, `${path}[${i}]`));
      if (v instanceof Set) return { '#set': [...v].map((x, i) => encodeValue(x, `${path}{${i}}`)) };
      if (v instanceof Map) {
        return { '#map': [...v].map(([k, x]) => [encodeValue(k, `${path} key`), encodeValue(x, `${path}[${String(k)}]`)]) };
      }
      return encodeRecord(v as Record<string, unknown>, path);
    default:
      throw new ItfError(`${path}: a ${typeof v} cannot be written to ITF`);
  }
}

function encodeRecord(rec: Record<string, unknown>, path: string): ItfValue {
  const out: Record<string, ItfValue> = {};
  for (const [k, x] of Object.entries(rec)) {
    if (k.startsWith('#')) throw new ItfError(`${path}.${k}: ITF record fields may not start with '#'`);
    out[k] = encodeValue(x, `${path}.${k}`);
  }
  return out;
}

export function decodeValue(j: unknown, path = 'state'): unknown {
  return match(j)
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
    .with(P.nullish, () => {
      throw new ItfError(`${path}: null is not an ITF value`);
    })
    .with(P.record(P.string, P._), (rec) => {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(rec)) {
        if (k.startsWith('#')) throw new ItfError(`${path}: unknown ITF form '${k}'`);
        out[k] = decodeValue(x, `${path}.${k}`);
      }
      return out;
    })
    .otherwise(() => {
      throw new ItfError(`${path}: not an ITF value`);
    });
}
