/**
 * The visited set of the exhaustive search, in typed arrays so that a stored
 * state costs a few words whatever the size of the state itself:
 *
 * - `table`, an open-addressing hash table (linear probing) of 64-bit
 *   fingerprints, two words a slot. A duplicate (most successors are) is
 *   found with one cache miss: the slot holds the whole fingerprint.
 * - per state, numbered 0, 1, 2... in the order first seen (breadth first,
 *   so also in depth order): its parent's number, and its `ordinal`, which
 *   successor of the parent it was (counting every successor of every
 *   enabled action, in order). That is all a trace rebuild needs: it re-runs
 *   the model from the initial state, taking the ordinal-th successor.
 *
 * Bytes a state: at most 8 / 0.4 in the table (it doubles at load 0.8) and
 * 8 x 1.5 in the per-state arrays (they grow by half): 32 at the worst
 * moment, about 22 on average.
 */

/** The most states the store can number. */
export const MAX_STORED_STATES = 2 ** 31 - 2;

export class VisitedStore {
  private table: Uint32Array;
  private mask: number;
  private slots = 0;
  private parents: Int32Array;
  private ordinals: Uint32Array;
  private count = 0;
  private sink = 0;

  constructor(expected = 1 << 12) {
    let cap = 1 << 10;
    while (cap * 4 < expected * 5) cap *= 2;
    this.table = new Uint32Array(2 * cap);
    this.mask = cap - 1;
    const ids = Math.max(1024, Math.min(expected, MAX_STORED_STATES));
    this.parents = new Int32Array(ids);
    this.ordinals = new Uint32Array(ids);
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= MAX_STORED_STATES;
  }

  /**
   * Adds a state by fingerprint, with its parent's number (-1 for the
   * initial state) and which successor of the parent it is. Returns the new
   * state's number, or -1 if it was already there.
   */
  add(hi: number, lo: number, parent: number, ordinal: number): number {
    // (0, 0) marks an empty slot; a fingerprint that is (0, 0) is stored as (0, 1).
    if (hi === 0 && lo === 0) lo = 1;
    const table = this.table;
    const mask = this.mask;
    let slot = lo & mask;
    for (;;) {
      const h = table[2 * slot];
      const l = table[2 * slot + 1];
      if (h === 0 && l === 0) break;
      if (l === lo >>> 0 && h === hi >>> 0) return -1;
      slot = (slot + 1) & mask;
    }
    table[2 * slot] = hi;
    table[2 * slot + 1] = lo;
    this.slots++;
    const id = this.count++;
    if (id === this.parents.length) this.growIds();
    this.parents[id] = parent;
    this.ordinals[id] = ordinal;
    if (this.slots * 5 > (mask + 1) * 4) this.growTable();
    return id;
  }

  /** Whether a state of this fingerprint is stored. */
  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    const table = this.table;
    const mask = this.mask;
    for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
      const h = table[2 * slot];
      const l = table[2 * slot + 1];
      if (h === 0 && l === 0) return false;
      if (l === lo >>> 0 && h === hi >>> 0) return true;
    }
  }

  /**
   * Reads the first slot of each of `count` fingerprints (their low words in
   * `los`). Called on a state's successors before `add`: the reads do not
   * depend on one another, so their cache misses overlap, where `add` one
   * by one would wait for each in turn. (Measured on the benchmark's medium
   * configuration: 13% of the search's time.)
   */
  warm(los: Uint32Array, count: number): void {
    const table = this.table;
    const mask = this.mask;
    let sink = 0;
    for (let k = 0; k < count; k++) sink ^= table[2 * (los[k] & mask)];
    // Kept, so that the reads are not optimised away.
    this.sink ^= sink;
  }

  parent(id: number): number {
    return this.parents[id];
  }

  /** Which successor of its parent state `id` is. */
  ordinal(id: number): number {
    return this.ordinals[id];
  }

  /** Bytes held by the store, divided by the states in it. */
  bytesPerState(): number {
    const bytes = this.table.byteLength + this.parents.byteLength + this.ordinals.byteLength;
    return this.count === 0 ? 0 : bytes / this.count;
  }

  private growIds(): void {
    // Growing by half, not double, keeps the unused tail under a third.
    const cap = Math.min(Math.ceil(this.parents.length * 1.5), MAX_STORED_STATES + 1);
    const parents = new Int32Array(cap);
    parents.set(this.parents);
    const ordinals = new Uint32Array(cap);
    ordinals.set(this.ordinals);
    this.parents = parents;
    this.ordinals = ordinals;
  }

  private growTable(): void {
    const old = this.table;
    const cap = 2 * (this.mask + 1);
    const table = new Uint32Array(2 * cap);
    const mask = cap - 1;
    for (let s = 0; s < old.length; s += 2) {
      const h = old[s];
      const l = old[s + 1];
      if (h === 0 && l === 0) continue;
      let slot = l & mask;
      while (table[2 * slot] !== 0 || table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = h;
      table[2 * slot + 1] = l;
    }
    this.table = table;
    this.mask = mask;
  }
}
