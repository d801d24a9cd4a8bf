/**
 * bench/exact.ts: an independent, exact breadth-first explorer of the
 * `reflink-cow` benchmark model, used to cross-check the state and transition
 * counts reported by the engine (and by the `bench` command).
 *
 * It was written from the benchmark specification (shared/bench/reflink-cow.md)
 * alone, without looking at the engine or at the built-in design, so that a
 * bug in either cannot be copied here. It shares no code with the rest of
 * pagecheck.
 *
 * Exact keys, no fingerprints: every visited state is stored as an exact,
 * injective encoding of the WHOLE state (ext, ref and data). Two states get
 * the same key only if they are equal, so the count below cannot be lowered
 * by a hash collision; when it agrees with the engine's count, that also shows
 * the engine's fingerprints did not collide on that configuration.
 *
 * Encoding: hi = ext[] as digits in base P+1 (HOLE is the digit P);
 * lo = data[] in base V followed by ref[] in base F*B+1. The visited set is
 * split into S shards (S a power of two): shard = hi mod S, and inside the
 * shard the key floor(hi / S) * LO + lo (LO = V^P (F*B+1)^P), an integer below
 * 2^53, so it is an exact JS number. (hi mod S, floor(hi/S), lo) recovers
 * (hi, lo), hence the state: the encoding is injective. Sharding keeps each
 * native Set below V8's limit of 2^24 entries.
 *
 * Transitions: every enabled action from every distinct state, counted once
 * per source state (also when two actions lead to the same successor).
 * The spec's two invariants are checked on every reachable state; a violation
 * throws.
 *
 * Run:
 *   npx tsx bench/exact.ts medium            (tiny | small | medium | large)
 *   npx tsx bench/exact.ts 3 3 5 3           (F B P V)
 *   npm run build && node dist/bench/exact.js medium
 *   node --max-old-space-size=16000 dist/bench/exact.js large
 * Output: one JSON line
 *   {config, F, B, P, V, states, transitions, seconds, peakRssBytes}
 *
 * Results (Node 20, one core of the project's 2-core machine):
 *   tiny     121 states,            736 transitions,   0.005 s
 *   small    38,753 states,     640,188 transitions,   0.16 s
 *   medium   5,887,651 states, 119,152,908 transitions, 60 s,  0.50 GB RSS
 *   large    49,721,173 states, 1,146,343,950 transitions, 951 s, 3.2 GB RSS
 *            (needs --max-old-space-size, e.g. 16000)
 */
import { pathToFileURL } from 'node:url';

export interface ExactConfig {
  F: number;
  B: number;
  P: number;
  V: number;
}

export const EXACT_CONFIGS: Record<string, ExactConfig> = {
  tiny: { F: 2, B: 2, P: 3, V: 2 },
  small: { F: 3, B: 2, P: 4, V: 3 },
  medium: { F: 3, B: 3, P: 5, V: 3 },
  large: { F: 3, B: 3, P: 6, V: 3 },
};

export interface ExactResult {
  config: string;
  F: number;
  B: number;
  P: number;
  V: number;
  states: number;
  transitions: number;
  seconds: number;
  peakRssBytes: number;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 2^53 - 1
const SET_LIMIT = 1 << 24; // V8's maximum number of entries in a Set

/** Growable byte buffer of fixed-width state records (one BFS level). */
class StateList {
  buf: Uint8Array;
  count = 0;
  constructor(
    readonly width: number,
    initial = 1024,
  ) {
    this.buf = new Uint8Array(width * initial);
  }
  push(s: Uint8Array): void {
    const off = this.count * this.width;
    if (off + this.width > this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf.set(s, off);
    this.count++;
  }
}

/**
 * Explore every reachable state of reflink-cow(F, B, P, V) breadth first.
 * Returns the exact number of distinct states and of transitions.
 */
export function exploreExact(cfg: ExactConfig, name = `F${cfg.F}B${cfg.B}P${cfg.P}V${cfg.V}`): ExactResult {
  const { F, B, P, V } = cfg;
  for (const [k, v] of Object.entries(cfg)) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${k} must be a positive integer, got ${v}`);
  }
  const FB = F * B;
  if (P + 1 > 255 || FB + 1 > 255 || V > 255) throw new Error('parameters too large for one byte per variable');

  // State layout in a byte array: ext[f*B+b] (HOLE = P), then ref[p], then data[p].
  const HOLE = P;
  const EXT = 0;
  const REF = FB;
  const DATA = FB + P;
  const W = FB + 2 * P;

  // Radices of the exact key.
  let HI = 1;
  for (let i = 0; i < FB; i++) HI *= P + 1;
  let LO = 1;
  for (let p = 0; p < P; p++) LO *= V * (FB + 1);
  if (!(HI <= MAX_SAFE && LO <= MAX_SAFE)) throw new Error('configuration too large for an exact numeric key');
  let S = 1;
  while (Math.ceil(HI / S) * LO > MAX_SAFE || S < 64) {
    if (S >= HI) break;
    S *= 2;
  }
  if (Math.ceil(HI / S) * LO > MAX_SAFE) throw new Error('configuration too large for an exact numeric key');
  const shards: Set<number>[] = [];
  for (let i = 0; i < S; i++) shards.push(new Set<number>());

  const t0 = process.hrtime.bigint();
  let states = 0;
  let transitions = 0;
  let next = new StateList(W);

  const checkInvariants = (s: Uint8Array): void => {
    for (let p = 0; p < P; p++) {
      let n = 0;
      for (let i = 0; i < FB; i++) if (s[EXT + i] === p) n++;
      if (s[REF + p] !== n) throw new Error(`invariant 1 (accounting) violated at p=${p}: ${Array.from(s)}`);
      if (n === 0 && s[DATA + p] !== 0) throw new Error(`invariant 2 (free zeroed) violated at p=${p}: ${Array.from(s)}`);
    }
  };

  /** Add s to the visited set; if it is new, queue it for the next level. */
  const visit = (s: Uint8Array): void => {
    let hi = 0;
    for (let i = FB - 1; i >= 0; i--) hi = hi * (P + 1) + s[EXT + i];
    let lo = 0;
    for (let p = P - 1; p >= 0; p--) lo = lo * (FB + 1) + s[REF + p];
    for (let p = P - 1; p >= 0; p--) lo = lo * V + s[DATA + p];
    const shardIndex = hi % S;
    const key = Math.floor(hi / S) * LO + lo;
    const shard = shards[shardIndex];
    if (shard.has(key)) return;
    if (shard.size >= SET_LIMIT - 1) throw new Error(`shard ${shardIndex} is full (2^24 entries); use more shards`);
    shard.add(key);
    states++;
    checkInvariants(s);
    next.push(s);
  };

  // Initial state: all HOLE, ref 0, data 0.
  const init = new Uint8Array(W);
  for (let i = 0; i < FB; i++) init[EXT + i] = HOLE;
  visit(init);

  const cur = new Uint8Array(W);
  const nx = new Uint8Array(W);

  /** Release physical block p in state t: ref -= 1, zero data when it reaches 0. */
  const release = (t: Uint8Array, p: number): void => {
    t[REF + p]--;
    if (t[REF + p] === 0) t[DATA + p] = 0;
  };

  while (next.count > 0) {
    const level = next;
    next = new StateList(W, Math.max(1024, level.count));
    for (let k = 0; k < level.count; k++) {
      const off = k * W;
      for (let i = 0; i < W; i++) cur[i] = level.buf[off + i];

      // free = lowest p with ref[p] == 0, or -1.
      let free = -1;
      for (let p = 0; p < P; p++) {
        if (cur[REF + p] === 0) {
          free = p;
          break;
        }
      }

      // write(f, b, v), v in 1..V-1
      for (let i = 0; i < FB; i++) {
        const p = cur[EXT + i];
        for (let v = 1; v < V; v++) {
          if (p === HOLE) {
            if (free < 0) continue;
            nx.set(cur);
            nx[EXT + i] = free;
            nx[REF + free] = 1;
            nx[DATA + free] = v;
          } else if (cur[REF + p] === 1) {
            if (cur[DATA + p] === v) continue;
            nx.set(cur);
            nx[DATA + p] = v;
          } else {
            // shared: copy on write
            if (free < 0) continue;
            nx.set(cur);
            nx[REF + p]--;
            nx[EXT + i] = free;
            nx[REF + free] = 1;
            nx[DATA + free] = v;
          }
          transitions++;
          visit(nx);
        }
      }

      // reflink(s, d), s != d
      for (let s = 0; s < F; s++) {
        let anyMapped = false;
        for (let b = 0; b < B; b++) if (cur[EXT + s * B + b] !== HOLE) anyMapped = true;
        if (!anyMapped) continue;
        for (let d = 0; d < F; d++) {
          if (d === s) continue;
          let same = true;
          for (let b = 0; b < B; b++) if (cur[EXT + d * B + b] !== cur[EXT + s * B + b]) same = false;
          if (same) continue;
          nx.set(cur);
          // Release all of d's old blocks first ...
          for (let b = 0; b < B; b++) {
            const old = nx[EXT + d * B + b];
            if (old !== HOLE) release(nx, old);
          }
          // ... then take the new references.
          for (let b = 0; b < B; b++) {
            const q = nx[EXT + s * B + b];
            nx[EXT + d * B + b] = q;
            if (q !== HOLE) nx[REF + q]++;
          }
          transitions++;
          visit(nx);
        }
      }

      // punch(f, b)
      for (let i = 0; i < FB; i++) {
        const p = cur[EXT + i];
        if (p === HOLE) continue;
        nx.set(cur);
        release(nx, p);
        nx[EXT + i] = HOLE;
        transitions++;
        visit(nx);
      }
    }
  }

  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    config: name,
    F,
    B,
    P,
    V,
    states,
    transitions,
    seconds: Math.round(seconds * 1000) / 1000,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

function main(argv: string[]): number {
  let name: string;
  let cfg: ExactConfig;
  if (argv.length === 1 && Object.hasOwn(EXACT_CONFIGS, argv[0])) {
    name = argv[0];
    cfg = EXACT_CONFIGS[name];
  } else if (argv.length === 4 && argv.every((a) => /^[1-9][0-9]*$/.test(a))) {
    const [F, B, P, V] = argv.map(Number);
    cfg = { F, B, P, V };
    name = `F${F}B${B}P${P}V${V}`;
  } else {
    console.error(`exact: unknown configuration ${JSON.stringify(argv.join(' '))}; use one of ${Object.keys(EXACT_CONFIGS).join('|')} or F B P V`);
    return 2;
  }
  try {
    console.log(JSON.stringify(exploreExact(cfg, name)));
    return 0;
  } catch (e) {
    console.error(`exact: ${(e as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
