/**
 * npm run dax-vm [-- --runs N] [--modes clean,dirty,fsync]: the DAX
 * oracle's long pass: the MAP_SYNC flag matrix on an XFS-DAX file, then N
 * crash runs of each mode interleaved, printed raw, one block per run
 * (N x modes + 1 boots, about 25 s each under TCG on an idle machine).
 */
import { crashRuns, makeVm, mmapRows, removeVm, unavailable, type CrashMode } from './dax-vm.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const n = Number(opt('--runs') ?? 3);
const each = (opt('--modes') ?? 'clean,dirty,fsync').split(',');
const known = new Set(['--runs', '--modes']);
const stray = args.some((a, i) => !known.has(a) && !known.has(args[i - 1]));
if (!Number.isInteger(n) || n < 1 || n > 50 || stray || !each.every((m) => ['clean', 'dirty', 'fsync', 'second', 'second-fsync'].includes(m))) {
  console.error('usage: npm run dax-vm [-- --runs N] [--modes clean,dirty,fsync,second,second-fsync]   (N from 1 to 50)');
  process.exit(2);
}
const why = unavailable();
if (why) {
  console.error(`dax-vm: cannot run here: ${why}`);
  process.exit(3);
}
const modes: CrashMode[] = [];
for (let i = 0; i < n; i++) modes.push(...(each as CrashMode[]));
const vm = makeVm();
try {
  console.log(`dax-vm: ${vm.kernel}, accel ${vm.accel}, ${modes.length} crash runs`);
  const { runs, first } = await crashRuns(vm, modes, ['matrix']);
  for (const r of mmapRows(first)) console.log(`mmap ${r.type}${r.sync ? '|MAP_SYNC' : ''}: ${r.result}${r.result === 'ok' ? ` VM_SYNC ${r.vmSync ? 1 : 0}` : ''}`);
  for (const l of first.filter((x) => x.startsWith('dmesg ') || x.startsWith('mount '))) console.log(l);
  for (const [i, r] of runs.entries()) {
    console.log(
      `run ${i + 1} ${r.mode}: f0 ${r.f0}; f1 ${r.f1}; dax_finish_sync_fault ${r.syncFault ? 'called' : 'not called'}; faults ${r.faults.map((f) => `page ${f.pgoff} ${f.result}`).join(', ')}; killed ${r.killMs} ms after the line`,
    );
    for (const l of [...r.before, ...r.after]) console.log(`  ${l}`);
  }
} finally {
  removeVm(vm);
}
