/**
 * The batches in which a worker of the exhaustive search
 * (engine/worker-traffic.ts) hands successors to the worker that owns them:
 * records in one ArrayBuffer, transferred rather than copied. A record is
 * its 64-bit hash (two words), the parent's link (its number times the
 * worker count, plus its owner), which successor of the parent it is, and
 * the payload's length, then the payload padded to a word: the successor's
 * flat-layout words, or its encoding by the sender's codec for this owner.
 */

/** A batch is sent once it holds this many bytes. */
export const BATCH_BYTES = 1 << 18;
const HEADER = 20;

/** Successors for one owner, as records. */
export class Outbox {
  private buffer = new ArrayBuffer(BATCH_BYTES + 4096);
  private bytes = new Uint8Array(this.buffer);
  private ints = new Int32Array(this.buffer);
  used = 0;

  add(hi: number, lo: number, link: number, ordinal: number, payload: Uint8Array): void {
    const need = HEADER + ((payload.length + 3) & ~3);
    if (this.used + need > this.buffer.byteLength) this.grow(Math.max(2 * this.buffer.byteLength, this.used + need));
    const w = this.used >> 2;
    const ints = this.ints;
    ints[w] = hi | 0;
    ints[w + 1] = lo | 0;
    ints[w + 2] = link;
    ints[w + 3] = ordinal;
    ints[w + 4] = payload.length;
    this.bytes.set(payload, this.used + HEADER);
    this.used += need;
  }

  take(): { buffer: ArrayBuffer; used: number } {
    const out = { buffer: this.buffer, used: this.used };
    this.buffer = new ArrayBuffer(BATCH_BYTES + 4096);
    this.bytes = new Uint8Array(this.buffer);
    this.ints = new Int32Array(this.buffer);
    this.used = 0;
    return out;
  }

  private grow(size: number): void {
    const buffer = new ArrayBuffer(size);
    new Uint8Array(buffer).set(this.bytes.subarray(0, this.used));
    this.buffer = buffer;
    this.bytes = new Uint8Array(buffer);
    this.ints = new Int32Array(buffer);
  }
}

/**
 * Calls `each` on every record of a batch, in order, with its payload at
 * `bytes[offset..offset + length]`; stops early, returning false, where
 * `each` returns false.
 */
export function eachRecord(buffer: ArrayBuffer, used: number, each: (hi: number, lo: number, link: number, ordinal: number, bytes: Uint8Array, offset: number, length: number) => boolean): boolean {
  const bytes = new Uint8Array(buffer, 0, used);
  const ints = new Int32Array(buffer, 0, used >> 2);
  for (let at = 0; at < used;) {
    const w = at >> 2;
    const length = ints[w + 4];
    const offset = at + HEADER;
    at = offset + ((length + 3) & ~3);
    if (!each(ints[w] >>> 0, ints[w + 1] >>> 0, ints[w + 2], ints[w + 3], bytes, offset, length)) return false;
  }
  return true;
}
