/**
 * What the threads of an exhaustive search with workers share
 * (engine/workers.ts starts them, engine/worker-main.ts is each one): a
 * control block in a SharedArrayBuffer, and messages on MessagePorts that
 * every thread reads synchronously (receiveMessageOnPort), sleeping on its
 * mailbox word (Atomics.wait) until a sender bumps it. The search is
 * synchronous code from start to end, in the workers as in the thread that
 * coordinates them (the one that called exhaustiveWorkers), so no thread's
 * event loop has to turn for a message to arrive.
 *
 * The control block, in int32 words (each hot word on a cache line of its own):
 * - STOP: why the search was cut short (a StopCode), 0 while it runs;
 * - TOTAL: the states stored by all workers, for --max-states;
 * - the level barrier's generation and count;
 * - a mailbox word per worker and one for the coordinator;
 * - each worker's frontier size at the barrier, for even and odd levels;
 * - per property and then per goal, the depth it was first found at (-1: not yet).
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** Why a search with workers stopped early: set by whichever thread saw it first. */
export const STOP_REASONS = ['', 'time', 'states', 'memory', 'interrupted', 'error'] as const;
export type StopCode = 1 | 2 | 3 | 4 | 5;
export const STOP_TIME = 1,
  STOP_STATES = 2,
  STOP_MEMORY = 3,
  STOP_INTERRUPTED = 4,
  STOP_ERROR = 5;

const STOP = 0;
const TOTAL = 16;
const GEN = 32;
const ARRIVED = 33;
const MAIL = 48;
const LINE = 16;
/** How long a thread sleeps before it looks at STOP again, in ms. */
const NAP = 50;

/** A model, made in a worker thread by `workerModel(data)`, the export of `module` (a file URL). */
export interface ModelSource {
  readonly module: string;
  readonly data: unknown;
}

/** The bounds a worker honours; the rest of ExhaustiveOptions is the coordinator's. */
export interface WorkerBounds {
  readonly maxDepth: number;
  readonly maxStates: number;
  /** Date.now() at which the search is out of time. */
  readonly deadline: number;
  readonly flat: boolean;
  readonly learned: boolean;
  readonly symmetry: boolean;
  readonly shard?: { readonly index: number; readonly count: number };
  readonly memory?: { readonly rssBytes?: number; readonly heapShare: number };
  /** A liveness property is wanted: every invariant violated is then no reason to stop. */
  readonly livenessWanted: boolean;
}

export interface SearchJob {
  readonly index: number;
  readonly count: number;
  readonly control: SharedArrayBuffer;
  /** Float64 per worker: states, transitions, queue, heartbeat (Date.now()). */
  readonly progress: SharedArrayBuffer;
  /** The ids of the properties to check and of the goals, in the coordinator's order. */
  readonly properties: readonly string[];
  readonly goals: readonly string[];
  readonly source: ModelSource;
  readonly bounds: WorkerBounds;
  readonly coordinator: MessagePort;
  /** The port to each other worker, by index; null at this worker's own. */
  readonly peers: readonly (MessagePort | null)[];
}

/** What a worker found: its share of the search, each state numbered locally. */
export interface WorkerReport {
  /** 'exhausted', 'depth' or 'all-violated' when the worker reached a level's barrier and stopped there; else the stop it saw. */
  readonly stoppedBy: string;
  readonly states: number;
  readonly transitions: number;
  readonly deepest: number;
  readonly storeBytes: number;
  readonly violations: readonly { readonly id: string; readonly state: number; readonly depth: number; readonly message: string }[];
  readonly goals: readonly { readonly id: string; readonly state: number; readonly depth: number }[];
  readonly coverage: Record<string, { count: number; firstDepth: number | null }>;
  readonly representation: { readonly words: number; readonly objects: number };
  readonly crash: import('./crash.js').CrashSummary | null;
  readonly split: number | null;
}

export type ToCoordinator =
  | { readonly kind: 'ready'; readonly initial: string }
  | { readonly kind: 'done'; readonly report: WorkerReport }
  | { readonly kind: 'links'; readonly links: readonly number[] }
  | { readonly kind: 'error'; readonly message: string; readonly stack?: string };

export type ToWorker = { readonly kind: 'links'; readonly ids: readonly number[] } | { readonly kind: 'quit' };

export type BetweenWorkers = { readonly kind: 'batch'; readonly buffer: ArrayBuffer; readonly used: number; readonly strings: readonly string[] } | { readonly kind: 'end' };

export class Control {
  readonly words: Int32Array;
  private readonly sizes: number;
  private readonly found: number;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly count: number,
  ) {
    this.words = new Int32Array(buffer);
    this.sizes = MAIL + LINE * (count + 1);
    this.found = this.sizes + 2 * count;
  }

  /** A fresh block for `count` workers, `found` properties and goals. */
  static create(count: number, found: number): Control {
    const ints = MAIL + LINE * (count + 1) + 2 * count + found;
    const control = new Control(new SharedArrayBuffer(4 * ints), count);
    control.words.fill(-1, control.found);
    return control;
  }

  stopped(): number {
    return Atomics.load(this.words, STOP);
  }

  /** Sets the reason the search stops, unless one is set already, and wakes every sleeper. */
  stop(code: StopCode): void {
    Atomics.compareExchange(this.words, STOP, 0, code);
    Atomics.notify(this.words, GEN);
    for (let w = 0; w <= this.count; w++) {
      Atomics.add(this.words, MAIL + LINE * w, 1);
      Atomics.notify(this.words, MAIL + LINE * w);
    }
  }

  /** One more state stored; the total so far. */
  stored(): number {
    return Atomics.add(this.words, TOTAL, 1) + 1;
  }

  setTotal(n: number): void {
    Atomics.store(this.words, TOTAL, n);
  }

  /** Posts `message` on `port` to thread `to` (a worker's index, or `count` for the coordinator) and wakes it. */
  post(port: MessagePort, to: number, message: unknown, transfer: ArrayBuffer[] = []): void {
    port.postMessage(message, transfer);
    Atomics.add(this.words, MAIL + LINE * to, 1);
    Atomics.notify(this.words, MAIL + LINE * to);
  }

  /**
   * The next message on `port` for thread `me`, waiting for it; undefined
   * once the search is stopped (when `stoppable`) or after `timeoutMs`.
   */
  receive(port: MessagePort, me: number, stoppable: boolean, timeoutMs = Infinity, onNap?: () => void): unknown {
    const mail = MAIL + LINE * me;
    const until = Date.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.words, mail);
      const m = receiveMessageOnPort(port);
      if (m !== undefined) return m.message;
      if (stoppable && this.stopped() !== 0) return undefined;
      const left = until - Date.now();
      if (left <= 0) return undefined;
      Atomics.wait(this.words, mail, seen, Math.min(NAP, left));
      onNap?.();
    }
  }

  /** The coordinator's wait for news: returns after `ms` or as soon as a message may be there. */
  nap(me: number, ms: number): void {
    const mail = MAIL + LINE * me;
    Atomics.wait(this.words, mail, Atomics.load(this.words, mail), ms);
  }

  /** Each worker's frontier size at a level's barrier. */
  setSize(level: number, w: number, n: number): void {
    Atomics.store(this.words, this.sizes + (level & 1) * this.count + w, n);
  }

  levelSize(level: number): number {
    let sum = 0;
    for (let w = 0; w < this.count; w++) sum += Atomics.load(this.words, this.sizes + (level & 1) * this.count + w);
    return sum;
  }

  /** Records that property or goal `i` was found at `depth`, unless it was before. */
  setFound(i: number, depth: number): void {
    Atomics.compareExchange(this.words, this.found + i, -1, depth);
  }

  /** The depth property or goal `i` was first found at, or -1. */
  foundAt(i: number): number {
    return Atomics.load(this.words, this.found + i);
  }

  /**
   * Waits until every worker has arrived; false when the search was stopped
   * first. The generation is read before arriving, so a barrier that
   * completes while a worker sleeps is seen as completed.
   */
  barrier(onNap?: () => void): boolean {
    const gen = Atomics.load(this.words, GEN);
    if (Atomics.add(this.words, ARRIVED, 1) === this.count - 1) {
      Atomics.store(this.words, ARRIVED, 0);
      Atomics.add(this.words, GEN, 1);
      Atomics.notify(this.words, GEN);
      return true;
    }
    while (Atomics.load(this.words, GEN) === gen) {
      if (this.stopped() !== 0) return false;
      Atomics.wait(this.words, GEN, gen, NAP);
      onNap?.();
    }
    return true;
  }
}
