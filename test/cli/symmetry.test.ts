// check --symmetry and --symmetry-check (issue 13 §3): off by default, said
// on every result that used it, and a declaration the self-check finds
// unsound makes the check inconclusive, with one line saying why.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const last = (out: string) => out.trimEnd().split('\n').at(-1);

// Two counters, but only the first may be reset: not a symmetry, though declared as one.
const dir = mkdtempSync(join(tmpdir(), 'pagecheck-symmetry-'));
const lopsided = join(dir, 'lopsided.ts');
writeFileSync(
  lopsided,
  `export default {
  name: 'lopsided', summary: 'two counters; only the first is reset', seed: 'a test', params: {}, bugs: {},
  init: () => ({ c: [0, 0] }),
  actions: (s) => [...[0, 1].filter((i) => s.c[i] < 2).map((i) => ({ kind: 'inc', i })), ...(s.c[0] > 0 ? [{ kind: 'reset' }] : [])],
  next: { inc: ({ i }) => (d) => { d.c[i] += 1; }, reset: () => (d) => { d.c[0] = 0; } },
  always: [{ id: 'below-three', description: 'no counter at 3', check: (s) => (s.c.includes(3) ? 'a counter at 3' : undefined) }],
  sometimes: [],
  symmetry: { description: 'counters', domains: () => ({ counter: 2 }), permute: (s, { counter }) => { const c = s.c.slice(); s.c.forEach((n, i) => (c[counter[i]] = n)); return { c }; } },
};
`,
);

describe('check --symmetry', () => {
  it('is off by default; on, it says so and counts one state per class', async () => {
    const plain = await cli('check', 'bench-reflink-cow', '--mode', 'exhaustive');
    expect(plain.stdout).toMatch(/whole state space: 121 states/);
    expect(plain.stdout).not.toMatch(/symmetry/);
    const reduced = await cli('check', 'bench-reflink-cow', '--mode', 'exhaustive', '--symmetry');
    expect(reduced.code).toBe(0);
    expect(reduced.stdout).toMatch(/whole state space: 67 states/);
    expect(reduced.stdout).toMatch(/symmetry: {3}reduced by files; non-zero values: file 2! = 2 renamings: one state counted per class/);
    const json = JSON.parse((await cli('check', 'bench-reflink-cow', '--mode', 'exhaustive', '--symmetry', '--json')).stdout);
    expect(json.results[0].exhaustive.symmetry).toBe('files; non-zero values: file 2! = 2 renamings');
  });

  it('leaves a design that declares none unreduced, and designs says which declare one', async () => {
    const r = await cli('check', 'fsdax-1to1', '--mode', 'exhaustive', '--depth', '1', '--symmetry', '--json');
    expect(JSON.parse(r.stdout).results[0].exhaustive.symmetry).toBeNull();
    expect((await cli('designs', 'fsdax-1to1')).stdout).toMatch(/symmetry: none declared/);
    expect((await cli('designs', 'pagecache-reflink')).stdout).toMatch(/symmetry: files \(check --symmetry to reduce by it/);
  });
});

describe('check --symmetry-check', () => {
  it('passes a symmetry and prints what it compared', async () => {
    const r = await cli('check', 'bench-reflink-cow', '--mode', 'exhaustive', '--symmetry', '--symmetry-check');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/symmetry check: passed \(files; non-zero values: file 2! = 2 renamings; depth 12: 67 states reduced, 121 unreduced, 121 renamed and compared\)/);
  });

  it('fails a declaration that is not a symmetry: the reduced holds is no proof, exit 3', async () => {
    const reduced = await cli('check', lopsided, '--mode', 'exhaustive', '--symmetry');
    expect(reduced.code).toBe(0);
    const checked = await cli('check', lopsided, '--mode', 'exhaustive', '--symmetry', '--symmetry-check');
    expect(checked.code).toBe(3);
    expect(checked.stdout).toMatch(/symmetry check: FAILED \(counters: counter 2! = 2 renamings\): the successors of a state renamed/);
    expect(checked.stdout).toMatch(/below-three\s+inconclusive: nothing found, but the symmetry self-check failed/);
    expect(last(checked.stdout)).toMatch(/^\[inconclusive\] the symmetry declaration of lopsided is not a symmetry: the successors of a state renamed/);
  });
});
