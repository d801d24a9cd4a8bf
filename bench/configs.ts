/** The configurations of shared/bench/reflink-cow.md, with the counts the spec (or the exact explorer) gives. */
export interface BenchConfig {
  readonly name: string;
  readonly params: { F: number; B: number; P: number; V: number };
  /** Distinct reachable states, where the spec (or an independent explorer) fixes them. */
  readonly expectedStates?: number;
  readonly expectedTransitions?: number;
}

export const configs: readonly BenchConfig[] = [
  { name: 'tiny', params: { F: 2, B: 2, P: 3, V: 2 }, expectedStates: 121 },
  { name: 'small', params: { F: 3, B: 2, P: 4, V: 3 }, expectedStates: 38_753, expectedTransitions: 640_188 },
  // The spec gives no counts for these; bench/exact.ts, an explorer written
  // from the spec alone with exact keys (no fingerprints), gives these.
  { name: 'medium', params: { F: 3, B: 3, P: 5, V: 3 }, expectedStates: 5_887_651, expectedTransitions: 119_152_908 },
  { name: 'large', params: { F: 3, B: 3, P: 6, V: 3 }, expectedStates: 49_721_173, expectedTransitions: 1_146_343_950 },
];
