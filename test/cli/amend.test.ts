// --amend on the command line: a bad name is one line and exit 2; designs
// (and designs --json) list the amendments; --json results carry them; a
// saved trace records them, and `replay` re-runs it with them.
import { editMeta } from '../trace/edit-meta.js';
import { traceMeta } from '../../trace/counterexample.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pagecheck-amend-'));

describe('--amend', () => {
  it('an unknown amendment is one line on stderr and exit 2, before any search', async () => {
    const r = await cli('check', 'pmem-nofsync-naive', '--amend', 'nope');
    expect(r).toEqual({ code: 2, stdout: '', stderr: "pagecheck check: design pmem-nofsync-naive has no amendment 'nope' (it has ordered-split, journalled-split)\n" });
    const none = await cli('check', 'bench-reflink-cow', '--amend', 'ordered-split');
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("pagecheck check: design bench-reflink-cow has no amendment 'ordered-split' (it has none)\n");
    const report = await cli('report', 'pmem-nofsync-naive', '--amend', 'nope', '--format', 'txt', '--out', '-');
    expect(report).toEqual({ code: 2, stdout: '', stderr: "pagecheck report: design pmem-nofsync-naive has no amendment 'nope' (it has ordered-split, journalled-split)\n" });
    const missing = await cli('check', 'pmem-nofsync-naive', '--amend');
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('designs and designs --json list the amendments with their sources', async () => {
    const json = JSON.parse((await cli('designs', '--json')).stdout) as { name: string; amendments: Record<string, { description: string; source: { kind: string } }> }[];
    const naive = json.find((d) => d.name === 'pmem-nofsync-naive')!;
    expect(Object.keys(naive.amendments)).toEqual(['ordered-split', 'journalled-split']);
    expect(naive.amendments['ordered-split'].source.kind).toBe('smallest-change');
    expect(naive.amendments['journalled-split'].source.kind).toBe('cited');
    expect(json.find((d) => d.name === 'bench-reflink-cow')!.amendments).toEqual({});
    const text = (await cli('designs', 'pmem-nofsync-invalidate')).stdout;
    expect(text).toMatch(/amendments \(off unless --amend\):\n {4}ordered-split: .*proposed by nobody: the smallest change/);
  });

  it('--json results list the amendments a design was checked with', async () => {
    const r = await cli('check', 'pmem-nofsync-naive', '--amend', 'journalled-split', '--mode', 'exhaustive', '--json');
    const doc = JSON.parse(r.stdout) as { exitCode: number; results: { amends: string[]; properties: { id: string; verdict: string }[] }[] };
    expect(doc.results[0].amends).toEqual(['journalled-split']);
    expect(doc.results[0].properties.map((p) => p.verdict)).toEqual(['holds', 'holds', 'holds', 'holds']);
    expect(r.code).toBe(0);
    const plain = JSON.parse((await cli('check', 'pmem-static-chunks', '--mode', 'exhaustive', '--json')).stdout) as { results: { amends: string[] }[] };
    expect(plain.results[0].amends).toEqual([]);
  });

  it('a saved trace records its amendments and replays with them; without them it is rejected', async () => {
    const out = join(dir, 'cx');
    // The amended design still breaks under a bug toggle: a trace to save.
    const r = await cli('check', 'pmem-nofsync-naive', '--amend', 'ordered-split', '--bug', 'unordered-zeroing', '--property', 'crash-ordering', '--mode', 'exhaustive', '--save', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('amended: ordered-split');
    const file = join(out, 'pmem-nofsync-naive', 'crash-ordering.itf.json');
    const trace = JSON.parse(readFileSync(file, 'utf8'));
    expect(traceMeta(trace).amends).toEqual(['ordered-split']);
    expect(trace['#meta'].reproduce).toContain('--amend ordered-split');
    expect(readFileSync(file.replace(/\.itf\.json$/, '.txt'), 'utf8').replace(/\s+/g, ' ')).toContain('; amended: ordered-split');
    const again = await cli('replay', file);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/reproduces: pmem-nofsync-naive violates crash-ordering/);
    editMeta(trace, (m) => (m.amends = ['nope']));
    writeFileSync(join(dir, 'bad.itf.json'), JSON.stringify(trace));
    const bad = await cli('replay', join(dir, 'bad.itf.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/has no amendment 'nope'/);
  });
});
