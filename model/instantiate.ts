/**
 * A design with its Config, as the engine's Model. Recipes are applied one of
 * two ways:
 * - `immer`: with immer's `produce`, giving frozen, structurally shared
 *   states; for replay, random search and tests, where a step is rare;
 * - `copy`: to a plain deep copy of the state, mutated in place; for the
 *   exhaustive search's hot loop, where `produce` (7-11 us a call) would
 *   dominate. The test suite checks that both give identical successors.
 *   The model also gives the recipes themselves (`updates`), which the search
 *   applies in place to one reused state where states have a flat layout.
 */
import { enableMapSet, produce } from 'immer';
import type { Model, Update } from '../engine/model.js';
import { CrashStats, crashOutcomes } from '../engine/crash.js';
import type { Action, Config, CrashStep, Design, Recipe } from './design.js';
import { isCrashHandler, labelOf } from './design.js';
import { compileClone } from './clone.js';

enableMapSet();

export type Apply = 'immer' | 'copy';

export interface InstantiateOptions {
  /** Consider at most this many unflushed pieces at a crash point (engine/crash.ts); the rest are lost. */
  readonly crashCap?: number;
}

export function instantiate<S, A extends Action, V>(
  design: Design<S, A, V>,
  cfg: Config,
  apply: Apply = 'immer',
  options: InstantiateOptions = {},
): Model<S, A, V> {
  const initial = apply === 'immer' ? produce(design.init(cfg), () => {}) : design.init(cfg);
  // Compiled for the shape of this instance's states (model/clone.ts).
  const copyState = apply === 'copy' ? compileClone(initial) : undefined;
  const applyRecipe =
    apply === 'immer'
      ? (state: S, recipe: Recipe<S>): S => produce(state, recipe as (draft: unknown) => void) as S
      : (state: S, recipe: Recipe<S>): S => {
          const copy = copyState!(state);
          recipe(copy as Parameters<Recipe<S>>[0]);
          return copy;
        };
  const handlerOf = (action: A) =>
    design.next[action.kind as A['kind']] as (a: A, s: S, c: Config) => Recipe<S> | readonly Recipe<S>[] | CrashStep<S>;
  const crashKinds = new Set(Object.keys(design.next).filter((k) => isCrashHandler(design.next[k as A['kind']])));
  const stats = new CrashStats(options.crashCap);
  // The action's recipes: its handler's, or one per outcome of a crash point.
  const updates = (state: S, action: A): Recipe<S> | readonly Recipe<S>[] => {
    const next = handlerOf(action)(action, state, cfg);
    if (typeof next === 'function' || Array.isArray(next)) return next as Recipe<S> | readonly Recipe<S>[];
    const step = next as CrashStep<S>;
    const outcomes = crashOutcomes(step.pending, options.crashCap);
    stats.record(outcomes);
    return outcomes.survivors.map((survivors) => (draft: Parameters<Recipe<S>>[0]) => {
      step.persist(draft, survivors);
      step.recover?.(draft);
    });
  };
  return {
    initial,
    actions: (state) => design.actions(state, cfg),
    ...(design.view ? { view: (state: S) => design.view!(state, cfg) } : {}),
    successors: (state, action) => {
      const next = updates(state, action);
      return typeof next === 'function' ? [applyRecipe(state, next)] : next.map((recipe) => applyRecipe(state, recipe));
    },
    // Recipes mutate a plain copy in place, which is what the copy mode does;
    // under immer they are applied by `produce` only.
    ...(apply === 'copy' ? { updates: updates as (state: S, action: A) => Update<S> | readonly Update<S>[] } : {}),
    describeChoice: (state, action, choice) => {
      if (!crashKinds.has(action.kind)) return undefined;
      const step = handlerOf(action)(action, state, cfg) as CrashStep<S>;
      const survivors = crashOutcomes(step.pending, options.crashCap).survivors[choice];
      if (survivors === undefined) return undefined;
      const ids = step.pending.map((p) => p.id);
      const reached = ids.filter((id) => survivors.has(id));
      const lost = ids.filter((id) => !survivors.has(id));
      return `reached the media: ${reached.join(', ') || 'nothing'}; lost: ${lost.join(', ') || 'nothing'}`;
    },
    label: (action) => labelOf(design as Design<unknown, A>, action),
    kind: (action) => action.kind,
    always: design.always,
    sometimes: design.sometimes,
    ...(crashKinds.size > 0 ? { crash: { isCrash: (action: A) => crashKinds.has(action.kind), stats } } : {}),
  };
}
