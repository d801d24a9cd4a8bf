/**
 * The last pass of a random search's shrinking: fast-check shrinks the walk
 * as a list of choices; this drops whole steps by action label until none
 * can go, so that the trace is minimal in that sense too.
 */
import type { Model, Step } from './model.js';

/**
 * One step of a trace taken again by its action's label and successor
 * choice, which survives the removal of earlier steps as long as the action
 * is still enabled; undefined when it is not.
 */
function stepByLabel<S, A, V>(model: Model<S, A, V>, state: S, step: Step<S, A>): Step<S, A> | undefined {
  const label = model.label(step.action!);
  const action = model.actions(state).find((a) => model.label(a) === label);
  if (action === undefined) return undefined;
  const successors = model.successors(state, action);
  const choice = step.choice ?? 0;
  if (choice >= successors.length) return undefined;
  return successors.length > 1 ? { action, choice, state: successors[choice] } : { action, state: successors[choice] };
}

/** Re-runs steps by label up to the first violation; undefined if none shows or a step is not enabled. */
function rerun<S, A, V>(model: Model<S, A, V>, steps: readonly Step<S, A>[], isViolated: (s: S) => boolean): Step<S, A>[] | undefined {
  const trace: Step<S, A>[] = [{ state: model.initial }];
  if (isViolated(model.initial)) return trace;
  for (const step of steps) {
    const next = stepByLabel(model, trace[trace.length - 1].state, step);
    if (next === undefined) return undefined;
    trace.push(next);
    if (isViolated(next.state)) return trace;
  }
  return undefined;
}

/** The state after `steps` re-run by label, or undefined when one is not enabled. */
function stateAfter<S, A, V>(model: Model<S, A, V>, steps: readonly Step<S, A>[]): S | undefined {
  let state = model.initial;
  for (const step of steps) {
    const next = stepByLabel(model, state, step);
    if (next === undefined) return undefined;
    state = next.state;
  }
  return state;
}

/**
 * Re-runs `steps`; when `free` is the index of a crash, tries each of its
 * outcomes there in turn: once the steps before a crash change, so do the
 * pieces pending at it, and its recorded choice means another outcome.
 */
function attempt<S, A, V>(model: Model<S, A, V>, steps: readonly Step<S, A>[], isViolated: (s: S) => boolean, free: number | undefined): Step<S, A>[] | undefined {
  const plain = rerun(model, steps, isViolated);
  if (plain || free === undefined) return plain;
  const before = stateAfter(model, steps.slice(0, free));
  if (before === undefined) return undefined;
  const label = model.label(steps[free].action!);
  const action = model.actions(before).find((a) => model.label(a) === label);
  if (action === undefined) return undefined;
  const n = model.successors(before, action).length;
  for (let choice = 0; choice < n; choice++) {
    if (choice === (steps[free].choice ?? 0)) continue;
    const found = rerun(model, [...steps.slice(0, free), { ...steps[free], choice }, ...steps.slice(free + 1)], isViolated);
    if (found) return found;
  }
  return undefined;
}

/**
 * Drops single steps while the violation still shows, until no step can go;
 * then moves each crash as early as it still shows (never past the crash
 * before it, so that this ends), and drops again, until neither helps. A
 * crash whose history changed gets the outcome that still shows it.
 */
export function minimise<S, A, V>(model: Model<S, A, V>, trace: readonly Step<S, A>[], isViolated: (s: S) => boolean): Step<S, A>[] {
  const isCrash = (step: Step<S, A>): boolean => step.action !== undefined && model.crash?.isCrash(step.action) === true;
  // Over `steps` (the trace without its initial state): the first crash at or after i.
  const crashFrom = (steps: readonly Step<S, A>[], i: number): number | undefined => {
    for (let j = i; j < steps.length; j++) if (isCrash(steps[j])) return j;
    return undefined;
  };
  let best = trace.slice();
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 1; i < best.length;) {
      const rest = [...best.slice(1, i), ...best.slice(i + 1)];
      const candidate = attempt(model, rest, isViolated, crashFrom(rest, i - 1));
      if (candidate && candidate.length < best.length) best = candidate;
      else i++;
    }
    // Two steps that only go together (a fault and its fault-done): dropped as a pair.
    pairs: for (let i = 1; i < best.length; i++) {
      for (let j = i + 1; j < best.length; j++) {
        const rest = [...best.slice(1, i), ...best.slice(i + 1, j), ...best.slice(j + 1)];
        const candidate = attempt(model, rest, isViolated, crashFrom(rest, i - 1));
        if (candidate && candidate.length < best.length) {
          best = candidate;
          changed = true;
          break pairs;
        }
      }
    }
    const steps = best.slice(1);
    let previousCrash = -1;
    move: for (let j = 0; j < steps.length; j++) {
      if (!isCrash(steps[j])) continue;
      for (let i = previousCrash + 1; i < j; i++) {
        const moved = [...steps.slice(0, i), steps[j], ...steps.slice(i, j), ...steps.slice(j + 1)];
        const candidate = attempt(model, moved, isViolated, i);
        if (candidate && candidate.length <= best.length) {
          best = candidate;
          changed = true;
          break move;
        }
      }
      previousCrash = j;
    }
  }
  return best;
}
