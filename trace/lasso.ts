/**
 * A liveness counterexample as ITF: a lasso. The engine's lasso ends in a
 * state equal to `trace[loop]`; ITF's ends in the state before it, with
 * `loop` saying where the history returns, so the repeated state is dropped
 * and the action that closes the cycle is kept in `#meta.closing` for replay.
 */
import type { ItfTrace, ItfState } from './counterexample.js';

export function asLasso(full: ItfTrace, loop: number): ItfTrace {
  const last = full.states.length - 1;
  if (loop === last) return { ...full, loop };
  const m = full.states[last]['#meta'];
  const closing = { action: m.action!, ...(m.choice !== undefined ? { choice: m.choice } : {}) };
  return { ...full, '#meta': { ...full['#meta'], closing }, states: full.states.slice(0, last) as ItfState[], loop };
}
