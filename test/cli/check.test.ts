import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

describe('pagecheck check', () => {
  it('ends with one line a script can grep, saying what the exit code means', async () => {
    // Without mmap stores: with them netfs-mainline breaks dsync at the defaults (the pre-flush window).
    // One folio: its whole state space in a second, where the defaults' takes a minute and a half.
    const ok = await cli('check', 'netfs-mainline', '--mode', 'exhaustive', '--param', 'mmap=0', '--param', 'P=1');
    const last = (out: string) => out.trimEnd().split('\n').at(-1);
    expect(ok.code).toBe(0);
    expect(last(ok.stdout)).toMatch(/^\[ok\] \d+ claimed properties hold to a completed bound; not claimed, broken: region-exclusion, flush-exclusion$/);
    const bad = await cli('check', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--mode', 'exhaustive');
    expect([bad.code, last(bad.stdout)]).toEqual([1, '[violation] 1 claimed property violated: free-zeroed']);
    const vacuous = await cli('check', 'pmem-map-sync', '--mode', 'exhaustive', '--depth', '2');
    expect(vacuous.code).toBe(3);
    expect(last(vacuous.stdout)).toBe(
      '[inconclusive] nothing claimed was violated, but nothing is proven: crash-durability vacuous, crash-ordering vacuous, no-lost-writes vacuous, sync-fault-completes inconclusive',
    );
  });

  it('--no-learned keeps the states as objects: the same JSON, byte for byte without timings', async () => {
    const run = (...extra: string[]) => cli('check', 'pmem-static-chunks', '--mode', 'exhaustive', '--depth', '6', '--seed', '1', '--json', '--no-timings', ...extra);
    const [words, generic] = await Promise.all([run(), run('--no-learned')]);
    expect(generic.code).toBe(words.code);
    expect(generic.stdout).toBe(words.stdout);
    expect(JSON.parse(words.stdout).results[0].exhaustive.states).toBeGreaterThan(100);
  });

  it('exits 0 when every property holds to a completed bound, and says so with the bound', async () => {
    const r = await cli('check', 'bench-reflink-cow', '--seed', '1', '--runs', '50');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/whole state space: 121 states, 736 transitions, diameter 5 \(complete\)/);
    expect(r.stdout).toMatch(/accounting\s+holds\s+in every reachable state/);
    expect(r.stdout).not.toMatch(/verified/i);
  });

  it('exits 3, inconclusive, when the bound did not complete', async () => {
    const r = await cli('check', 'bench-reflink-cow', '--param', 'F=3', '--max-states', '100', '--mode', 'exhaustive');
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/stopped by the states bound .*\(INCOMPLETE\)/);
    expect(r.stdout).toMatch(/inconclusive/);
    expect(r.stdout).not.toMatch(/\bholds\b/);
  });

  it('exits 3 for random search alone: it proves nothing', async () => {
    const r = await cli('check', 'bench-reflink-cow', '--mode', 'random', '--runs', '20', '--seed', '3');
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/nothing found in 20 random runs \(random search proves nothing\)/);
  });

  it('exits 1 on a violation, saves it, and replay reproduces it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagecheck-save-'));
    const r = await cli('check', 'bench-reflink-cow', '--bug', 'leak-on-punch', '--depth', '4', '--property', 'accounting', '--save', dir);
    expect(r.code).toBe(1);
    const file = join(dir, 'bench-reflink-cow', 'accounting.itf.json');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file.replace('.itf.json', '.txt'), 'utf8')).toMatch(
      /step 2: punch\(f=0, b=0\)\n  kernel: spec punch\(f, b\): fallocate\(PUNCH_HOLE\)[^\n]*\n(?: {6}[^\n]*\n)?  ext\[0\]\[0\]: 0 -> -1\n/,
    );
    const again = await cli('check', 'bench-reflink-cow', '--bug', 'leak-on-punch', '--depth', '4', '--property', 'accounting', '--save', dir);
    expect(again.code).toBe(1); // its own trace is replaced, not refused
    const replayed = await cli('replay', file, '--json');
    expect(replayed.code).toBe(1);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ reproduces: true, steps: 2, property: 'accounting' });
  });

  it('prints one JSON document with verdicts, bounds, goals and saved files', async () => {
    const r = await cli('check', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--json', '--seed', '2', '--runs', '30');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.exitCode).toBe(1);
    const [result] = doc.results;
    expect(result.design).toBe('bench-reflink-cow');
    expect(result.properties.find((p: { id: string }) => p.id === 'free-zeroed')).toMatchObject({ verdict: 'violated', mode: 'exhaustive', traceLength: 2 });
    expect(result.properties.find((p: { id: string }) => p.id === 'accounting')).toMatchObject({
      verdict: 'holds',
      bound: { depth: 6, states: 164, transitions: 992, complete: true },
    });
    expect(result.goals).toEqual([expect.objectContaining({ id: 'block-shared', reached: true, depth: 2 }), expect.objectContaining({ id: 'all-blocks-used', reached: true, depth: 3 })]);
    expect(result.coverage.write.firstDepth).toBe(1);
  });

  it('lists the designs with their parameters, properties and bug toggles', async () => {
    const r = await cli('designs');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/bench-reflink-cow: .*\n  models: .*\n  parameters:\n    F=2  \(2\.\.6\) files/);
    expect(r.stdout).toMatch(/bug toggles:\n    leak-on-punch: /);
  });

  it('says for each design whether deadlock is checked: only where it says who waits', async () => {
    const doc = JSON.parse((await cli('designs', '--json')).stdout) as { name: string; deadlock: string; properties: { id: string }[] }[];
    const by = new Map(doc.map((d) => [d.name, d]));
    expect(by.get('bench-reflink-cow')!.deadlock).toMatch(/^not checked: .* every state counts as quiescent/);
    expect(by.get('bench-reflink-cow')!.properties.map((p) => p.id)).not.toContain('deadlock');
    expect(by.get('fsdax-shared')!.deadlock).toMatch(/^checked: /);
    expect(by.get('fsdax-shared')!.properties.map((p) => p.id)).toContain('deadlock');
    expect((await cli('designs', 'netfs-regions')).stdout).toMatch(/\n  deadlock: checked: /);
  });
});
