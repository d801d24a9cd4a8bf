/**
 * Shards: one search split over independent processes, with no coordinator.
 * An exhaustive shard searches the same shallow levels as every other, then
 * keeps the subtrees whose root hashes to its index (engine/exhaustive.ts);
 * a random shard is one member of a swarm (Holzmann's swarm verification):
 * its own seed, history length and set of action kinds left out, so that the
 * shards cover different behaviour rather than repeat each other.
 */

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `K/N`, 0 <= K < N; undefined when the text is not one. */
export function parseShard(text: string): Shard | undefined {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return count >= 1 && index < count ? { index, count } : undefined;
}

/** History lengths of the swarm's members, as multiples of the given one. */
const LENGTHS = [1, 0.5, 2, 1.5, 0.75, 3];

export interface SwarmMember {
  readonly seed: number;
  readonly steps: number;
  /** The kinds this member leaves out where another is enabled; none for member 0, which is the unsharded search. */
  readonly omit: readonly string[];
}

/** Member `shard.index` of the swarm around a search of `seed` and `steps`, over the model's action kinds. */
export function swarmMember(shard: Shard, seed: number, steps: number, kinds: readonly string[]): SwarmMember {
  if (shard.index === 0) return { seed, steps, omit: [] };
  // About one kind in four, a different choice for each member, never all of them.
  const omit = kinds.filter((kind) => (hash(`${shard.index}:${kind}`) & 3) === 0);
  return {
    seed: (seed + Math.imul(shard.index, 0x9e3779b1)) | 0,
    steps: Math.max(1, Math.round(steps * LENGTHS[shard.index % LENGTHS.length])),
    omit: omit.length < kinds.length ? omit : omit.slice(1),
  };
}

/** FNV-1a, so that a member's choice is the same on every machine. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
