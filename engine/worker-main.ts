/**
 * One worker thread of an exhaustive search with workers (engine/workers.ts).
 * It makes the model itself, from the module and data the coordinator names,
 * so that nothing but states crosses threads, and owns the states whose
 * 64-bit hash's high word is its index modulo the number of workers
 * (engine/worker-search.ts, its search; engine/worker-traffic.ts, what
 * crosses between workers).
 */
import { fingerprint } from './fingerprint.js';
import type { Model } from './model.js';
import { Control, STOP_ERROR, type SearchJob, type ToCoordinator } from './worker-shared.js';
import { WorkerSearch } from './worker-search.js';

/** The worker's whole life: make the model, search, report, answer questions about parent links, quit. */
export async function main(job: SearchJob): Promise<void> {
  const control = new Control(job.control, job.count);
  try {
    const factory = (await import(job.source.module)) as { workerModel?: (data: unknown) => Model<unknown, unknown, unknown> | Promise<Model<unknown, unknown, unknown>> };
    if (typeof factory.workerModel !== 'function') throw new Error(`search worker: ${job.source.module} exports no workerModel function`);
    const model = await factory.workerModel(job.source.data);
    control.post(job.coordinator, job.count, { kind: 'ready', initial: fingerprint(model.initial) } satisfies ToCoordinator);
    const search = new WorkerSearch(model, job, control);
    const report = search.run();
    control.post(job.coordinator, job.count, { kind: 'done', report } satisfies ToCoordinator);
    search.serve();
  } catch (e) {
    // The message first: the stop wakes the coordinator, which then finds it.
    const message = e instanceof Error ? e.message : String(e);
    control.post(job.coordinator, job.count, { kind: 'error', message, ...(e instanceof Error && e.stack ? { stack: e.stack } : {}) } satisfies ToCoordinator);
    control.stop(STOP_ERROR);
  }
}
