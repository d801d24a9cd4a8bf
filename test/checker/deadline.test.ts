// check() takes a deadline or an AbortSignal (issue 15 §1), so that a test
// runner's timeout can stop it: what it cut short is inconclusive, never a proof.
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { findDesign } from '../../model/designs/index.js';

// Big enough that the search looks at the clock (every 256 states expanded) before it completes.
const bench = findDesign('bench-reflink-cow');
const big = { params: { F: 3, B: 3 }, mode: 'exhaustive' as const };

describe('a check with a deadline', () => {
  it('stops at a deadline already past, inconclusive', () => {
    const r = check(bench, { ...big, deadline: Date.now() - 1 });
    expect(r.exhaustive).toMatchObject({ complete: false, stoppedBy: 'time' });
    expect(r.properties.map((p) => p.verdict)).toEqual(['inconclusive', 'inconclusive']);
  });

  it('completes when the deadline leaves time', () => {
    const r = check(bench, { mode: 'exhaustive', deadline: Date.now() + 60_000 });
    expect(r.exhaustive).toMatchObject({ complete: true, states: 121 });
  });

  it('gives the random search only the time left', () => {
    const r = check(bench, { mode: 'random', runs: 100_000, deadline: Date.now() - 1, seed: 1 });
    expect(r.random).toMatchObject({ interrupted: true, runs: 0 });
  });
});

describe('a check with an AbortSignal', () => {
  it('runs no search to its end once aborted', () => {
    const controller = new AbortController();
    controller.abort();
    const r = check(bench, { ...big, mode: 'both', runs: 100_000, signal: controller.signal, seed: 1 });
    expect(r.exhaustive).toMatchObject({ complete: false, stoppedBy: 'interrupted' });
    // No random search starts after an interrupted exhaustive one.
    expect(r.random).toBeNull();
    const rnd = check(bench, { ...big, mode: 'random', runs: 100_000, signal: controller.signal, seed: 1 });
    expect(rnd.random).toMatchObject({ interrupted: true, runs: 0 });
    expect(r.properties.every((p) => p.verdict === 'inconclusive')).toBe(true);
  });
});
