/**
 * A reflink-capable filesystem in a file: image, loop device, mkfs, mount,
 * and the cleanup that always runs (on return, on error, on SIGINT and
 * SIGTERM). One filesystem serves a whole conform run: every sequence works
 * in a fresh directory of fresh files, so nothing of one sequence is visible
 * to the next but free-space placement, which no observation compares.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type FsType = 'xfs' | 'btrfs';

export interface Filesystem {
  readonly type: FsType;
  readonly dev: string;
  readonly mnt: string;
  cleanup(): void;
}

/** Why this machine cannot make the filesystem, in one line, or undefined when it can. */
export function unavailable(type: FsType): string | undefined {
  if (process.platform !== 'linux') return 'conform needs Linux (loop devices, XFS or btrfs)';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'conform needs root (losetup and mount)';
  if (!existsSync('/dev/loop-control')) return 'conform needs loop devices (/dev/loop-control is missing)';
  const mkfs = type === 'xfs' ? 'mkfs.xfs' : 'mkfs.btrfs';
  const which = spawnSync('sh', ['-c', `command -v ${mkfs}`], { encoding: 'utf8' });
  if (which.status !== 0) return `conform --fs ${type} needs ${mkfs} (Debian: apt-get install ${type === 'xfs' ? 'xfsprogs' : 'btrfs-progs'})`;
  const fstypes = spawnSync('cat', ['/proc/filesystems'], { encoding: 'utf8' }).stdout ?? '';
  if (!new RegExp(`\\b${type}\\b`).test(fstypes) && spawnSync('modprobe', [type]).status !== 0) return `this kernel has no ${type}`;
  return undefined;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
  return r.stdout.trim();
}

const live = new Set<Filesystem>();
const beforeCleanup = new Set<() => void>();

/** Something that holds files on the filesystems (the helper) and must go before they are unmounted. */
export function onCleanup(hook: () => void): () => void {
  beforeCleanup.add(hook);
  return () => beforeCleanup.delete(hook);
}
let handlersInstalled = false;

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const onSignal = (signal: NodeJS.Signals) => {
    for (const fs of [...live]) fs.cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => {
    for (const fs of [...live]) fs.cleanup();
  });
}

/** mkfs and mount a fresh filesystem of `type` in a 512 MiB sparse image (XFS's minimum is 300 MB). */
export function makeFilesystem(type: FsType): Filesystem {
  installHandlers();
  const work = mkdtempSync(join(tmpdir(), `pagecheck-conform-${type}-`));
  const image = join(work, 'fs.img');
  const mnt = join(work, 'mnt');
  let dev = '';
  let mounted = false;
  let done = false;
  const fs: Filesystem = {
    type,
    get dev() {
      return dev;
    },
    mnt,
    cleanup() {
      if (done) return;
      done = true;
      live.delete(fs);
      // Each step may fail (a shut-down fs, a mount still busy): try every one regardless, never throw.
      for (const hook of beforeCleanup) hook();
      if (mounted) {
        // The helper may take a moment to die and close its files: retry, then detach lazily.
        let ok = false;
        for (let i = 0; i < 20 && !ok; i++) {
          ok = spawnSync('umount', [mnt]).status === 0;
          if (!ok) spawnSync('sleep', ['0.1']);
        }
        if (!ok) spawnSync('umount', ['-l', mnt]);
      }
      if (dev) spawnSync('losetup', ['-d', dev]);
      try {
        rmSync(work, { recursive: true, force: true });
      } catch {
        // A lazily detached mount point: left for the system's tmp cleaning.
      }
    },
  };
  live.add(fs);
  try {
    run('truncate', ['-s', '512M', image]);
    dev = run('losetup', ['-f', '--show', image]);
    if (type === 'xfs') run('mkfs.xfs', ['-q', '-f', '-m', 'reflink=1', dev]);
    else run('mkfs.btrfs', ['-q', '-f', dev]);
    run('mkdir', ['-p', mnt]);
    run('mount', ['-t', type, dev, mnt]);
    mounted = true;
  } catch (e) {
    fs.cleanup();
    throw e;
  }
  return fs;
}
