// Issue 16 §4, the argument defects found by fuzzing: names from Object's
// prototype, a negative seed in a reproduce command, and errors on one line.
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { keyValues } from '../../cli/args.js';
import { oneLine } from '../../cli/run.js';
import { findDesign } from '../../model/designs/index.js';
import { cli } from './helpers.js';

const bench = findDesign('bench-reflink-cow');

describe("names from Object.prototype are nobody's", () => {
  const refused: [string, string[], RegExp][] = [
    ['--property toString', ['check', 'bench-reflink-cow', '--property', 'toString', '--mode', 'random', '--runs', '5'], /no chosen design has property 'toString'/],
    ['--property __proto__', ['check', 'bench-reflink-cow', '--property', '__proto__'], /no chosen design has property '__proto__'/],
    ['--param constructor=5', ['check', 'bench-reflink-cow', '--param', 'constructor=5'], /has no parameter 'constructor'/],
    ['--param __proto__=5', ['check', 'bench-reflink-cow', '--param', '__proto__=5'], /has no parameter '__proto__'/],
    ['--param hasOwnProperty=1', ['report', 'bench-reflink-cow', '--param', 'hasOwnProperty=1', '--out', '-', '--format', 'txt'], /has no parameter 'hasOwnProperty'/],
    ['--bug valueOf', ['check', 'bench-reflink-cow', '--bug', 'valueOf'], /has no bug toggle 'valueOf'/],
  ];
  it.each(refused)('%s: one line, exit 2', async (_what, argv, message) => {
    const r = await cli(...argv);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it("keeps __proto__ as a key, not as the record's prototype", () => {
    const kv = keyValues(['__proto__=5', 'F=3']);
    expect(Object.keys(kv)).toEqual(['__proto__', 'F']);
    expect(Object.getPrototypeOf(kv)).toBeNull();
  });

  it('check() itself refuses a property named after a prototype member', () => {
    expect(() => check(bench, { mode: 'random', runs: 1, properties: ['toString'] })).toThrow(/has no property 'toString'/);
    expect(() => check(bench, { mode: 'random', runs: 1, properties: ['constructor'] })).toThrow(/has no property 'constructor'/);
  });
});

describe('a negative seed', () => {
  it('parses after a space, as a reproduce command writes it, and that command gives the same trace', async () => {
    const search = ['check', 'bench-reflink-cow', '--bug', 'leak-on-punch', '--property', 'accounting', '--mode', 'random', '--runs', '300', '--steps', '30'];
    const r = await cli(...search, '--seed', '-7', '--json');
    expect(r.code).toBe(1);
    const [result] = JSON.parse(r.stdout).results;
    const meta = result.counterexamples.accounting['#meta'];
    expect(meta.reproduce).toMatch(/ --seed -\d+ /);
    const [, ...argv] = (meta.reproduce as string).split(' ');
    const again = await cli(...argv, '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).results[0].properties[0].actions).toEqual(result.properties[0].actions);
  });
});

describe('every error on one line', () => {
  it("joins a message's lines (a loader's, a design's) with \"; \"", () => {
    expect(oneLine("Cannot find module './x.js'\nRequire stack:\n- /tmp/d.ts\n")).toBe("Cannot find module './x.js'; Require stack:; - /tmp/d.ts");
  });

  it('says a missing value in one line', async () => {
    const r = await cli('check', 'bench-reflink-cow', '--seed');
    expect([r.code, r.stderr]).toEqual([2, 'pagecheck check: --seed needs a value\n']);
  });

  it('refuses a second operand to replay in one line', async () => {
    const r = await cli('replay', 'a.itf.json', 'b.itf.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pagecheck replay: too many arguments for 'replay'\. Expected 1 argument but got 2\.\n$/);
  });
});
