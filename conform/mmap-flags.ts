/**
 * The running kernel's answer to the MAP_SYNC flag matrix: conform/mmap-flags.c
 * is built with gcc and run on a file of each page-cache file system on a
 * loop device (XFS, ext4, btrfs) and on tmpfs; its lines are what mmap(2)
 * returned and whether the vma shows VM_SYNC. pmem-map-sync-flags predicts
 * the same (mmapOutcome); the DAX rows need pmem, which the machine lacks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KERNEL_FILES = ['xfs', 'ext4', 'btrfs', 'tmpfs'] as const;
export type KernelFile = (typeof KERNEL_FILES)[number];

export interface Observed {
  readonly type: string;
  readonly sync: boolean;
  readonly result: string;
  readonly vmSync: boolean;
}

const MKFS: Record<Exclude<KernelFile, 'tmpfs'>, string[]> = {
  xfs: ['mkfs.xfs', '-q', '-f'],
  ext4: ['mkfs.ext4', '-q', '-F'],
  btrfs: ['mkfs.btrfs', '-q', '-f'],
};

/** Why this machine cannot run the matrix, or undefined. */
export function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root (mount)';
  if (!existsSync('/dev/loop-control')) return 'needs loop devices';
  for (const [cmd] of [...Object.values(MKFS), ['gcc']]) if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) return `needs ${cmd}`;
  return undefined;
}

function must(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n')[0]}`);
  return r.stdout;
}

/** mmap of one file of each kind, with each type and MAP_SYNC or not, as the running kernel answers. */
export function observeKernel(kinds: readonly KernelFile[] = KERNEL_FILES): Map<KernelFile, Observed[]> {
  const work = mkdtempSync(join(tmpdir(), 'pagecheck-mmap-flags-'));
  const helper = join(work, 'mmap-flags');
  const here = dirname(fileURLToPath(import.meta.url));
  // Beside this file when run from source, in ../../conform when from dist/.
  const source = [join(here, 'mmap-flags.c'), join(here, '..', '..', 'conform', 'mmap-flags.c')].find((p) => existsSync(p));
  if (!source) throw new Error('conform/mmap-flags.c is missing');
  must('gcc', ['-O2', '-Wall', '-o', helper, source]);
  const out = new Map<KernelFile, Observed[]>();
  try {
    for (const kind of kinds) {
      const mnt = join(work, kind);
      mkdirSync(mnt);
      if (kind === 'tmpfs') must('mount', ['-t', 'tmpfs', 'none', mnt]);
      else {
        const image = join(work, `${kind}.img`);
        must('truncate', ['-s', '320M', image]);
        must(MKFS[kind][0], [...MKFS[kind].slice(1), image]);
        must('mount', ['-o', 'loop', image, mnt]);
      }
      try {
        out.set(
          kind,
          must(helper, [join(mnt, 'f')])
            .trim()
            .split('\n')
            .map((line) => {
              const [type, sync, result, vm] = line.split(' ');
              return { type, sync: sync === '1', result, vmSync: vm === '1' };
            }),
        );
      } finally {
        spawnSync('umount', [mnt]);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}
