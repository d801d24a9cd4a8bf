/**
 * One built-in design's default exhaustive search (its default bound, every
 * property, no time limit) in a process of its own, so that its peak RSS is
 * its own. Prints one JSON line: the figures `npm run bench -- designs`
 * tabulates. `run-design.js DESIGN generic` keeps every state as an object
 * (the path every kernel design took before the learned layouts), so that
 * before and after are measured in the same run. `run-design.js DESIGN PATH
 * N [DEPTH]`: in N worker threads (engine/workers.ts, where the learned
 * layout is off), to DEPTH instead of the design's default bound.
 */
import { exhaustive } from '../engine/exhaustive.js';
import { exhaustiveWorkers } from '../engine/workers.js';
import { defaultConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';
import { measured } from './measure.js';

const design = findDesign(process.argv[2]);
const flat = process.argv[3] !== 'generic';
const workers = process.argv[4] === undefined || process.argv[4] === '-' ? undefined : Number(process.argv[4]);
const depth = process.argv[5] === undefined ? design.bounds?.depth : Number(process.argv[5]);
const cfg = defaultConfig(design);
const model = instantiate(design, cfg, 'copy');
const options = { flat, learned: flat, maxDepth: depth, maxStates: design.bounds?.maxStates };
const source = { module: new URL('../checker/worker-model.js', import.meta.url).href, data: { design: design.name, params: cfg.params, bugs: [...cfg.bugs], amends: [...(cfg.amends ?? [])] } };
const { r, cpuSeconds, peakRss } = measured(() => (workers === undefined ? exhaustive(model, options) : exhaustiveWorkers(model, source, { ...options, workers })));
process.stdout.write(
  JSON.stringify({
    config: design.name,
    path: flat ? 'words' : 'generic',
    workers: workers ?? null,
    depth: depth ?? null,
    states: r.states,
    transitions: r.transitions,
    complete: r.complete,
    exhausted: r.exhausted,
    stoppedBy: r.stoppedBy,
    seconds: r.elapsedMs / 1000,
    statesPerSecond: r.states / (r.elapsedMs / 1000),
    cpuSeconds,
    statesPerCpuSecond: r.states / cpuSeconds,
    peakRssBytes: peakRss,
    storeBytesPerState: r.bytesPerState,
    rssBytesPerState: peakRss / r.states,
    // Every state kept as words (engine/layout.ts, engine/learned-layout.ts), none as an object.
    wordPath: r.representation.objects === 0,
    representation: r.representation,
    expectedStates: null,
    expectedTransitions: null,
  }) + '\n',
);
