/**
 * One benchmark configuration in a process of its own, so that its peak RSS
 * is its own. Prints one JSON line. `run-one.js CONFIG N`: the search in N
 * worker threads (engine/workers.ts); its CPU seconds are every thread's.
 */
import { exhaustive } from '../engine/exhaustive.js';
import { exhaustiveWorkers } from '../engine/workers.js';
import { resolveConfig } from '../model/config.js';
import bench from '../model/designs/bench-reflink-cow.js';
import { instantiate } from '../model/instantiate.js';
import { configs } from './configs.js';
import { measured } from './measure.js';

const config = configs.find((c) => c.name === process.argv[2]);
if (!config) {
  process.stderr.write(`bench: unknown configuration '${process.argv[2]}'\n`);
  process.exit(2);
}
const workers = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const cfg = resolveConfig(bench, config.params, []);
const model = instantiate(bench, cfg, 'copy');
const source = { module: new URL('../checker/worker-model.js', import.meta.url).href, data: { design: bench.name, params: cfg.params, bugs: [], amends: [] } };
const { r, cpuSeconds, peakRss } = measured(() => (workers === undefined ? exhaustive(model) : exhaustiveWorkers(model, source, { workers })));
process.stdout.write(
  JSON.stringify({
    config: config.name,
    workers: workers ?? null,
    ...config.params,
    states: r.states,
    transitions: r.transitions,
    complete: r.exhausted,
    violations: [...r.violations.keys()],
    seconds: r.elapsedMs / 1000,
    statesPerSecond: r.states / (r.elapsedMs / 1000),
    cpuSeconds,
    statesPerCpuSecond: r.states / cpuSeconds,
    transitionsPerSecond: r.transitions / (r.elapsedMs / 1000),
    peakRssBytes: peakRss,
    storeBytesPerState: r.bytesPerState,
    rssBytesPerState: peakRss / r.states,
    expectedStates: config.expectedStates ?? null,
    expectedTransitions: config.expectedTransitions ?? null,
  }) + '\n',
);
