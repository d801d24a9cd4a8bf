/**
 * `pagecheck replay`: re-executes a saved trace against the design it names,
 * step by step, and says whether the violation it records reproduces. A step
 * whose action is not enabled, or that does not lead to the recorded state,
 * rejects the trace with a message naming the step.
 */
import { fingerprint } from '../engine/fingerprint.js';
import { propertiesOf, viewOf } from '../engine/model.js';
import { judgeLasso } from '../engine/judge-lasso.js';
import { resolveConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { InputError } from '../model/errors.js';
import { instantiate } from '../model/instantiate.js';
import { propertyList, type Action, type AnyDesign } from '../model/design.js';
import { stateAt, stepMeta, traceMeta, type ItfTrace } from '../trace/counterexample.js';
import { ItfError } from '../trace/itf.js';

export interface ReplayOutcome {
  readonly design: string;
  readonly property: string;
  readonly steps: number;
  /** The recorded property is violated in the trace's last state. */
  readonly reproduces: boolean;
  /** The property's message in the last state, when it is violated there. */
  readonly message?: string;
  readonly recordedMessage: string;
}

/** Replays a trace against `design`, or the built-in design its `#meta` names. */
export function replay(trace: ItfTrace, given?: AnyDesign): ReplayOutcome {
  const meta = traceMeta(trace);
  if (given && given.name !== meta.design) throw new InputError(`the trace is of design ${meta.design}, not ${given.name}`);
  const design = given ?? findDesign(meta.design);
  const params = Object.fromEntries(Object.entries(meta.params).map(([k, v]) => [k, String(v)]));
  const cfg = resolveConfig(design, params, meta.bugs ?? [], meta.amends ?? []);
  for (const k of Object.keys(design.params)) {
    if (!(k in meta.params)) throw new InputError(`the trace does not give parameter ${k} of ${design.name}`);
  }
  if (!propertyList(design).some((p) => p.id === meta.property)) throw new InputError(`design ${design.name} has no property '${meta.property}' (named by the trace)`);
  const model = instantiate(design, cfg, 'immer', { crashCap: meta.crashCap });
  const live = model.liveness?.find((l) => l.id === meta.property);
  const property = propertiesOf(model).find((p) => p.id === meta.property);

  // A value ITF cannot carry, in a state or in its step's picks, is the file's fault: one line, exit 2.
  const readItf = <T>(i: number, read: () => T): T => {
    try {
      return read();
    } catch (e) {
      throw e instanceof ItfError ? new InputError(`state ${i}: ${e.message}`) : e;
    }
  };
  const decoded = (i: number): unknown => readItf(i, () => stateAt(trace, i));
  if (fingerprint(decoded(0)) !== fingerprint(model.initial)) {
    throw new InputError(`state 0 is not the initial state of ${design.name} with ${describe(cfg.params)}`);
  }
  let state = model.initial;
  const states = [state];
  const taken: (Action | undefined)[] = [undefined];
  const step = (i: number, label: string, choice: number | undefined, want: string): void => {
    const action = model.actions(state).find((a) => model.label(a) === label);
    if (action === undefined) throw new InputError(`step ${i}: ${label} is not enabled in ${design.name} at that point`);
    const successors = model.successors(state, action as Action);
    const candidates = choice !== undefined ? [successors[choice]].filter(Boolean) : successors;
    const next = candidates.find((s) => fingerprint(s) === want);
    if (next === undefined) throw new InputError(`step ${i}: ${label} does not lead to the state the trace records`);
    state = next;
    states.push(state);
    taken.push(action as Action);
  };
  for (let i = 1; i < trace.states.length; i++) {
    const m = readItf(i, () => stepMeta(trace, i));
    step(i, m.action!, m.choice, fingerprint(decoded(i)));
  }
  if (live) {
    const loop = trace.loop;
    if (loop === undefined || !Number.isInteger(loop) || loop < 0 || loop >= trace.states.length) {
      throw new InputError(`the trace of liveness property ${live.id} has no valid 'loop' index`);
    }
    const closing = meta.closing;
    if (closing) {
      step(trace.states.length, closing.action, closing.choice, fingerprint(decoded(loop)));
      states.pop();
    }
    const judged = judgeLasso(model, live, states, taken.slice(0, states.length), loop, closing ? taken[taken.length - 1] : undefined);
    return {
      design: design.name,
      property: live.id,
      steps: trace.states.length - 1 + (closing ? 1 : 0),
      reproduces: judged.violated,
      ...(judged.violated ? { message: judged.message } : {}),
      recordedMessage: meta.message,
    };
  }
  const message = property!.check(state, viewOf(model, state));
  return {
    design: design.name,
    property: property!.id,
    steps: trace.states.length - 1,
    reproduces: message !== undefined,
    ...(message !== undefined ? { message } : {}),
    recordedMessage: meta.message,
  };
}

function describe(params: Readonly<Record<string, number>>): string {
  const s = Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return s ? `parameters ${s}` : 'no parameters';
}
