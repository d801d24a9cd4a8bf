// Users' own designs on the command line (issue 15 §1): `check ./d.ts`,
// `./d.ts#name`, and the other commands, with the same verdicts, files and
// exit codes as a built-in design; a trace records the module and replays from it.
import { traceMeta } from '../../trace/counterexample.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { lock } from '../../examples/lock/lock.js';
import { cli } from './helpers.js';

const repo = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pagecheck-user-'));

/** examples/lock as a user has it: its own folder, `import ... from 'pagecheck'`, a default and a named export. */
function userLock(where = dir): string {
  const src = readFileSync(join(repo, 'examples/lock/lock.ts'), 'utf8').replace("from '../../index.js'", "from 'pagecheck'");
  mkdirSync(where, { recursive: true });
  const file = join(where, 'lock.ts');
  writeFileSync(file, `${src}\nexport default lock;\n`);
  return file;
}
const file = userLock();

describe('check ./design.ts', () => {
  it('gives the verdicts the library gives, and the same exit codes', async () => {
    const r = await cli('check', file, '--mode', 'exhaustive', '--json');
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout).results;
    const direct = check(lock, { mode: 'exhaustive' });
    expect(result.properties).toEqual(direct.properties);
    expect(result.exhaustive.states).toBe(direct.exhaustive!.states);
    const bad = await cli('check', file, '--bug', 'check-then-set', '--mode', 'exhaustive');
    expect(bad.code).toBe(1);
    expect(bad.stdout.trimEnd().split('\n').at(-1)).toBe('[violation] 1 claimed property violated: mutual-exclusion');
  });

  it('takes a named export with #name, and a relative path', async () => {
    const r = await cli('check', `${file}#lock`, '--mode', 'exhaustive');
    expect(r.code).toBe(0);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await cli('check', './lock.ts', '--mode', 'exhaustive')).code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
  });

  it('saves a trace that records the module, replays from it, and reproduces with its command', async () => {
    const out = join(dir, 'cx');
    const r = await cli('check', file, '--bug', 'check-then-set', '--mode', 'exhaustive', '--save', out);
    expect(r.code).toBe(1);
    const saved = join(out, 'example-lock', 'mutual-exclusion.itf.json');
    const meta = traceMeta(JSON.parse(readFileSync(saved, 'utf8')));
    expect(meta.module).toBe(file);
    expect(meta.reproduce).toBe(`pagecheck check ${file} --property mutual-exclusion --mode exhaustive --param N=2 --bug check-then-set`);
    const replayed = await cli('replay', saved, '--json');
    expect(replayed.code).toBe(1);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ reproduces: true, design: 'example-lock', steps: 4 });
    const [, ...argv] = (meta.reproduce as string).split(' ');
    expect((await cli(...argv)).code).toBe(1);
    const page = await cli('explore', saved);
    expect(page.code).toBe(0);
    expect(existsSync(page.stdout.trim())).toBe(true);
  });

  it('says where to give a moved module, and replays with --design', async () => {
    const out = join(dir, 'moved');
    const from = userLock(join(dir, 'before'));
    expect((await cli('check', from, '--bug', 'check-then-set', '--mode', 'exhaustive', '--save', out)).code).toBe(1);
    const to = join(dir, 'after.ts');
    renameSync(from, to);
    const saved = join(out, 'example-lock', 'mutual-exclusion.itf.json');
    const r = await cli('replay', saved);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`pagecheck replay: ${saved}: the design module it records, ${from}, is not there; give it with --design PATH\n`);
    expect((await cli('replay', saved, '--design', to, '--quiet')).code).toBe(1);
  });

  it('shows it with designs, and writes its document with report', async () => {
    const shown = await cli('designs', file);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^example-lock: Two processes and a test-then-set lock\n {2}models: .*\n {2}module: .*lock\.ts\n/);
    const doc = await cli('report', file, '--format', 'txt', '--out', '-');
    expect(doc.code).toBe(0);
    expect(doc.stdout).toMatch(/example-lock/);
    expect(doc.stdout).toMatch(/mutual-exclusion/);
  });
});

describe('a module that is not a design: one line, exit 2', () => {
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const cases: [string, () => string[], RegExp][] = [
    ['a missing file', () => ['check', join(dir, 'absent.ts')], /absent\.ts: no such file$/],
    ['a directory', () => ['check', `${dir}/`], /: not a file$/],
    ['no default export', () => ['check', write('named.ts', `export { lock } from ${JSON.stringify(file)};\n`)], /named\.ts: no default export; name the design: .*named\.ts#lock$/],
    ['an unknown export', () => ['check', `${file}#nope`], /lock\.ts: no export 'nope' \(it exports .*lock.*\)$/],
    ['a default export that is not a design', () => ['check', write('number.ts', 'export default 42;\n')], /number\.ts: the default export: it is number, not a design$/],
    ['an object without init', () => ['designs', write('half.ts', "export default { name: 'x', actions: () => [] };\n")], /half\.ts: the default export: it has no 'init' \(a function\)/],
    ['a syntax error', () => ['check', write('broken.ts', 'export default {\n')], /broken\.ts: cannot load it: /],
    ['a module that throws', () => ['check', write('throws.ts', "throw new Error('no\\nway');\n")], /throws\.ts: cannot load it: no$/],
    ['a missing import', () => ['check', write('imports.ts', "import x from './missing.js';\nexport default x;\n")], /imports\.ts: cannot load it: Cannot find module '\.\/missing\.js'$/],
  ];
  it.each(cases)('%s', async (_what, argv, message) => {
    const r = await cli(...argv());
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr.trim()).toMatch(message);
  });
});

describe('pagecheck new', () => {
  it('writes a design and its test that check as the template says', async () => {
    const where = mkdtempSync(join(tmpdir(), 'pagecheck-new-'));
    const r = await cli('new', join(where, 'folio-ref'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${join(where, 'folio-ref.ts')}\n${join(where, 'folio-ref.test.ts')}\n`);
    const design = join(where, 'folio-ref.ts');
    const holds = await cli('check', design, '--mode', 'exhaustive');
    expect(holds.code).toBe(0);
    expect(holds.stdout).toMatch(/refcount\s+holds\s+in every reachable state/);
    expect(holds.stdout).toMatch(/goals: shared at depth 2/);
    const broken = await cli('check', design, '--mode', 'exhaustive', '--bug', 'put-unheld', '--json');
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).results[0].properties[0]).toMatchObject({ verdict: 'violated', traceLength: 2 });
    // Never over a user's file.
    const again = await cli('new', join(where, 'folio-ref'));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/folio-ref\.ts exists; not replacing it \(give --force to\)\n$/);
  });

  it('refuses a name that is not one', async () => {
    const r = await cli('new', 'Bad_Name');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'Bad_Name' is not a design name/);
  });
});
