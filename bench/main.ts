/**
 * `npm run bench`: bench-reflink-cow in each configuration of
 * shared/bench/reflink-cow.md; a table, then the same figures as JSON.
 * `npm run bench -- tiny small` runs only those. Large needs several GiB and
 * a few minutes; it is skipped when the machine has less free memory than
 * medium's peak times the ratio of their state spaces. `npm run bench --
 * --vs-spin medium`: that configuration beside Spin (bench/spin.ts).
 * `--workers N` runs each search twice, in one thread and in N worker
 * threads (engine/workers.ts), and prints their wall and CPU seconds side
 * by side; with `designs`, `--depth D` searches to depth D instead of each
 * design's default bound (`designs netfs-regions --depth 10 --workers 2`).
 * `npm run bench -- liveness [DESIGN...]`: each design's liveness check
 * (its whole state graph and the lassos) at its default parameters.
 */
import { execFileSync } from 'node:child_process';
import { freemem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { designs } from '../model/designs/index.js';
import { configs } from './configs.js';
import { defaultPml, vsSpin } from './spin.js';

interface Row {
  config: string;
  states: number;
  transitions: number;
  seconds: number;
  statesPerSecond: number;
  cpuSeconds: number;
  statesPerCpuSecond: number;
  peakRssBytes: number;
  storeBytesPerState: number;
  rssBytesPerState: number;
  expectedStates: number | null;
  expectedTransitions: number | null;
  [k: string]: unknown;
}

const args = process.argv.slice(2);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
function printTable(table: string[][]): void {
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  process.stdout.write(table.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n') + '\n');
}
const spinAt = args.indexOf('--vs-spin');
if (spinAt >= 0) {
  const name = args[spinAt + 1];
  if (name === undefined || args.length !== 2) {
    process.stderr.write('bench: --vs-spin takes one configuration (tiny, small, medium, large) and nothing else\n');
    process.exit(2);
  }
  process.exit(vsSpin(name, defaultPml()));
}
// `liveness`: every built-in design with liveness properties, its whole state
// graph explored and the properties judged, each in a process of its own.
if (args[0] === 'liveness') {
  const names = args.slice(1);
  const unknown = names.find((n) => !designs.some((d) => d.name === n && (d.liveness ?? []).length > 0));
  if (unknown !== undefined) {
    process.stderr.write(
      `bench: '${unknown}' is not a design with liveness properties (those: ${designs
        .filter((d) => (d.liveness ?? []).length > 0)
        .map((d) => d.name)
        .join(', ')})\n`,
    );
    process.exit(2);
  }
  const runLiveness = fileURLToPath(new URL('./run-liveness.js', import.meta.url));
  const live = designs.filter((d) => (d.liveness ?? []).length > 0 && (names.length === 0 || names.includes(d.name)));
  const rows = live.map((d) => {
    process.stderr.write(`bench: ${d.name}, liveness at its default parameters...\n`);
    return JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=20000', runLiveness, d.name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  });
  const cells = [
    ['design', 'graph states', 'edges', 'seconds', 'CPU s', 'states/CPU s', 'peak RSS MiB', 'graph'],
    ...rows.map((r) => [
      r.design,
      fmt(r.states),
      fmt(r.transitions),
      r.seconds.toFixed(2),
      r.cpuSeconds.toFixed(2),
      fmt(r.statesPerCpuSecond),
      fmt(r.peakRssBytes / 2 ** 20),
      r.complete ? 'whole' : 'CAPPED, inconclusive',
    ]),
  ];
  printTable(cells);
  process.stdout.write('\n' + JSON.stringify({ liveness: rows }, null, 2) + '\n');
  process.exit(0);
}
// `designs`: every built-in design's default search instead of the benchmark's
// configurations, on the generic path (before) and on the word path (after),
// one after the other; `--words` the word path alone.
const designMode = args.includes('designs');
const wordsOnly = args.includes('--words');
// `--workers N` and `--depth D`: a flag and its value.
const valueOf = (flag: string, min: number): string | undefined => {
  const at = args.indexOf(flag);
  if (at < 0) return undefined;
  const v = args[at + 1];
  if (v === undefined || !/^\d+$/.test(v) || Number(v) < min) {
    process.stderr.write(`bench: ${flag} takes a whole number of at least ${min}\n`);
    process.exit(2);
  }
  args.splice(at, 2);
  return v;
};
const workers = valueOf('--workers', 1);
const depth = valueOf('--depth', 0);
if (depth !== undefined && !designMode) {
  process.stderr.write('bench: --depth is for `designs`; a benchmark configuration is searched whole\n');
  process.exit(2);
}
const wanted = args.filter((a) => a !== 'designs' && a !== '--words');
for (const w of wanted) {
  if (designMode ? !designs.some((d) => d.name === w) : !configs.some((c) => c.name === w)) {
    const known = designMode ? designs.map((d) => d.name) : configs.map((c) => c.name);
    process.stderr.write(`bench: unknown ${designMode ? 'design' : 'configuration'} '${w}' (known: ${known.join(', ')})\n`);
    process.exit(2);
  }
}
const runOne = fileURLToPath(new URL('./run-one.js', import.meta.url));
const runDesign = fileURLToPath(new URL('./run-design.js', import.meta.url));
const rows: Row[] = [];
const skipped: { config: string; reason: string }[] = [];
if (designMode) {
  for (const d of designs) {
    if (wanted.length && !wanted.includes(d.name)) continue;
    for (const path of wordsOnly ? ['words'] : ['generic', 'words']) {
      for (const n of workers === undefined ? ['-'] : ['-', workers]) {
        process.stderr.write(`bench: ${d.name} ${depth === undefined ? 'at its default bound' : `at depth ${depth}`}, ${path} path${n === '-' ? '' : `, ${n} workers`}...\n`);
        const argv = [runDesign, d.name, path, n, ...(depth === undefined ? [] : [depth])];
        rows.push(JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=20000', ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })));
      }
    }
  }
}
for (const c of designMode ? [] : configs) {
  if (wanted.length && !wanted.includes(c.name)) continue;
  const medium = rows.find((r) => r.config === 'medium');
  if (c.name === 'large' && medium) {
    // medium -> large grows the state space about 6x (one more physical block).
    const need = medium.peakRssBytes * 6;
    if (need > freemem()) {
      skipped.push({ config: c.name, reason: `needs about ${(need / 2 ** 30).toFixed(1)} GiB, ${(freemem() / 2 ** 30).toFixed(1)} GiB free` });
      continue;
    }
  }
  for (const n of workers === undefined ? [undefined] : [undefined, workers]) {
    process.stderr.write(`bench: ${c.name} (F=${c.params.F} B=${c.params.B} P=${c.params.P} V=${c.params.V})${n === undefined ? '' : `, ${n} workers`}...\n`);
    const out = execFileSync(process.execPath, ['--max-old-space-size=20000', runOne, c.name, ...(n === undefined ? [] : [n])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    rows.push(JSON.parse(out));
  }
}

const check = (r: Row) => (r.expectedStates === null ? '' : r.states === r.expectedStates && (r.expectedTransitions === null || r.transitions === r.expectedTransitions) ? 'matches' : 'MISMATCH');
const table = [
  [designMode ? 'design' : 'config', 'states', 'transitions', 'seconds', 'states/s', 'CPU s', 'states/CPU s', 'peak RSS MiB', 'store B/state', 'RSS B/state', designMode ? 'bound' : 'count'],
  ...rows.map((r) => [
    (designMode ? `${r.config} (${r.path})` : r.config) + (r.workers ? `, ${r.workers} workers` : ''),
    fmt(r.states),
    fmt(r.transitions),
    r.seconds.toFixed(2),
    fmt(r.statesPerSecond),
    r.cpuSeconds.toFixed(2),
    fmt(r.statesPerCpuSecond),
    fmt(r.peakRssBytes / 2 ** 20),
    r.storeBytesPerState.toFixed(1),
    r.rssBytesPerState.toFixed(1),
    designMode ? `${r.exhausted ? 'whole space' : `depth ${r.depth}`}${r.complete ? '' : ' INCOMPLETE'}${r.path === 'words' && !r.wordPath ? ', SOME STATES AS OBJECTS' : ''}` : check(r),
  ]),
];
printTable(table);
for (const s of skipped) process.stdout.write(`${s.config}: skipped, ${s.reason}\n`);
// Each worker run beside the one-thread run just before it.
rows.forEach((r, i) => {
  const one = rows[i - 1];
  if (!r.workers || !one || one.workers || one.config !== r.config) return;
  process.stdout.write(
    `${r.config}: ${r.workers} workers ${(one.seconds / r.seconds).toFixed(2)} times one thread's states/s (wall ${one.seconds.toFixed(2)} s -> ${r.seconds.toFixed(2)} s, CPU ${one.cpuSeconds.toFixed(2)} s -> ${r.cpuSeconds.toFixed(2)} s)\n`,
  );
});
process.stdout.write('\n' + JSON.stringify(designMode ? { designs: rows } : { design: 'bench-reflink-cow', results: rows, skipped }, null, 2) + '\n');
process.exitCode = rows.some((r) => check(r) === 'MISMATCH') ? 1 : 0;
