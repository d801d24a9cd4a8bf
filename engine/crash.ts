/**
 * Crash points. The engine knows storage only as "pieces": writes that were
 * issued but not yet made durable (a dirty cache line, a metadata block
 * write, a log record). At a crash each piece may or may not have reached
 * the media, independently, unless an ordering rule ties them: a piece may
 * survive only if every piece it is ordered `after` survives. A crash's
 * successors are every set of survivors closed under that rule.
 *
 * The number of outcomes is exponential in the pending pieces, so a cap
 * bounds the pieces considered: the oldest `cap` are, the rest are taken as
 * lost. The outcomes are then a subset of the real ones, so a capped search
 * can find real violations but never proves anything.
 */

/** A write that is not yet durable. `after`: pieces it is ordered after; ids no longer pending are durable. */
export interface Piece {
  readonly id: string;
  readonly after?: readonly string[];
}

export interface CrashOutcomes {
  /** Each outcome: the ids of the pending pieces that reached the media. Ordered by bitmask of the pending list, nothing surviving first. */
  readonly survivors: readonly ReadonlySet<string>[];
  /** Pieces pending at the crash. */
  readonly pending: number;
  /** Of which the cap let this many be considered; the rest were taken as lost. */
  readonly considered: number;
}

/** Beyond this many considered pieces the outcomes are too many to enumerate: give a cap. */
export const MAX_CONSIDERED = 20;

/** Every persistent outcome of a crash with these pieces pending (oldest first). */
export function crashOutcomes(pending: readonly Piece[], cap = Infinity): CrashOutcomes {
  const k = Math.min(pending.length, cap);
  if (k > MAX_CONSIDERED) {
    throw new RangeError(`a crash point has ${pending.length} unflushed pieces (2^${k} outcomes); give a crash cap of at most ${MAX_CONSIDERED}`);
  }
  const index = new Map<string, number>();
  pending.forEach((p, i) => {
    if (index.has(p.id)) throw new Error(`crash point: piece '${p.id}' is pending twice`);
    index.set(p.id, i);
  });
  // pred[i]: the considered pieces i is ordered after; never[i]: i is ordered
  // after a pending piece the cap dropped, so it cannot survive either.
  const pred = new Array<number>(k).fill(0);
  const never = new Array<boolean>(k).fill(false);
  for (let i = 0; i < k; i++) {
    for (const a of pending[i].after ?? []) {
      const j = index.get(a);
      if (j === undefined || j === i) continue;
      if (j >= k) never[i] = true;
      else pred[i] |= 1 << j;
    }
  }
  const survivors: Set<string>[] = [];
  outcome: for (let mask = 0; mask < 1 << k; mask++) {
    for (let i = 0; i < k; i++) {
      if ((mask & (1 << i)) === 0) continue;
      if (never[i] || (pred[i] & ~mask) !== 0) continue outcome;
    }
    const set = new Set<string>();
    for (let i = 0; i < k; i++) if (mask & (1 << i)) set.add(pending[i].id);
    survivors.push(set);
  }
  return { survivors, pending: pending.length, considered: k };
}

/** What the crash points expanded in one search looked like. */
export interface CrashSummary {
  /** Crash points expanded (a state and a crash action). */
  readonly points: number;
  /** Successors over all of them, and the most at one. */
  readonly successors: number;
  readonly maxSuccessors: number;
  /** The most pieces pending at one crash point. */
  readonly maxPending: number;
  /** Crash points at which the cap dropped pieces: when > 0 the search proved nothing. */
  readonly capped: number;
  readonly cap: number | null;
}

export class CrashStats {
  private points = 0;
  private successors = 0;
  private maxSuccessors = 0;
  private maxPending = 0;
  private capped = 0;

  constructor(readonly cap: number = Infinity) {}

  record(o: CrashOutcomes): void {
    this.points++;
    this.successors += o.survivors.length;
    if (o.survivors.length > this.maxSuccessors) this.maxSuccessors = o.survivors.length;
    if (o.pending > this.maxPending) this.maxPending = o.pending;
    if (o.considered < o.pending) this.capped++;
  }

  summary(): CrashSummary {
    return {
      points: this.points,
      successors: this.successors,
      maxSuccessors: this.maxSuccessors,
      maxPending: this.maxPending,
      capped: this.capped,
      cap: Number.isFinite(this.cap) ? this.cap : null,
    };
  }
}
