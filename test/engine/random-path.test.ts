// A random counterexample replays from its seed and path: the walk it came
// from, drawn alone, then fast-check's shrinks of it along the rest of the path.
import { describe, expect, it } from 'vitest';
import { random, ReplayPathError, type RandomResult } from '../../engine/random.js';
import { counter, lockModel } from './toys.js';

const labels = <S, A>(r: RandomResult<S, A>, id: string, label: (a: A) => string) =>
  r.violations
    .get(id)!
    .trace.slice(1)
    .map((s) => label(s.action!));

describe('random search replayed from a path', () => {
  it('gives the lock bug the search found, from one case and no further shrink', () => {
    const model = lockModel(['check-then-set'], 'immer');
    const found = random(model, { runs: 50, steps: 30, seed: 1 });
    const v = found.violations.get('mutual-exclusion')!;
    expect(v.shrinks).toBeGreaterThan(0);
    const again = random(model, { runs: 50, steps: 30, seed: v.seed, path: v.path, properties: ['mutual-exclusion'] });
    const w = again.violations.get('mutual-exclusion')!;
    expect(labels(again, 'mutual-exclusion', model.label)).toEqual(labels(found, 'mutual-exclusion', model.label));
    expect(w.path).toBe(v.path);
    expect(w.shrinks).toBe(0);
    expect(again.runs).toBe(1);
    expect(again.path).toBe(v.path);
  });

  it('gives the counter its deep violation back, at the same length', () => {
    const model = counter(20, 6);
    const found = random(model, { runs: 300, steps: 60, seed: 3 });
    const v = found.violations.get('below')!;
    const again = random(model, { runs: 300, steps: 60, seed: v.seed, path: v.path });
    expect(again.violations.get('below')?.depth).toBe(6);
    expect(labels(again, 'below', model.label)).toEqual(labels(found, 'below', model.label));
  });

  it('a walk index alone draws that walk again and shrinks it as the search did', () => {
    const model = counter(20, 6);
    const found = random(model, { runs: 100, steps: 12, seed: 1 });
    const v = found.violations.get('below')!;
    const walk = Number(v.path.split(':')[0]);
    expect(found.runs).toBe(walk + 1);
    const again = random(model, { runs: 100, steps: 12, seed: v.seed, path: String(walk) });
    expect(again.violations.get('below')?.path).toBe(String(walk));
    expect(again.runs).toBe(1);
    expect(labels(again, 'below', model.label)).toEqual(labels(found, 'below', model.label));
    // A walk that violates nothing is no case of the search.
    expect(walk).toBeGreaterThan(0);
    expect(() => random(model, { runs: 100, steps: 12, seed: v.seed, path: String(walk - 1) })).toThrow(/leads to no case/);
  });

  it('a path into shrinks that pass finds nothing, and says so', () => {
    // The shrunk case is where fast-check stopped: every shrink of it passes.
    const model = lockModel(['check-then-set'], 'immer');
    const v = random(model, { runs: 50, steps: 30, seed: 7 }).violations.get('mutual-exclusion')!;
    const again = random(model, { runs: 50, steps: 30, seed: v.seed, path: `${v.path}:0`, properties: ['mutual-exclusion'] });
    expect(again.violations.size).toBe(0);
    expect(again.runs).toBeGreaterThan(0);
  });

  it('refuses a malformed path, one past the runs, and one that leads to no case', () => {
    const model = lockModel(['check-then-set'], 'immer');
    const go = (path: string) => () => random(model, { runs: 50, steps: 30, seed: 7, path });
    expect(go('1::2')).toThrow(ReplayPathError);
    expect(go('0x1')).toThrow(/not a walk and a fast-check path/);
    expect(go('50')).toThrow(/starts at walk 50, but the search makes only 50 walks/);
    expect(go('0:99999')).toThrow(/leads to no case/);
    expect(go('0:99999:0')).toThrow(/leads to no case/);
  });
});
