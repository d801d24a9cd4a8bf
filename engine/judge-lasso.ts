/**
 * Judging a lasso of a liveness property (engine/liveness.ts) given from
 * outside, a saved trace: checker/replay.ts re-executes it and asks this.
 */
import { fairKey, type Liveness } from './liveness.js';
import type { Model } from './model.js';

/**
 * Judges a lasso independently of the search that found it (for replay):
 * `states[0..n]` a history, `actions[i]` the action into `states[i]`, and the
 * history going on from `states[n]` back to `states[loop]` by action
 * `closing`, or stuttering in `states[n]` when `closing` is absent. The
 * message when the lasso is a fair history that violates the property, else
 * why it is not.
 */
export function judgeLasso<S, A, V>(
  model: Model<S, A, V>,
  l: Liveness<S, V>,
  states: readonly S[],
  actions: readonly (A | undefined)[],
  loop: number,
  closing?: A,
): { readonly violated: boolean; readonly message: string } {
  const view = (s: S): V => (model.view ? model.view(s) : undefined) as V;
  const q = states.map((s) => l.q(s, view(s)));
  const p = states.map((s) => (l.p ? l.p(s, view(s)) : false));
  // What fairness is owed to (fairKey): a kind, or each action of a kind apart; and the kind of each.
  const kindOf = new Map<string, string>();
  const keyOf = (a: A): string => {
    const { key, kind } = fairKey(model, l, a);
    kindOf.set(key, kind);
    return key;
  };
  const enabled = states.map((s) => new Set(model.actions(s).map(keyOf)));
  const fairUnits = (names: readonly string[]): string[] => [...kindOf.keys()].filter((key) => names.includes(kindOf.get(key)!));
  let from = states.length - 1;
  while (from > 0 && !q[from - 1]) from--;
  if (q[states.length - 1] || from > loop) return { violated: false, message: 'q holds on the loop' };
  if (l.p ? !p.slice(from).some(Boolean) : from !== 0) return { violated: false, message: 'no state of p is followed by a loop without q' };
  const cycle = enabled.slice(loop);
  if (closing === undefined) {
    const fair = fairUnits([...(l.fairness?.weak ?? []), ...(l.fairness?.strong ?? [])]).filter((k) => cycle[cycle.length - 1].has(k));
    return fair.length > 0
      ? { violated: false, message: `the history stops where ${fair.join(', ')} is enabled and fair` }
      : { violated: true, message: 'q never holds, and the history stops where no fair action is enabled' };
  }
  const taken = new Set([...actions.slice(loop + 1), closing].filter((a): a is A => a !== undefined).map(keyOf));
  const weak = fairUnits(l.fairness?.weak ?? []);
  const strong = fairUnits(l.fairness?.strong ?? []);
  const unfairWeak = weak.filter((k) => !taken.has(k) && cycle.every((e) => e.has(k)));
  const unfairStrong = strong.filter((k) => !taken.has(k) && cycle.some((e) => e.has(k)));
  const unfair = [...new Set([...unfairWeak, ...unfairStrong])];
  return unfair.length > 0 ? { violated: false, message: `the cycle is not fair to ${unfair.join(', ')}` } : { violated: true, message: 'q never holds on a fair cycle' };
}
