// The installed executable itself (dist/, built by `npm test` first): exit
// codes and one-line errors must survive the real process boundary.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('stops quietly when its reader goes away (pagecheck designs | head)', () => {
    // `true` exits before the checker has started, so every write meets a closed pipe.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" designs --json | true`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
  });

  it('prints its version', () => {
    expect(pagecheck('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('a user design through the executable', () => {
  // Outside any node_modules: `from 'pagecheck'` is the executable's own
  // package, so crashPoint's mark is seen (a second copy of the module would
  // leave the crash step an ordinary handler, and the search would fail).
  const dir = mkdtempSync(join(tmpdir(), 'pagecheck-bin-'));
  const design = join(dir, 'fsync.ts');
  writeFileSync(
    design,
    `import { crashPoint, defineDesign, type CrashStep } from 'pagecheck';
interface S { cache: number; disk: number; dirty: boolean; acked: boolean }
type A = { kind: 'write' } | { kind: 'fsync' } | { kind: 'crash' };
export default defineDesign<S, A>({
  name: 'fsync-ack', summary: 'a write acknowledged by fsync', seed: 'test',
  params: {}, bugs: { 'ack-before-flush': 'fsync acknowledges before the data reaches the disk' },
  init: () => ({ cache: 0, disk: 0, dirty: false, acked: false }),
  actions: (s) => [...(s.cache === 0 ? [{ kind: 'write' as const }] : []), ...(s.dirty ? [{ kind: 'fsync' as const }] : []), { kind: 'crash' as const }],
  next: {
    write: () => (d) => { d.cache = 1; d.dirty = true; },
    fsync: (_a, _s, cfg) => (d) => { if (!cfg.bugs.has('ack-before-flush')) { d.disk = d.cache; d.dirty = false; } d.acked = true; },
    crash: crashPoint((_a, s): CrashStep<S> => ({
      pending: s.dirty ? [{ id: 'data' }] : [],
      persist: (d, survivors) => { if (survivors.has('data')) d.disk = d.cache; d.cache = d.disk; d.dirty = false; },
    })),
  },
  always: [{ id: 'durable', description: 'an acknowledged write is on the disk', check: (s) => (s.acked && !s.dirty && s.disk !== 1 ? 'fsync returned, but the disk holds ' + s.disk : undefined) }],
  sometimes: [],
});
`,
  );

  it('checks a crash-point design from a module, as a built-in one', () => {
    const ok = pagecheck('check', design, '--mode', 'exhaustive');
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toMatch(/crashes: +\d+ crash points/);
    const bad = pagecheck('check', design, '--mode', 'exhaustive', '--bug', 'ack-before-flush', '--save', join(dir, 'cx'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/durable\s+VIOLATED\s+after 3 actions .*: fsync returned, but the disk holds 0\n\s+write\(\); fsync\(\); crash\(\)/);
    const replayed = pagecheck('replay', join(dir, 'cx', 'fsync-ack', 'durable.itf.json'), '--quiet');
    expect(replayed.status).toBe(1);
    expect(replayed.stdout).toMatch(/^reproduces: fsync-ack violates durable after 3 actions/);
  });
});
