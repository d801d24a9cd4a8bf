/**
 * `npm run bench -- --vs-spin CONFIG`: the benchmark model side by side with
 * Spin, as shared/bench/reflink-cow.md ("Spin side by side") prescribes.
 * Builds reflink-cow.pml with `spin -a` and gcc (the spec's options: -O2,
 * full state store, no partial-order reduction), runs pan, then pagecheck's
 * exhaustive search of the same configuration right after, each in a process
 * of its own, and prints both states per CPU second and their ratio. CPU
 * seconds, not wall time: on a shared machine the wall clock measures the
 * neighbours too (pan's own wall-clock rate is printed beside it).
 *
 * It installs nothing: where spin or gcc is missing it says how to install
 * them and exits 3, as a check that could not be settled does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configs } from './configs.js';

export interface PanRun {
  states: number;
  transitions: number;
  cpuSeconds: number;
  /** pan's own figure, over its wall-clock time. */
  wallStatesPerSecond: number;
}

/** The figures of pan's report and of the shell's `times` after it. */
export function parsePan(output: string): PanRun {
  const num = (re: RegExp): number => {
    const m = re.exec(output);
    if (!m) throw new Error(`pan: no ${re.source} in its output`);
    return Number(m[1]);
  };
  // `times` prints the shell's user and system time, then its children's: pan's.
  const times = [...output.matchAll(/^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/gm)];
  if (times.length < 2) throw new Error('pan: no CPU times after its output');
  const t = times[times.length - 1];
  return {
    // pan writes a count past its integer width in e-notation (`1.1915291e+08 transitions`).
    states: num(/^\s*([\d.]+(?:e[+-]?\d+)?) states, stored/m),
    transitions: num(/^\s*([\d.]+(?:e[+-]?\d+)?) transitions/m),
    cpuSeconds: Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4]),
    wallStatesPerSecond: num(/pan: rate\s+([\d.e+]+) states\/second/),
  };
}

function has(tool: string, arg: string): boolean {
  return spawnSync(tool, [arg], { stdio: 'ignore' }).error === undefined;
}

export function vsSpin(name: string, pml: string): number {
  const config = configs.find((c) => c.name === name);
  if (!config) {
    process.stderr.write(`bench: unknown configuration '${name}' (known: ${configs.map((c) => c.name).join(', ')})\n`);
    return 2;
  }
  const missing = [has('spin', '-V') ? undefined : 'spin', has('gcc', '--version') ? undefined : 'gcc'].filter((t) => t !== undefined);
  if (missing.length > 0) {
    process.stderr.write(`bench: --vs-spin needs ${missing.join(' and ')}, not found; on Debian: sudo apt-get install spin gcc\n`);
    return 3;
  }
  if (!existsSync(pml)) {
    process.stderr.write(`bench: no Promela model at ${pml} (set PAGECHECK_SPIN_MODEL to its path)\n`);
    return 2;
  }
  const { F, B, P, V } = config.params;
  const dir = mkdtempSync(join(tmpdir(), 'pagecheck-spin-'));
  try {
    copyFileSync(pml, join(dir, 'reflink-cow.pml'));
    process.stderr.write(`bench: spin -a -DF=${F} -DB=${B} -DP=${P} -DV=${V}, gcc -O2 -DSAFETY -DNOREDUCE...\n`);
    execFileSync('spin', ['-a', `-DF=${F}`, `-DB=${B}`, `-DP=${P}`, `-DV=${V}`, 'reflink-cow.pml'], { cwd: dir, stdio: 'ignore' });
    execFileSync('gcc', ['-O2', '-DSAFETY', '-DNOREDUCE', '-o', 'pan', 'pan.c'], { cwd: dir, stdio: 'ignore' });
    process.stderr.write(`bench: pan on ${name}...\n`);
    const pan = parsePan(execFileSync('sh', ['-c', './pan -m10000000 -w24 -c1; times'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 }));
    process.stderr.write(`bench: pagecheck on ${name}...\n`);
    const runOne = fileURLToPath(new URL('./run-one.js', import.meta.url));
    const ours = JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=20000', runOne, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    const spinRate = pan.states / pan.cpuSeconds;
    const ratio = ours.statesPerCpuSecond / spinRate;
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const rows = [
      ['checker', 'states', 'CPU s', 'states/CPU s'],
      ['spin (pan)', fmt(pan.states), pan.cpuSeconds.toFixed(2), fmt(spinRate)],
      ['pagecheck', fmt(ours.states), ours.cpuSeconds.toFixed(2), fmt(ours.statesPerCpuSecond)],
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    process.stdout.write(rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n') + '\n');
    process.stdout.write(`ratio: pagecheck ${ratio.toFixed(2)} x spin (states per CPU second; pan's own wall-clock rate: ${fmt(pan.wallStatesPerSecond)} states/s)\n`);
    const agree = pan.states === ours.states;
    if (!agree) process.stdout.write(`MISMATCH: spin stored ${fmt(pan.states)} states, pagecheck ${fmt(ours.states)}\n`);
    process.stdout.write('\n' + JSON.stringify({ config: name, spin: { ...pan, statesPerCpuSecond: spinRate }, pagecheck: ours, ratio }, null, 2) + '\n');
    return agree ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The benchmark's Promela model: the repository's copy (docs/bench/), unless PAGECHECK_SPIN_MODEL says where. */
export function defaultPml(): string {
  // The package root: the nearest folder above with a package.json (dist/bench/ when built, bench/ under tsx).
  let root = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
  return process.env.PAGECHECK_SPIN_MODEL ?? resolve(root, 'docs/bench/reflink-cow.pml');
}
