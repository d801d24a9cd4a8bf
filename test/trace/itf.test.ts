import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, ItfError } from '../../trace/itf.js';
import { parseItf, stateAt, stepMeta, toItf, traceMeta } from '../../trace/counterexample.js';
import { fingerprint } from '../../engine/fingerprint.js';
import { check } from '../../checker/check.js';
import bench from '../../model/designs/bench-reflink-cow.js';

describe('ITF values', () => {
  const value = {
    folio: [{ mapping: null, index: 3, flags: new Set(['dirty', 'locked']) }],
    cache: new Map<unknown, unknown>([
      [[0, 1], { pfn: 7 }],
      ['b', []],
    ]),
    big: 2n ** 70n,
    small: -5,
    ok: true,
    name: 'f0',
  };

  it('round-trips state values, with the ITF encodings for sets, maps, big integers and NULL', () => {
    const big = (n: number | bigint) => ({ '#bigint': String(n) });
    const encoded = encodeValue(value) as Record<string, unknown>;
    expect(encoded.big).toEqual(big(2n ** 70n));
    // Every integer as #bigint, as Quint writes them: a reader built for Quint's traces takes no plain number.
    expect(encoded.small).toEqual(big(-5));
    expect((encoded.folio as Record<string, unknown>[])[0].mapping).toEqual({ tag: 'None', value: { '#tup': [] } });
    expect((encoded.folio as Record<string, unknown>[])[0].flags).toEqual({ '#set': ['dirty', 'locked'] });
    expect(encoded.cache).toEqual({
      '#map': [
        [[big(0), big(1)], { pfn: big(7) }],
        ['b', []],
      ],
    });
    const decoded = decodeValue(JSON.parse(JSON.stringify(encoded)));
    expect(fingerprint(decoded)).toBe(fingerprint(value));
    expect(decoded).toEqual(value);
  });

  it('reads what Quint writes: #bigint in the safe range, #tup, and options', () => {
    expect(decodeValue({ '#bigint': '42' })).toBe(42);
    // JSON.parse makes __proto__ an own key; assigned while decoding, it would set the record's prototype.
    expect(() => decodeValue(JSON.parse('{"n": {"__proto__": {"polluted": 1}}}'))).toThrow(new ItfError("state.n: a record field named '__proto__' is not a state's"));
    expect(decodeValue({ '#tup': [1, 'a'] })).toEqual([1, 'a']);
    expect(decodeValue({ tag: 'Some', value: { '#bigint': '3' } })).toBe(3);
    expect(decodeValue({ tag: 'None', value: {} })).toBeNull();
  });

  it('writes a place that is NULL in one state as Some in the others, when given the type across them', async () => {
    const { join, typeOf } = await import('../../trace/itf-types.js');
    const type = join(typeOf(null), typeOf({ pfn: 1 }));
    expect(encodeValue({ pfn: 1 }, 'state', type)).toEqual({ tag: 'Some', value: { pfn: { '#bigint': '1' } } });
    expect(encodeValue(null, 'state', type)).toEqual({ tag: 'None', value: { '#tup': [] } });
    expect(decodeValue(encodeValue({ pfn: 1 }, 'state', type))).toEqual({ pfn: 1 });
  });

  it('rejects what is not ITF, naming where', () => {
    expect(() => encodeValue({ x: 0.5 })).toThrow(/state\.x: ITF has no non-integer/);
    expect(() => decodeValue({ '#bigint': '1.5' })).toThrow(ItfError);
    expect(() => decodeValue({ a: { '#weird': 1 } })).toThrow(/state\.a: unknown ITF form '#weird'/);
    expect(() => decodeValue([1, null])).toThrow(/state\[1\]/);
  });
});

describe('ITF traces', () => {
  it("carry the design, parameters, bugs, property and each step's action, and decode to the states", () => {
    const result = check(bench, { bugs: ['no-zero-on-free'], mode: 'exhaustive' });
    const trace = parseItf(JSON.parse(JSON.stringify(result.counterexamples['free-zeroed'])));
    expect(trace['#meta'].format).toBe('ITF');
    const meta = traceMeta(trace);
    expect(meta).toMatchObject({ design: 'bench-reflink-cow', property: 'free-zeroed', bugs: ['no-zero-on-free'], mode: 'exhaustive' });
    expect(meta.params).toEqual({ F: 2, B: 2, P: 3, V: 2 });
    expect(trace.vars).toEqual(['ext', 'ref', 'data', 'mbt::actionTaken', 'mbt::nondetPicks']);
    expect(trace.states.map((s) => s['#meta'].index)).toEqual([0, 1, 2]);
    const { index, ...strings } = trace.states[1]['#meta'];
    expect([index, strings]).toMatchObject([1, { action: 'write(f=0, b=0, v=1)', kind: 'write' }]);
    expect(Object.values(strings).every((x) => typeof x === 'string')).toBe(true);
    expect(stepMeta(trace, 1)).toMatchObject({ action: 'write(f=0, b=0, v=1)', kind: 'write', args: { f: 0, b: 0, v: 1 } });
    expect(stateAt(trace, 2)).toEqual({
      ext: [
        [-1, -1],
        [-1, -1],
      ],
      ref: [0, 0, 0],
      data: [1, 0, 0],
    });
  });

  it('builds from any trace of record states', () => {
    const doc = toItf([{ state: { x: 1 } }, { action: { kind: 'inc' }, state: { x: 2 } }], () => 'inc()', {
      source: 't',
      description: 'd',
      design: 'x',
      params: {},
      bugs: [],
      property: 'p',
      message: 'm',
      mode: 'random',
      bound: {},
      reproduce: '',
    });
    expect(parseItf(doc).states[1]).toMatchObject({ x: { '#bigint': '2' }, '#meta': { index: 1, action: 'inc()' } });
    expect(stateAt(parseItf(doc), 1)).toEqual({ x: 2 });
  });

  it('records on each step the kernel function its action kind stands for, and the text shows it', async () => {
    const { renderText } = await import('../../trace/render.js');
    const notes: Record<string, string> = { inc: 'atomic_inc' };
    const doc = toItf(
      [{ state: { x: 1 } }, { action: { kind: 'inc' }, state: { x: 2 } }, { action: { kind: 'dec' }, state: { x: 1 } }],
      (a) => `${a.kind}()`,
      {
        source: 't',
        description: 'd',
        design: 'x',
        params: {},
        bugs: [],
        property: 'p',
        message: 'm',
        mode: 'random',
        bound: {},
        reproduce: '',
      },
      undefined,
      (kind) => notes[kind],
    );
    expect(doc.states[1]['#meta'].note).toBe('atomic_inc');
    expect(doc.states[2]['#meta'].note).toBeUndefined();
    expect(renderText(parseItf(doc))).toContain('step 1: inc()\n  kernel: atomic_inc\n');
  });

  it('rejects malformed documents with the reason', () => {
    expect(() => parseItf([])).toThrow(/top level/);
    expect(() => parseItf({ vars: ['x'], states: [] })).toThrow(/'states'/);
    expect(() => parseItf({ vars: ['x'], states: [{ x: 1 }] })).toThrow(/#meta/);
    expect(() => parseItf({ '#meta': { design: 'd', property: 'p', params: {} }, vars: ['x'], states: [{ x: 1 }] })).toThrow(/'#meta\.message' is missing/);
    expect(() => parseItf({ '#meta': { design: 'd', property: 'p', message: 'm', mode: 'exhaustive', reproduce: '', params: {} }, vars: ['x'], states: [{ y: 1 }] })).toThrow(/lacks variable 'x'/);
    expect(() => parseItf({ '#meta': { design: 'd', property: 'p', message: 'm', mode: 'exhaustive', reproduce: '', params: {} }, vars: ['x'], states: [{ x: 1, y: 1 }] })).toThrow(
      /state 0 has 'y', which 'vars' does not name/,
    );
    expect(() => parseItf({ '#meta': { design: 'd', property: 'p', message: 'm', mode: 'exhaustive', reproduce: '', params: {} }, vars: ['x'], states: [{ x: 1 }, { x: 2, '#meta': {} }] })).toThrow(
      /state 1 does not name the action/,
    );
  });
});

describe('rendering changes', () => {
  it('shows a list that fills up by its members, not as a container that went', async () => {
    const { diffStates, showChange } = await import('../../trace/render.js');
    expect(diffStates({ pending: [] }, { pending: [3, 4] }).map(showChange)).toEqual(['pending[0]: (none) -> 3', 'pending[1]: (none) -> 4']);
    expect(diffStates({ pending: [3] }, { pending: [] }).map(showChange)).toEqual(['pending[0]: 3 -> (gone)']);
    expect(diffStates({ m: {} }, { m: { a: 1 } }).map(showChange)).toEqual(['m.a: (none) -> 1']);
    expect(diffStates({ x: [1], y: [] }, { x: [2], y: [] }).map(showChange)).toEqual(['x[0]: 1 -> 2']);
    // A record in NULL's place, and back, is one change written whole, where its first member was.
    expect(diffStates({ a: 0, fault: null, z: 0 }, { a: 1, fault: { f: 0, pfn: [2] }, z: 1 }).map(showChange)).toEqual(['a: 0 -> 1', 'fault: NULL -> {f: 0, pfn[0]: 2}', 'z: 0 -> 1']);
    expect(diffStates({ fault: { f: 0 }, z: 0 }, { fault: null, z: 1 }).map(showChange)).toEqual(['fault: {f: 0} -> NULL', 'z: 0 -> 1']);
    expect(diffStates({ fault: { f: 0 } }, { fault: { f: 1 } }).map(showChange)).toEqual(['fault.f: 0 -> 1']);
  });
});

describe('one type per variable', () => {
  it('joins what the states hold: options where NULL is, sum types by a kind field, unknown for what stays empty', async () => {
    const { join, typeOf, typeText } = await import('../../trace/itf-types.js');
    const across = (...vs: unknown[]) => typeText(vs.map(typeOf).reduce(join));
    expect(across(null, { pfn: 1 })).toBe('Some({ pfn: Int }) | None(UNIT)');
    expect(across([null], [1, null])).toBe('Seq((Some(Int) | None(UNIT)))');
    expect(across({ kind: 'a', x: 1 }, { kind: 'b', y: 's' })).toBe('a({ kind: Str, x: Int }) | b({ kind: Str, y: Str })');
    expect(across([], new Set())).toBeUndefined();
    expect(across([], [])).toBe('Seq(a)');
    expect(across(new Map([[1, 'x']]))).toBe('(Int -> Str)');
  });

  it('has no type where none exists, and leaves that variable out of varTypes', async () => {
    const { join, typeOf, typeText } = await import('../../trace/itf-types.js');
    const across = (...vs: unknown[]) => typeText(vs.map(typeOf).reduce(join));
    expect(across(1, 'one')).toBeUndefined();
    // One kind with two field sets: no sum type either.
    expect(across({ t: 'a', x: 1 }, { t: 'a', y: 1 })).toBeUndefined();
    // A kind named None would read back as NULL: not a sum type.
    expect(across({ t: 'None', x: 1 }, { t: 'b', y: 1 })).toBeUndefined();
    const doc = toItf([{ state: { x: 1 } }, { action: { kind: 'set' }, state: { x: 'one' } }], () => 'set()', {
      source: 't',
      description: 'd',
      design: 'x',
      params: {},
      bugs: [],
      property: 'p',
      message: 'm',
      mode: 'random',
      bound: {},
      reproduce: '',
    });
    expect(doc['#meta'].varTypes.x).toBeUndefined();
    expect([stateAt(doc, 0), stateAt(doc, 1)]).toEqual([{ x: 1 }, { x: 'one' }]);
  });
});
