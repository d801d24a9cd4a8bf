import { describe, expect, it } from 'vitest';
import { EXACT_CONFIGS, exploreExact } from '../../bench/exact.js';

// The independent exact explorer must reproduce the counts the benchmark
// specification (shared/bench/reflink-cow.md) gives for tiny and small.
describe('bench/exact: independent exact explorer of reflink-cow', () => {
  it('tiny has 121 states', () => {
    const r = exploreExact(EXACT_CONFIGS.tiny, 'tiny');
    expect(r.states).toBe(121);
  });

  it('small has 38,753 states and 640,188 transitions', () => {
    const r = exploreExact(EXACT_CONFIGS.small, 'small');
    expect(r.states).toBe(38_753);
    expect(r.transitions).toBe(640_188);
  });
});
