/**
 * Runs one check in a worker thread (cli/check-worker.ts) where the compiled
 * worker is there, so that Ctrl-C is seen during the search; undefined where
 * it is not (the sources run by a test), and the caller checks in-process.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckOptions } from '../checker/options.js';
import type { CheckResult } from '../checker/result.js';
import type { Progress } from '../engine/exhaustive.js';
import { InputError } from '../model/errors.js';
import type { CheckJob, WorkerReply } from './check-worker.js';

const WORKER = fileURLToPath(new URL('./check-worker.js', import.meta.url));

export async function runInWorker(spec: string, options: Omit<CheckOptions, 'signal' | 'onProgress'>, stop: SharedArrayBuffer, onProgress?: (p: Progress) => void): Promise<CheckResult | undefined> {
  if (!existsSync(WORKER)) return undefined;
  const job: CheckJob = { spec, options, stop, progress: onProgress !== undefined };
  const worker = new Worker(WORKER, { workerData: { pagecheckCheck: job } });
  return new Promise<CheckResult>((resolve, reject) => {
    worker.on('message', (m: WorkerReply) => {
      if (m.kind === 'progress') onProgress?.(m.progress as Progress);
      else if (m.kind === 'result') resolve(m.result as CheckResult);
      else if (m.kind === 'input-error') reject(new InputError(m.message));
      else reject(Object.assign(new Error(m.message), m.stack ? { stack: m.stack } : {}));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the search's worker ended with code ${code}`));
    });
  }).finally(() => void worker.terminate());
}
