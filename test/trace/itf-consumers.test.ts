// Every corpus trace, read (in whichever format it is in) and written in the
// current one, passes a strict validator of what ITF's readers require
// (itf-rules.ts, written from itf-rs's source), decodes back to the very
// states, actions and metadata it held, and replays.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { replay } from '../../checker/replay.js';
import { fingerprint } from '../../engine/fingerprint.js';
import bench from '../../model/designs/bench-reflink-cow.js';
import { findDesign } from '../../model/designs/index.js';
import { ACTION_TAKEN, NONDET_PICKS, parseItf, stateAt, stepMeta, traceMeta, writeTrace, type TraceMeta } from '../../trace/counterexample.js';
import { decodeValue } from '../../trace/itf.js';
import { parseApalacheType, validateItf } from './itf-rules.js';

const root = new URL('../../counterexamples/', import.meta.url).pathname;
const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.itf.json')).sort();
const strict = { bigintOnly: true, typed: true };

/** A trace as it is stored, decoded without pagecheck's reader: states, and each step's label. */
function asStored(json: Record<string, unknown>): { states: string[]; actions: (string | undefined)[] } {
  const states = json.states as Record<string, unknown>[];
  const vars = (json.vars as string[]).filter((v) => !v.startsWith('mbt::'));
  return {
    states: states.map((s) => fingerprint(Object.fromEntries(vars.map((v) => [v, decodeValue(s[v])])))),
    actions: states.map((s) => (s['#meta'] as { action?: string } | undefined)?.action),
  };
}

describe('the corpus, as ITF readers take it', () => {
  it('is not empty', () => expect(files.length).toBeGreaterThan(20));

  it.each(files)('%s: written anew, it keeps the rules of itf-rs, Quint and Apalache, and says the same', (file) => {
    const stored = JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, unknown>;
    const written = JSON.parse(JSON.stringify(parseItf(stored)));
    expect(validateItf(written, strict)).toEqual([]);
    const again = parseItf(written);
    expect(asStored(written)).toEqual(asStored(stored));
    const meta = traceMeta(again);
    const old = stored['#meta'] as Record<string, unknown>;
    if (typeof old.pagecheck !== 'string') {
      // Still in the first format: every field it had is read back, wherever it went.
      for (const k of ['design', 'property', 'message', 'mode', 'reproduce', 'params', 'bugs', 'bound', 'seed', 'path', 'crashCap', 'shrink']) {
        expect([k, meta[k as keyof TraceMeta]]).toEqual([k, old[k]]);
      }
      (stored.states as Record<string, Record<string, unknown>>[]).forEach((s, i) => {
        const m = stepMeta(again, i);
        const was = s['#meta'];
        expect({ choice: m.choice, outcome: m.outcome, note: m.note, kind: m.kind }).toEqual({ choice: was.choice, outcome: was.outcome, note: was.note, kind: was.kind });
        expect(fingerprint(m.args ?? {})).toBe(fingerprint(decodeValue(was.args ?? {})));
      });
    }
    expect(replay(again).reproduces).toBe(true);
  });
});

describe('the strict validator', () => {
  it('rejects the first format as itf-rs does: numbers in state #meta', () => {
    const old = JSON.parse(readFileSync(new URL('../fixtures/itf-first-format/pmem-nofsync-naive.crash-ordering.itf.json', import.meta.url), 'utf8'));
    expect(validateItf(old).some((e) => /^state \d+: #meta\.choice is not a string$/.test(e))).toBe(true);
  });

  it('catches a variable whose type changes, NULL beside a bare value, and undeclared or missing variables', () => {
    const doc = (states: Record<string, unknown>[], vars = ['x'], varTypes: Record<string, string> = { x: 'Int' }) => ({
      '#meta': { format: 'ITF', varTypes },
      vars,
      states: states.map((s, i) => ({ '#meta': { index: i }, ...s })),
    });
    const big = (n: number) => ({ '#bigint': String(n) });
    expect(validateItf(doc([{ x: big(1) }, { x: big(2) }]), strict)).toEqual([]);
    expect(validateItf(doc([{ x: big(1) }, { x: 'a' }]), strict)).toEqual(['x: one type is int, another str']);
    const none = { tag: 'None', value: { '#tup': [] } };
    expect(validateItf(doc([{ x: none }, { x: { f: big(1) } }]), strict)).toContain('x: one type is None(<<>>), another {f: int}');
    expect(validateItf(doc([{ x: none }, { x: { tag: 'Some', value: big(1) } }], ['x'], { x: 'Some(Int) | None(UNIT)' }), strict)).toEqual([]);
    expect(validateItf(doc([{ x: big(1), y: big(2) }]))).toEqual(["trace: 'y' is in a state but not in 'vars'"]);
    expect(validateItf(doc([{ x: big(1) }], ['x', 'y']))).toEqual(["state 0: lacks variable 'y' named in 'vars'"]);
    expect(validateItf(doc([{ x: big(1) }], ['x'], {}), strict)).toEqual(["trace: #meta.varTypes has no type for 'x' (Apalache needs one for every variable)"]);
    expect(validateItf(doc([{ x: big(1) }], ['x'], { x: 'Str' }), strict)).toEqual(["trace: the values of 'x' are not of its declared type Str: int is not Str"]);
    expect(validateItf(doc([{ x: {} }], ['x'], { x: '{}' }), strict)).toContain('state 0.x: an empty record (Apalache reads none)');
    expect(validateItf({ '#meta': {}, vars: ['x'], states: [{ x: 1 }] })).toEqual(["state 0: '#meta' is required (itf-rs State.meta has no default)"]);
  });

  it('parses the type syntax Apalache reads in varTypes', () => {
    expect(parseApalacheType('Seq({ a: Int, b: (Some(Str) | None(UNIT)) })')).toEqual({
      k: 'Seq',
      of: { k: 'rec', fields: { a: { k: 'Int' }, b: { k: 'variant', cases: { Some: { k: 'Str' }, None: { k: 'UNIT' } } } } },
    });
    expect(parseApalacheType('(Int -> Set(a))')).toEqual({ k: 'fun', from: { k: 'Int' }, to: { k: 'Set', of: { k: 'var', name: 'a' } } });
    expect(() => parseApalacheType('Seq(Int')).toThrow(/expected \)/);
  });
});

describe("Apalache's reader", () => {
  it('takes a trace without NULL places whole, and says what it cannot take of one with them', () => {
    const t = JSON.parse(JSON.stringify(check(bench, { bugs: ['no-zero-on-free'], mode: 'exhaustive' }).counterexamples['free-zeroed']));
    // mbt::nondetPicks is a record of options: Apalache reads no variant, Quint's own options included.
    expect(validateItf(t, { apalache: true })).toEqual(["trace: 'mbt::nondetPicks' is of a variant type, which Apalache's ITF reader does not read"]);
    const withOptions = JSON.parse(JSON.stringify(parseItf(JSON.parse(readFileSync(join(root, 'fsdax-shared/deadlock.itf.json'), 'utf8')))));
    expect(validateItf(withOptions, { apalache: true })).toEqual(expect.arrayContaining(["trace: 'fault' is of a variant type, which Apalache's ITF reader does not read"]));
    expect(validateItf({ ...t, '#meta': { ...t['#meta'], varTypes: { ...t['#meta'].varTypes, ghost: 'Int' } } }, { apalache: true })).toContain(
      "trace: #meta.varTypes types 'ghost', which 'vars' does not name (Apalache)",
    );
  });
});

describe('what the writer puts where a reader looks', () => {
  const trace = () => JSON.parse(JSON.stringify(check(bench, { bugs: ['no-zero-on-free'], mode: 'exhaustive' }).counterexamples['free-zeroed']));

  it("writes each step's action as the variables Quint's run --mbt writes, and keeps #meta to strings", () => {
    const t = trace();
    expect(validateItf(t, strict)).toEqual([]);
    expect(t.vars).toEqual(['ext', 'ref', 'data', ACTION_TAKEN, NONDET_PICKS]);
    const none = { tag: 'None', value: { '#tup': [] } };
    const some = (n: number) => ({ tag: 'Some', value: { '#bigint': String(n) } });
    expect(t.states.map((s: Record<string, unknown>) => s[ACTION_TAKEN])).toEqual(['init', 'write', 'punch']);
    expect(t.states[0][NONDET_PICKS]).toEqual({ choice: none, f: none, b: none, v: none });
    expect(t.states[1][NONDET_PICKS]).toEqual({ choice: none, f: some(0), b: some(0), v: some(1) });
    expect(t.states[2][NONDET_PICKS]).toEqual({ choice: none, f: some(0), b: some(0), v: none });
    expect(t['#meta'].varTypes[NONDET_PICKS]).toBe('{ choice: (Some(Int) | None(UNIT)), f: (Some(Int) | None(UNIT)), b: (Some(Int) | None(UNIT)), v: (Some(Int) | None(UNIT)) }');
    expect(JSON.parse(t['#meta'].pagecheck)).toMatchObject({ params: { F: 2, B: 2, P: 3, V: 2 }, bugs: ['no-zero-on-free'], amends: [] });
  });

  it("writes a crash step's successor as the pick `choice`, and an optional place as None/Some throughout", () => {
    const r = check(findDesign('pmem-nofsync-naive'), { mode: 'exhaustive', properties: ['crash-ordering'] });
    const t = JSON.parse(JSON.stringify(r.counterexamples['crash-ordering']));
    expect(validateItf(t, strict)).toEqual([]);
    const crash = t.states.findIndex((s: Record<string, unknown>) => s[ACTION_TAKEN] === 'crash');
    expect(t.states[crash][NONDET_PICKS].choice.tag).toBe('Some');
    expect(stepMeta(parseItf(t), crash).choice).toBe(Number(t.states[crash][NONDET_PICKS].choice.value['#bigint']));
    expect(t['#meta'].varTypes.atCrash).toMatch(/^Some\(\{ .* \}\) \| None\(UNIT\)$/);
    expect(new Set(t.states.map((s: Record<string, { tag: string }>) => s.atCrash.tag))).toEqual(new Set(['None', 'Some']));
  });

  it('writes records of several kinds as the variants of one sum type, and reads them back whole', () => {
    const states = [
      { p: [] },
      { p: [{ t: 'data', pfn: 1 }] },
      {
        p: [
          { t: 'data', pfn: 1 },
          { t: 'root', depth: 2, recs: [] },
        ],
      },
    ];
    const meta: TraceMeta = { source: 's', description: 'd', design: 'x', params: {}, bugs: [], property: 'p', message: 'm', mode: 'random', bound: {}, reproduce: '' };
    const doc = writeTrace(
      states.map((state, i) => (i === 0 ? { state } : { state, action: { action: 'a()', kind: 'a', args: {} } })),
      meta,
    );
    const json = JSON.parse(JSON.stringify(doc));
    expect(validateItf(json, strict)).toEqual([]);
    expect(json['#meta'].varTypes.p).toBe('Seq((data({ t: Str, pfn: Int }) | root({ t: Str, depth: Int, recs: Seq(a) })))');
    expect(json.states[2].p[1]).toEqual({ tag: 'root', value: { t: 'root', depth: { '#bigint': '2' }, recs: [] } });
    expect(states.map((_, i) => stateAt(parseItf(json), i))).toEqual(states);
  });

  it('rejects what a reader would misread, naming it', () => {
    const meta: TraceMeta = { source: 's', description: 'd', design: 'x', params: {}, bugs: [], property: 'p', message: 'm', mode: 'random', bound: {}, reproduce: '' };
    expect(() => writeTrace([{ state: { r: { tag: 'x', n: 1 } } }], meta)).toThrow(/state 0\.r\.tag: a record field named 'tag' reads as a Quint variant/);
    expect(() => writeTrace([{ state: { x: 1 } }, { state: { x: 1 }, action: { action: 'a(choice=1)', kind: 'a', args: { choice: 1 } } }], meta)).toThrow(/its field 'choice'/);
  });

  it('reads back what pagecheck writes, and checks vars against the states', () => {
    const t = trace();
    expect(traceMeta(parseItf(t))).toMatchObject({ design: 'bench-reflink-cow', bugs: ['no-zero-on-free'], mode: 'exhaustive' });
    const extra = trace();
    extra.states[1].stray = 1;
    expect(() => parseItf(extra)).toThrow(/state 1 has 'stray', which 'vars' does not name/);
    const dup = trace();
    dup.vars.push('ext');
    expect(() => parseItf(dup)).toThrow(/'vars' names 'ext' twice/);
    const noInfo = trace();
    delete noInfo['#meta'].pagecheck;
    expect(() => parseItf(noInfo)).toThrow(/'#meta.pagecheck' is missing/);
  });
});
