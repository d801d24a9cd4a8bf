/**
 * What a check concludes from its searches: a violation of an unclaimed
 * property is a contrast, not a failure (issue 10.3); a "holds" whose goals
 * were never reached is vacuous and proves nothing (issue 10.11).
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { exitCode } from '../../checker/exit-code.js';
import { defineDesign } from '../../model/design.js';
import toy from '../fixtures/toy-pages.js';

const reachable = toy.sometimes.filter((g) => g.id !== 'never');
// The toy with a second property that breaks once any folio is added.
const twoProperties = defineDesign({
  ...toy,
  sometimes: reachable,
  always: [...toy.always, { id: 'empty', description: 'no folio is in a mapping', check: (s) => (s.folio.some((f) => f.mapping !== null) ? 'a folio was added' : undefined) }],
});

describe('claims', () => {
  it('a violated property the design claims fails the check', () => {
    const r = check(twoProperties, { mode: 'exhaustive' });
    expect(r.properties.map((p) => [p.id, p.verdict, p.claimed])).toEqual([
      ['nrpages', 'holds', true],
      ['empty', 'violated', true],
    ]);
    expect(exitCode([r])).toBe(1);
  });

  it('a violated property it does not claim is reported with its counterexample, and fails nothing', () => {
    const r = check({ ...twoProperties, claims: ['nrpages'] }, { mode: 'exhaustive' });
    const empty = r.properties.find((p) => p.id === 'empty')!;
    expect([empty.verdict, empty.claimed, empty.traceLength]).toEqual(['violated', false, 1]);
    expect(r.counterexamples.empty).toBeDefined();
    expect(exitCode([r])).toBe(0);
  });

  it('an unclaimed violation alongside a claimed one still fails', () => {
    const r = check({ ...twoProperties, claims: ['nrpages'] }, { mode: 'exhaustive', bugs: ['no-count'] });
    expect(r.properties.map((p) => [p.id, p.verdict])).toEqual([
      ['nrpages', 'violated'],
      ['empty', 'violated'],
    ]);
    expect(exitCode([r])).toBe(1);
  });

  it('random search alone never exits 0, even when all it found are contrasts', () => {
    const r = check({ ...twoProperties, claims: ['nrpages'] }, { mode: 'random', properties: ['empty'], runs: 20, seed: 1 });
    expect(r.properties[0].verdict).toBe('violated');
    expect(exitCode([r])).toBe(3);
  });
});

describe('vacuity', () => {
  it('a holds with a goal never reached is vacuous, and exits 3', () => {
    const r = check(toy, { mode: 'exhaustive' });
    expect(r.exhaustive?.complete).toBe(true);
    expect(r.properties[0]).toMatchObject({ id: 'nrpages', verdict: 'vacuous', unreached: ['never'] });
    expect(exitCode([r])).toBe(3);
  });

  it('with every goal reached it holds', () => {
    const r = check({ ...toy, sometimes: reachable }, { mode: 'exhaustive' });
    expect(r.properties[0].verdict).toBe('holds');
    expect(exitCode([r])).toBe(0);
  });

  it('a goal guards only the properties it names', () => {
    const guarded = { ...twoProperties, claims: ['nrpages'], sometimes: [...reachable, { ...toy.sometimes[1], guards: ['empty'] }] };
    const r = check(guarded, { mode: 'exhaustive', properties: ['nrpages'] });
    expect(r.properties[0].verdict).toBe('holds');
    const both = check({ ...guarded, sometimes: [...reachable, { ...toy.sometimes[1], guards: ['nrpages'] }] }, { mode: 'exhaustive', properties: ['nrpages'] });
    expect(both.properties[0].verdict).toBe('vacuous');
  });
});
