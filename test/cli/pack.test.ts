// The package as a user gets it (issue 15 §1): packed, under 5 MB unpacked,
// installed from the tarball into an empty folder, where `pagecheck new` and
// `npx pagecheck check ./x.ts` work and the template's vitest test passes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const npm = (cwd: string, ...args: string[]) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const run = (cwd: string, cmd: string, ...args: string[]) => spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' } });

describe('the packed package', () => {
  it('is under 5 MB unpacked, installs, and checks a user design with npx', () => {
    const out = mkdtempSync(join(tmpdir(), 'pagecheck-pack-'));
    // dist/ is built by `npm test` before vitest runs; --ignore-scripts keeps pack from building again.
    const [packed] = JSON.parse(npm(root, 'pack', '--json', '--ignore-scripts', '--pack-destination', out));
    expect(packed.unpackedSize).toBeLessThan(5 * 1024 * 1024);
    const files: string[] = packed.files.map((f: { path: string }) => f.path);
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/testing/vitest.js');
    // conform builds its system-call helper from source on first use.
    expect(files).toContain('conform/helper.c');
    expect(files.filter((f) => /^(test|scenarios|docs|bench|node_modules)\/|\.map$|^dist\/(test|bench)\//.test(f))).toEqual([]);

    const user = mkdtempSync(join(tmpdir(), 'pagecheck-user-'));
    npm(user, 'init', '-y');
    npm(user, 'install', '--prefer-offline', '--no-audit', '--no-fund', join(out, packed.filename));
    expect(JSON.parse(readFileSync(join(user, 'package.json'), 'utf8')).dependencies).toHaveProperty('pagecheck');

    const made = run(user, 'npx', '--no-install', 'pagecheck', 'new', 'd');
    expect([made.status, made.stdout]).toEqual([0, 'd.ts\nd.test.ts\n']);
    const ok = run(user, 'npx', '--no-install', 'pagecheck', 'check', './d.ts', '--mode', 'exhaustive');
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout.trimEnd().split('\n').at(-1)).toBe('[ok] 1 claimed property holds to a completed bound');
    const bad = run(user, 'npx', '--no-install', 'pagecheck', 'check', './d.ts', '--mode', 'exhaustive', '--bug', 'put-unheld', '--save', 'cx');
    expect(bad.status).toBe(1);
    const replayed = run(user, 'npx', '--no-install', 'pagecheck', 'replay', 'cx/d/refcount.itf.json', '--quiet');
    expect(replayed.status).toBe(1);
    expect(replayed.stdout).toMatch(/^reproduces: d violates refcount after 2 actions: folio refcount is 0,\s+but 1 user\(s\) hold a reference\n$/);

    // The template's test, under vitest (this checkout's, linked in: a user installs their own).
    symlinkSync(join(root, 'node_modules', 'vitest'), join(user, 'node_modules', 'vitest'));
    const tested = run(user, process.execPath, join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', user);
    expect(tested.status, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/Tests\s+2 passed/);
    // And a failing one fails with the counterexample, step by step, and the command that reproduces it.
    writeFileSync(
      join(user, 'broken.test.ts'),
      "import { it } from 'vitest';\nimport { expectHolds } from 'pagecheck/vitest';\nimport d from './d.js';\n" +
        "it('holds with the bug', () => { expectHolds(d, { bugs: ['put-unheld'], module: new URL('./d.ts', import.meta.url) }); });\n",
    );
    const broken = run(user, process.execPath, join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', user, 'broken.test.ts');
    expect(broken.status).toBe(1);
    expect(broken.stdout + broken.stderr).toMatch(/AssertionError: d: refcount not proven to hold \(violated\)/);
    expect(broken.stdout + broken.stderr).toContain('step 2: put(u=1)\n  kernel: folio_put\n');
    expect(broken.stdout + broken.stderr).toContain(`reproduce: pagecheck check ${join(realpathSync(user), 'd.ts')} --property refcount --mode exhaustive --param U=2 --bug put-unheld`);
    expect(existsSync(join(user, '.pagecheck', 'failures', 'd', 'refcount.itf.json'))).toBe(true);
  }, 300_000);
});
