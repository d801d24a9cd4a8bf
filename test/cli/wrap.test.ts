// Issue 15 §2: a saved counterexample's .txt and replay's output wrap prose
// at 72 columns, as the proofs do, and never break a command.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCommandLine, wrapText } from '../../report/wrap.js';
import { cli } from './helpers.js';

async function saved() {
  const dir = mkdtempSync(join(tmpdir(), 'pagecheck-wrap-'));
  const r = await cli('check', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--mode', 'exhaustive', '--save', dir);
  expect(r.code).toBe(1);
  const file = join(dir, 'bench-reflink-cow', 'free-zeroed.itf.json');
  return { file, reproduce: JSON.parse(readFileSync(file, 'utf8'))['#meta'].reproduce as string };
}

/** Every line within 72 columns but the reproduce line, which is the command whole. */
function expectMailText(text: string, reproduce: string) {
  expect(reproduce.length).toBeGreaterThan(72); // else this would prove nothing
  const lines = text.split('\n');
  expect(lines).toContain(`  reproduce: ${reproduce}`);
  expect(lines.filter((l) => l.length > 72)).toEqual([`  reproduce: ${reproduce}`]);
  // The kernel note of step 2 is longer than a line: it is wrapped, not cut.
  expect(text).toMatch(/kernel: spec punch\(f, b\): fallocate\(PUNCH_HOLE\); the block released,\n {6}zeroed when free/);
}

describe('72 columns, commands whole', () => {
  it('in the .txt beside a saved trace', async () => {
    const { file, reproduce } = await saved();
    expectMailText(readFileSync(file.replace(/\.itf\.json$/, '.txt'), 'utf8'), reproduce);
  });

  it("in replay's output", async () => {
    const { file, reproduce } = await saved();
    const r = await cli('replay', file);
    expect(r.code).toBe(1);
    expectMailText(r.stdout, reproduce);
  });

  it("in check's own output, the reproduce command of each violation, whole", async () => {
    const r = await cli('check', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--mode', 'exhaustive', '--json');
    const reproduce = JSON.parse(r.stdout).results[0].counterexamples['free-zeroed']['#meta'].reproduce;
    const text = await cli('check', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--mode', 'exhaustive');
    expect(text.stdout.split('\n').map((l) => l.trimStart())).toContain(`reproduce: ${reproduce}`);
  });

  it('knows a command line from prose', () => {
    expect(isCommandLine('  reproduce: pagecheck check x --bug y')).toBe(true);
    expect(isCommandLine('$ npx pagecheck check ./d.ts')).toBe(true);
    expect(isCommandLine('  the pagecheck checker found this')).toBe(false);
    const long = `  reproduce: pagecheck check ${'--param F=2 '.repeat(10)}`;
    expect(wrapText(long)).toBe(long.trimEnd());
  });
});
