// Every kind of bad input: one line on stderr naming the problem, exit 2,
// nothing on stdout, no stack trace, and no file of the user's touched.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pagecheck-cli-'));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

const trace = async () => {
  const out = join(dir, `cx-${Math.random().toString(36).slice(2)}`);
  const r = await cli('check', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--mode', 'exhaustive', '--save', out);
  expect(r.code).toBe(1);
  return join(out, 'bench-reflink-cow', 'free-zeroed.itf.json');
};

const cases: [string, () => Promise<string[]>, RegExp][] = [
  ['no command', async () => [], /^pagecheck: name a command \(check, replay, designs, report, explore, merge, conform, new\); pagecheck --help says more\n$/],
  ['an unknown command', async () => ['frobnicate'], /unknown command 'frobnicate'/],
  ['an unknown design', async () => ['check', 'fsdax-nope'], /unknown design 'fsdax-nope' \(known: .*bench-reflink-cow/],
  ['no design at all', async () => ['check'], /name a design or give --all/],
  ['names and --all', async () => ['check', 'bench-reflink-cow', '--all'], /not both/],
  ['an unknown property', async () => ['check', 'bench-reflink-cow', '--property', 'nope'], /no chosen design has property 'nope' \(known: accounting, free-zeroed\)/],
  ['an unknown bug', async () => ['check', 'bench-reflink-cow', '--bug', 'nope'], /has no bug toggle 'nope' \(it has leak-on-punch, no-zero-on-free\)/],
  ['an unknown parameter', async () => ['check', 'bench-reflink-cow', '--param', 'Q=1'], /has no parameter 'Q' \(it has F, B, P, V\)/],
  ['a parameter named after a prototype member', async () => ['check', 'bench-reflink-cow', '--param', 'constructor=5'], /has no parameter 'constructor'/],
  ['a parameter out of range', async () => ['check', 'bench-reflink-cow', '--param', 'F=99'], /parameter F of bench-reflink-cow must be within 2\.\.6, not 99/],
  ['a parameter that is not a number', async () => ['check', 'bench-reflink-cow', '--param', 'F=two'], /must be an integer, not 'two'/],
  ['a malformed --param', async () => ['check', 'bench-reflink-cow', '--param', 'F'], /--param takes NAME=VALUE/],
  ['a negative depth', async () => ['check', 'bench-reflink-cow', '--depth=-1'], /--depth must be at least 0, not -1/],
  // A negative value parses as the option's value (issue 16: a reproduce command's `--seed -5` must run).
  ['a negative value after a space', async () => ['check', 'bench-reflink-cow', '--depth', '-1'], /--depth must be at least 0, not -1/],
  ['an option where a value belongs', async () => ['check', 'bench-reflink-cow', '--depth', '--json'], /--depth needs a value, but is followed by the option --json/],
  ['a missing option value', async () => ['check', 'bench-reflink-cow', '--depth'], /--depth needs a value/],
  ['a depth that is not a number', async () => ['check', 'bench-reflink-cow', '--depth', 'ten'], /--depth must be a whole number/],
  ['parameters that break a rule across them', async () => ['check', 'netfs-regions', '--param', 'C=3'], /design netfs-regions: C \(3\) must be a multiple of B \(2\)/],
  ['a time limit for a document', async () => ['report', 'bench-reflink-cow', '--time', '5'], /report takes no --time/],
  ['a bad time', async () => ['check', 'bench-reflink-cow', '--time', '0'], /--time must be a positive number of seconds/],
  ['a bad mode', async () => ['check', 'bench-reflink-cow', '--mode', 'fast'], /--mode must be exhaustive, random or both/],
  ['an unknown option', async () => ['check', 'bench-reflink-cow', '--frob'], /unknown option '--frob'/],
  ['a missing trace file', async () => ['replay', join(dir, 'absent.itf.json')], /absent\.itf\.json: no such file/],
  ['a trace file that is not JSON', async () => ['replay', file('bad.json', '{ not json')], /bad\.json: not valid JSON/],
  ['a JSON file that is not ITF', async () => ['replay', file('notitf.json', '{"vars": 3}')], /notitf\.json: not an ITF trace: 'vars'/],
  ['replay without a file', async () => ['replay'], /missing required argument 'file'/],
  [
    'a trace of an unknown design',
    async () => {
      const t = JSON.parse(readFileSync(await trace(), 'utf8'));
      t['#meta'].design = 'gone';
      return ['replay', file('gone.itf.json', JSON.stringify(t))];
    },
    /gone\.itf\.json: unknown design 'gone'/,
  ],
  [
    'a tampered trace',
    async () => {
      const t = JSON.parse(readFileSync(await trace(), 'utf8'));
      t.states[1]['#meta'].action = 'reflink(s=0, d=1)';
      return ['replay', file('tampered.itf.json', JSON.stringify(t))];
    },
    /tampered\.itf\.json: step 1: reflink\(s=0, d=1\) is not enabled/,
  ],
];

describe('bad input', () => {
  it.each(cases)('%s: one line, exit 2', async (_what, argv, message) => {
    const r = await cli(...(await argv()));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(r.stderr + r.stdout).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses to overwrite a file that is not its own trace, before searching', async () => {
    const out = join(dir, 'mine');
    mkdirSync(join(out, 'bench-reflink-cow'), { recursive: true });
    const precious = join(out, 'bench-reflink-cow', 'free-zeroed.itf.json');
    writeFileSync(precious, 'my notes');
    const r = await cli('check', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--save', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/free-zeroed\.itf\.json exists and is not a pagecheck trace; not overwriting it/);
    expect(r.stdout).toBe('');
    expect(readFileSync(precious, 'utf8')).toBe('my notes');
  });

  it('refuses a --save path that is a file', async () => {
    const r = await cli('check', 'bench-reflink-cow', '--save', file('plain', 'x'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a directory/);
    expect(readFileSync(join(dir, 'plain'), 'utf8')).toBe('x');
  });
});
