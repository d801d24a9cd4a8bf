// `check --workers N` through the real executable (dist/, built by npm test
// first): the same JSON as one thread but for timings and the worker count,
// saved traces that replay, Ctrl-C, a failing design, and the refusals; and
// every time, a process that ends.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../dist/cli/main.js', import.meta.url).pathname;
// A timeout kills a process that would not end (a worker left running): the test then fails on its status.
const pagecheck = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });

interface Doc {
  exitCode: number;
  results: { exhaustive: Record<string, unknown>; properties: { id: string; verdict: string; traceLength?: number }[]; goals: unknown[]; coverage: unknown }[];
}

const small = ['bench-reflink-cow', '--mode', 'exhaustive', '--param', 'F=3', '--param', 'P=4', '--param', 'V=3', '--json', '--no-timings'];

describe('pagecheck check --workers', () => {
  it('gives the JSON of one thread, with the worker count', () => {
    const one = pagecheck('check', ...small);
    const two = pagecheck('check', ...small, '--workers', '2');
    expect([one.status, two.status]).toEqual([0, 0]);
    const a = JSON.parse(one.stdout) as Doc;
    const b = JSON.parse(two.stdout) as Doc;
    expect(b.results[0].exhaustive.workers).toBe(2);
    delete b.results[0].exhaustive.workers;
    expect(b).toEqual(a);
    expect(pagecheck('check', 'bench-reflink-cow', '--mode', 'exhaustive', '--workers', '2').stdout).toMatch(/\(complete\), [\d.]+ s \(2 workers\)\n/);
  }, 120_000);

  it('judges liveness as one thread does, on the whole state space the workers saw', () => {
    const args = ['check', 'pmem-map-sync', '--mode', 'exhaustive', '--json', '--no-timings'];
    const a = JSON.parse(pagecheck(...args).stdout) as Doc;
    const b = JSON.parse(pagecheck(...args, '--workers', '2').stdout) as Doc;
    expect(b.results[0].properties.find((p) => p.id === 'sync-fault-completes')?.verdict).toBe('holds');
    delete b.results[0].exhaustive.workers;
    expect(b).toEqual(a);
  }, 120_000);

  it('saves a counterexample of the same length that replays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagecheck-workers-'));
    const args = ['check', 'pmem-nofsync-naive', '--mode', 'exhaustive', '--depth', '8', '--json', '--no-timings'];
    const one = JSON.parse(pagecheck(...args).stdout) as Doc;
    const r = pagecheck(...args, '--workers', '3', '--save', dir);
    expect(r.status).toBe(1);
    const three = JSON.parse(r.stdout) as Doc;
    const lengths = (d: Doc) => d.results[0].properties.map((p) => [p.id, p.verdict, p.traceLength ?? null]);
    expect(lengths(three)).toEqual(lengths(one));
    const files = readdirSync(join(dir, 'pmem-nofsync-naive')).filter((f) => f.endsWith('.itf.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const replayed = pagecheck('replay', join(dir, 'pmem-nofsync-naive', f));
      expect([f, replayed.status, replayed.stderr]).toEqual([f, 1, '']);
    }
  }, 120_000);

  it('Ctrl-C: the partial result, exit 3, and the process ends', async () => {
    const child = spawn(process.execPath, [bin, 'check', 'netfs-regions', '--mode', 'exhaustive', '--workers', '2', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const timer = setTimeout(() => child.kill('SIGINT'), 4000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    expect(code).toBe(3);
    const doc = JSON.parse(stdout) as Doc;
    expect(doc.results[0].exhaustive).toMatchObject({ stoppedBy: 'interrupted', complete: false, workers: 2 });
    expect(doc.results[0].properties.every((p) => p.verdict !== 'holds')).toBe(true);
  }, 60_000);

  it('a design that throws in a worker: the one-line error of one thread, and the process ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagecheck-workers-'));
    const design = join(dir, 'throws.ts');
    writeFileSync(
      design,
      `import { defineDesign } from 'pagecheck';
export default defineDesign<{ n: number }, { kind: 'inc' }>({
  name: 'throws', summary: 'a counter whose step throws at 3', seed: 'test',
  params: {}, bugs: {},
  init: () => ({ n: 0 }),
  actions: (s) => (s.n < 10 ? [{ kind: 'inc' }] : []),
  next: { inc: (_a, s) => { if (s.n === 3) throw new Error('boom at 3'); return (d) => { d.n++; }; } },
  always: [], sometimes: [],
});
`,
    );
    const one = pagecheck('check', design, '--mode', 'exhaustive');
    const two = pagecheck('check', design, '--mode', 'exhaustive', '--workers', '2');
    expect(one.stderr).toMatch(/^pagecheck check: .*throws\.ts: the design failed: boom at 3\n$/);
    expect([two.status, two.stderr, two.stdout]).toEqual([one.status, one.stderr, one.stdout]);
    expect(two.status).toBe(2);
  }, 120_000);

  it('refuses a worker count out of range, and workers for a random search, in one line', () => {
    for (const [args, text] of [
      [['--workers', '0'], /^pagecheck check: --workers must be within 1\.\.64, not 0\n$/],
      [['--workers', 'two'], /^pagecheck check: --workers must be a whole number, not 'two'\n$/],
      [['--workers', '2', '--mode', 'random'], /^pagecheck check: --workers runs the exhaustive search in threads; give --mode exhaustive or both\n$/],
    ] as const) {
      const r = pagecheck('check', 'bench-reflink-cow', ...args);
      expect([r.status, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toMatch(text);
    }
  });
});
