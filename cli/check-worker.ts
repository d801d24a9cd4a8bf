/**
 * One `check` in a worker thread, so that the main thread stays free to take
 * Ctrl-C: a search is synchronous, and a signal handler runs only when the
 * event loop gets a turn. The main thread sets the shared flag; the search
 * reads it at every state (engine/exhaustive.ts) and every walk
 * (engine/random.ts), stops, and its partial result comes back as usual.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { check } from '../checker/check.js';
import type { CheckOptions } from '../checker/options.js';
import { InputError } from '../model/errors.js';
import { chooseOne } from './choose.js';

export interface CheckJob {
  readonly spec: string;
  readonly options: Omit<CheckOptions, 'signal' | 'onProgress'>;
  /** Int32Array(1) over a SharedArrayBuffer: 1 once the user asked to stop. */
  readonly stop: SharedArrayBuffer;
  readonly progress: boolean;
}

export type WorkerReply =
  | { readonly kind: 'progress'; readonly progress: unknown }
  | { readonly kind: 'result'; readonly result: unknown }
  | { readonly kind: 'input-error'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string; readonly stack?: string };

/** An AbortSignal's one field, read from memory the main thread writes. */
export function sharedStop(buffer: SharedArrayBuffer): { readonly aborted: boolean } {
  const flag = new Int32Array(buffer);
  return {
    get aborted() {
      return Atomics.load(flag, 0) === 1;
    },
  };
}

if (parentPort && workerData?.pagecheckCheck) {
  const job = workerData.pagecheckCheck as CheckJob;
  const port = parentPort;
  try {
    const { design } = await chooseOne(job.spec);
    const result = check(design, {
      ...job.options,
      signal: sharedStop(job.stop),
      ...(job.progress ? { onProgress: (p) => port.postMessage({ kind: 'progress', progress: p } satisfies WorkerReply) } : {}),
    });
    port.postMessage({ kind: 'result', result } satisfies WorkerReply);
  } catch (e) {
    port.postMessage(
      e instanceof InputError
        ? ({ kind: 'input-error', message: e.message } satisfies WorkerReply)
        : ({ kind: 'error', message: e instanceof Error ? e.message : String(e), ...(e instanceof Error && e.stack ? { stack: e.stack } : {}) } satisfies WorkerReply),
    );
  }
}
