import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import type { Mode } from '../../checker/options.js';
import { withoutTimings } from '../../checker/timings.js';
import { findDesign } from '../../model/designs/index.js';

describe('the same command with the same seed gives the same result', () => {
  for (const mode of ['exhaustive', 'random', 'both'] as Mode[]) {
    it(`${mode}: byte for byte, once the timings are dropped`, () => {
      const run = () => JSON.stringify(withoutTimings(check(findDesign('bench-reflink-cow'), { mode, bugs: ['no-zero-on-free'], depth: 6, runs: 30, steps: 15, seed: 42 })));
      const a = run();
      expect(run()).toBe(a);
      expect(a).not.toMatch(/"seconds"|"statesPerSecond"/);
    });
  }
});
