/**
 * A counterexample as an ITF trace document (`*.itf.json`): the states of the
 * trace as ITF values, each state's `#meta` naming the action that led to it,
 * and the trace's `#meta` recording everything needed to replay it: the
 * design, its parameters and bug toggles, the violated property, the search
 * that found it and how to reproduce that search.
 */
import type { Step } from '../engine/model.js';
import { decodeValue, encodeValue, ItfError, type ItfValue } from './itf.js';

export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';

export interface TraceMeta {
  readonly format: 'ITF';
  readonly 'format-description': string;
  readonly source: string;
  readonly description: string;
  readonly design: string;
  /** For a design loaded from a user's module: its absolute path (`#name` for a named export), to replay it from. */
  readonly module?: string;
  readonly params: Record<string, number>;
  readonly bugs: string[];
  /** The violated property (or the goal, for a witness trace) and its message. */
  readonly property: string;
  readonly message: string;
  readonly mode: 'exhaustive' | 'random';
  /** The bound of the search that found it, and how to run that search again. */
  readonly bound: Record<string, number | boolean | null>;
  readonly reproduce: string;
  readonly seed?: number;
  readonly path?: string;
  /** The crash cap the search ran with: a crash step's choice indexes the capped outcomes. */
  readonly crashCap?: number;
  readonly shrink?: { readonly from: number; readonly to: number; readonly steps: number };
}

export interface StateMeta {
  readonly index: number;
  /** The label of the action that led here, e.g. `write(f=0, b=1, v=2)`; absent on state 0. */
  readonly action?: string;
  readonly kind?: string;
  readonly args?: Record<string, ItfValue>;
  /** Which of the action's successors, for a nondeterministic action. */
  readonly choice?: number;
  /** What that successor stands for, where the design can say (a crash: what reached the media). */
  readonly outcome?: string;
  /** The kernel function or seed rule the action's kind stands for (Design.notes). */
  readonly note?: string;
}

/** A state of the trace: its variables, and `#meta` (which is not a variable). */
export type ItfState = { readonly '#meta': StateMeta } & { readonly [v: string]: ItfValue | StateMeta };

export interface ItfTrace {
  readonly '#meta': TraceMeta;
  readonly vars: string[];
  readonly states: ItfState[];
}

export function toItf<S, A>(
  steps: readonly Step<S, A>[],
  label: (a: A) => string,
  meta: Omit<TraceMeta, 'format' | 'format-description'>,
  describeChoice?: (state: S, action: A, choice: number) => string | undefined,
  noteOf?: (kind: string) => string | undefined,
): ItfTrace {
  const first = steps[0].state as Record<string, unknown>;
  const vars = Object.keys(first);
  const outcomeOf = (step: Step<S, A>, index: number): { outcome?: string } => {
    if (step.choice === undefined || !describeChoice) return {};
    const outcome = describeChoice(steps[index - 1].state, step.action!, step.choice);
    return outcome === undefined ? {} : { outcome };
  };
  const states = steps.map((step, index) => {
    const action = step.action as ({ kind: string } & Record<string, unknown>) | undefined;
    const stateMeta: StateMeta = action
      ? {
          index,
          action: label(step.action!),
          kind: action.kind,
          args: Object.fromEntries(
            Object.entries(action)
              .filter(([k]) => k !== 'kind')
              .map(([k, v]) => [k, encodeValue(v, `action.${k}`)]),
          ),
          ...(step.choice !== undefined ? { choice: step.choice } : {}),
          ...outcomeOf(step, index),
          ...(noteOf?.(action.kind) !== undefined ? { note: noteOf(action.kind) } : {}),
        }
      : { index };
    const record = encodeValue(step.state) as Record<string, ItfValue>;
    return { '#meta': stateMeta, ...record } as ItfState;
  });
  return { '#meta': { format: 'ITF', 'format-description': ITF_FORMAT_DESCRIPTION, ...meta }, vars, states };
}

/** Checks the shape of a parsed trace file; throws ItfError naming the first problem. */
export function parseItf(json: unknown): ItfTrace {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ItfError('not an ITF trace: the top level is not an object');
  const doc = json as Record<string, unknown>;
  if (!Array.isArray(doc.vars) || !doc.vars.every((v) => typeof v === 'string')) throw new ItfError("not an ITF trace: 'vars' is not a list of names");
  if (!Array.isArray(doc.states) || doc.states.length === 0) throw new ItfError("not an ITF trace: 'states' is missing or empty");
  const meta = doc['#meta'] as Record<string, unknown> | undefined;
  if (typeof meta !== 'object' || meta === null) throw new ItfError("not a pagecheck trace: no '#meta'");
  if (typeof meta.design !== 'string') throw new ItfError("not a pagecheck trace: '#meta.design' is missing");
  if (meta.module !== undefined && typeof meta.module !== 'string') throw new ItfError("not a pagecheck trace: '#meta.module' is not a path");
  if (typeof meta.property !== 'string') throw new ItfError("not a pagecheck trace: '#meta.property' is missing");
  if (typeof meta.params !== 'object' || meta.params === null) throw new ItfError("not a pagecheck trace: '#meta.params' is missing");
  if (meta.crashCap !== undefined && !(Number.isInteger(meta.crashCap) && (meta.crashCap as number) >= 0)) {
    throw new ItfError("not a pagecheck trace: '#meta.crashCap' is not a whole number");
  }
  if (meta.bugs !== undefined && !(Array.isArray(meta.bugs) && meta.bugs.every((b) => typeof b === 'string'))) {
    throw new ItfError("not a pagecheck trace: '#meta.bugs' is not a list of names");
  }
  doc.states.forEach((s, i) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new ItfError(`state ${i} is not an object`);
    for (const v of doc.vars as string[]) if (!(v in s)) throw new ItfError(`state ${i} lacks variable '${v}'`);
    const m = (s as Record<string, unknown>)['#meta'] as Record<string, unknown> | undefined;
    if (i > 0 && (typeof m !== 'object' || m === null || typeof m.action !== 'string')) {
      throw new ItfError(`state ${i} does not name the action that led to it ('#meta.action')`);
    }
  });
  return json as ItfTrace;
}

/** The state at `index` of a trace, decoded back to plain values. */
export function stateAt(trace: ItfTrace, index: number): unknown {
  const out: Record<string, unknown> = {};
  const s = trace.states[index];
  for (const v of trace.vars) out[v] = decodeValue(s[v], `state ${index}.${v}`);
  return out;
}
