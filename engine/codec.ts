/**
 * A compact binary encoding of plain state values, for the search frontier:
 * states waiting to be expanded are kept as bytes, not objects, so a frontier
 * of millions costs tens of bytes a state and gives the garbage collector
 * nothing long-lived to trace. Small integers take one byte; strings (record
 * keys included) are interned and written as their number.
 *
 * The encoding keeps insertion order and is not canonical: fingerprints, not
 * bytes, decide whether two states are the same.
 */

const NULL = 0,
  UNDEF = 1,
  FALSE = 2,
  TRUE = 3,
  INT = 4,
  FLOAT = 5,
  STRING = 6,
  BIGINT = 7;
const ARRAY = 8,
  RECORD = 9,
  MAP = 10,
  SET = 11,
  NEG_INT = 12;
// Starts a state kept as its words (engine/layout.ts); no value starts so.
const WORDS = 13;
// Starts a state kept as the words of a learned layout (engine/learned-layout.ts), then its version.
const LEARNED = 14;
// Bytes SMALL_BASE..255 are the integers SMALL_MIN..SMALL_MAX themselves.
const SMALL_BASE = 32;
const SMALL_MIN = -16;
const SMALL_MAX = SMALL_MIN + 255 - SMALL_BASE;

export class Codec {
  private readonly ids = new Map<string, number>();
  private readonly strings: string[] = [];
  private buf = new Uint8Array(256);
  private pos = 0;
  private readonly f64 = new Float64Array(1);
  private readonly f64bytes = new Uint8Array(this.f64.buffer);

  /** Encodes `value`; the bytes are valid until the next call. */
  encode(value: unknown): Uint8Array {
    this.pos = 0;
    this.write(value);
    return this.buf.subarray(0, this.pos);
  }

  /**
   * A state of a flat layout, as its `n` words at `words[at..]`: each a
   * zigzag varint, so that small integers take a byte. With a `version`,
   * the words of that version of a learned layout. Valid until the next call.
   */
  encodeWords(words: Int32Array, at: number, n: number, version = -1): Uint8Array {
    if (this.buf.length < 6 + 5 * n) this.buf = new Uint8Array(2 * (6 + 5 * n));
    const buf = this.buf;
    let pos = 0;
    if (version < 0) buf[pos++] = WORDS;
    else {
      buf[pos++] = LEARNED;
      let z = version;
      while (z >= 0x80) {
        buf[pos++] = (z & 0x7f) | 0x80;
        z >>>= 7;
      }
      buf[pos++] = z;
    }
    for (let i = at; i < at + n; i++) {
      let z = ((words[i] << 1) ^ (words[i] >> 31)) >>> 0;
      while (z >= 0x80) {
        buf[pos++] = (z & 0x7f) | 0x80;
        z >>>= 7;
      }
      buf[pos++] = z;
    }
    return buf.subarray(0, pos);
  }

  /** Whether the state at `offset` was encoded by `encodeWords` without a version. */
  isWords(bytes: Uint8Array, offset: number): boolean {
    return bytes[offset] === WORDS;
  }

  /** The learned layout's version of the state at `offset`, or -1 when it is not one. */
  learnedVersion(bytes: Uint8Array, offset: number): number {
    if (bytes[offset] !== LEARNED) return -1;
    let pos = offset + 1;
    let z = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++];
      z |= (b & 0x7f) << shift;
      if (b < 0x80) return z;
      shift += 7;
    }
  }

  /** Reads the `n` words of a state encoded by `encodeWords` into `words`. */
  decodeWords(bytes: Uint8Array, offset: number, words: Int32Array, n: number): void {
    let pos = offset + 1;
    if (bytes[offset] === LEARNED) while (bytes[pos++] >= 0x80);
    for (let i = 0; i < n; i++) {
      let z = 0;
      let shift = 0;
      for (;;) {
        const b = bytes[pos++];
        z |= (b & 0x7f) << shift;
        if (b < 0x80) break;
        shift += 7;
      }
      words[i] = (z >>> 1) ^ -(z & 1);
    }
  }

  /** How many strings (record keys included) this codec has numbered so far. */
  get stringCount(): number {
    return this.strings.length;
  }

  /**
   * The strings numbered from `from` on, in order: what a codec in another
   * thread must `adopt` to decode what this one encoded since (engine/workers.ts).
   */
  stringsFrom(from: number): string[] {
    return this.strings.slice(from);
  }

  /** Numbers `strings` next, in order, as the codec that encoded them did. */
  adopt(strings: readonly string[]): void {
    for (const s of strings) this.intern(s);
  }

  decode(bytes: Uint8Array, offset = 0): unknown {
    const reader = { bytes, pos: offset };
    return this.read(reader);
  }

  private byte(b: number): void {
    if (this.pos === this.buf.length) {
      const grown = new Uint8Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.pos++] = b;
  }

  private varint(n: number): void {
    while (n >= 0x80) {
      this.byte((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    this.byte(n);
  }

  private intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  private write(v: unknown): void {
    switch (typeof v) {
      case 'number':
        // -0 is kept as a float so that it decodes as -0.
        if (Number.isInteger(v) && v >= SMALL_MIN && v <= SMALL_MAX && !(v === 0 && 1 / v < 0)) this.byte(v - SMALL_MIN + SMALL_BASE);
        else if (Number.isSafeInteger(v) && !(v === 0 && 1 / v < 0)) {
          this.byte(v < 0 ? NEG_INT : INT);
          this.varint(Math.abs(v));
        } else {
          this.byte(FLOAT);
          this.f64[0] = v;
          for (let i = 0; i < 8; i++) this.byte(this.f64bytes[i]);
        }
        return;
      case 'string':
        this.byte(STRING);
        this.varint(this.intern(v));
        return;
      case 'boolean':
        this.byte(v ? TRUE : FALSE);
        return;
      case 'undefined':
        this.byte(UNDEF);
        return;
      case 'bigint':
        this.byte(BIGINT);
        this.varint(this.intern(v.toString()));
        return;
      case 'object':
        if (v === null) this.byte(NULL);
        else if (Array.isArray(v)) {
          this.byte(ARRAY);
          this.varint(v.length);
          for (let i = 0; i < v.length; i++) this.write(v[i]);
        } else if (v instanceof Map) {
          this.byte(MAP);
          this.varint(v.size);
          for (const [k, x] of v) {
            this.write(k);
            this.write(x);
          }
        } else if (v instanceof Set) {
          this.byte(SET);
          this.varint(v.size);
          for (const x of v) this.write(x);
        } else {
          const rec = v as Record<string, unknown>;
          let n = 0;
          for (const _ in rec) n++;
          this.byte(RECORD);
          this.varint(n);
          for (const k in rec) {
            this.varint(this.intern(k));
            this.write(rec[k]);
          }
        }
        return;
      default:
        throw new TypeError(`a state may hold only plain data, not a ${typeof v}`);
    }
  }

  private readVarint(r: { bytes: Uint8Array; pos: number }): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = r.bytes[r.pos++];
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
  }

  private read(r: { bytes: Uint8Array; pos: number }): unknown {
    const tag = r.bytes[r.pos++];
    if (tag >= SMALL_BASE) return tag - SMALL_BASE + SMALL_MIN;
    switch (tag) {
      case NULL:
        return null;
      case UNDEF:
        return undefined;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case INT:
        return this.readVarint(r);
      case NEG_INT:
        return -this.readVarint(r);
      case FLOAT:
        for (let i = 0; i < 8; i++) this.f64bytes[i] = r.bytes[r.pos++];
        return this.f64[0];
      case STRING:
        return this.strings[this.readVarint(r)];
      case BIGINT:
        return BigInt(this.strings[this.readVarint(r)]);
      case ARRAY: {
        const n = this.readVarint(r);
        const out = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.read(r);
        return out;
      }
      case RECORD: {
        const n = this.readVarint(r);
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.strings[this.readVarint(r)];
          out[k] = this.read(r);
        }
        return out;
      }
      case MAP: {
        const n = this.readVarint(r);
        const out = new Map();
        for (let i = 0; i < n; i++) {
          const k = this.read(r);
          out.set(k, this.read(r));
        }
        return out;
      }
      case SET: {
        const n = this.readVarint(r);
        const out = new Set();
        for (let i = 0; i < n; i++) out.add(this.read(r));
        return out;
      }
      default:
        throw new Error(`codec: bad tag ${tag}`);
    }
  }
}

/**
 * A queue of encoded states in large chunks, read back in the order written:
 * one breadth-first level.
 */
export class ByteQueue {
  // Chunks grow from small (a tiny model's level) to 4 MiB (a large one's).
  private static readonly MAX_CHUNK = 1 << 22;
  private nextChunk = 1 << 12;
  private readonly chunks: Uint8Array[] = [];
  private tail = new Uint8Array(0);
  private tailUsed = 0;
  private count = 0;
  private readChunk = 0;
  private readPos = 0;

  get length(): number {
    return this.count;
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }

  push(encoded: Uint8Array): void {
    // Each record is its length (4 bytes) then its bytes, within one chunk.
    const need = encoded.length + 4;
    if (this.tailUsed + need > this.tail.length) {
      this.tail = new Uint8Array(Math.max(this.nextChunk, need));
      this.nextChunk = Math.min(this.nextChunk * 2, ByteQueue.MAX_CHUNK);
      this.tailUsed = 0;
      this.chunks.push(this.tail);
    }
    const t = this.tail;
    const n = encoded.length;
    t[this.tailUsed] = n & 0xff;
    t[this.tailUsed + 1] = (n >>> 8) & 0xff;
    t[this.tailUsed + 2] = (n >>> 16) & 0xff;
    t[this.tailUsed + 3] = n >>> 24;
    t.set(encoded, this.tailUsed + 4);
    // Mark the end of the used part, so the reader knows to move to the next chunk.
    this.tailUsed += need;
    if (this.tailUsed + 4 <= t.length) t[this.tailUsed + 3] = 0xff;
    this.count++;
  }

  /** The next record: its chunk and offset; the chunk before it is released. */
  shift(): { chunk: Uint8Array; offset: number } {
    let c = this.chunks[this.readChunk];
    if (this.readPos + 4 > c.length || c[this.readPos + 3] === 0xff) {
      this.chunks[this.readChunk] = new Uint8Array(0);
      this.readChunk++;
      this.readPos = 0;
      c = this.chunks[this.readChunk];
    }
    const n = c[this.readPos] | (c[this.readPos + 1] << 8) | (c[this.readPos + 2] << 16) | (c[this.readPos + 3] << 24);
    const offset = this.readPos + 4;
    this.readPos = offset + n;
    return { chunk: c, offset };
  }
}
