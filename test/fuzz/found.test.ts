// What the fuzzers (test/fuzz/*.fuzz.test.ts) found, kept as regression
// tests: each ended in "internal error", exit 70, before its fix.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.js';
import { expectWellBehaved } from './harness.js';

const repo = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pagecheck-fuzz-found-'));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const lock = readFileSync(join(repo, 'examples/lock/lock.ts'), 'utf8').replace("from '../../index.js'", "from 'pagecheck'");
file('lock.ts', lock);
/** examples/lock with `fields` replaced, as a user's module. */
const lockWith = (name: string, fields: string) => file(name, `import { lock } from './lock.ts';\nexport default { ...lock, ${fields} };\n`);

async function refused(argv: string[], message: RegExp): Promise<void> {
  const r = await cli(...argv);
  expectWellBehaved(r, argv);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
}

describe('found by fuzzing the argument parser', () => {
  it('merge of a JSON document that is null or a list: not the output of check --json', async () => {
    await refused(['merge', file('null.json', 'null')], /null\.json is not the output of pagecheck check --json$/m);
    await refused(['merge', file('list.json', '[1, 2]')], /list\.json is not the output of pagecheck check --json$/m);
  });
});

describe('found by fuzzing the ITF reader', () => {
  it('a step whose picks hold a number that is not an integer: refused naming the state', async () => {
    const t = JSON.parse(readFileSync(join(repo, 'counterexamples/fsdax-1to1/memfail-notify.itf.json'), 'utf8'));
    t.states[1]['mbt::nondetPicks'] = -3.835327877338491e-218;
    await refused(['replay', file('picks.itf.json', JSON.stringify(t))], /picks\.itf\.json: state 1: .*mbt::nondetPicks: -3\.835327877338491e-218 is not an ITF integer/);
  });
});

describe('found by the long ITF run (npm run fuzz)', () => {
  it('a record field named __proto__: refused naming the state', async () => {
    const t = JSON.parse(readFileSync(join(repo, 'counterexamples/fsdax-1to1/memfail-notify.itf.json'), 'utf8'));
    // An own key, as JSON.parse makes it (assigned, it would set the prototype).
    Object.defineProperty(t.states[1].frame[0], '__proto__', { value: { x: 1 }, enumerable: true });
    await refused(['replay', file('proto.itf.json', JSON.stringify(t))], /proto\.itf\.json: .*frame\[0\]: a record field named '__proto__' is not a state's/);
  });

  it('explore of a DAX trace whose states lost a field: drawn as the generic table, not exit 70', async () => {
    const t = JSON.parse(readFileSync(join(repo, 'counterexamples/fsdax-1to1/memfail-notify.itf.json'), 'utf8'));
    for (const s of t.states) delete s.pte;
    t.vars = t.vars.filter((v: string) => v !== 'pte');
    const argv = ['explore', file('nopte.itf.json', JSON.stringify(t)), '--out', join(dir, 'nopte.html')];
    const r = await cli(...argv);
    expectWellBehaved(r, argv);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'nopte.html'), 'utf8')).toContain('<svg');
  });
});

describe('found by fuzzing the design loader', () => {
  it('a goal without a reached function: refused when the module is loaded', async () => {
    const m = lockWith('goal.ts', `sometimes: [{ id: 'p', description: 'd', check: () => undefined }]`);
    await refused(['check', m, '--depth', '2'], /goal\.ts: the default export: its sometimes\[0\] is not a property with an id and a reached function/);
  });

  it('a design whose init throws: the module is named, with its first line', async () => {
    const m = lockWith('init.ts', `init: () => { throw new Error('boom\\nsecond line'); }`);
    await refused(['check', m, '--depth', '2'], /init\.ts: the design failed: boom$/m);
  });

  it('a design that throws something other than an Error', async () => {
    const m = lockWith('five.ts', `actions: () => { throw 5; }`);
    await refused(['check', m, '--mode', 'random', '--runs', '1', '--steps', '2'], /five\.ts: the design failed: it threw 5$/m);
  });

  // Seed 20261202 of `npm run fuzz` (2026-12-02): JSON.stringify read the Proxy's toJSON outside blamingModule.
  it('designs --json of a design whose amendments are a Proxy that throws: the module is named', async () => {
    const m = lockWith('proxy.ts', `amendments: new Proxy({}, { get() { throw new Error('a trap'); } })`);
    await refused(['designs', m, '--json'], /proxy\.ts: the design failed: a trap$/m);
  });

  it('an export with a getter that throws: the module is named', async () => {
    const m = file('trap.ts', `export default { get name() { throw new Error('a trap'); } };\n`);
    await refused(['check', m], /trap\.ts: reading the default export failed: a trap$/m);
  });

  it('a validate that is not a function, or returns what is not a message', async () => {
    await refused(['report', lockWith('notfn.ts', `validate: 'a b'`), '--depth', '1', '--out', '-', '--format', 'txt'], /notfn\.ts: the default export: its 'validate' is not a function$/m);
    await refused(['check', lockWith('obj.ts', `validate: (p) => p`), '--depth', '1'], /design example-lock: its validate\(\) returned a object, not a message or undefined$/m);
  });

  it('a liveness property whose id is not a string: refused when loaded', async () => {
    await refused(['check', lockWith('liveid.ts', `liveness: [{ id: 5, check: () => 'x' }]`), '--depth', '2'], /liveid\.ts: the default export: its liveness\[0\] is not a property with an id$/m);
  });

  it('a report of a design whose liveness is not a list: refused when loaded', async () => {
    const m = lockWith('live.ts', `liveness: () => 5`);
    await refused(['report', m, '--depth', '1', '--runs', '1', '--steps', '2', '--out', '-', '--format', 'txt'], /live\.ts: the default export: its 'liveness' is not a list$/m);
  });
});
