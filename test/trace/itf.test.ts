import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, ItfError } from '../../trace/itf.js';
import { parseItf, stateAt, toItf } from '../../trace/counterexample.js';
import { fingerprint } from '../../engine/fingerprint.js';
import { check } from '../../checker/check.js';
import bench from '../../model/designs/bench-reflink-cow.js';

describe('ITF values', () => {
  const value = {
    folio: [{ mapping: null, index: 3, flags: new Set(['dirty', 'locked']) }],
    cache: new Map<unknown, unknown>([[[0, 1], { pfn: 7 }], ['b', []]]),
    big: 2n ** 70n,
    small: -5,
    ok: true,
    name: 'f0',
  };

  it('round-trips state values, with the ITF encodings for sets, maps, big integers and NULL', () => {
    const encoded = encodeValue(value) as Record<string, unknown>;
    expect(encoded.big).toEqual({ '#bigint': '1180591620717411303424' });
    expect((encoded.folio as Record<string, unknown>[])[0].mapping).toEqual({ tag: 'None', value: { '#tup': [] } });
    expect((encoded.folio as Record<string, unknown>[])[0].flags).toEqual({ '#set': ['dirty', 'locked'] });
    expect(encoded.cache).toEqual({ '#map': [[[0, 1], { pfn: 7 }], ['b', []]] });
    const decoded = decodeValue(JSON.parse(JSON.stringify(encoded)));
    expect(fingerprint(decoded)).toBe(fingerprint(value));
    expect(decoded).toEqual(value);
  });

  it('reads what Quint writes: #bigint in the safe range and #tup', () => {
    expect(decodeValue({ '#bigint': '42' })).toBe(42);
    expect(decodeValue({ '#tup': [1, 'a'] })).toEqual([1, 'a']);
  });

  it('rejects what is not ITF, naming where', () => {
    expect(() => encodeValue({ x: 0.5 })).toThrow(/state\.x: ITF has no non-integer/);
    expect(() => decodeValue({ '#bigint': '1.5' })).toThrow(ItfError);
    expect(() => decodeValue({ a: { '#weird': 1 } })).toThrow(/state\.a: unknown ITF form '#weird'/);
    expect(() => decodeValue([1, null])).toThrow(/state\[1\]/);
  });
});

describe('ITF traces', () => {
  it('carry the design, parameters, bugs, property and each step\'s action, and decode to the states', () => {
    const result = check(bench, { bugs: ['no-zero-on-free'], mode: 'exhaustive' });
    const trace = parseItf(JSON.parse(JSON.stringify(result.counterexamples['free-zeroed'])));
    const meta = trace['#meta'];
    expect(meta.format).toBe('ITF');
    expect(meta).toMatchObject({ design: 'bench-reflink-cow', property: 'free-zeroed', bugs: ['no-zero-on-free'], mode: 'exhaustive' });
    expect(meta.params).toEqual({ F: 2, B: 2, P: 3, V: 2 });
    expect(trace.vars).toEqual(['ext', 'ref', 'data']);
    expect(trace.states.map((s) => s['#meta'].index)).toEqual([0, 1, 2]);
    expect(trace.states[1]['#meta']).toMatchObject({ action: 'write(f=0, b=0, v=1)', kind: 'write', args: { f: 0, b: 0, v: 1 } });
    expect(stateAt(trace, 2)).toEqual({ ext: [[-1, -1], [-1, -1]], ref: [0, 0, 0], data: [1, 0, 0] });
  });

  it('builds from any trace of record states', () => {
    const doc = toItf([{ state: { x: 1 } }, { action: { kind: 'inc' }, state: { x: 2 } }], () => 'inc()', {
      source: 't', description: 'd', design: 'x', params: {}, bugs: [], property: 'p', message: 'm', mode: 'random', bound: {}, reproduce: '',
    });
    expect(parseItf(doc).states[1]).toMatchObject({ x: 2, '#meta': { index: 1, action: 'inc()' } });
  });

  it("records on each step the kernel function its action kind stands for, and the text shows it", async () => {
    const { renderText } = await import('../../trace/render.js');
    const notes: Record<string, string> = { inc: 'atomic_inc' };
    const doc = toItf([{ state: { x: 1 } }, { action: { kind: 'inc' }, state: { x: 2 } }, { action: { kind: 'dec' }, state: { x: 1 } }], (a) => `${a.kind}()`, {
      source: 't', description: 'd', design: 'x', params: {}, bugs: [], property: 'p', message: 'm', mode: 'random', bound: {}, reproduce: '',
    }, undefined, (kind) => notes[kind]);
    expect(doc.states[1]['#meta'].note).toBe('atomic_inc');
    expect(doc.states[2]['#meta'].note).toBeUndefined();
    expect(renderText(parseItf(doc))).toContain('step 1: inc()\n  kernel: atomic_inc\n');
  });

  it('rejects malformed documents with the reason', () => {
    expect(() => parseItf([])).toThrow(/top level/);
    expect(() => parseItf({ vars: ['x'], states: [] })).toThrow(/'states'/);
    expect(() => parseItf({ vars: ['x'], states: [{ x: 1 }] })).toThrow(/#meta/);
    expect(() => parseItf({ '#meta': { design: 'd', property: 'p', params: {} }, vars: ['x'], states: [{ y: 1 }] })).toThrow(/lacks variable 'x'/);
    expect(() =>
      parseItf({ '#meta': { design: 'd', property: 'p', params: {} }, vars: ['x'], states: [{ x: 1 }, { x: 2, '#meta': {} }] }),
    ).toThrow(/state 1 does not name the action/);
  });
});

describe('rendering changes', () => {
  it('shows a list that fills up by its members, not as a container that went', async () => {
    const { diffStates, showChange } = await import('../../trace/render.js');
    expect(diffStates({ pending: [] }, { pending: [3, 4] }).map(showChange)).toEqual(['pending[0]: (none) -> 3', 'pending[1]: (none) -> 4']);
    expect(diffStates({ pending: [3] }, { pending: [] }).map(showChange)).toEqual(['pending[0]: 3 -> (gone)']);
    expect(diffStates({ m: {} }, { m: { a: 1 } }).map(showChange)).toEqual(['m.a: (none) -> 1']);
    expect(diffStates({ x: [1], y: [] }, { x: [2], y: [] }).map(showChange)).toEqual(['x[0]: 1 -> 2']);
  });
});
