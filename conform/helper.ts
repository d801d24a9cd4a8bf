/**
 * The system-call helper (conform/helper.c) as a coprocess: one line out, one
 * line back. System calls are made by a small C program, built with the
 * machine's gcc on first use, rather than by xfs_io or an npm binding:
 * FICLONERANGE, FIDEDUPERANGE, FIEMAP, FS_IOC_SHUTDOWN and mmap stores are
 * each a few lines of C, a coprocess answers in microseconds (xfs_io would
 * be one process per operation, or output to scrape), and no npm binding
 * covers these ioctls. The reproduction scripts are xfs_io commands
 * (conform/script.ts), so that nobody needs the helper to re-run a finding.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './fs.js';

/** Where helper.c is: beside this file when run from source, in ../../conform when from dist/. */
function helperSource(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, 'helper.c'), join(here, '..', '..', 'conform', 'helper.c')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('conform/helper.c is missing from the installation');
}

/** Builds the helper once per version of its source; returns the binary's path, or a reason it cannot be built. */
export function buildHelper(): { path: string } | { error: string } {
  const source = helperSource();
  const text = readFileSync(source);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'pagecheck-conform');
  const path = join(dir, `helper-${hash}`);
  if (existsSync(path)) return { path };
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}`;
  const cc = spawnSync('gcc', ['-O2', '-Wall', '-o', tmp, source], { encoding: 'utf8' });
  if (cc.error) return { error: `cannot build the system-call helper: gcc: ${cc.error.message}` };
  if (cc.status !== 0) return { error: `cannot build the system-call helper: gcc: ${cc.stderr.split('\n')[0]}` };
  renameSync(tmp, path);
  return { path };
}

export class HelperError extends Error {
  override readonly name = 'HelperError';
}

/** A running helper: `send('fsync 0')` resolves to its answer line. */
export class Helper {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  private exited = false;
  private readonly unhook: () => void;

  constructor(path: string) {
    this.child = spawn(path, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    // On SIGINT the filesystem's cleanup kills it first, so that nothing holds the mount.
    this.unhook = onCleanup(() => this.child.kill('SIGKILL'));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    this.child.on('exit', () => {
      this.exited = true;
      for (const w of this.waiting.splice(0)) w('err EHELPEREXITED');
    });
  }

  send(line: string): Promise<string> {
    if (this.exited) return Promise.resolve('err EHELPEREXITED');
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(line + '\n');
    });
  }

  /** Like send, but an `err` answer throws (for setup steps that must work). */
  async must(line: string): Promise<string> {
    const answer = await this.send(line);
    if (!answer.startsWith('ok')) throw new HelperError(`${line}: ${answer}`);
    return answer;
  }

  close(): void {
    this.unhook();
    if (!this.exited) {
      this.child.stdin.end('quit\n');
      this.child.kill();
    }
  }
}
