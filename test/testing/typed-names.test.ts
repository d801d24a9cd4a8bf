/**
 * A design written `{ ... } satisfies Design<State, Act>` keeps the names of
 * its bug toggles and parameters as types: a misspelt one passed to check,
 * expectHolds or expectViolation is a compile error (`tsc` in npm test reads
 * the `@ts-expect-error` lines below; were the names plain strings again,
 * each directive would be unused, itself an error). A design made with
 * defineDesign still takes any string, checked when run.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import type { Design } from '../../model/design.js';
import { expectHolds, expectViolation } from '../../testing/vitest.js';

interface State {
  n: number;
}
type Act = { readonly kind: 'inc' };

const counter = {
  name: 'counter',
  summary: 'a counter that stays below its limit',
  seed: 'a test of typed names',
  params: { N: { default: 2, min: 1, max: 3, description: 'the limit' } },
  bugs: { 'off-by-one': 'counts one past the limit' },
  init: () => ({ n: 0 }),
  actions: (s: State, cfg) => (s.n < cfg.params.N + (cfg.bugs.has('off-by-one') ? 1 : 0) ? [{ kind: 'inc' as const }] : []),
  next: { inc: () => (d: State) => void (d.n += 1) },
  always: [{ id: 'bounded', description: 'n stays within the limit', check: (s: State) => (s.n > 2 ? `n is ${s.n}` : undefined) }],
  sometimes: [],
} satisfies Design<State, Act>;

describe('typed names of toggles and parameters', () => {
  it('takes the names the design declares', () => {
    expect(check(counter, { mode: 'exhaustive', bugs: ['off-by-one'], params: { N: 2 } }).properties[0].verdict).toBe('violated');
    expectHolds(counter, { params: { N: 2 }, save: false });
    expectViolation(counter, 'bounded', { bugs: ['off-by-one'], maxLength: 3, save: false });
  });

  it('refuses a misspelt toggle or parameter at compile time, and at run time with a one-line error', () => {
    const misspelt = () =>
      // @ts-expect-error: 'off-by-on' is not a toggle of the design
      check(counter, { bugs: ['off-by-on'] });
    expect(misspelt).toThrow("design counter has no bug toggle 'off-by-on' (it has off-by-one)");
    // @ts-expect-error: the design has no parameter M
    expect(() => check(counter, { params: { M: 1 } })).toThrow("design counter has no parameter 'M'");
    // @ts-expect-error: nor does expectHolds take it
    expect(() => expectHolds(counter, { bugs: ['nope'], save: false })).toThrow('no bug toggle');
  });
});
