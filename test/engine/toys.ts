/** Small models with state counts known by hand, for testing the engine alone. */
import type { Model } from '../../engine/model.js';
import { instantiate } from '../../model/instantiate.js';
import { resolveConfig } from '../../model/config.js';
import { lock, type LockAction, type LockState } from '../../examples/lock/lock.js';

/** A counter 0..max with inc and dec: max+1 states, 2*max transitions, diameter max. */
export function counter(max: number, badAt?: number): Model<{ n: number }, 'inc' | 'dec'> {
  return {
    initial: { n: 0 },
    actions: (s) => [...(s.n < max ? (['inc'] as const) : []), ...(s.n > 0 ? (['dec'] as const) : [])],
    successors: (s, a) => [{ n: a === 'inc' ? s.n + 1 : s.n - 1 }],
    label: (a) => a,
    kind: (a) => a,
    always: badAt === undefined ? [] : [{ id: 'below', description: `n < ${badAt}`, check: (s) => (s.n >= badAt ? `n is ${s.n}` : undefined) }],
    sometimes: [{ id: 'at-max', description: 'n = max', reached: (s) => s.n === max }],
  };
}

/** `start`, then `go` with two outcomes, the second of them bad: one nondeterministic step. */
export function startThenFork(): Model<{ phase: number; bad: boolean }, string> {
  return {
    initial: { phase: 0, bad: false },
    actions: (s) => (s.phase === 0 ? ['start'] : s.phase === 1 ? ['go'] : []),
    successors: (s, a) =>
      a === 'start'
        ? [{ phase: 1, bad: false }]
        : [
            { phase: 2, bad: false },
            { phase: 2, bad: true },
          ],
    label: (a) => a,
    kind: (a) => a,
    always: [{ id: 'good', description: 'not bad', check: (s) => (s.bad ? 'bad' : undefined) }],
    sometimes: [],
  };
}

export function lockModel(bugs: string[] = [], apply: 'immer' | 'copy' = 'copy'): Model<LockState, LockAction> {
  return instantiate(lock, resolveConfig(lock, {}, bugs), apply);
}

/** An independent breadth-first search with JSON keys: distance of every reachable state. */
export function referenceBfs<S, A>(model: Model<S, A>, maxDepth = Infinity): Map<string, number> {
  const seen = new Map<string, number>([[JSON.stringify(model.initial), 0]]);
  let level = [model.initial];
  for (let depth = 1; level.length && depth <= maxDepth; depth++) {
    const next: S[] = [];
    for (const s of level) {
      for (const a of model.actions(s)) {
        for (const t of model.successors(s, a)) {
          const key = JSON.stringify(t);
          if (!seen.has(key)) {
            seen.set(key, depth);
            next.push(t);
          }
        }
      }
    }
    level = next;
  }
  return seen;
}
