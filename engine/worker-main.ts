/**
 * One worker thread of an exhaustive search with workers (engine/workers.ts).
 * It makes the model itself, from the module and data the coordinator names,
 * so that nothing but states crosses threads, and owns the states whose
 * 64-bit hash's high word is its index modulo the number of workers: their
 * visited set, their parent links and their frontier.
 *
 * Breadth first, level by level, as engine/exhaustive.ts: at a barrier every
 * worker has stored every state of depth <= d; then each expands its own
 * states of depth d, keeps the successors it owns and sends the others to
 * their owners in batches, marks the end of its level to every other
 * worker, and takes what the others sent it, in the order of their indexes.
 * So each state is stored at its least depth, by its owner, and which state
 * (and parent) is kept first depends on nothing but the worker count: the
 * same run gives the same traces every time.
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
import { ByteQueue, Codec } from './codec.js';
import { Coverage } from './coverage.js';
import { SPLIT_WIDTH } from './exhaustive.js';
import { fingerprint } from './fingerprint.js';
import { overLimit } from './memory.js';
import { propertiesOf, viewOf, type Goal, type Model, type Property } from './model.js';
import { StateStore } from './states.js';
import { canonicalFingerprint, type Canonical } from './symmetry.js';
import { VisitedStore } from './visited.js';
import { BATCH_BYTES, eachRecord, Outbox } from './worker-batches.js';
import {
  Control,
  STOP_ERROR,
  STOP_MEMORY,
  STOP_REASONS,
  STOP_STATES,
  STOP_TIME,
  type BetweenWorkers,
  type SearchJob,
  type ToCoordinator,
  type ToWorker,
  type WorkerReport,
} from './worker-shared.js';

/** Hashes a sender remembers per owner. */
const SENT_CACHE = 1 << 14;

class WorkerSearch<S, A> {
  private readonly me: number;
  private readonly n: number;
  private readonly store: VisitedStore;
  private readonly states: StateStore<S, A>;
  private readonly always: Property<S, unknown>[];
  private readonly goals: Goal<S, unknown>[];
  /** Properties and goals (after the properties) this worker no longer looks for. */
  private readonly known: boolean[];
  private readonly violations: { id: string; state: number; depth: number; message: string }[] = [];
  private readonly reached: { id: string; state: number; depth: number }[] = [];
  private readonly coverage = new Coverage();
  private readonly progress: Float64Array;
  private readonly outboxes: Outbox[];
  private readonly sent: Uint32Array[];
  private readonly encoders: Codec[];
  private readonly decoders: Codec[];
  private readonly stringsSent: number[];
  /** What came in from each worker during this level's expansion and was not stored here yet; and whether its end came too. */
  private readonly early: Outbox[];
  private readonly ended: boolean[];
  private readonly canonical: Canonical<S> | undefined;
  /** What the representation counted twice: the initial state in every worker, and each received state again. */
  private readonly recounted = { words: 0, objects: 0 };
  private transitions = 0;
  private expanded = 0;
  private deepest = 0;
  private split: number | undefined;

  constructor(
    private readonly model: Model<S, A, unknown>,
    private readonly job: SearchJob,
    private readonly control: Control,
  ) {
    this.me = job.index;
    this.n = job.count;
    const { bounds } = job;
    const expected = Number.isFinite(bounds.maxStates) ? Math.ceil(Math.min(bounds.maxStates, 1 << 22) / job.count) : 1 << 12;
    this.store = new VisitedStore(expected);
    this.states = new StateStore<S, A>(model, bounds.flat, bounds.learned);
    const byId = new Map(propertiesOf(model).map((p) => [p.id, p]));
    this.always = job.properties.map((id) => {
      const p = byId.get(id);
      if (p === undefined) throw new Error(`search worker: the model made in this thread has no property '${id}'`);
      return p;
    });
    const goalById = new Map(model.sometimes.map((g) => [g.id, g]));
    this.goals = job.goals.map((id) => {
      const g = goalById.get(id);
      if (g === undefined) throw new Error(`search worker: the model made in this thread has no goal '${id}'`);
      return g;
    });
    this.known = new Array(this.always.length + this.goals.length).fill(false);
    this.progress = new Float64Array(job.progress);
    const each = <T>(make: () => T): T[] => Array.from({ length: job.count }, make);
    this.outboxes = each(() => new Outbox());
    this.sent = each(() => new Uint32Array(2 * SENT_CACHE));
    this.encoders = each(() => new Codec());
    this.decoders = each(() => new Codec());
    this.stringsSent = each(() => 0);
    this.early = each(() => new Outbox());
    this.ended = each(() => false);
    const symmetry = bounds.symmetry ? model.symmetry : undefined;
    this.canonical = symmetry ? canonicalFingerprint(model.initial, symmetry) : undefined;
  }

  run(): WorkerReport {
    const { model, states, store, control, me, n } = this;
    const { bounds } = this.job;
    let frontier = new ByteQueue();
    const before = states.representation;
    states.admit(model.initial);
    if (this.canonical) states.canonicalize(this.canonical);
    if (states.his[0] % n === me) {
      const id = store.add(states.his[0], states.los[0], -1, 0);
      control.stored();
      this.inspect(states.enqueue(frontier, 0), id, 0);
    } else {
      const after = states.representation;
      this.recounted.words += after.words - before.words;
      this.recounted.objects += after.objects - before.objects;
    }

    let stoppedBy: string;
    let levelStart = 0;
    for (let depth = 0; ; depth++) {
      control.setSize(depth, me, frontier.length);
      if (!control.barrier(this.beat)) {
        stoppedBy = STOP_REASONS[control.stopped()];
        break;
      }
      // What the decisions read was settled before the barrier, so every
      // worker takes the same one: found at a depth <= this level's.
      const settled = (i: number) => {
        const d = control.foundAt(i);
        return d >= 0 && d <= depth;
      };
      if (this.always.length > 0 && !bounds.livenessWanted && this.always.every((_, i) => settled(i))) {
        stoppedBy = 'all-violated';
        break;
      }
      const size = control.levelSize(depth);
      if (size === 0) {
        stoppedBy = 'exhausted';
        break;
      }
      if (depth >= bounds.maxDepth) {
        stoppedBy = 'depth';
        break;
      }
      if (control.stopped() !== 0) {
        stoppedBy = STOP_REASONS[control.stopped()];
        break;
      }
      // Found by any worker at a lesser depth: nothing left to find at this one.
      for (let i = 0; i < this.known.length; i++) if (settled(i)) this.known[i] = true;
      const shard = bounds.shard;
      if (shard && this.split === undefined && size >= SPLIT_WIDTH * shard.count) this.split = depth + 1;
      const sharding = shard !== undefined && this.split === depth + 1;
      const next = new ByteQueue();
      const mine = frontier.length;
      if (!this.expand(frontier, next, levelStart, depth, sharding) || !this.exchange(next, depth)) {
        stoppedBy = STOP_REASONS[control.stopped()];
        break;
      }
      levelStart += mine;
      frontier = next;
    }
    const rep = states.representation;
    return {
      stoppedBy,
      states: store.size,
      transitions: this.transitions,
      deepest: this.deepest,
      storeBytes: store.bytesPerState() * store.size,
      violations: this.violations,
      goals: this.reached,
      coverage: this.coverage.report([]),
      representation: { words: rep.words - this.recounted.words, objects: rep.objects - this.recounted.objects },
      crash: model.crash?.stats.summary() ?? null,
      split: this.split ?? null,
    };
  }

  /** Answers the coordinator's questions about parent links until it says quit. */
  serve(): void {
    for (;;) {
      const m = this.control.receive(this.job.coordinator, this.me, false) as ToWorker;
      if (m.kind === 'quit') return;
      const links: number[] = [];
      for (const id of m.ids) links.push(this.store.parent(id), this.store.ordinal(id));
      this.control.post(this.job.coordinator, this.n, { kind: 'links', links } satisfies ToCoordinator);
    }
  }

  private readonly beat = (): void => {
    this.progress[4 * this.me + 3] = Date.now();
  };

  // Expands this worker's states of one level; false once the search is stopped.
  private expand(frontier: ByteQueue, next: ByteQueue, levelStart: number, depth: number, sharding: boolean): boolean {
    const { model, states, store, control, me, n } = this;
    const shard = this.job.bounds.shard;
    const size = frontier.length;
    for (let i = 0; i < size; i++) {
      if (control.stopped() !== 0) return false;
      const { chunk, offset } = frontier.shift();
      const state = states.loadParent(chunk, offset);
      states.clear();
      for (const action of model.actions(state)) {
        const fired = states.expand(state, action);
        this.transitions += fired;
        this.coverage.fired(model.kind(action), depth + 1, fired);
      }
      if (this.canonical) states.canonicalize(this.canonical);
      const { count, his, los } = states;
      store.warm(los, count);
      // The parent's number here, and whose it is: (levelStart + i) * n + me.
      const link = (levelStart + i) * n + me;
      for (let k = 0; k < count; k++) {
        if (sharding && los[k] % shard!.count !== shard!.index) continue;
        const owner = his[k] % n;
        if (owner !== me) {
          this.send(owner, his[k], los[k], link, k);
          continue;
        }
        const id = store.add(his[k], los[k], link, k);
        if (id < 0) continue;
        this.inspect(states.enqueue(next, k), id, depth + 1);
        if (!this.counted()) return false;
      }
      if ((++this.expanded & 255) === 0) {
        if (!this.tick(size - i - 1 + next.length)) return false;
        this.drain();
      }
    }
    return true;
  }

  // Keeps of what the other workers have sent so far only the successors not stored here yet.
  private drain(): void {
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

  private send(owner: number, hi: number, lo: number, link: number, k: number): void {
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
  private exchange(next: ByteQueue, depth: number): boolean {
    const { control, me, n } = this;
    for (let p = 0; p < n; p++) {
      if (p === me) continue;
      this.flush(p);
      control.post(this.job.peers[p]!, p, { kind: 'end' } satisfies BetweenWorkers);
    }
    for (let p = 0; p < n; p++) {
      if (p === me) continue;
      const early = this.early[p].take();
      if (early.used > 0 && !this.take(p, { kind: 'batch', ...early, strings: [] }, next, depth)) return false;
      if (this.ended[p]) {
        this.ended[p] = false;
        continue;
      }
      for (;;) {
        const m = control.receive(this.job.peers[p]!, me, true, Infinity, this.beat) as BetweenWorkers | undefined;
        if (m === undefined) return false;
        if (m.kind === 'end') break;
        if (!this.take(p, m, next, depth) || !this.tick(next.length)) return false;
      }
    }
    return true;
  }

  // Stores the states of a batch from worker p that this worker did not have.
  private take(p: number, m: Extract<BetweenWorkers, { kind: 'batch' }>, next: ByteQueue, depth: number): boolean {
    const { states, store } = this;
    const decoder = this.decoders[p];
    decoder.adopt(m.strings);
    return eachRecord(m.buffer, m.used, (hi, lo, link, ordinal, bytes, offset, length) => {
      const id = store.add(hi, lo, link, ordinal);
      if (id < 0) return true;
      let state: S;
      if (decoder.isWords(bytes, offset)) {
        next.push(bytes.subarray(offset, offset + length));
        state = states.loadParent(bytes, offset);
      } else {
        // Admitted again to be kept in this store's own form; its first count was the sender's.
        const before = states.representation;
        states.clear();
        states.admit(decoder.decode(bytes, offset) as S);
        state = states.enqueue(next, 0);
        const after = states.representation;
        this.recounted.words += after.words - before.words;
        this.recounted.objects += after.objects - before.objects;
      }
      this.inspect(state, id, depth + 1);
      return this.counted();
    });
  }

  private inspect(state: S, id: number, depth: number): void {
    if (depth > this.deepest) this.deepest = depth;
    const view = viewOf(this.model, state);
    const { always, goals, known, control } = this;
    for (let i = 0; i < always.length; i++) {
      if (known[i]) continue;
      const message = always[i].check(state, view);
      if (message === undefined) continue;
      known[i] = true;
      this.violations.push({ id: always[i].id, state: id, depth, message });
      control.setFound(i, depth);
    }
    for (let g = 0; g < goals.length; g++) {
      const i = always.length + g;
      if (known[i] || !goals[g].reached(state, view)) continue;
      known[i] = true;
      this.reached.push({ id: goals[g].id, state: id, depth });
      control.setFound(i, depth);
    }
  }

  // One more state stored; false (and the search stopped) once there are as many as allowed.
  private counted(): boolean {
    if (this.control.stored() >= this.job.bounds.maxStates || this.store.full) {
      this.control.stop(STOP_STATES);
      return false;
    }
    return true;
  }

  private tick(queue: number): boolean {
    const now = Date.now();
    const { bounds } = this.job;
    if (now >= bounds.deadline) {
      this.control.stop(STOP_TIME);
      return false;
    }
    if (bounds.memory && (this.expanded & 4095) === 0 && overLimit(bounds.memory)) {
      this.control.stop(STOP_MEMORY);
      return false;
    }
    const at = 4 * this.me;
    this.progress[at] = this.store.size;
    this.progress[at + 1] = this.transitions;
    this.progress[at + 2] = queue;
    this.progress[at + 3] = now;
    return this.control.stopped() === 0;
  }
}

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
