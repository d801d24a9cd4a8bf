/**
 * A design with its Config, as the engine's Model. Recipes are applied one of
 * two ways:
 * - `immer`: with immer's `produce`, giving frozen, structurally shared
 *   states; for replay, random search and tests, where a step is rare;
 * - `copy`: to a plain deep copy of the state, mutated in place; for the
 *   exhaustive search's hot loop, where `produce` (7-11 us a call) would
 *   dominate. The test suite checks that both give identical successors.
 */
import { enableMapSet, produce } from 'immer';
import type { Model } from '../engine/model.js';
import type { Action, Config, Design, Recipe } from './design.js';
import { labelOf } from './design.js';

enableMapSet();

export type Apply = 'immer' | 'copy';

export function instantiate<S, A extends Action>(design: Design<S, A>, cfg: Config, apply: Apply = 'immer'): Model<S, A> {
  const initial = apply === 'immer' ? produce(design.init(cfg), () => {}) : design.init(cfg);
  const applyRecipe =
    apply === 'immer'
      ? (state: S, recipe: Recipe<S>): S => produce(state, recipe as (draft: unknown) => void) as S
      : (state: S, recipe: Recipe<S>): S => {
          const copy = clone(state);
          recipe(copy as Parameters<Recipe<S>>[0]);
          return copy;
        };
  return {
    initial,
    actions: (state) => design.actions(state, cfg),
    successors: (state, action) => {
      const handler = design.next[action.kind as A['kind']] as (a: A, s: S, c: Config) => Recipe<S> | readonly Recipe<S>[];
      const next = handler(action, state, cfg);
      if (typeof next === 'function') return [applyRecipe(state, next)];
      return (next as readonly Recipe<S>[]).map((recipe) => applyRecipe(state, recipe));
    },
    label: (action) => labelOf(design as Design<unknown, A>, action),
    kind: (action) => action.kind,
    always: design.always,
    sometimes: design.sometimes,
  };
}

/** A deep copy of plain state data: arrays, records, Maps and Sets of such, and primitives. */
export function clone<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    // slice() copies an array of small integers as one block; then deepen.
    const out = value.slice();
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (typeof v === 'object' && v !== null) out[i] = clone(v);
    }
    return out as T;
  }
  if (value instanceof Map) {
    const out = new Map();
    for (const [k, v] of value) out.set(k, clone(v));
    return out as T;
  }
  if (value instanceof Set) {
    const out = new Set();
    for (const v of value) out.add(clone(v));
    return out as T;
  }
  const out: Record<string, unknown> = {};
  const rec = value as Record<string, unknown>;
  for (const key in rec) {
    const v = rec[key];
    out[key] = typeof v === 'object' && v !== null ? clone(v) : v;
  }
  return out as T;
}
