/**
 * A small in-memory block store with reflink and copy on write: what a user
 * might write and want tested against bench-reflink-cow, the design of
 * shared/bench/reflink-cow.md. `shareOnWrite` is its known bug: a write to
 * a shared block lands in place, so the other file sees it.
 */
export class BlockStore {
  private readonly files: (number | undefined)[][];
  private readonly blocks = new Map<number, { ref: number; value: number }>();
  private next = 0;

  constructor(
    files: number,
    blocksPerFile: number,
    private readonly shareOnWrite = false,
  ) {
    this.files = Array.from({ length: files }, () => new Array<number | undefined>(blocksPerFile).fill(undefined));
  }

  write(f: number, b: number, v: number): void {
    const p = this.files[f][b];
    const block = p === undefined ? undefined : this.blocks.get(p)!;
    if (block && (block.ref === 1 || this.shareOnWrite)) {
      block.value = v;
      return;
    }
    if (block) block.ref -= 1;
    this.files[f][b] = this.allocate(v);
  }

  /** FICLONE: d's blocks released, then s's shared. */
  reflink(s: number, d: number): void {
    this.files[d].forEach((_p, b) => this.punch(d, b));
    this.files[s].forEach((p, b) => {
      this.files[d][b] = p;
      if (p !== undefined) this.blocks.get(p)!.ref += 1;
    });
  }

  punch(f: number, b: number): void {
    const p = this.files[f][b];
    if (p === undefined) return;
    const block = this.blocks.get(p)!;
    if (--block.ref === 0) this.blocks.delete(p);
    this.files[f][b] = undefined;
  }

  /** What a reader sees: each block's value, 0 for a hole. */
  read(): number[][] {
    return this.files.map((row) => row.map((p) => (p === undefined ? 0 : this.blocks.get(p)!.value)));
  }

  private allocate(value: number): number {
    const p = this.next++;
    this.blocks.set(p, { ref: 1, value });
    return p;
  }
}
