// Ctrl-C during a search, through the real executable (dist/, built by npm
// test first): the search runs in a worker, so the signal is seen at once.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../dist/cli/main.js', import.meta.url).pathname;

// The first signal goes 4 s in: a signal that comes before the CLI has loaded
// the design and installed its handler ends the process by default (exit code
// null), which a loaded machine made happen at 1.5 s.
function interrupted(args: string[], signals: NodeJS.Signals[], afterMs = 4000): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let sent = 0;
    const start = Date.now();
    const timer = setInterval(() => {
      if (sent < signals.length) child.kill(signals[sent++]);
    }, afterMs);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - start });
    });
  });
}

// A search of three million states, far longer than the test waits, of a
// property that holds: a violation found before the signal would make the
// partial result exit 1, as it should.
const long = ['check', 'netfs-regions', '--mode', 'exhaustive', '--property', 'no-lost-writes', '--depth', '10'];

describe('pagecheck check interrupted', () => {
  it('SIGINT: prints the partial result, inconclusive, and exits 3', async () => {
    const r = await interrupted([...long, '--json'], ['SIGINT']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.results[0].exhaustive).toMatchObject({ stoppedBy: 'interrupted', complete: false });
    expect(doc.results[0].exhaustive.states).toBeGreaterThan(0);
    expect(doc.results[0].properties.every((p: { verdict: string }) => p.verdict !== 'holds')).toBe(true);
    expect(r.ms).toBeLessThan(20_000);
  }, 30_000);

  it('SIGTERM does the same, and the text output ends with its closing line', async () => {
    const r = await interrupted(long, ['SIGTERM']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/stopped: interrupted|interrupted/);
    expect(r.stdout.trim().split('\n').pop()).toMatch(/^\[inconclusive\]/);
  }, 30_000);

  it('a second SIGINT exits at once', async () => {
    const r = await interrupted(long, ['SIGINT', 'SIGINT'], 50);
    expect([130, null]).toContain(r.code);
  }, 30_000);
});

describe('shards through the executable', () => {
  it('check --shard K/N --json, then merge, gives the unsharded verdicts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagecheck-shard-'));
    const run = (...a: string[]) => spawnSync(process.execPath, [bin, ...a], { encoding: 'utf8' });
    const args = ['check', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--mode', 'exhaustive', '--depth', '6', '--json'];
    const files = [0, 1, 2].map((k) => {
      const r = run(...args, '--shard', `${k}/3`);
      const file = join(dir, `shard-${k}.json`);
      writeFileSync(file, r.stdout);
      return file;
    });
    const merged = run('merge', '--json', ...files);
    const whole = JSON.parse(run(...args).stdout);
    const doc = JSON.parse(merged.stdout);
    const verdicts = (d: { results: { properties: { id: string; verdict: string; traceLength?: number }[] }[] }) => d.results[0].properties.map((p) => [p.id, p.verdict, p.traceLength ?? null]);
    expect(verdicts(doc)).toEqual(verdicts(whole));
    expect(merged.status).toBe(whole.exitCode);
    const missing = run('merge', files[0], files[1]);
    expect(missing.stdout).toMatch(/shards: 2 of 3; missing: 2\/3/);
    expect(run('merge', join(dir, 'nope.json')).stderr).toMatch(/^pagecheck merge: .*nope\.json cannot be read/);
    expect(run('check', 'bench-reflink-cow', '--shard', '3/3').stderr).toMatch(/--shard takes K\/N/);
  }, 60_000);
});
