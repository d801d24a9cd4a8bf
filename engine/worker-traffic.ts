/**
 * What crosses between the workers of an exhaustive search with workers
 * (engine/worker-search.ts is each one's search): the successors a worker
 * sends the others' owners, in batches (engine/worker-batches.ts), and the
 * end of each level.
 *
 * A successor crosses as its words where the states have the fixed flat
 * layout (engine/layout.ts, the same in every thread), else encoded by a
 * codec per pair of workers whose string numbers go along with each batch;
 * the owner decodes only those it did not have. A sender also skips a
 * successor it sent the same owner before (a direct-mapped cache of hashes):
 * the owner has it already, at no greater depth. And while a worker expands
 * its own states, it drops from what has come in so far every successor it
 * has stored already: those would be refused in the ordered pass too (its
 * own successors come first there), so only the others are held until the
 * level's end.
 */
import { receiveMessageOnPort } from 'node:worker_threads';
import { Codec } from './codec.js';
import type { StateStore } from './states.js';
import type { VisitedStore } from './visited.js';
import { BATCH_BYTES, eachRecord, Outbox } from './worker-batches.js';
import type { BetweenWorkers, Control, SearchJob } from './worker-shared.js';

/** Hashes a sender remembers per owner. */
const SENT_CACHE = 1 << 14;

/** A batch of successors from another worker, as WorkerSearch stores them. */
export type Batch = Extract<BetweenWorkers, { kind: 'batch' }>;

/** One worker's traffic with the others: what it sent each, and what came in from each. */
export class WorkerTraffic<S, A> {
  private readonly me: number;
  private readonly n: number;
  private readonly outboxes: Outbox[];
  private readonly sent: Uint32Array[];
  private readonly encoders: Codec[];
  readonly decoders: Codec[];
  private readonly stringsSent: number[];
  /** What came in from each worker during this level's expansion and was not stored here yet; and whether its end came too. */
  private readonly early: Outbox[];
  private readonly ended: boolean[];

  constructor(
    private readonly job: SearchJob,
    private readonly control: Control,
    private readonly states: StateStore<S, A>,
    private readonly store: VisitedStore,
    private readonly beat: () => void,
  ) {
    this.me = job.index;
    this.n = job.count;
    const each = <T>(make: () => T): T[] => Array.from({ length: job.count }, make);
    this.outboxes = each(() => new Outbox());
    this.sent = each(() => new Uint32Array(2 * SENT_CACHE));
    this.encoders = each(() => new Codec());
    this.decoders = each(() => new Codec());
    this.stringsSent = each(() => 0);
    this.early = each(() => new Outbox());
    this.ended = each(() => false);
  }

  // Keeps of what the other workers have sent so far only the successors not stored here yet.
  drain(): void {
    const { store, me, n } = this;
    for (let p = 0; p < n; p++) {
      if (p === me || this.ended[p]) continue;
      for (let m = receiveMessageOnPort(this.job.peers[p]!); m !== undefined; m = receiveMessageOnPort(this.job.peers[p]!)) {
        const message = m.message as BetweenWorkers;
        if (message.kind === 'end') {
          this.ended[p] = true;
          break;
        }
        this.decoders[p].adopt(message.strings);
        const kept = this.early[p];
        eachRecord(message.buffer, message.used, (hi, lo, link, ordinal, bytes, offset, length) => {
          if (!store.has(hi, lo)) kept.add(hi, lo, link, ordinal, bytes.subarray(offset, offset + length));
          return true;
        });
      }
    }
  }

  send(owner: number, hi: number, lo: number, link: number, k: number): void {
    const sent = this.sent[owner];
    const slot = 2 * (lo & (SENT_CACHE - 1));
    if (sent[slot] === hi && sent[slot + 1] === lo && (hi | lo) !== 0) return;
    sent[slot] = hi;
    sent[slot + 1] = lo;
    const payload = this.states.flatWords(k) ?? this.encoders[owner].encode(this.states.successor(k));
    const box = this.outboxes[owner];
    box.add(hi, lo, link, k, payload);
    if (box.used >= BATCH_BYTES) this.flush(owner);
  }

  private flush(owner: number): void {
    const box = this.outboxes[owner];
    if (box.used === 0) return;
    const encoder = this.encoders[owner];
    const strings = encoder.stringsFrom(this.stringsSent[owner]);
    this.stringsSent[owner] = encoder.stringCount;
    const { buffer, used } = box.take();
    this.control.post(this.job.peers[owner]!, owner, { kind: 'batch', buffer, used, strings } satisfies BetweenWorkers, [buffer]);
  }

  // Sends what is left of this level and its end to every other worker, then
  // takes what each of them sent, in the order of their indexes.
  // take stores a batch, tick counts and may stop the search (WorkerSearch).
  exchange(take: (p: number, m: Batch) => boolean, tick: () => boolean): boolean {
    const { control, me, n } = this;
    for (let p = 0; p < n; p++) {
      if (p === me) continue;
      this.flush(p);
      control.post(this.job.peers[p]!, p, { kind: 'end' } satisfies BetweenWorkers);
    }
    for (let p = 0; p < n; p++) {
      if (p === me) continue;
      const early = this.early[p].take();
      if (early.used > 0 && !take(p, { kind: 'batch', ...early, strings: [] })) return false;
      if (this.ended[p]) {
        this.ended[p] = false;
        continue;
      }
      for (;;) {
        const m = control.receive(this.job.peers[p]!, me, true, Infinity, this.beat) as BetweenWorkers | undefined;
        if (m === undefined) return false;
        if (m.kind === 'end') break;
        if (!take(p, m) || !tick()) return false;
      }
    }
    return true;
  }
}
