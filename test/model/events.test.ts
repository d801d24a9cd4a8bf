/**
 * The design API's per-step events and configuration: an event field is
 * cleared before every step by the checker, not by hand in each handler, and
 * properties and goals see the instance's configuration, so constants need
 * not live in the state.
 */
import { describe, expect, it } from 'vitest';
import { exhaustive } from '../../engine/exhaustive.js';
import { random } from '../../engine/random.js';
import { resolveConfig } from '../../model/config.js';
import { defineDesign } from '../../model/design.js';
import { instantiate } from '../../model/instantiate.js';

type Step = { kind: 'inc' } | { kind: 'reset' };
interface Counter {
  n: number;
  /** 1 in the state right after a reset, else 0: a per-step event. */
  justReset: number;
  events: { wrapped: number };
}

const counter = defineDesign<Counter, Step>({
  name: 'counter',
  summary: 'a counter to N, reset at will',
  seed: 'test fixture',
  params: { N: { default: 3, min: 1, max: 5, description: 'top' } },
  bugs: {},
  init: () => ({ n: 0, justReset: 0, events: { wrapped: 0 } }),
  actions: (s, cfg) => [...(s.n < cfg.params.N ? [{ kind: 'inc' } as const] : []), { kind: 'reset' } as const],
  next: {
    inc: () => (d) => {
      d.n++;
    },
    reset: (_a, s) => (d) => {
      d.justReset = 1;
      if (s.n > 0) d.events.wrapped = 1;
      d.n = 0;
    },
  },
  events: { justReset: 0, events: { wrapped: 0 } },
  always: [
    { id: 'below-top', description: 'n <= N', check: (s, cfg) => (s.n > cfg.params.N ? `n is ${s.n}` : undefined) },
    { id: 'no-reset-at-top', description: 'a reset never leaves n at N', check: (s, cfg) => (s.justReset && s.n === cfg.params.N ? 'reset to N' : undefined) },
  ],
  sometimes: [
    { id: 'wrapped', description: 'a reset from above 0', reached: (s) => s.events.wrapped === 1 },
    { id: 'at-top', description: 'n = N', reached: (s, cfg) => s.n === cfg.params.N },
  ],
});

describe('per-step events', () => {
  for (const apply of ['copy', 'immer'] as const) {
    for (const flat of [true, false]) {
      it(`are cleared before every step (${apply}, flat ${flat})`, () => {
        const model = instantiate(counter, resolveConfig(counter, {}, []), apply);
        const r = exhaustive(model, { flat });
        // n in 0..3 with no event, and n = 0 after a reset (from 0, or wrapped from above): 6 states.
        expect(r.states).toBe(6);
        expect(r.violations.size).toBe(0);
        expect(r.goals.get('wrapped')?.depth).toBe(2);
        expect(r.goals.get('at-top')?.depth).toBe(3);
      });
    }
  }

  it('properties and goals read the configuration', () => {
    const model = instantiate(counter, resolveConfig(counter, { N: 5 }, []), 'immer');
    expect(exhaustive(model).goals.get('at-top')?.depth).toBe(5);
    expect(random(model, { runs: 50, steps: 20, seed: 2 }).violations.size).toBe(0);
  });
});
