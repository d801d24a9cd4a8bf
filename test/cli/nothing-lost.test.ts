// Issue 16 sections 3 and 4: nothing the user had is lost, and bad traces
// are one line and exit 2, through the commands as a user runs them.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pagecheck-lost-'));
});
const save = (...extra: string[]) => cli('check', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--mode', 'exhaustive', '--save', join(dir, 'cx'), ...extra);
const txt = () => join(dir, 'cx', 'bench-reflink-cow', 'free-zeroed.txt');
const itf = () => join(dir, 'cx', 'bench-reflink-cow', 'free-zeroed.itf.json');

describe("--save keeps what is the user's", () => {
  it('the same configuration again replaces its own files', async () => {
    expect((await save()).code).toBe(1);
    expect((await save()).code).toBe(1);
  });

  it("a second configuration is refused instead of replacing the first one's trace", async () => {
    await save();
    const before = readFileSync(itf(), 'utf8');
    const r = await save('--param', 'V=3');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds the trace of another configuration \(.*V=2.*\); give another --save directory/);
    expect(readFileSync(itf(), 'utf8')).toBe(before);
  });

  it('notes added to a rendering, or a trace edited by hand, are kept unless --force', async () => {
    await save();
    writeFileSync(txt(), readFileSync(txt(), 'utf8') + 'my notes\n');
    const r = await save();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/free-zeroed\.txt was changed since pagecheck wrote it/);
    expect(readFileSync(txt(), 'utf8')).toMatch(/my notes\n$/);
    writeFileSync(itf(), readFileSync(itf(), 'utf8').replace('\n', '\n '));
    expect((await save()).stderr).toMatch(/free-zeroed\.itf\.json was changed since pagecheck wrote it/);
    expect((await save('--force')).code).toBe(1);
    expect(readFileSync(txt(), 'utf8')).not.toMatch(/my notes/);
  });

  it('a pseudo-filesystem or an unwritable folder is refused before the search, in one line', async () => {
    const proc = await cli('check', 'bench-reflink-cow', '--save', '/proc/x');
    expect(proc.code).toBe(2);
    expect(proc.stderr).toMatch(/^pagecheck check: --save \/proc\/x: \/proc is a pseudo-filesystem; give a directory on a real one\n$/);
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const r = await cli('check', 'bench-reflink-cow', '--save', join(ro, 'x'));
    // root may write anywhere: then the folder is simply made.
    if (process.getuid?.() === 0) expect(r.code).toBe(0);
    else expect(r.stderr).toMatch(/cannot be written \(EACCES\)/);
    expect((await cli('report', 'bench-reflink-cow', '--out', '/proc/x')).stderr).toMatch(/--out \/proc\/x: \/proc is a pseudo-filesystem/);
  });
});

describe("report and explore keep what is the user's", () => {
  it('report --out does not replace an explorer page named index.html', async () => {
    await save();
    const out = join(dir, 'docs');
    mkdirSync(out);
    expect((await cli('explore', itf(), '--out', join(out, 'index.html'))).code).toBe(0);
    const page = readFileSync(join(out, 'index.html'), 'utf8');
    const r = await cli('report', 'bench-reflink-cow', '--format', 'html', '--out', out);
    expect(r.code).toBe(2);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe(page);
  });

  it('explore --out never writes over the trace itself, however its path is spelt, --force or not', async () => {
    await save();
    const before = readFileSync(itf(), 'utf8');
    const other = join(dir, 'cx', 'bench-reflink-cow', '..', 'bench-reflink-cow', 'free-zeroed.itf.json');
    const r = await cli('explore', itf(), '--out', other, '--force');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is the trace itself/);
    expect(readFileSync(itf(), 'utf8')).toBe(before);
  });
});

describe('a bad trace is one line and exit 2', () => {
  const rejected = async (file: string, why: RegExp) => {
    for (const command of ['replay', 'explore']) {
      const r = await cli(command, file, ...(command === 'explore' ? ['--out', join(dir, 'p.html')] : []));
      expect(r.code, command).toBe(2);
      expect(r.stderr, command).toMatch(why);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  };

  it('nested 3,000 deep (a 6 KB file that overflowed the stack)', async () => {
    await save();
    const t = JSON.parse(readFileSync(itf(), 'utf8'));
    const v = t.vars.find((x: string) => !x.startsWith('mbt::'));
    t.states[0][v] = '@DEEP@';
    const file = join(dir, 'deep.itf.json');
    writeFileSync(file, JSON.stringify(t).replace('"@DEEP@"', '['.repeat(3000) + '0' + ']'.repeat(3000)));
    await rejected(file, /values nest more than 200 levels deep/);
  });

  it('a #meta field left out', async () => {
    await save();
    for (const field of ['message', 'mode', 'reproduce', 'pagecheck', 'design']) {
      const t = JSON.parse(readFileSync(itf(), 'utf8'));
      delete t['#meta'][field];
      const file = join(dir, `no-${field}.itf.json`);
      writeFileSync(file, JSON.stringify(t));
      await rejected(file, new RegExp(`'#meta\\.${field}' is missing`));
    }
  });

  it('a file far larger than any trace is refused without reading it', async () => {
    const file = join(dir, 'huge.itf.json');
    writeFileSync(file, '');
    truncateSync(file, 65 * 2 ** 20);
    await rejected(file, /65 MB is not a pagecheck trace/);
    expect(existsSync(file)).toBe(true);
  });
});

describe('report --out keeps a document the user annotated', () => {
  it('replaces its own documents as written, refuses one changed since unless --force', async () => {
    const out = join(dir, 'proofs');
    const report = (...extra: string[]) => cli('report', 'bench-reflink-cow', '--format', 'txt', '--format', 'html', '--out', out, ...extra);
    expect((await report()).code).toBe(0);
    expect((await report()).code).toBe(0);
    for (const file of ['bench-reflink-cow.txt', 'bench-reflink-cow.html']) {
      const path = join(out, file);
      const before = readFileSync(path, 'utf8');
      writeFileSync(path, before.replace('bench-reflink-cow', 'bench-reflink-cow (my note: see the thread)'));
      const r = await report();
      expect(r.code, file).toBe(2);
      expect(r.stderr, file).toMatch(/was changed since pagecheck report wrote it; not overwriting it \(--force replaces it\)/);
      expect(readFileSync(path, 'utf8'), file).toMatch(/my note/);
      expect((await report('--force')).code, file).toBe(0);
      expect(readFileSync(path, 'utf8'), file).not.toMatch(/my note/);
    }
  });
});
