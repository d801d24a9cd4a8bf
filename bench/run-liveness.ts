/**
 * One built-in design's liveness check at its default parameters, in a
 * process of its own: the whole state graph explored (engine/graph.ts) and
 * every liveness property judged on it (engine/find-lasso.ts), as `check`
 * does once its search has seen the whole state space. Capped at the
 * design's state bound (a million states by default); a capped graph is
 * reported incomplete, its verdicts inconclusive. Prints one JSON line for
 * `npm run bench -- liveness`.
 */
import { checkLiveness } from '../engine/liveness.js';
import { defaultConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';
import { measured } from './measure.js';

const design = findDesign(process.argv[2]);
const model = instantiate(design, defaultConfig(design), 'copy');
const start = performance.now();
const { r, cpuSeconds, peakRss } = measured(() => checkLiveness(model, model.liveness ?? [], { maxStates: design.bounds?.maxStates ?? 1_000_000 }));
const seconds = (performance.now() - start) / 1000;
const verdicts = Object.fromEntries([...r.results].map(([id, v]) => [id, v.verdict]));
process.stdout.write(
  JSON.stringify({
    design: design.name,
    states: r.states,
    transitions: r.transitions,
    complete: r.complete,
    seconds,
    cpuSeconds,
    statesPerCpuSecond: r.states / cpuSeconds,
    peakRssBytes: peakRss,
    verdicts,
  }) + '\n',
);
