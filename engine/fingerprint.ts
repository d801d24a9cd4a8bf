/**
 * 64-bit structural fingerprints of plain state values (numbers, strings,
 * booleans, null, bigint, arrays, records, Maps and Sets), computed without
 * building a string. Two values that are equal as data get the same
 * fingerprint whatever the insertion order of record keys, Map entries or Set
 * members: those are combined by addition, which does not depend on order.
 *
 * The visited set stores fingerprints only (hash compaction, as TLC and Spin's
 * hash-compact mode do), so two distinct states could collide; the search
 * reports the probability of that having happened.
 */

// Two independent 32-bit lanes, each a multiply-xorshift stream with its own seed.
const SEED_A = 0x9747b28c;
const SEED_B = 0x1b873593;
// An integer is hashed as one word, itself; every other kind of value starts
// with one of these tags. They are large arbitrary constants, so that a
// state's integers (pfns, indexes, counts) do not pose as tags.
const TAG_NULL = 0x6a09e667 | 0,
  TAG_UNDEF = 0xbb67ae85 | 0,
  TAG_FALSE = 0x3c6ef372 | 0,
  TAG_TRUE = 0xa54ff53a | 0;
const TAG_FLOAT = 0x510e527f | 0,
  TAG_STRING = 0x9b05688c | 0,
  TAG_BIGINT = 0x1f83d9ab | 0,
  TAG_ARRAY = 0x5be0cd19 | 0;
const TAG_RECORD = 0xcbbb9d5d | 0,
  TAG_MAP = 0x629a292a | 0,
  TAG_SET = 0x9159015a | 0;

let la = 0;
let lb = 0;

// One word into a lane: xor, multiply by an odd constant, xor-shift. Each is
// a bijection of the lane, so two words never cancel, and the chain is short
// (a murmur3 round per word cost a third of the search); fmix gives the
// avalanche once at the end.
function mixA(h: number, k: number): number {
  h = Math.imul(h ^ k, 0x9e3779b1);
  return h ^ (h >>> 15);
}

function mixB(h: number, k: number): number {
  h = Math.imul(h + k, 0x85ebca77);
  return h ^ (h >>> 13);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Lane b takes each word salted, so that the lanes differ from the first word.
const WORD_SALT = 0x5bd1e995;

function word(k: number): void {
  la = mixA(la, k);
  lb = mixB(lb, k ^ WORD_SALT);
}

/** The 64-bit fingerprint from the two lanes at the end of a walk: high word, then low. */
function finish(a: number, b: number, out: Uint32Array): void {
  out[0] = fmix(a ^ b);
  out[1] = fmix(b + Math.imul(a, 0x27d4eb2f));
}

const floatView = new DataView(new ArrayBuffer(8));

// A record key's lanes after hashing it from the seeds: keys repeat in every
// state, so each is hashed once (up to a bound, for records used as maps).
const keyLanes = new Map<string, { a: number; b: number }>();
const MAX_CACHED_KEYS = 4096;

function seedWithKey(key: string): void {
  let lanes = keyLanes.get(key);
  if (lanes === undefined) {
    la = SEED_A;
    lb = SEED_B;
    walkString(key);
    lanes = { a: la, b: lb };
    if (keyLanes.size < MAX_CACHED_KEYS) keyLanes.set(key, lanes);
  }
  la = lanes.a;
  lb = lanes.b;
}

function walkString(s: string): void {
  word(TAG_STRING);
  word(s.length);
  for (let i = 0; i < s.length; i++) word(s.charCodeAt(i));
}

function walk(v: unknown): void {
  switch (typeof v) {
    case 'number':
      if ((v | 0) === v) {
        word(v);
      } else {
        floatView.setFloat64(0, v);
        word(TAG_FLOAT);
        word(floatView.getUint32(0));
        word(floatView.getUint32(4));
      }
      return;
    case 'boolean':
      word(v ? TAG_TRUE : TAG_FALSE);
      return;
    case 'string':
      walkString(v);
      return;
    case 'undefined':
      word(TAG_UNDEF);
      return;
    case 'bigint':
      walkString(v.toString());
      word(TAG_BIGINT);
      return;
    case 'object':
      if (v === null) {
        word(TAG_NULL);
      } else if (Array.isArray(v)) {
        word(TAG_ARRAY);
        word(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          // Arrays of small integers are the common case: no call for them.
          if (typeof x === 'number' && (x | 0) === x) {
            la = mixA(la, x);
            lb = mixB(lb, x ^ WORD_SALT);
          } else walk(x);
        }
      } else if (v instanceof Map) {
        const outerA = la,
          outerB = lb;
        let sumA = 0,
          sumB = 0;
        for (const [key, value] of v) {
          la = SEED_A;
          lb = SEED_B;
          walk(key);
          walk(value);
          sumA = (sumA + fmix(la)) | 0;
          sumB = (sumB + fmix(lb)) | 0;
        }
        la = outerA;
        lb = outerB;
        unordered(TAG_MAP, v.size, sumA, sumB);
      } else if (v instanceof Set) {
        const outerA = la,
          outerB = lb;
        let sumA = 0,
          sumB = 0;
        for (const member of v) {
          la = SEED_A;
          lb = SEED_B;
          walk(member);
          sumA = (sumA + fmix(la)) | 0;
          sumB = (sumB + fmix(lb)) | 0;
        }
        la = outerA;
        lb = outerB;
        unordered(TAG_SET, v.size, sumA, sumB);
      } else {
        const rec = v as Record<string, unknown>;
        const outerA = la,
          outerB = lb;
        let sumA = 0,
          sumB = 0,
          size = 0;
        for (const key in rec) {
          seedWithKey(key);
          walk(rec[key]);
          sumA = (sumA + fmix(la)) | 0;
          sumB = (sumB + fmix(lb)) | 0;
          size++;
        }
        la = outerA;
        lb = outerB;
        unordered(TAG_RECORD, size, sumA, sumB);
      }
      return;
    default:
      throw new TypeError(`a state may hold only plain data, not a ${typeof v}`);
  }
}

/** Records, Maps and Sets: entries hashed from fresh lanes and summed, so order does not count. */
function unordered(tag: number, size: number, sumA: number, sumB: number): void {
  word(tag);
  word(size);
  word(sumA);
  word(sumB);
}

/**
 * Writes the fingerprint of `value` into `out[0]` (high word) and `out[1]`
 * (low word). The out-parameter keeps the search's hot loop free of garbage.
 */
export function fingerprintInto(value: unknown, out: Uint32Array): void {
  la = SEED_A;
  lb = SEED_B;
  walk(value);
  finish(la, lb, out);
}

/**
 * Continues a walk from lanes (a, b) over `v`: the generic path that the
 * shape-compiled fingerprint (engine/shape.ts) falls back to where a value
 * does not have the expected shape. Returns lane a; lane b is `laneB()`.
 */
export function resume(v: unknown, a: number, b: number): number {
  la = a;
  lb = b;
  walk(v);
  return la;
}

export function laneB(): number {
  return lb;
}

/** The lanes a record key starts its entry with. */
export function keySeed(key: string): { a: number; b: number } {
  seedWithKey(key);
  return { a: la, b: lb };
}

export const HASH = { SEED_A, SEED_B, TAG_ARRAY, TAG_RECORD, WORD_SALT, mixA, mixB, fmix, finish } as const;

const scratch = new Uint32Array(2);

/** The fingerprint as a 16-digit hex string, for tests and traces. */
export function fingerprint(value: unknown): string {
  fingerprintInto(value, scratch);
  return scratch[0].toString(16).padStart(8, '0') + scratch[1].toString(16).padStart(8, '0');
}

/**
 * The probability that at least one pair among `n` distinct states shares a
 * 64-bit fingerprint (the birthday bound), i.e. that a state may have been
 * skipped as already seen.
 */
export function collisionProbability(n: number): number {
  return -Math.expm1((-n * (n - 1)) / 2 / 2 ** 64);
}
