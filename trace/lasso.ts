/**
 * A liveness counterexample as ITF: a lasso. The engine's lasso ends in a
 * state equal to `trace[loop]`; ITF's ends in the state before it, with
 * `loop` saying where the history returns, so the repeated state is not
 * written and the action that closes the cycle is kept in the trace's
 * metadata (`closing`) for replay. A stutter (loop at the last state) has
 * no closing action.
 */
import type { Step } from '../engine/model.js';
import type { TraceMeta } from './counterexample.js';

export function lassoSteps<S, A>(steps: readonly Step<S, A>[], loop: number, label: (a: A) => string): { readonly steps: readonly Step<S, A>[]; readonly closing?: TraceMeta['closing'] } {
  const last = steps.length - 1;
  if (loop === last) return { steps };
  const step = steps[last];
  return { steps: steps.slice(0, last), closing: { action: label(step.action!), ...(step.choice !== undefined ? { choice: step.choice } : {}) } };
}
