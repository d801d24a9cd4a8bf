/**
 * The exhaustive search with worker threads (`check --workers N`): the same
 * breadth-first search as engine/exhaustive.ts, its states partitioned among
 * N workers by hash (engine/worker-main.ts), each with the visited set,
 * parent links and frontier of the states it owns. The result is the one
 * exhaustive() gives: at a completed bound the same states, transitions,
 * coverage, verdicts, goals and shortest counterexample lengths, and traces
 * rebuilt from parent links and replayed here, on this thread's model, as
 * exhaustive() rebuilds its own.
 *
 * Partitioned, not shared: a SharedArrayBuffer visited set would need an
 * atomic compare-and-swap on every one of the successors (most are
 * duplicates) and a lock-free table that grows, and the frontier would still
 * have to be split; with an owner per state each visited set is the
 * ordinary one, unshared, and what crosses is a new-looking successor once,
 * in batches. Each worker makes the model itself from `source` (a module and
 * the data its `workerModel` takes), so only states cross threads.
 *
 * States of a fixed flat layout (engine/layout.ts) cross as their words;
 * any other takes the generic path with workers, the learned layout off
 * (see `bounds` below), and crosses encoded by engine/codec.ts.
 *
 * What may differ from one thread: which of several shortest traces is
 * found (for a given N it is the same every run: nothing depends on timing),
 * and the counts of a search stopped early. One that stops because every
 * property is violated stops at the end of that level, not at the state, so
 * it counts more states; `--max-states` may be passed by a few states that
 * other workers stored before they saw the stop.
 *
 * The coordinating thread is synchronous too (it waits on Atomics and reads
 * its ports with receiveMessageOnPort), so that the check stays a plain
 * function call; Ctrl-C is seen through `signal`, read here every 50 ms.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { Coverage } from './coverage.js';
import type { CrashSummary } from './crash.js';
import type { ExhaustiveOptions, ExhaustiveResult, Found, StopReason, Violation } from './exhaustive.js';
import { nthSuccessor } from './exhaustive.js';
import { collisionProbability, fingerprint } from './fingerprint.js';
import { overLimit } from './memory.js';
import { propertiesOf, type Model, type Step } from './model.js';
import {
  Control,
  STOP_ERROR,
  STOP_INTERRUPTED,
  STOP_MEMORY,
  STOP_REASONS,
  STOP_TIME,
  type ModelSource,
  type SearchJob,
  type ToCoordinator,
  type ToWorker,
  type WorkerReport,
} from './worker-shared.js';

export type { ModelSource } from './worker-shared.js';

export const MAX_WORKERS = 64;
/** A worker that has not said it is alive for this long is taken for dead (killed, or out of memory). */
const SILENT_MS = 60_000;
/** Its model may take a while to make at first (a user's TypeScript module compiled in each thread). */
const STARTUP_MS = 180_000;

export interface WorkersOptions extends ExhaustiveOptions {
  /** How many worker threads search; 1 runs the worker path in one thread. */
  readonly workers: number;
}

/**
 * Starts a worker: the compiled worker-main.js, or, where this module runs
 * from its TypeScript sources (the tests), worker-main.ts through tsx's
 * loader, which then also maps the model module's `.js` to its `.ts`.
 */
// tsx's loader API, its ES module: import.meta.resolve where this module runs
// as one, else (a script run by tsx as CommonJS) the CommonJS entry's twin.
function tsxApi(): string {
  if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  return pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
}

function spawn(job: SearchJob, transfer: MessagePort[]): Worker {
  const entry = new URL('./worker-main.js', import.meta.url).href;
  const register = import.meta.url.endsWith('.ts') ? `(await import(${JSON.stringify(tsxApi())})).register();` : '';
  // A failure to load the worker's code is reported as a failure of the search would be.
  const code = `import('node:worker_threads').then(async ({ workerData }) => {
    const job = workerData.pagecheckSearch;
    try { ${register} await (await import(${JSON.stringify(entry)})).main(job); }
    catch (e) { job.coordinator.postMessage({ kind: 'error', message: e instanceof Error ? e.message : String(e), stack: e && e.stack }); }
  });`;
  const worker = new Worker(code, { eval: true, workerData: { pagecheckSearch: job }, transferList: transfer });
  // What goes wrong is reported on the ports; the event would come after the search, on nobody's loop.
  worker.on('error', () => {});
  return worker;
}

function failure(m: Extract<ToCoordinator, { kind: 'error' }>): Error {
  const e = new Error(m.message);
  if (m.stack) e.stack = m.stack;
  return e;
}

export function exhaustiveWorkers<S, A, V>(model: Model<S, A, V>, source: ModelSource, options: WorkersOptions): ExhaustiveResult<S, A> {
  const n = options.workers;
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw new RangeError(`workers must be a whole number within 1..${MAX_WORKERS}, not ${n}`);
  const start = performance.now();
  const wanted = options.properties;
  const properties = propertiesOf(model)
    .filter((p) => !wanted || wanted.includes(p.id))
    .map((p) => p.id);
  const goals = model.sometimes.map((g) => g.id);
  const livenessWanted = (model.liveness ?? []).some((l) => !wanted || wanted.includes(l.id));
  const control = Control.create(n, properties.length + goals.length);
  const progress = new Float64Array(new SharedArrayBuffer(8 * 4 * n));
  const timeLimitMs = options.timeLimitMs ?? Infinity;
  const bounds = {
    maxDepth: options.maxDepth ?? Infinity,
    maxStates: options.maxStates ?? Infinity,
    deadline: Date.now() + timeLimitMs,
    flat: options.flat !== false,
    // Off in every worker: a learned layout's hash numbers strings and orders
    // record keys as that thread's schema met them, so the same state would
    // hash differently in two threads. States without a fixed flat layout
    // take the generic path, whose fingerprint is compiled from the initial
    // state alike in every thread.
    learned: false,
    symmetry: options.symmetry === true,
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.memory ? { memory: options.memory } : {}),
    livenessWanted,
  };

  const peers: (MessagePort | null)[][] = Array.from({ length: n }, () => new Array<MessagePort | null>(n).fill(null));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const { port1, port2 } = new MessageChannel();
      peers[i][j] = port1;
      peers[j][i] = port2;
    }
  }
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  try {
    const now = Date.now();
    for (let w = 0; w < n; w++) {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1);
      progress[4 * w + 3] = now;
      const job: SearchJob = { index: w, count: n, control: control.buffer, progress: progress.buffer as SharedArrayBuffer, properties, goals, source, bounds, coordinator: port2, peers: peers[w] };
      workers.push(spawn(job, [port2, ...peers[w].filter((p): p is MessagePort => p !== null)]));
    }

    const initial = fingerprint(model.initial);
    const ready = new Array<boolean>(n).fill(false);
    const reports = new Array<WorkerReport | undefined>(n);
    let done = 0;
    let lastProgress = start;
    let naps = 0;
    while (done < n) {
      for (let w = 0; w < n; w++) {
        for (let m = receiveMessageOnPort(ports[w]); m !== undefined; m = receiveMessageOnPort(ports[w])) {
          const message = m.message as ToCoordinator;
          if (message.kind === 'error') throw failure(message);
          if (message.kind === 'ready') {
            if (message.initial !== initial)
              throw new Error(`search worker ${w}: the model made in its thread starts from another state than this thread's (is the design's init a function of its configuration alone?)`);
            ready[w] = true;
          } else if (message.kind === 'done') {
            reports[w] = message.report;
            done++;
          }
        }
      }
      if (done === n) break;
      if (options.signal?.aborted) control.stop(STOP_INTERRUPTED);
      const at = performance.now();
      if (at - start >= timeLimitMs) control.stop(STOP_TIME);
      if (options.memory && (++naps & 15) === 0 && overLimit(options.memory)) control.stop(STOP_MEMORY);
      const wall = Date.now();
      for (let w = 0; w < n; w++) {
        if (reports[w] === undefined && wall - progress[4 * w + 3] > (ready[w] ? SILENT_MS : STARTUP_MS)) {
          throw new Error(`search worker ${w} stopped answering (killed, or out of memory)`);
        }
      }
      if (options.onProgress && at - lastProgress >= (options.progressIntervalMs ?? 1000)) {
        lastProgress = at;
        let states = 0,
          transitions = 0,
          queue = 0;
        for (let w = 0; w < n; w++) {
          states += progress[4 * w];
          transitions += progress[4 * w + 1];
          queue += progress[4 * w + 2];
        }
        options.onProgress({ states, transitions, depth: reports.reduce((d, r) => Math.max(d, r?.deepest ?? 0), 0), queue, elapsedMs: at - start });
      }
      control.nap(n, 50);
    }
    const all = reports as WorkerReport[];
    return assemble(model, all, control, ports, options, start);
  } finally {
    for (let w = 0; w < workers.length; w++) {
      try {
        ports[w].postMessage({ kind: 'quit' } satisfies ToWorker);
      } catch {
        // Already closed.
      }
      workers[w].terminate().catch(() => {});
      workers[w].unref();
    }
    for (const p of ports) p.close();
    // A stopped search's workers sleep in their waits until told: tell them.
    control.stop(STOP_ERROR);
  }
}

function assemble<S, A, V>(model: Model<S, A, V>, reports: readonly WorkerReport[], control: Control, ports: readonly MessagePort[], options: WorkersOptions, start: number): ExhaustiveResult<S, A> {
  const n = reports.length;
  // A level's barrier decides alike in every worker; anything else is a stop one of them saw.
  const first = reports[0].stoppedBy;
  const decided = ['exhausted', 'depth', 'all-violated'].includes(first) && reports.every((r) => r.stoppedBy === first);
  const stoppedBy = (decided ? first : STOP_REASONS[control.stopped()] || first) as StopReason;

  // The least depth, and at that depth the lowest worker: the same choice every run.
  const best = <T extends { id: string; depth: number }>(pick: (r: WorkerReport) => readonly T[]) => {
    const out = new Map<string, T & { worker: number }>();
    reports.forEach((r, w) => {
      for (const f of pick(r)) {
        const had = out.get(f.id);
        if (had === undefined || f.depth < had.depth) out.set(f.id, { ...f, worker: w });
      }
    });
    return out;
  };
  const violated = best((r) => r.violations);
  const reached = best((r) => r.goals);
  const found = [...violated.values(), ...reached.values()];
  const chains = ordinalChains(
    found.map((f) => ({ worker: f.worker, state: f.state })),
    n,
    control,
    ports,
  );
  const violations = new Map<string, Violation<S, A>>();
  [...violated.values()].forEach((v, i) => violations.set(v.id, { depth: v.depth, message: v.message, trace: replay(model, chains[i]) }));
  const goals = new Map<string, Found<S, A>>();
  [...reached.values()].forEach((g, i) => goals.set(g.id, { depth: g.depth, trace: replay(model, chains[violated.size + i]) }));

  const coverage = new Coverage();
  for (const r of reports) {
    const c = new Coverage();
    for (const [kind, k] of Object.entries(r.coverage)) if (k.firstDepth !== null) c.fired(kind, k.firstDepth, k.count);
    coverage.merge(c);
  }
  const crash = mergeCrash(reports.map((r) => r.crash));
  const states = reports.reduce((s, r) => s + r.states, 0);
  const maxDepth = options.maxDepth ?? Infinity;
  return {
    states,
    transitions: reports.reduce((s, r) => s + r.transitions, 0),
    depth: reports.reduce((d, r) => Math.max(d, r.deepest), 0),
    maxDepth: Number.isFinite(maxDepth) ? maxDepth : undefined,
    complete: stoppedBy === 'exhausted' || stoppedBy === 'depth',
    exhausted: stoppedBy === 'exhausted',
    stoppedBy,
    elapsedMs: performance.now() - start,
    bytesPerState: states === 0 ? 0 : reports.reduce((s, r) => s + r.storeBytes, 0) / states,
    collisionProbability: collisionProbability(states),
    violations,
    goals,
    coverage,
    ...(crash ? { crash } : {}),
    ...(options.shard ? { split: reports[0].split } : {}),
    representation: {
      words: reports.reduce((s, r) => s + r.representation.words, 0),
      objects: reports.reduce((s, r) => s + r.representation.objects, 0),
    },
    symmetry: options.symmetry === true ? (model.symmetry?.description ?? null) : null,
    workers: n,
  };
}

/**
 * For each (worker, state), the ordinals from the initial state to it: the
 * parent links followed back across workers, all the traces a step at a time.
 */
function ordinalChains(from: readonly { worker: number; state: number }[], n: number, control: Control, ports: readonly MessagePort[]): number[][] {
  const at = from.map((f) => ({ ...f }));
  const chains = from.map(() => [] as number[]);
  const open = new Set(from.keys());
  while (open.size > 0) {
    const asked: number[][] = Array.from({ length: n }, () => []);
    for (const i of open) asked[at[i].worker].push(i);
    for (let w = 0; w < n; w++) {
      if (asked[w].length > 0) control.post(ports[w], w, { kind: 'links', ids: asked[w].map((i) => at[i].state) } satisfies ToWorker);
    }
    for (let w = 0; w < n; w++) {
      if (asked[w].length === 0) continue;
      const m = control.receive(ports[w], n, false, SILENT_MS) as ToCoordinator | undefined;
      if (m === undefined) throw new Error(`search worker ${w} stopped answering (killed, or out of memory)`);
      if (m.kind === 'error') throw failure(m);
      if (m.kind !== 'links') throw new Error(`search worker ${w}: '${m.kind}' where parent links were asked for`);
      asked[w].forEach((i, j) => {
        const parent = m.links[2 * j];
        if (parent < 0) {
          open.delete(i);
          return;
        }
        chains[i].push(m.links[2 * j + 1]);
        at[i] = { worker: parent % n, state: Math.floor(parent / n) };
      });
    }
  }
  return chains.map((c) => c.reverse());
}

/** The path along `ordinals` from the initial state, on this thread's model, as engine/exhaustive.ts rebuilds one. */
function replay<S, A, V>(model: Model<S, A, V>, ordinals: readonly number[]): Step<S, A>[] {
  let state = model.initial;
  const trace: Step<S, A>[] = [{ state }];
  for (const ordinal of ordinals) {
    const step = nthSuccessor(model, state, ordinal);
    if (step === undefined) throw new Error('trace rebuild: the model does not give the same successors twice');
    trace.push(step);
    state = step.state;
  }
  return trace;
}

function mergeCrash(summaries: readonly (CrashSummary | null)[]): CrashSummary | undefined {
  const some = summaries.filter((s): s is CrashSummary => s !== null);
  if (some.length === 0) return undefined;
  return {
    points: some.reduce((t, s) => t + s.points, 0),
    successors: some.reduce((t, s) => t + s.successors, 0),
    maxSuccessors: Math.max(...some.map((s) => s.maxSuccessors)),
    maxPending: Math.max(...some.map((s) => s.maxPending)),
    capped: some.reduce((t, s) => t + s.capped, 0),
    cap: some[0].cap,
  };
}
