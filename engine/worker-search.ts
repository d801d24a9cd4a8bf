/**
 * The search of one worker thread of an exhaustive search with workers
 * (engine/worker-main.ts makes it, engine/workers.ts coordinates): it owns
 * the states whose 64-bit hash's high word is its index modulo the number of
 * workers: their visited set, their parent links and their frontier.
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
 * What crosses to the other workers, and how, is engine/worker-traffic.ts.
 */
import { ByteQueue } from './codec.js';
import { Coverage } from './coverage.js';
import { SPLIT_WIDTH } from './exhaustive.js';
import { overLimit } from './memory.js';
import { propertiesOf, viewOf, type Goal, type Model, type Property } from './model.js';
import { StateStore } from './states.js';
import { canonicalFingerprint, type Canonical } from './symmetry.js';
import { VisitedStore } from './visited.js';
import { eachRecord } from './worker-batches.js';
import { STOP_MEMORY, STOP_REASONS, STOP_STATES, STOP_TIME, type Control, type SearchJob, type ToCoordinator, type ToWorker, type WorkerReport } from './worker-shared.js';
import { WorkerTraffic, type Batch } from './worker-traffic.js';

export class WorkerSearch<S, A> {
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
  private readonly traffic: WorkerTraffic<S, A>;
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
    this.traffic = new WorkerTraffic(job, control, this.states, this.store, this.beat);
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
      const take = (p: number, m: Batch) => this.take(p, m, next, depth);
      if (!this.expand(frontier, next, levelStart, depth, sharding) || !this.traffic.exchange(take, () => this.tick(next.length))) {
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
          this.traffic.send(owner, his[k], los[k], link, k);
          continue;
        }
        const id = store.add(his[k], los[k], link, k);
        if (id < 0) continue;
        this.inspect(states.enqueue(next, k), id, depth + 1);
        if (!this.counted()) return false;
      }
      if ((++this.expanded & 255) === 0) {
        if (!this.tick(size - i - 1 + next.length)) return false;
        this.traffic.drain();
      }
    }
    return true;
  }

  // Stores the states of a batch from worker p that this worker did not have.
  private take(p: number, m: Batch, next: ByteQueue, depth: number): boolean {
    const { states, store } = this;
    const decoder = this.traffic.decoders[p];
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
