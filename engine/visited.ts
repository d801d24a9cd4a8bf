/**
 * The visited set of the exhaustive search: one 64-bit fingerprint and one
 * parent link per distinct state, in typed arrays, so that a stored state
 * costs a few words whatever the size of the state itself.
 *
 * States are numbered 0, 1, 2... in the order they are first seen; breadth
 * first, that is also depth order. `table` is an open-addressing hash table
 * of those numbers (linear probing), keyed by the fingerprint's low word.
 */
export class VisitedStore {
  private table: Int32Array;
  private mask: number;
  private hi: Uint32Array;
  private lo: Uint32Array;
  private parents: Int32Array;
  private count = 0;

  constructor(expected = 1 << 12) {
    let cap = 1 << 10;
    while (cap * 3 < expected * 4) cap *= 2;
    this.table = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    const ids = Math.max(1024, expected);
    this.hi = new Uint32Array(ids);
    this.lo = new Uint32Array(ids);
    this.parents = new Int32Array(ids);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Adds a state by fingerprint with its parent's number (-1 for an initial
   * state). Returns the new state's number, or -1 if it was already there.
   */
  add(hi: number, lo: number, parent: number): number {
    const table = this.table;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const id = table[slot];
      if (id < 0) break;
      if (this.lo[id] === lo && this.hi[id] === hi) return -1;
      slot = (slot + 1) & this.mask;
    }
    const id = this.count++;
    if (id === this.hi.length) this.growIds();
    this.hi[id] = hi;
    this.lo[id] = lo;
    this.parents[id] = parent;
    table[slot] = id;
    // Keep the load at or under 3/4: short enough probes, few bytes a state.
    if (this.count * 4 > table.length * 3) this.growTable();
    return id;
  }

  parent(id: number): number {
    return this.parents[id];
  }

  sameFingerprint(id: number, hi: number, lo: number): boolean {
    return this.hi[id] === hi && this.lo[id] === lo;
  }

  /** Bytes held by the store, divided by the states in it. */
  bytesPerState(): number {
    const bytes = this.table.byteLength + this.hi.byteLength + this.lo.byteLength + this.parents.byteLength;
    return this.count === 0 ? 0 : bytes / this.count;
  }

  private growIds(): void {
    // Growing by half, not double, keeps the unused tail under a third.
    const cap = Math.ceil(this.hi.length * 1.5);
    const hi = new Uint32Array(cap);
    hi.set(this.hi);
    const lo = new Uint32Array(cap);
    lo.set(this.lo);
    const parents = new Int32Array(cap);
    parents.set(this.parents);
    this.hi = hi;
    this.lo = lo;
    this.parents = parents;
  }

  private growTable(): void {
    const cap = this.table.length * 2;
    const table = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = (this.lo[id] ^ Math.imul(this.hi[id], 0x9e3779b1)) & mask;
      while (table[slot] >= 0) slot = (slot + 1) & mask;
      table[slot] = id;
    }
    this.table = table;
    this.mask = mask;
  }
}
