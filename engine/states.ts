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
 * - Generic: any other state is an object, hashed by the shape-compiled
 *   structural fingerprint (engine/shape.ts) and kept in the frontier by the
 *   codec (engine/codec.ts).
 *
 * A state has the layout or not as data, whichever way it was reached, so
 * equal states always get the same hash. Every state this hands out (a
 * parent, a successor to inspect) may be a reused object, valid until the
 * next call: the model's contract (engine/model.ts) allows it.
 */
import { ByteQueue, Codec } from './codec.js';
import { compileLayout, type Instance, type Layout } from './layout.js';
import type { Model, Update } from './model.js';
import { compileFingerprint, inferShape } from './shape.js';

/** One parent's successors, hashed, each kept as words or as an object until the search looks them up. */
export class StateStore<S, A> {
  /** Successors in the current batch; his[k], los[k] are successor k's 64-bit hash. */
  count = 0;
  his = new Uint32Array(64);
  los = new Uint32Array(64);

  private readonly fp: (value: unknown, out: Uint32Array) => void;
  private readonly layout: Layout<S> | undefined;
  private readonly N: number;
  private readonly inPlace: boolean;
  private readonly codec = new Codec();
  private readonly parentWords: Int32Array;
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
  ) {
    this.fp = compileFingerprint(inferShape(model.initial));
    this.layout = flat ? compileLayout(model.initial) : undefined;
    this.N = this.layout?.words ?? 0;
    this.parentWords = new Int32Array(this.N);
    this.inPlace = this.layout !== undefined && model.updates !== undefined;
    this.parentState = this.inPlace ? this.layout!.instance() : undefined;
    this.scratch = this.layout?.instance();
    this.probe = this.layout?.instance();
    this.words = new Int32Array(64 * this.N);
  }

  /** Starts the batch of a new parent. */
  clear(): void {
    this.count = 0;
  }

  /** Adds a state given whole (the initial state, or a successor the model made). */
  admit(t: S): void {
    this.reserve();
    const { layout, out } = this;
    if (layout !== undefined && layout.pack(t, this.words, this.count * this.N, out)) this.keep(undefined, true);
    else {
      this.fp(t, out);
      this.keep(t, false);
    }
  }

  /** Loads a frontier entry as the parent to expand, and returns it (a reused object on the flat path). */
  loadParent(chunk: Uint8Array, offset: number): S {
    const { codec, layout, parentWords } = this;
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
    if (this.flatParent && this.inPlace) {
      const u = this.model.updates!(state, action);
      if (typeof u === 'function') this.admitUpdate(u);
      else for (const update of u) this.admitUpdate(update);
    } else for (const t of this.model.successors(state, action)) this.admit(t);
    return this.count - before;
  }

  /** Pushes successor k onto `queue` and returns it as a state (a reused object on the flat path). */
  enqueue(queue: ByteQueue, k: number): S {
    const { codec, N } = this;
    if (this.onLayout[k] === 0) {
      const t = this.objects[k] as S;
      queue.push(codec.encode(t));
      return t;
    }
    queue.push(codec.encodeWords(this.words, k * N, N));
    this.probe!.load(this.words, k * N);
    return this.probe!.state;
  }

  private admitUpdate(update: Update<S>): void {
    this.reserve();
    const layout = this.layout!;
    this.scratch!.load(this.parentWords, 0);
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

  // Keeps the successor just hashed into `out`: as its words, already at
  // `words[count * N..]`, or (off the layout) as the state itself.
  private keep(t: S | undefined, asWords: boolean): void {
    const k = this.count++;
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
