/**
 * How the exhaustive search holds states: the one place that knows their two
 * representations, so that the search itself is breadth-first search alone.
 *
 * - Words: a state of the initial state's flat layout (engine/layout.ts) is
 *   its integers. It is kept in the frontier as zigzag varints, hashed from
 *   its words, and, where the model gives its updates, expanded in place: the
 *   parent is loaded into one reused state, each update applied to a scratch
 *   state reloaded from the parent's words, and a third reused state shows a
 *   new one to the properties. Nothing is allocated per successor.
 * - Learned words: a state of any other plain data (strings, booleans,
 *   null, lists that grow) is packed by the layout learned from the states
 *   met so far (engine/learned-layout.ts), widened when one does not fit.
 *   Its words are kept in the frontier with their layout's version; each
 *   successor is its update applied to a new state made from the parent's
 *   words, and is handed to the properties as that object.
 * - Generic: any other state is an object, hashed by the shape-compiled
 *   structural fingerprint (engine/shape.ts) and kept in the frontier by the
 *   codec (engine/codec.ts).
 *
 * Which one a model's states take is decided from the initial state: the
 * flat layout where it has one, else the learned layout, else generic.
 * Within one search a state takes the generic path only where its data has
 * no layout (a state off the flat layout; a Map, a float, a class instance;
 * a learned schema grown past its bound, engine/learned-layout.ts), so that
 * whether a state is kept as words, and so its hash, is its data's alone.
 *
 * A state has the layout or not as data, whichever way it was reached, so
 * equal states always get the same hash. Every state this hands out (a
 * parent, a successor to inspect) may be a reused object, valid until the
 * next call: the model's contract (engine/model.ts) allows it.
 */
import { ByteQueue, Codec } from './codec.js';
import { compileLayout, type Instance, type Layout } from './layout.js';
import type { Model, Update } from './model.js';
import { LearnedSchema } from './learned-layout.js';
import { compileFingerprint, inferShape } from './shape.js';

/** How many successors the search kept each way: a design on the word path keeps none as objects. */
export interface Representation {
  readonly words: number;
  readonly objects: number;
}

/** One parent's successors, hashed, each kept as words or as an object until the search looks them up. */
export class StateStore<S, A> {
  /** Successors in the current batch; his[k], los[k] are successor k's 64-bit hash. */
  count = 0;
  his = new Uint32Array(64);
  los = new Uint32Array(64);

  private readonly fp: (value: unknown, out: Uint32Array) => void;
  private readonly layout: Layout<S> | undefined;
  private readonly learned: LearnedSchema | undefined;
  private N: number;
  private readonly inPlace: boolean;
  private readonly codec = new Codec();
  private parentWords: Int32Array;
  /** The learned layout's version the parent was packed by; -1 when it was not. */
  private parentVersion = -1;
  private readonly spare = new Uint32Array(2);
  /** Successors kept as words, and as objects. */
  private asWords = 0;
  private asObjects = 0;
  private readonly parentState: Instance<S> | undefined;
  private scratch: Instance<S> | undefined;
  private readonly probe: Instance<S> | undefined;
  private room = 64;
  private words: Int32Array;
  private onLayout = new Uint8Array(64);
  private objects: (S | undefined)[] = new Array(64).fill(undefined);
  private readonly out = new Uint32Array(2);
  /** The parent being expanded is kept as words (and so its successors may be updates in place). */
  private flatParent = false;

  constructor(
    private readonly model: Model<S, A, unknown>,
    flat: boolean,
    learn = false,
  ) {
    this.fp = compileFingerprint(inferShape(model.initial));
    this.layout = flat ? compileLayout(model.initial) : undefined;
    this.learned = flat && learn && this.layout === undefined ? LearnedSchema.of(model.initial) : undefined;
    this.N = this.layout?.words ?? this.learned?.layout.words ?? 0;
    this.parentWords = new Int32Array(this.N);
    this.inPlace = this.layout !== undefined && model.updates !== undefined;
    this.parentState = this.inPlace ? this.layout!.instance() : undefined;
    this.scratch = this.layout?.instance();
    this.probe = this.layout?.instance();
    this.words = new Int32Array(64 * this.N);
  }

  get representation(): Representation {
    return { words: this.asWords, objects: this.asObjects };
  }

  /** Starts the batch of a new parent. */
  clear(): void {
    this.count = 0;
  }

  /** Adds a state given whole (the initial state, or a successor the model made). */
  admit(t: S): void {
    this.reserve();
    const { layout, out } = this;
    if (this.learned !== undefined) this.admitLearned(t);
    else if (layout !== undefined && layout.pack(t, this.words, this.count * this.N, out)) this.keep(undefined, true);
    else {
      this.fp(t, out);
      this.keep(t, false);
    }
  }

  /** Loads a frontier entry as the parent to expand, and returns it (a reused object on the flat path). */
  loadParent(chunk: Uint8Array, offset: number): S {
    const { codec, layout, learned } = this;
    if (learned !== undefined) {
      const v = (this.parentVersion = codec.learnedVersion(chunk, offset));
      if (v < 0) return codec.decode(chunk, offset) as S;
      const version = learned.versions[v];
      if (this.parentWords.length < version.words) this.parentWords = new Int32Array(version.words);
      codec.decodeWords(chunk, offset, this.parentWords, version.words);
      return version.fresh(this.parentWords, 0) as S;
    }
    const parentWords = this.parentWords;
    this.flatParent = codec.isWords(chunk, offset);
    if (!this.flatParent) return codec.decode(chunk, offset) as S;
    codec.decodeWords(chunk, offset, parentWords, this.N);
    if (!this.inPlace) return layout!.fresh(parentWords, 0);
    this.parentState!.load(parentWords, 0);
    return this.parentState!.state;
  }

  /** Adds the successors of `action` from the loaded parent; returns how many. */
  expand(state: S, action: A): number {
    const before = this.count;
    if (this.parentVersion >= 0 && this.model.updates !== undefined) {
      // Each update on its own new copy of the parent, made from its words.
      const version = this.learned!.versions[this.parentVersion];
      const u = this.model.updates(state, action);
      if (typeof u === 'function') {
        const t = version.fresh(this.parentWords, 0) as S;
        u(t);
        this.admitLearned(t);
      } else
        for (const update of u) {
          const t = version.fresh(this.parentWords, 0) as S;
          update(t);
          this.admitLearned(t);
        }
    } else if (this.flatParent && this.inPlace) {
      const u = this.model.updates!(state, action);
      if (typeof u === 'function') this.admitUpdate(u);
      else for (const update of u) this.admitUpdate(update);
    } else for (const t of this.model.successors(state, action)) this.admit(t);
    return this.count - before;
  }

  /**
   * Replaces each successor's hash in the batch by its orbit's canonical one
   * (engine/symmetry.ts), so that the visited set keeps one state a class;
   * the successors themselves are kept as they are.
   */
  canonicalize(canonical: (state: S, out: Uint32Array) => void): void {
    const out = this.out;
    for (let k = 0; k < this.count; k++) {
      let t: S;
      if (this.onLayout[k] === 0 || this.learned !== undefined) t = this.objects[k] as S;
      else {
        this.probe!.load(this.words, k * this.N);
        t = this.probe!.state;
      }
      canonical(t, out);
      this.his[k] = out[0];
      this.los[k] = out[1];
    }
  }

  /** Pushes successor k onto `queue` and returns it as a state (a reused object on the flat path). */
  enqueue(queue: ByteQueue, k: number): S {
    const { codec, N } = this;
    if (this.onLayout[k] === 0) {
      const t = this.objects[k] as S;
      queue.push(codec.encode(t));
      return t;
    }
    if (this.learned !== undefined) {
      queue.push(codec.encodeWords(this.words, k * N, N, this.learned.layout.version));
      return this.objects[k] as S;
    }
    queue.push(codec.encodeWords(this.words, k * N, N));
    this.probe!.load(this.words, k * N);
    return this.probe!.state;
  }

  /**
   * Successor k as another store of the same model reads it back (a worker
   * thread's, engine/workers.ts): its words as the frontier keeps them, where
   * it has the fixed flat layout, which is compiled from the initial state
   * and so the same in every store; undefined otherwise (a learned layout's
   * versions and interned strings are this store's own): then `successor(k)`.
   * Valid until the next call.
   */
  flatWords(k: number): Uint8Array | undefined {
    if (this.onLayout[k] === 0 || this.learned !== undefined) return undefined;
    return this.codec.encodeWords(this.words, k * this.N, this.N);
  }

  /** Successor k as a state, not queued (a reused object on the flat path). */
  successor(k: number): S {
    if (this.onLayout[k] === 0 || this.learned !== undefined) return this.objects[k] as S;
    this.probe!.load(this.words, k * this.N);
    return this.probe!.state;
  }

  private admitUpdate(update: Update<S>): void {
    this.reserve();
    const layout = this.layout!;
    this.scratch!.load(this.parentWords, 0);
    // eslint-disable-next-line no-useless-assignment -- engine/ is among the proofs' hashed inputs, and this is code, not layout
    let kept = false;
    try {
      update(this.scratch!.state);
      kept = this.scratch!.pack(this.words, this.count * this.N, this.out);
    } catch {
      kept = false;
    }
    if (kept) {
      this.keep(undefined, true);
      return;
    }
    // The update left the layout, or threw (perhaps only because a scratch
    // record cannot gain a key): take it again on a plain copy, and rebuild
    // the scratch, some of whose containers it may have replaced.
    this.scratch = layout.instance();
    const t = layout.fresh(this.parentWords, 0);
    update(t);
    this.admit(t);
  }

  // Packs a state by the learned layout, widening it when the state does not
  // fit; keeps the state itself too, to hand to the properties.
  private admitLearned(t: S): void {
    // Called by expand as well as by admit: a parent with more successors
    // than the batch has room for must grow it here too, or the typed
    // arrays drop the words written past their end (pmem-nofsync-naive
    // --bug unordered-zeroing: 8,271 states at depth 8 where there are 8,207).
    this.reserve();
    const learned = this.learned!;
    if (!this.learned!.layout.pack(t, this.words, this.count * this.N, this.out)) {
      if (!learned.learn(t)) {
        this.fp(t, this.out);
        this.keep(t, false);
        return;
      }
      this.relayout();
      if (!learned.layout.pack(t, this.words, this.count * this.N, this.out)) throw new Error('learned layout: a state does not fit the layout learned from it');
    }
    this.keep(t, true);
  }

  // The layout widened: the batch's successors so far are packed again by
  // the new version (their hashes, of their values, are unchanged).
  private relayout(): void {
    const layout = this.learned!.layout;
    this.N = layout.words;
    const words = new Int32Array(this.room * this.N);
    for (let k = 0; k < this.count; k++) {
      if (this.onLayout[k] === 1 && !layout.pack(this.objects[k], words, k * this.N, this.spare)) throw new Error('learned layout: widening lost a state');
    }
    this.words = words;
  }

  // Keeps the successor just hashed into `out`: as its words, already at
  // `words[count * N..]`, or (off the layout) as the state itself.
  private keep(t: S | undefined, asWords: boolean): void {
    const k = this.count++;
    if (asWords) this.asWords++;
    else this.asObjects++;
    this.onLayout[k] = asWords ? 1 : 0;
    this.objects[k] = t;
    this.his[k] = this.out[0];
    this.los[k] = this.out[1];
  }

  private reserve(): void {
    if (this.count < this.room) return;
    const room = (this.room *= 2);
    const grow = <T extends Uint32Array | Int32Array | Uint8Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.his = grow(this.his, room);
    this.los = grow(this.los, room);
    this.words = grow(this.words, room * this.N);
    this.onLayout = grow(this.onLayout, room);
    this.objects = this.objects.concat(new Array(room - this.objects.length).fill(undefined));
  }
}
