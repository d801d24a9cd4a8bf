// A user's own design, checked from a vitest test through the library API.
import { describe, expect, it } from 'vitest';
import { check } from '../../index.js';
import { lock } from './lock.js';

describe('example-lock, a user-defined design', () => {
  it('keeps mutual exclusion when enter tests the lock', () => {
    const result = check(lock, { seed: 1, runs: 100 });
    const verdict = result.properties.find((p) => p.id === 'mutual-exclusion')!;
    expect(verdict.verdict).toBe('holds');
    expect(verdict.bound?.complete).toBe(true);
    expect(result.goals[0].reached).toBe(true);
  });

  it('loses mutual exclusion with the check-then-set bug, in four actions', () => {
    const result = check(lock, { bugs: ['check-then-set'], seed: 1, runs: 100 });
    const verdict = result.properties.find((p) => p.id === 'mutual-exclusion')!;
    expect(verdict.verdict).toBe('violated');
    expect(verdict.actions).toEqual(['try(p=0)', 'try(p=1)', 'enter(p=0)', 'enter(p=1)']);
  });
});
