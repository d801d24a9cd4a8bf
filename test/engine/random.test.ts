import { describe, expect, it } from 'vitest';
import { random } from '../../engine/random.js';
import { counter, lockModel } from './toys.js';

describe('random search', () => {
  it('finds the lock bug and shrinks it to the shortest length', () => {
    const model = lockModel(['check-then-set'], 'immer');
    const r = random(model, { runs: 200, steps: 40, seed: 42 });
    const v = r.violations.get('mutual-exclusion')!;
    expect(v).toBeDefined();
    expect(v.depth).toBe(4);
    expect(v.trace.length).toBe(5);
    expect(v.originalLength).toBeGreaterThanOrEqual(4);
  });

  it('replays exactly from its seed', () => {
    const model = lockModel(['check-then-set'], 'immer');
    const a = random(model, { runs: 50, steps: 30, seed: 7 });
    const b = random(model, { runs: 50, steps: 30, seed: 7 });
    const labels = (r: typeof a) =>
      r.violations
        .get('mutual-exclusion')!
        .trace.slice(1)
        .map((s) => model.label(s.action!));
    expect(labels(b)).toEqual(labels(a));
    expect(b.violations.get('mutual-exclusion')!.path).toBe(a.violations.get('mutual-exclusion')!.path);
  });

  it('finds nothing where nothing is wrong, and records the goals it reached', () => {
    const r = random(lockModel([], 'immer'), { runs: 50, steps: 20, seed: 1 });
    expect(r.violations.size).toBe(0);
    expect(r.runs).toBe(50);
    expect(r.goals.get('someone-inside')?.depth).toBe(2);
  });

  it('shrinks a deep violation of the counter to its minimal length', () => {
    const r = random(counter(20, 6), { runs: 300, steps: 60, seed: 3 });
    expect(r.violations.get('below')?.depth).toBe(6);
  });
});
