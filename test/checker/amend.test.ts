/**
 * Amendments (issue 12, section 1): validated as bug toggles are, carried
 * into the result, the reproduce line and the trace's #meta, and replayed
 * with the trace; a trace replayed without them is rejected.
 */
import { editMeta } from '../trace/edit-meta.js';
import { traceMeta } from '../../trace/counterexample.js';
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { exitCode } from '../../checker/exit-code.js';
import { replay } from '../../checker/replay.js';
import { resolveConfig } from '../../model/config.js';
import { InputError } from '../../model/errors.js';
import { parseItf, type ItfTrace } from '../../trace/counterexample.js';
import { counter } from '../fixtures/amended-counter.js';

const verdict = (amends: string[]) => check(counter, { mode: 'exhaustive', amends }).properties[0];

describe('amendments', () => {
  it('are off by default and change the design only when asked for', () => {
    expect(verdict([])).toMatchObject({ verdict: 'violated', traceLength: 3 });
    expect(verdict(['step-two'])).toMatchObject({ verdict: 'holds' });
    expect(verdict(['start-at-one'])).toMatchObject({ verdict: 'violated', traceLength: 2 });
    expect(verdict(['start-at-one', 'step-two'])).toMatchObject({ verdict: 'violated', traceLength: 1 });
  });

  it('never make a vacuous "holds" a proof', () => {
    const r = check(counter, { mode: 'exhaustive', amends: ['stop-at-one'] });
    expect(r.properties[0]).toMatchObject({ verdict: 'vacuous', unreached: ['two'] });
    expect(exitCode([r])).toBe(3);
  });

  it('are validated as bug toggles are, with a one-line error naming the ones there are', () => {
    expect(() => resolveConfig(counter, {}, [], ['nope'])).toThrow(InputError);
    expect(() => resolveConfig(counter, {}, [], ['nope'])).toThrow("design amended-counter has no amendment 'nope' (it has step-two, start-at-one, stop-at-one)");
    expect(() => check(counter, { amends: ['constructor'] })).toThrow(/has no amendment 'constructor'/);
    expect(resolveConfig(counter, {}, []).amends).toEqual(new Set());
  });

  it('are in the result, the reproduce line and the trace, and the trace replays with them', () => {
    const r = check(counter, { mode: 'exhaustive', amends: ['start-at-one', 'step-two'] });
    expect(r.amends).toEqual(['start-at-one', 'step-two']);
    const trace = parseItf(JSON.parse(JSON.stringify(r.counterexamples['not-three']))) as ItfTrace;
    expect(traceMeta(trace).amends).toEqual(['start-at-one', 'step-two']);
    expect(trace['#meta'].reproduce).toContain('--amend start-at-one --amend step-two');
    expect(replay(trace, counter)).toMatchObject({ reproduces: true, steps: 1 });
  });

  it('a trace replayed without its amendments is rejected, and one of the design as proposed records none', () => {
    const r = check(counter, { mode: 'exhaustive', amends: ['start-at-one'] });
    const trace = JSON.parse(JSON.stringify(r.counterexamples['not-three'])) as ItfTrace;
    editMeta(trace, (m) => delete m.amends);
    expect(() => replay(trace, counter)).toThrow(/state 0 is not the initial state/);
    const plain = check(counter, { mode: 'exhaustive' });
    expect(plain.amends).toEqual([]);
    expect(traceMeta(plain.counterexamples['not-three']).amends).toEqual([]);
  });

  it('a trace whose amendments are not a list of names is not a pagecheck trace', () => {
    const r = check(counter, { mode: 'exhaustive', amends: ['start-at-one'] });
    const trace = JSON.parse(JSON.stringify(r.counterexamples['not-three']));
    editMeta(trace, (m) => (m.amends = 'start-at-one'));
    expect(() => parseItf(trace)).toThrow('its amendments are not a list of names');
  });
});
