import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.js';
import { exhaustive } from '../../../engine/exhaustive.js';
import { resolveConfig } from '../../../model/config.js';
import bench from '../../../model/designs/bench-reflink-cow.js';
import { instantiate } from '../../../model/instantiate.js';

const model = (params: Record<string, number>, bugs: string[] = []) => instantiate(bench, resolveConfig(bench, params, bugs), 'copy');

describe('bench-reflink-cow', () => {
  it("enables exactly the spec's actions in hand-checkable states", () => {
    const m = model({ F: 2, B: 2, P: 3, V: 2 });
    // Initially only writes into holes: F*B*(V-1) of them.
    expect(m.actions(m.initial).map(m.label)).toEqual(['write(f=0, b=0, v=1)', 'write(f=0, b=1, v=1)', 'write(f=1, b=0, v=1)', 'write(f=1, b=1, v=1)']);
    const [s1] = m.successors(m.initial, { kind: 'write', f: 0, b: 0, v: 1 });
    expect(s1).toEqual({
      ext: [
        [0, -1],
        [-1, -1],
      ],
      ref: [1, 0, 0],
      data: [1, 0, 0],
    });
    // Rewriting the same value is not a transition; reflink 0->1 and punch become enabled.
    expect(m.actions(s1).map(m.label)).toEqual(['write(f=0, b=1, v=1)', 'write(f=1, b=0, v=1)', 'write(f=1, b=1, v=1)', 'reflink(s=0, d=1)', 'punch(f=0, b=0)']);
    const [s2] = m.successors(s1, { kind: 'reflink', s: 0, d: 1 });
    expect(s2).toEqual({
      ext: [
        [0, -1],
        [0, -1],
      ],
      ref: [2, 0, 0],
      data: [1, 0, 0],
    });
    // A write to a shared block copies on write into the lowest free block.
    const [s3] = m.successors(s2, { kind: 'write', f: 1, b: 0, v: 1 });
    expect(s3).toEqual({
      ext: [
        [0, -1],
        [1, -1],
      ],
      ref: [1, 1, 0],
      data: [1, 1, 0],
    });
  });

  it("has the spec's 121 states in the tiny configuration", () => {
    const r = exhaustive(model({ F: 2, B: 2, P: 3, V: 2 }));
    expect(r.states).toBe(121);
    expect(r.exhausted).toBe(true);
  });

  it("has the spec's 38,753 states and 640,188 transitions in the small configuration", () => {
    const r = exhaustive(model({ F: 3, B: 2, P: 4, V: 3 }));
    expect(r.states).toBe(38_753);
    expect(r.transitions).toBe(640_188);
  });

  for (const mode of ['exhaustive', 'random'] as const) {
    it(`keeps both invariants, and each bug toggle breaks its one (${mode})`, () => {
      // leak-on-punch makes counts grow without end; depth 6 bounds that search.
      const verdicts = (bugs: string[]) => Object.fromEntries(check(bench, { mode, bugs, depth: 6, seed: 5, runs: 300 }).properties.map((p) => [p.id, p.verdict]));
      const unbroken = mode === 'exhaustive' ? 'holds' : 'inconclusive';
      expect(verdicts([])).toEqual({ accounting: unbroken, 'free-zeroed': unbroken });
      expect(verdicts(['leak-on-punch']).accounting).toBe('violated');
      expect(verdicts(['no-zero-on-free'])).toEqual({ accounting: unbroken, 'free-zeroed': 'violated' });
    });
  }
});
