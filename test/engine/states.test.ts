// The state store (engine/states.ts) on its own: each representation's
// successors read back as the states the model made, with the hash they
// would have alone, through the paths a whole search seldom takes (a
// successor with no layout on the learned path, a batch whose layout widens
// half way, an update that leaves the flat layout) and the accessors the
// worker threads use (successor, flatWords).
import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../../engine/codec.js';
import type { Model } from '../../engine/model.js';
import { StateStore } from '../../engine/states.js';

/** A model whose `next` gives the listed successors of any state. */
function fixed<S>(initial: S, next: readonly S[], updates?: Model<S, 'go'>['updates']): Model<S, 'go'> {
  return {
    initial,
    actions: () => ['go'],
    successors: () => next,
    ...(updates ? { updates } : {}),
    label: (a) => a,
    kind: (a) => a,
    always: [],
    sometimes: [],
  };
}

/** Expands the initial state once; returns each successor as queued and read back, and its hash. */
function expandOnce<S>(model: Model<S, 'go'>, learn: boolean) {
  const store = new StateStore<S, 'go'>(model, true, learn);
  const first = new ByteQueue();
  store.admit(model.initial);
  store.enqueue(first, 0);
  const { chunk, offset } = first.shift();
  const parent = store.loadParent(chunk, offset);
  expect(parent).toEqual(model.initial);
  store.clear();
  const n = store.expand(parent, 'go');
  const hashes = Array.from({ length: n }, (_, k) => [store.his[k], store.los[k]]);
  const shown = Array.from({ length: n }, (_, k) => structuredClone(store.successor(k)));
  const words = Array.from({ length: n }, (_, k) => store.flatWords(k) !== undefined);
  const queue = new ByteQueue();
  for (let k = 0; k < n; k++) store.enqueue(queue, k);
  const back = Array.from({ length: n }, () => {
    const { chunk, offset } = queue.shift();
    return structuredClone(store.loadParent(chunk, offset));
  });
  return { store, n, hashes, shown, words, back };
}

/** A state's hash as a fresh store of the same model computes it (flat layout: a hash of the words alone). */
function hashAlone<S>(model: Model<S, 'go'>, state: S): number[] {
  const store = new StateStore<S, 'go'>(model, true, false);
  store.admit(state);
  return [store.his[0], store.los[0]];
}

/** The hash the same store gives a state admitted again (a learned layout's hash uses the store's own string numbers). */
function hashAgain<S>(store: StateStore<S, 'go'>, state: S): number[] {
  store.clear();
  store.admit(state);
  return [store.his[0], store.los[0]];
}

describe('the state store', () => {
  it('flat layout: successors read back whole, as words a worker can take', () => {
    const next = [
      { a: 1, b: [2, 3] },
      { a: 4, b: [5, 6] },
    ];
    const model = fixed({ a: 0, b: [0, 0] }, next);
    const r = expandOnce(model, false);
    expect(r.n).toBe(2);
    expect(r.shown).toEqual(next);
    expect(r.back).toEqual(next);
    expect(r.words).toEqual([true, true]);
    expect(r.store.representation).toEqual({ words: 3, objects: 0 });
    next.forEach((t, k) => expect(r.hashes[k], `successor ${k}`).toEqual(hashAlone(model, t)));
  });

  it('learned layout: a successor without a layout (a float) is kept as an object beside those with one', () => {
    const next: unknown[] = [
      { s: 'x', v: 1 },
      { s: 'y', v: 0.5 },
      { s: 'z', v: 2 },
    ];
    const model = fixed<unknown>({ s: 'w', v: 0 }, next);
    const r = expandOnce(model, true);
    expect(r.shown).toEqual(next);
    expect(r.back).toEqual(next);
    // The learned layout's words are this store's own (its interned strings): never handed to a worker.
    expect(r.words).toEqual([false, false, false]);
    expect(r.store.representation).toEqual({ words: 3, objects: 1 });
    next.forEach((t, k) => expect(r.hashes[k], `successor ${k}`).toEqual(hashAgain(r.store, t)));
  });

  it('learned layout: a batch whose layout widens half way keeps the successors packed before it', () => {
    const next: unknown[] = [
      { list: [1], tag: null },
      { list: [1, 2, 3, 4, 5, 6, 7, 8, 9], tag: 'new' },
      { list: [2], tag: null },
    ];
    const model = fixed<unknown>({ list: [], tag: null }, next);
    const r = expandOnce(model, true);
    expect(r.shown).toEqual(next);
    expect(r.back).toEqual(next);
    expect(r.store.representation.objects).toBe(0);
    // Hashes are of the values, not of a version's words: the first successor's, packed before the
    // layout widened, is what the widened layout gives it.
    next.forEach((t, k) => expect(r.hashes[k], `successor ${k}`).toEqual(hashAgain(r.store, t)));
  });

  it('learned layout: more successors than a batch holds', () => {
    const next: unknown[] = Array.from({ length: 150 }, (_, i) => ({ s: `v${i % 7}`, i }));
    const model = fixed<unknown>({ s: 'v0', i: -1 }, next);
    const r = expandOnce(model, true);
    expect(r.back).toEqual(next);
    expect(new Set(r.hashes.map((h) => h.join())).size).toBe(150);
  });

  it('flat layout with updates: an update that leaves the layout, or throws on the reused state, is taken again on a copy', () => {
    type S = { a: number; b: number[] };
    const updates = [
      (d: S) => {
        d.a = 1;
      },
      // A longer list: off the flat layout, kept as an object.
      (d: S) => {
        d.b.push(9);
      },
      (d: S) => {
        d.b[0] = 7;
      },
    ];
    const model = fixed<S>({ a: 0, b: [0, 0] }, [], () => updates);
    const r = expandOnce(model, false);
    const want = [
      { a: 1, b: [0, 0] },
      { a: 0, b: [0, 0, 9] },
      { a: 0, b: [7, 0] },
    ];
    expect(r.shown).toEqual(want);
    expect(r.back).toEqual(want);
    expect(r.words).toEqual([true, false, true]);
    expect(r.store.representation).toEqual({ words: 3, objects: 1 });
    want.forEach((t, k) => expect(r.hashes[k], `successor ${k}`).toEqual(hashAlone(model, t)));
  });
});
