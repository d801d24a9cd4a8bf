// A random counterexample replays from its seed and fast-check path: the one
// case at the path, shrunk no further, gives the same trace as the search.
import { describe, expect, it } from 'vitest';
import { random, ReplayPathError, type RandomResult } from '../../engine/random.js';
import { counter, lockModel } from './toys.js';

const labels = <S, A>(r: RandomResult<S, A>, id: string, label: (a: A) => string) =>
  r.violations.get(id)!.trace.slice(1).map((s) => label(s.action!));

describe('random search replayed from a path', () => {
  it('gives the lock bug the search found, from one case and no further shrink', () => {
    const model = lockModel(['check-then-set'], 'immer');
    const found = random(model, { runs: 50, steps: 30, seed: 7 });
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

  it('a run index before the failing run goes on with the search from there', () => {
    const model = counter(20, 6);
    const found = random(model, { runs: 100, steps: 12, seed: 1 });
    const v = found.violations.get('below')!;
    const run = Number(v.path.split(':')[0]);
    expect(found.runs).toBe(run + 1);
    expect(run).toBeGreaterThan(2);
    const again = random(model, { runs: 100, steps: 12, seed: v.seed, path: String(run - 2) });
    expect(again.violations.get('below')?.path).toBe(v.path);
    expect(again.runs).toBe(3);
    expect(labels(again, 'below', model.label)).toEqual(labels(found, 'below', model.label));
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
    expect(go('0x1')).toThrow(/not a fast-check path/);
    expect(go('50')).toThrow(/starts at run 50, but the search makes only 50 runs/);
    expect(go('0:99999')).toThrow(/leads to no case/);
    expect(go('0:99999:0')).toThrow(/leads to no case/);
  });
});
