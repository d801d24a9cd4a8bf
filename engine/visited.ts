/**
 * The visited set of the exhaustive search: one 64-bit fingerprint and one
 * parent link per distinct state, in typed arrays, so that a stored state
 * costs a few words whatever the size of the state itself.
 *
 * States are numbered 0, 1, 2... in the order they are first seen; breadth
 * first, that is also depth order. `table` is an open-addressing hash table
 * (linear probing) whose slot holds a state's number plus one in its low
 * ID_BITS bits and TAG_BITS more bits of the fingerprint above them, so that
 * a probe past another state rarely has to look the other state up.
 */
const ID_BITS = 27;
const ID_MASK = (1 << ID_BITS) - 1;

/** The most states the store can number (2^27 - 1, about 134 million). */
export const MAX_STORED_STATES = ID_MASK - 1;

export class VisitedStore {
  private table: Uint32Array;
  private mask: number;
  /** Each state's fingerprint, high word then low, side by side: one cache miss, not two. */
  private fps: Uint32Array;
  private parents: Int32Array;
  private count = 0;

  constructor(expected = 1 << 12) {
    let cap = 1 << 10;
    while (cap * 3 < expected * 4) cap *= 2;
    this.table = new Uint32Array(cap);
    this.mask = cap - 1;
    const ids = Math.max(1024, Math.min(expected, MAX_STORED_STATES));
    this.fps = new Uint32Array(2 * ids);
    this.parents = new Int32Array(ids);
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= MAX_STORED_STATES;
  }

  /**
   * Adds a state by fingerprint with its parent's number (-1 for the
   * initial state). Returns the new state's number, or -1 if it was already
   * there.
   */
  add(hi: number, lo: number, parent: number): number {
    const table = this.table;
    const mask = this.mask;
    // The slot comes from the low word, the tag from the high word's top bits.
    const tag = (hi >>> ID_BITS) << ID_BITS;
    let slot = lo & mask;
    for (;;) {
      const entry = table[slot];
      if (entry === 0) break;
      if (((entry & ~ID_MASK) >>> 0) === tag >>> 0) {
        const at = 2 * ((entry & ID_MASK) - 1);
        if (this.fps[at + 1] === lo && this.fps[at] === hi) return -1;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.count++;
    if (id === this.parents.length) this.growIds();
    this.fps[2 * id] = hi;
    this.fps[2 * id + 1] = lo;
    this.parents[id] = parent;
    table[slot] = (tag | (id + 1)) >>> 0;
    // Keep the load at or under 3/4: short enough probes, few bytes a state.
    if (this.count * 4 > table.length * 3) this.growTable();
    return id;
  }

  parent(id: number): number {
    return this.parents[id];
  }

  sameFingerprint(id: number, hi: number, lo: number): boolean {
    return this.fps[2 * id] === hi && this.fps[2 * id + 1] === lo;
  }

  /** Bytes held by the store, divided by the states in it. */
  bytesPerState(): number {
    const bytes = this.table.byteLength + this.fps.byteLength + this.parents.byteLength;
    return this.count === 0 ? 0 : bytes / this.count;
  }

  private growIds(): void {
    // Growing by half, not double, keeps the unused tail under a third.
    const cap = Math.min(Math.ceil(this.parents.length * 1.5), MAX_STORED_STATES + 1);
    const fps = new Uint32Array(2 * cap);
    fps.set(this.fps);
    const parents = new Int32Array(cap);
    parents.set(this.parents);
    this.fps = fps;
    this.parents = parents;
  }

  private growTable(): void {
    const cap = this.table.length * 2;
    const table = new Uint32Array(cap);
    const mask = cap - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = this.fps[2 * id + 1] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = (((this.fps[2 * id] >>> ID_BITS) << ID_BITS) | (id + 1)) >>> 0;
    }
    this.table = table;
    this.mask = mask;
  }
}
