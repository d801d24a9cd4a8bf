/**
 * The model a worker thread of `check --workers N` searches
 * (engine/workers.ts): made in that thread from what the check sends, so
 * that only states cross threads. This one knows the built-in designs by
 * name; the command line's (cli/worker-model.ts) also loads a user's module.
 */
import type { Model } from '../engine/model.js';
import { resolveConfig } from '../model/config.js';
import type { AnyDesign } from '../model/design.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';

/** What a check sends each worker: the design as the command line names it, and its configuration. */
export interface WorkerModelJob {
  /** A built-in design's name, or the module a user's design was loaded from (`/abs/d.ts#name`). */
  readonly design: string;
  readonly params: Readonly<Record<string, number>>;
  readonly bugs: readonly string[];
  readonly amends: readonly string[];
  readonly crashCap?: number;
}

/** The model the exhaustive search of `check` takes, the same in every thread. */
export function modelOf(design: AnyDesign, job: WorkerModelJob): Model<unknown, unknown, unknown> {
  const cfg = resolveConfig(design, job.params, job.bugs, job.amends);
  return instantiate(design, cfg, 'copy', { crashCap: job.crashCap }) as Model<unknown, unknown, unknown>;
}

export function workerModel(job: WorkerModelJob): Model<unknown, unknown, unknown> {
  return modelOf(findDesign(job.design), job);
}
