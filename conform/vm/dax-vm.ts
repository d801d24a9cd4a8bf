/**
 * The DAX oracle: the Debian kernel in QEMU with an emulated NVDIMM
 * (-device nvdimm over a memory-backend-file), an fsdax namespace, XFS
 * mounted -o dax=always. The guest runs conform/vm/init's steps and powers
 * off; a crash is SIGKILL of qemu the moment the guest prints
 * PAGECHECK-KILL-ME. What the guest stored to pmem is in the backing file
 * whether or not it was flushed (host memory is coherent), so this oracle
 * shows lost log forces, never lost cache lines; the next boot mounts (log
 * recovery) and reads back.
 *
 * KVM where it boots (PAGECHECK_VM_ACCEL=kvm), TCG otherwise: on this
 * project's machines (themselves VMs) a KVM guest hangs before the kernel
 * decompresses, and TCG boots in about 25 s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Vm {
  readonly kernel: string;
  readonly initramfs: string;
  readonly pmem: string;
  readonly work: string;
  readonly accel: string;
}

export interface Boot {
  /** The PAGECHECK lines the guest printed, without the prefix. */
  readonly lines: string[];
  /** Killed on PAGECHECK-KILL-ME (a crash), and how long after that line it took. */
  readonly killed: boolean;
  readonly killMs?: number;
  readonly seconds: number;
}

export type CrashMode = 'clean' | 'dirty' | 'fsync' | 'second' | 'second-fsync';

export interface CrashRun {
  readonly mode: CrashMode;
  /** What the guest saw before the kill: statx DAX, the vma's VmFlags, the trace. */
  readonly before: string[];
  /** After the reboot: what log recovery printed and the files' first bytes. */
  readonly after: string[];
  readonly f0: string;
  readonly f1: string;
  readonly syncFault: boolean;
  /** Each DAX pte fault in order (the fs_dax:dax_pte_fault_done tracepoint): its page and result, NEEDDSYNC for a synchronous one. */
  readonly faults: readonly { readonly pgoff: number; readonly result: string }[];
  readonly killMs?: number;
}

/** The faults the trace shows, from dax_pte_fault_done's "pgoff 0x.. RESULT". */
export function faultsOf(lines: readonly string[]): { pgoff: number; result: string }[] {
  return lines.flatMap((l) => {
    const m = /dax_pte_fault_done: .* pgoff 0x([0-9a-f]+) (\S+)$/.exec(l);
    return m ? [{ pgoff: parseInt(m[1], 16), result: m[2] }] : [];
  });
}

function kernelVersion(): string | undefined {
  const want = process.env.PAGECHECK_VM_KERNEL;
  if (want) return want;
  if (!existsSync('/boot')) return undefined;
  return readdirSync('/boot')
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((v) => existsSync(`/lib/modules/${v}/kernel/drivers/acpi/nfit`))
    .sort()
    .pop();
}

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Why this machine cannot run the DAX oracle, or undefined. */
export function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root (a kernel image and its modules readable, qemu)';
  for (const cmd of ['qemu-system-x86_64', 'gcc', 'cpio', 'gzip', 'mkfs.xfs', 'xfs_io', 'ndctl']) if (!has(cmd)) return `needs ${cmd}`;
  if (!existsSync('/bin/busybox') || spawnSync('sh', ['-c', 'file -L /bin/busybox 2>/dev/null | grep -q static || ldd /bin/busybox 2>&1 | grep -q "not a dynamic"']).status !== 0)
    return 'needs a static /bin/busybox (busybox-static)';
  const v = kernelVersion();
  if (!v || !existsSync(`/boot/vmlinuz-${v}`)) return 'needs a kernel image in /boot with its modules (nfit, nd_pmem, xfs) under /lib/modules';
  return undefined;
}

function source(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Beside this file when run from source, in ../../../conform/vm when from dist/.
  const p = [join(here, name), join(here, '..', '..', '..', 'conform', 'vm', name)].find((x) => existsSync(x));
  if (!p) throw new Error(`conform/vm/${name} is missing`);
  return p;
}

/** The initramfs built and a fresh 1 GiB pmem backing file, in a directory of their own. */
export function makeVm(): Vm {
  const v = kernelVersion()!;
  const work = mkdtempSync(join(tmpdir(), 'pagecheck-dax-vm-'));
  const r = spawnSync('sh', [source('build.sh'), v, work], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`conform/vm/build.sh: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  const pmem = join(work, 'pmem.img');
  spawnSync('truncate', ['-s', '1G', pmem]);
  return { kernel: `/boot/vmlinuz-${v}`, initramfs: join(work, 'initramfs.cpio.gz'), pmem, work, accel: process.env.PAGECHECK_VM_ACCEL ?? 'tcg' };
}

export function removeVm(vm: Vm): void {
  rmSync(vm.work, { recursive: true, force: true });
}

/** One boot running STEPS; resolves when the guest powers off or has been killed. */
export function boot(vm: Vm, steps: readonly string[], timeoutMs = 240_000): Promise<Boot> {
  const args = [
    '-accel',
    vm.accel,
    '-smp',
    '1',
    '-machine',
    'pc,nvdimm=on',
    '-m',
    '1G,slots=2,maxmem=4G',
    '-object',
    `memory-backend-file,id=mem1,share=on,mem-path=${vm.pmem},size=1G`,
    '-device',
    'nvdimm,id=nvdimm1,memdev=mem1',
    '-kernel',
    vm.kernel,
    '-initrd',
    vm.initramfs,
    '-append',
    `console=ttyS0 loglevel=4 panic=-1 pagecheck.run=${steps.join(',')}`,
    '-display',
    'none',
    '-serial',
    'stdio',
    '-monitor',
    'none',
    '-no-reboot',
    '-nodefaults',
  ];
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const q = spawn('qemu-system-x86_64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buf = '';
    let killAt: number | undefined;
    let err = '';
    const timer = setTimeout(() => q.kill('SIGKILL'), timeoutMs);
    q.stdout.setEncoding('utf8');
    q.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (line === 'PAGECHECK-KILL-ME' && killAt === undefined) {
          killAt = Date.now();
          q.kill('SIGKILL');
        } else if (line.startsWith('PAGECHECK ')) lines.push(line.slice('PAGECHECK '.length));
      }
    });
    q.stderr.on('data', (d: Buffer) => (err += d.toString()));
    q.on('error', reject);
    q.on('exit', () => {
      clearTimeout(timer);
      const seconds = (Date.now() - start) / 1000;
      if (killAt === undefined && !lines.includes('done')) {
        reject(new Error(`the guest did not finish (${steps.join(',')}) in ${seconds.toFixed(0)} s: ${[...lines.slice(-3), err.trim().split('\n').pop()].join(' / ')}`));
        return;
      }
      resolve({ lines, killed: killAt !== undefined, killMs: killAt === undefined ? undefined : Date.now() - killAt, seconds });
    });
  });
}

const errorsOf = (b: Boot): string[] => b.lines.filter((l) => l.startsWith('error '));

function dumpOf(lines: readonly string[], file: string): string {
  const l = lines.find((x) => x.startsWith(`dump /mnt/${file} `));
  return l ? l.slice(`dump /mnt/${file} `.length) : 'missing';
}

/**
 * Crash runs in MODES' order, chained so N runs take N + 1 boots: each boot
 * reads back the last crash (mount: log recovery), then makes a fresh file
 * system and crashes the next. EXTRA steps run in the first boot after setup.
 */
export async function crashRuns(vm: Vm, modes: readonly CrashMode[], extra: readonly string[] = []): Promise<{ runs: CrashRun[]; first: string[] }> {
  const runs: CrashRun[] = [];
  let first: string[] = [];
  let last: Boot | undefined;
  for (let i = 0; i <= modes.length; i++) {
    const steps = [...(i > 0 ? ['read'] : []), ...(i < modes.length ? ['setup', ...(i === 0 ? extra : []), `crash:${modes[i]}`] : [])];
    const b = await boot(vm, steps);
    if (errorsOf(b).length) throw new Error(`guest: ${errorsOf(b).join(' / ')}`);
    const split = b.lines.findIndex((l) => l.startsWith('namespace '));
    const readPart = split < 0 ? b.lines : b.lines.slice(0, split);
    if (i === 0) first = b.lines;
    if (last && i > 0) {
      const before = last.lines.slice(last.lines.findIndex((l) => l.startsWith('dax ')));
      runs.push({
        mode: modes[i - 1],
        before,
        after: readPart,
        f0: dumpOf(readPart, 'f0'),
        f1: dumpOf(readPart, 'f1'),
        syncFault: before.some((l) => l.startsWith('trace ') && l.includes('dax_finish_sync_fault')),
        faults: faultsOf(before),
        killMs: last.killMs,
      });
    }
    if (i < modes.length && !b.killed) throw new Error(`crash:${modes[i]}: the guest never asked to be killed`);
    last = b;
  }
  return { runs, first };
}

/** The mmap-flags lines of a boot, as conform/mmap-flags.ts parses them on the host. */
export function mmapRows(lines: readonly string[]): { type: string; sync: boolean; result: string; vmSync: boolean }[] {
  return lines
    .filter((l) => l.startsWith('mmap '))
    .map((l) => {
      const [, type, sync, result, vm] = l.split(' ');
      return { type, sync: sync === '1', result, vmSync: vm === '1' };
    });
}
