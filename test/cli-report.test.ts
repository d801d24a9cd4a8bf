/** `pagecheck report` and `pagecheck explore`, run in-process: outputs, exit codes, and never overwriting a user's file. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { run } from '../cli/run.js';
import type { Io } from '../cli/io.js';
import bench from '../model/designs/bench-reflink-cow.js';

function capture(): Io & { out: string; err: string } {
  const io = { out: '', err: '', stderrIsTTY: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

const tmp = () => mkdtempSync(join(tmpdir(), 'pagecheck-report-'));

describe('pagecheck report', () => {
  it('writes the documents and an index for a configuration, and lists them', async () => {
    const dir = join(tmp(), 'proofs');
    const io = capture();
    const code = await run(['report', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--out', dir], io);
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['bench-reflink-cow.html', 'bench-reflink-cow.md', 'bench-reflink-cow.txt', 'index.html', 'index.md', 'index.txt']);
    expect(io.out.trim().split('\n')).toHaveLength(6);
    expect(readFileSync(join(dir, 'bench-reflink-cow.txt'), 'utf8')).toContain('free-zeroed: VIOLATED (2 actions)');
    // Its own files it may replace.
    expect(await run(['report', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--format', 'txt', '--out', dir], capture())).toBe(0);
  });

  it('prints one format to stdout with --out -', async () => {
    const io = capture();
    expect(await run(['report', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--format', 'md', '--out', '-'], io)).toBe(0);
    expect(io.out).toMatch(/^# Design proof: bench-reflink-cow/);
    expect(io.out).toContain('```mermaid');
  });

  const bad: [string, string[], RegExp][] = [
    ['an unknown design', ['no-such-design'], /unknown design 'no-such-design'/],
    ['no design', [], /name a design or give --all/],
    ['an unknown format', ['bench-reflink-cow', '--format', 'pdf'], /unknown format 'pdf'/],
    ['an unknown bug toggle', ['bench-reflink-cow', '--bug', 'nope'], /no bug toggle 'nope'/],
    ['a bad parameter', ['bench-reflink-cow', '--param', 'F=99'], /parameter F .* within 2..6/],
    ['an unknown option', ['bench-reflink-cow', '--colour'], /unknown option '--colour'/],
    ['a missing value', ['bench-reflink-cow', '--out'], /--out needs a value/],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 with one line, writing nothing, on ${what}`, async () => {
      const dir = join(tmp(), 'out');
      const io = capture();
      expect(await run(['report', ...args, ...(args.includes('--out') ? [] : ['--out', dir])], io)).toBe(2);
      expect(io.err).toMatch(message);
      expect(io.err.trim().split('\n')).toHaveLength(1);
      expect(existsSync(dir)).toBe(false);
    });
  }

  it('does not overwrite a file it did not write', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bench-reflink-cow.md'), 'my notes\n');
    const io = capture();
    expect(await run(['report', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--out', dir], io)).toBe(2);
    expect(io.err).toMatch(/bench-reflink-cow\.md exists and was not written by pagecheck report/);
    expect(readFileSync(join(dir, 'bench-reflink-cow.md'), 'utf8')).toBe('my notes\n');
    expect(readdirSync(dir)).toEqual(['bench-reflink-cow.md']);
  });
});

describe('pagecheck explore', () => {
  const trace = check(bench, { mode: 'exhaustive', bugs: ['no-zero-on-free'], properties: ['free-zeroed'] }).counterexamples['free-zeroed'];

  it('writes the page beside the trace and prints its path', async () => {
    const dir = tmp();
    const file = join(dir, 'free-zeroed.itf.json');
    writeFileSync(file, JSON.stringify(trace));
    const io = capture();
    expect(await run(['explore', file], io)).toBe(0);
    expect(io.out).toBe(`${join(dir, 'free-zeroed.html')}\n`);
    const page = readFileSync(join(dir, 'free-zeroed.html'), 'utf8');
    expect(page).toContain('<title>bench-reflink-cow violates free-zeroed</title>');
    expect(page.match(/<svg/g)).toHaveLength(3);
    expect(await run(['explore', file], capture())).toBe(0);
  });

  it('exits 2 with one line on a bad trace, and keeps a page it did not write', async () => {
    const dir = tmp();
    const cases: [string, string, RegExp][] = [
      ['missing.itf.json', '', /missing\.itf\.json: no such file/],
      ['garbage.itf.json', '{ not json', /garbage\.itf\.json: not valid JSON/],
      ['other.itf.json', JSON.stringify({ vars: ['x'], states: [{ x: 1 }] }), /no '#meta'/],
      ['bad-value.itf.json', JSON.stringify({ ...trace, states: [{ ...trace.states[0], ref: { '#bigint': 'x' } }] }), /is not a #bigint/],
    ];
    for (const [name, text, message] of cases) {
      const file = join(dir, name);
      if (text) writeFileSync(file, text);
      const io = capture();
      expect(await run(['explore', file], io), name).toBe(2);
      expect(io.err, name).toMatch(message);
      expect(io.err.trim().split('\n'), name).toHaveLength(1);
    }
    const file = join(dir, 'mine.itf.json');
    writeFileSync(file, JSON.stringify(trace));
    writeFileSync(join(dir, 'mine.html'), '<p>my page</p>');
    const io = capture();
    expect(await run(['explore', file], io)).toBe(2);
    expect(io.err).toMatch(/mine\.html exists and was not written by pagecheck explore/);
    expect(readFileSync(join(dir, 'mine.html'), 'utf8')).toBe('<p>my page</p>');
    mkdirSync(join(dir, 'sub'));
    expect(await run(['explore', file, '--out', join(dir, 'sub', 'page.html')], capture())).toBe(0);
  });
});
