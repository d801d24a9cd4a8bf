import { describe, expect, it } from 'vitest';
import { exhaustive } from '../../engine/exhaustive.js';
import { counter, lockModel, referenceBfs } from './toys.js';

describe('exhaustive search', () => {
  it('counts the states and transitions of a bounded counter', () => {
    const r = exhaustive(counter(10));
    expect(r.states).toBe(11);
    expect(r.transitions).toBe(20);
    expect(r.depth).toBe(10);
    expect(r.complete && r.exhausted).toBe(true);
    expect(r.goals.get('at-max')?.depth).toBe(10);
  });

  it('stops at the depth bound and calls that bound complete, not exhausted', () => {
    const r = exhaustive(counter(10), { maxDepth: 4 });
    expect(r.states).toBe(5);
    expect(r.depth).toBe(4);
    expect(r.complete).toBe(true);
    expect(r.exhausted).toBe(false);
    expect(r.stoppedBy).toBe('depth');
    expect(r.goals.has('at-max')).toBe(false);
  });

  it('calls a search stopped by the state bound incomplete', () => {
    const r = exhaustive(counter(100), { maxStates: 10 });
    expect(r.states).toBe(10);
    expect(r.complete).toBe(false);
    expect(r.stoppedBy).toBe('states');
  });

  it('agrees with an independent search on the lock, with and without its bug', () => {
    for (const bugs of [[], ['check-then-set']]) {
      const model = lockModel(bugs);
      const reference = referenceBfs(model);
      const r = exhaustive(model, { properties: [] });
      expect(r.states).toBe(reference.size);
      expect(r.depth).toBe(Math.max(...reference.values()));
    }
  });

  it('finds the shortest counterexample, with the path that leads to it', () => {
    const model = lockModel(['check-then-set']);
    const r = exhaustive(model);
    const v = r.violations.get('mutual-exclusion')!;
    const shortest = Math.min(...[...referenceBfs(model)].filter(([k]) => JSON.parse(k).pc.every((pc: string) => pc === 'critical')).map(([, d]) => d));
    expect(v.depth).toBe(shortest);
    expect(v.trace.length - 1).toBe(4);
    expect(v.trace.slice(1).map((s) => model.label(s.action!))).toEqual(['try(p=0)', 'try(p=1)', 'enter(p=0)', 'enter(p=1)']);
    // The trace is a real path: each step is a successor of the one before.
    for (let i = 1; i < v.trace.length; i++) {
      const next = model.successors(v.trace[i - 1].state, v.trace[i].action!);
      expect(next).toContainEqual(v.trace[i].state);
    }
    expect(r.stoppedBy).toBe('all-violated');
  });

  it('keeps searching for the other properties after one is violated', () => {
    const model = counter(6, 3);
    const r = exhaustive({ ...model, always: [...model.always, { id: 'never', description: 'n < 99', check: () => undefined }] });
    expect(r.violations.get('below')?.depth).toBe(3);
    expect(r.violations.has('never')).toBe(false);
    expect(r.exhausted).toBe(true);
  });

  it('reports progress when asked', () => {
    const seen: number[] = [];
    exhaustive(counter(5000), { onProgress: (p) => seen.push(p.states), progressIntervalMs: 0 });
    expect(seen.length).toBeGreaterThan(0);
  });
});
