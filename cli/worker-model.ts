/**
 * The model a worker thread of `pagecheck check --workers N` searches: the
 * design found as the command line found it (a built-in name, or a user's
 * module loaded by the same loader, cli/load.ts), then configured as
 * checker/worker-model.ts does.
 */
import { modelOf, type WorkerModelJob } from '../checker/worker-model.js';
import type { Model } from '../engine/model.js';
import { chooseOne } from './choose.js';

export async function workerModel(job: WorkerModelJob): Promise<Model<unknown, unknown, unknown>> {
  return modelOf((await chooseOne(job.design)).design, job);
}
