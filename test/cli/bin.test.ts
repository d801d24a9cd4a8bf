// The installed executable itself (dist/, built by `npm test` first): exit
// codes and one-line errors must survive the real process boundary.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const pagecheck = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('the pagecheck executable', () => {
  it('exits 2 with one line and no stack trace on bad input', () => {
    const r = pagecheck('check', 'no-such-design');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^pagecheck check: unknown design 'no-such-design' \(known: .*\)\n$/);
    expect(r.stdout).toBe('');
  });

  it('exits 0 on a design that holds to a complete bound, printing only the result on stdout', () => {
    const r = pagecheck('check', 'bench-reflink-cow', '--runs', '20', '--seed', '1');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^bench-reflink-cow/);
    expect(r.stderr).toBe('');
  });

  it('prints its version', () => {
    expect(pagecheck('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
