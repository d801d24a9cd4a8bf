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
import { enableMapSet, produce, type Draft } from 'immer';
import type { Model, Update } from '../engine/model.js';
import { CrashStats, crashOutcomes } from '../engine/crash.js';
import type { Action, Config, CrashStep, Design, Recipe } from './design.js';
import { goalsAt, isCrashHandler, labelOf } from './design.js';
import { compileClone } from '../engine/clone.js';
import { symmetryOf } from './symmetry.js';

enableMapSet();

export type Apply = 'immer' | 'copy';

export interface InstantiateOptions {
  /** Consider at most this many unflushed pieces at a crash point (engine/crash.ts); the rest are lost. */
  readonly crashCap?: number;
}

export function instantiate<S, A extends Action, V>(design: Design<S, A, V>, cfg: Config, apply: Apply = 'immer', options: InstantiateOptions = {}): Model<S, A, V> {
  const initial = apply === 'immer' ? produce(design.init(cfg), () => {}) : design.init(cfg);
  // Compiled for the shape of this instance's states (engine/clone.ts).
  const copyState = apply === 'copy' ? compileClone(initial) : undefined;
  const applyRecipe =
    apply === 'immer'
      ? (state: S, recipe: Recipe<S>): S => produce(state, recipe as (draft: unknown) => void) as S
      : (state: S, recipe: Recipe<S>): S => {
          const copy = copyState!(state);
          recipe(copy as Parameters<Recipe<S>>[0]);
          return copy;
        };
  const handlerOf = (action: A) => design.next[action.kind as A['kind']] as (a: A, s: S, c: Config) => Recipe<S> | readonly Recipe<S>[] | CrashStep<S>;
  const crashKinds = new Set(Object.keys(design.next).filter((k) => isCrashHandler(design.next[k as A['kind']])));
  const stats = new CrashStats(options.crashCap);
  // The action's recipes: its handler's, or one per outcome of a crash point;
  // each first clears the design's per-step events.
  const clear = design.events ? eventClearer(design.events) : undefined;
  const withEvents = clear
    ? (recipe: Recipe<S>): Recipe<S> =>
        (draft) => {
          clear(draft);
          recipe(draft);
        }
    : (recipe: Recipe<S>): Recipe<S> => recipe;
  const updates = (state: S, action: A): Recipe<S> | readonly Recipe<S>[] => {
    const next = handlerOf(action)(action, state, cfg);
    if (typeof next === 'function') return withEvents(next as Recipe<S>);
    if (Array.isArray(next)) return (next as readonly Recipe<S>[]).map(withEvents);
    const step = next as CrashStep<S>;
    const outcomes = crashOutcomes(step.pending, options.crashCap);
    stats.record(outcomes);
    return outcomes.survivors.map((survivors) =>
      withEvents((draft) => {
        step.persist(draft, survivors);
        step.recover?.(draft);
      }),
    );
  };
  const symmetry = design.symmetry ? symmetryOf(design.symmetry, cfg) : undefined;
  return {
    initial,
    actions: (state) => design.actions(state, cfg),
    ...(design.waiting ? { waiting: (state: S) => design.waiting!(state, cfg) } : {}),
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
    // The engine's properties see (state, view); a design's also see its configuration.
    always: design.always.map((p) => ({ id: p.id, description: p.description, check: (s: S, v: V) => p.check(s, cfg, v) })),
    sometimes: goalsAt(design, cfg).map(({ applies: _, ...g }) => ({ ...g, reached: (s: S, v: V) => g.reached(s, cfg, v) })),
    ...(design.liveness
      ? {
          liveness: design.liveness.map(({ p, q, ...l }) => ({
            ...l,
            ...(p ? { p: (s: S, v: V) => p(s, cfg, v) } : {}),
            q: (s: S, v: V) => q(s, cfg, v),
          })),
        }
      : {}),
    ...(crashKinds.size > 0 ? { crash: { isCrash: (action: A) => crashKinds.has(action.kind), stats } } : {}),
    ...(symmetry ? { symmetry } : {}),
  };
}

/**
 * Sets each event field back to its cleared value, leaf by leaf, so that a
 * state of a flat layout keeps its own containers (engine/layout.ts).
 */
function eventClearer<S>(events: object): (draft: Draft<S>) => void {
  const assign = (target: Record<string, unknown>, from: Record<string, unknown>): void => {
    for (const key of Object.keys(from)) {
      const v = from[key];
      const t = target[key];
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof t === 'object' && t !== null) {
        assign(t as Record<string, unknown>, v as Record<string, unknown>);
      } else if (t !== v) target[key] = typeof v === 'object' && v !== null ? structuredClone(v) : v;
    }
  };
  return (draft) => assign(draft as Record<string, unknown>, events as Record<string, unknown>);
}
