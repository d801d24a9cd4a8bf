import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { exitCode } from '../../checker/exit-code.js';
import { defineDesign } from '../../model/design.js';

// A counter that never runs out of room, with a violation far out of reach;
// it aborts `controller` once it has counted to `abortAt`.
function counter(controller?: AbortController, abortAt = Infinity) {
  return defineDesign<{ n: number }, { kind: 'inc' }>({
    name: 'test-counter',
    summary: 'counts up',
    seed: 'test',
    params: {},
    bugs: {},
    init: () => ({ n: 0 }),
    actions: (s) => {
      if (s.n >= abortAt) controller?.abort();
      return [{ kind: 'inc' }];
    },
    next: { inc: () => (d) => void (d.n += 1) },
    always: [{ id: 'small', description: 'n stays below a million', check: (s) => (s.n >= 1_000_000 ? `n is ${s.n}` : undefined) }],
    sometimes: [],
  });
}

describe('a search stops when asked, and says what it had', () => {
  it('an aborted signal stops the exhaustive search at the next state: inconclusive, exit 3', () => {
    const controller = new AbortController();
    const r = check(counter(controller, 5000), { mode: 'exhaustive', signal: controller.signal });
    expect(r.exhaustive!.stoppedBy).toBe('interrupted');
    expect(r.exhaustive!.complete).toBe(false);
    expect(r.exhaustive!.states).toBeGreaterThan(5000);
    expect(r.exhaustive!.states).toBeLessThan(5010);
    expect(r.properties[0].verdict).toBe('inconclusive');
    expect(exitCode([r])).toBe(3);
  });

  it('the random search stops too, and no random search runs after an interrupted exhaustive one', () => {
    const controller = new AbortController();
    controller.abort();
    const r = check(counter(), { mode: 'random', runs: 1000, steps: 10, seed: 1, signal: controller.signal });
    expect(r.random!.interrupted).toBe(true);
    expect(r.random!.runs).toBe(0);
    const both = new AbortController();
    const r2 = check(counter(both, 100), { mode: 'both', signal: both.signal, runs: 10, steps: 5, seed: 1 });
    expect(r2.exhaustive!.stoppedBy).toBe('interrupted');
    expect(r2.random).toBeNull();
  });

  it('a memory limit stops the search before it is passed, instead of a heap crash', () => {
    const r = check(counter(), { mode: 'exhaustive', maxMemoryMb: 1, maxStates: 100_000 });
    expect(r.exhaustive!.stoppedBy).toBe('memory');
    expect(r.properties[0].verdict).toBe('inconclusive');
    const free = check(counter(), { mode: 'exhaustive', maxStates: 20_000 });
    expect(free.exhaustive!.stoppedBy).toBe('states');
  });
});

describe('the time limit inside one random walk', () => {
  it('a walk of ten million steps stops at the limit, not at its end', async () => {
    const { findDesign } = await import('../../model/designs/index.js');
    const start = Date.now();
    const r = check(findDesign('bench-reflink-cow'), { mode: 'random', runs: 5, steps: 10_000_000, seed: 1, timeSeconds: 1 });
    expect(Date.now() - start).toBeLessThan(4_000);
    expect(r.random!.interrupted).toBe(true);
    expect(r.properties.every((p) => p.verdict === 'inconclusive')).toBe(true);
  });
});
