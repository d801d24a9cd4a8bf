/**
 * Per action kind: how often it fired and the first depth at which it did
 * (TLC's coverage). An action that never fires within the bound is a hint
 * that the bound, or the design, leaves part of the design unexercised.
 */
export interface KindCoverage {
  count: number;
  firstDepth: number;
}

export class Coverage {
  private readonly kinds = new Map<string, KindCoverage>();

  fired(kind: string, depth: number, times = 1): void {
    const seen = this.kinds.get(kind);
    if (seen) seen.count += times;
    else this.kinds.set(kind, { count: times, firstDepth: depth });
  }

  merge(other: Coverage): void {
    for (const [kind, c] of other.kinds) {
      const seen = this.kinds.get(kind);
      if (!seen) this.kinds.set(kind, { ...c });
      else {
        seen.count += c.count;
        seen.firstDepth = Math.min(seen.firstDepth, c.firstDepth);
      }
    }
  }

  get(kind: string): KindCoverage | undefined {
    return this.kinds.get(kind);
  }

  /** Coverage of each kind in `all`, in that order; kinds that never fired have count 0. */
  report(all: readonly string[]): Record<string, { count: number; firstDepth: number | null }> {
    const out: Record<string, { count: number; firstDepth: number | null }> = {};
    const names = [...all, ...[...this.kinds.keys()].filter((k) => !all.includes(k))];
    for (const kind of names) {
      const c = this.kinds.get(kind);
      out[kind] = c ? { count: c.count, firstDepth: c.firstDepth } : { count: 0, firstDepth: null };
    }
    return out;
  }
}
