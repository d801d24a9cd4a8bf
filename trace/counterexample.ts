/**
 * A counterexample as an ITF trace document (`*.itf.json`), written so that
 * the tools that read ITF take it (see docs/itf.md for which rule comes
 * from which reader):
 *
 * - trace `#meta`: only strings beside `varTypes` (itf-rs 0.3's trace
 *   `Meta` takes any other key as a string and fails the whole trace on an
 *   object, list or number): the design, property, message, search mode and
 *   reproduce command as strings, and everything structured (parameters,
 *   bug toggles, amendments, bound, seed, path, crash cap, shrink, and any
 *   field TraceMeta gains later) as one JSON string in `#meta.pagecheck`;
 * - `#meta.varTypes`: each variable's type, as Apalache reads a trace back;
 * - state `#meta`: `index` and strings only (the action's label and kind,
 *   what a crash outcome kept, the kernel function);
 * - the action of each step also as the variables `mbt::actionTaken` (its
 *   kind; `init` on state 0) and `mbt::nondetPicks` (a record of options:
 *   `Some` for each argument the step's action has and for `choice`, the
 *   successor taken by a nondeterministic step such as a crash; `None` for
 *   the rest), as Quint's `run --mbt` writes them;
 * - one type per variable (itf-types.ts), every integer a `#bigint`, and
 *   `vars` the union of all states' keys.
 *
 * `parseItf` also reads the first format (structured `#meta`, plain
 * integers, NULL beside bare values; see legacy.ts), which users' saved
 * traces are in, and gives it back in this one.
 */
import type { Step } from '../engine/model.js';
import { decodeValue, encodeValue, ItfError, type ItfValue } from './itf.js';
import { join, typeOf, typeText, UNKNOWN, type ItfType } from './itf-types.js';
import { isLegacyTrace, legacySteps } from './legacy.js';

export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';
export const ACTION_TAKEN = 'mbt::actionTaken';
export const NONDET_PICKS = 'mbt::nondetPicks';
/** The `mbt::nondetPicks` field for the successor a nondeterministic step took. */
export const CHOICE_PICK = 'choice';
/** The trace `#meta` field holding, as one JSON string, what pagecheck records that is not a string. */
export const INFO_FIELD = 'pagecheck';

/** What pagecheck records about a trace: how to replay it and the search that found it. */
export interface TraceMeta {
  readonly source: string;
  readonly description: string;
  readonly design: string;
  /** For a design loaded from a user's module: its absolute path (`#name` for a named export), to replay it from. */
  readonly module?: string;
  readonly params: Record<string, number>;
  readonly bugs: string[];
  /** The amendments the design ran with (Design.amendments); absent in traces older than them, read as none. */
  readonly amends?: string[];
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
  /**
   * For a lasso whose loop is a cycle: the action that leads from the last
   * state back to `states[loop]` (ITF's lasso returns there without a state
   * of its own). Absent when the history stutters in its last state.
   */
  readonly closing?: { readonly action: string; readonly choice?: number };
  /** The fairness a liveness verdict rests on: the action kinds under weak and strong fairness, and those fair to each action apart. */
  readonly fairness?: { readonly weak: string[]; readonly strong: string[]; readonly each?: string[] };
}

/** The fields of TraceMeta written as strings in `#meta`; every other one (a field added later too) goes into `#meta.pagecheck`. */
type Plain = 'source' | 'description' | 'design' | 'property' | 'message' | 'mode' | 'reproduce';
type Structured = Omit<TraceMeta, Plain>;

/** What a step records: the action that led to its state. */
export interface StepMeta {
  readonly index: number;
  /** The label of the action that led here, e.g. `write(f=0, b=1, v=2)`; absent on state 0. */
  readonly action?: string;
  readonly kind?: string;
  readonly args?: Record<string, unknown>;
  /** Which of the action's successors, for a nondeterministic action. */
  readonly choice?: number;
  /** What that successor stands for, where the design can say (a crash: what reached the media). */
  readonly outcome?: string;
  /** The kernel function or seed rule the action's kind stands for (Design.notes). */
  readonly note?: string;
}

/** The trace `#meta` as written: strings, and `varTypes`. */
export type ItfTraceMeta = {
  readonly format: 'ITF';
  readonly 'format-description': string;
  readonly varTypes: Readonly<Record<string, string>>;
} & { readonly [k: string]: string | Readonly<Record<string, string>> } & Readonly<
    Record<'source' | 'description' | 'design' | 'property' | 'message' | 'mode' | 'reproduce' | typeof INFO_FIELD, string>
  >;

/** A state's `#meta` as written: `index`, and strings. */
export interface ItfStateMeta {
  readonly index: number;
  readonly action?: string;
  readonly kind?: string;
  readonly outcome?: string;
  readonly note?: string;
}

/** A state of the trace: its variables, and `#meta` (which is not a variable). */
export type ItfState = { readonly '#meta': ItfStateMeta } & { readonly [v: string]: ItfValue | ItfStateMeta };

export interface ItfTrace {
  readonly '#meta': ItfTraceMeta;
  readonly vars: string[];
  readonly states: ItfState[];
  /** A lasso: the history goes on from the last state back to `states[loop]`, for ever (a stutter when loop is the last index). */
  readonly loop?: number;
}

/** A step as the writer takes it: a state, and the action that led to it. */
export interface StepRecord {
  readonly state: Record<string, unknown>;
  readonly action?: Omit<StepMeta, 'index'> & { readonly action: string; readonly kind: string };
}

export function toItf<S, A>(
  steps: readonly Step<S, A>[],
  label: (a: A) => string,
  meta: TraceMeta,
  describeChoice?: (state: S, action: A, choice: number) => string | undefined,
  noteOf?: (kind: string) => string | undefined,
): ItfTrace {
  const records = steps.map((step, index): StepRecord => {
    const state = step.state as Record<string, unknown>;
    if (step.action === undefined) return { state };
    const { kind, ...args } = step.action as { kind: string } & Record<string, unknown>;
    const outcome = step.choice !== undefined ? describeChoice?.(steps[index - 1].state, step.action, step.choice) : undefined;
    const note = noteOf?.(kind);
    return {
      state,
      action: {
        action: label(step.action),
        kind,
        args,
        ...(step.choice !== undefined ? { choice: step.choice } : {}),
        ...(outcome !== undefined ? { outcome } : {}),
        ...(note !== undefined ? { note } : {}),
      },
    };
  });
  return writeTrace(records, meta);
}

/** The ITF document of `records`, typed across all of them. */
export function writeTrace(records: readonly StepRecord[], meta: TraceMeta): ItfTrace {
  const vars: string[] = [];
  for (const r of records) for (const v of Object.keys(r.state)) if (!vars.includes(v)) vars.push(v);
  const types = new Map<string, ItfType>();
  records.forEach((r, i) => {
    for (const v of vars) {
      if (!(v in r.state)) throw new ItfError(`state ${i} lacks variable '${v}'`);
      types.set(v, join(types.get(v) ?? UNKNOWN, typeOf(r.state[v])));
    }
  });
  const picks = picksType(records);
  const varTypes: Record<string, string> = {};
  for (const v of vars) {
    const text = typeText(types.get(v)!);
    if (text !== undefined) varTypes[v] = text;
  }
  varTypes[ACTION_TAKEN] = 'Str';
  varTypes[NONDET_PICKS] = typeText(picks)!;

  const states = records.map((r, index): ItfState => {
    const out: Record<string, ItfValue> = {};
    for (const v of vars) out[v] = encodeValue(r.state[v], `state ${index}.${v}`, types.get(v));
    const a = r.action;
    out[ACTION_TAKEN] = a?.kind ?? 'init';
    out[NONDET_PICKS] = encodeValue(picksOf(a, picks), `state ${index}.${NONDET_PICKS}`, picks);
    const stateMeta: ItfStateMeta = a
      ? { index, action: a.action, kind: a.kind, ...(a.outcome !== undefined ? { outcome: a.outcome } : {}), ...(a.note !== undefined ? { note: a.note } : {}) }
      : { index };
    return { '#meta': stateMeta, ...out } as ItfState;
  });

  const { source, description, design, property, message, mode, reproduce, ...structured } = meta;
  const traceMeta = {
    format: 'ITF',
    'format-description': ITF_FORMAT_DESCRIPTION,
    source,
    description,
    varTypes,
    design,
    property,
    message,
    mode,
    reproduce,
    [INFO_FIELD]: JSON.stringify({ amends: [], ...structured } satisfies Structured),
  } as ItfTraceMeta;
  return { '#meta': traceMeta, vars: [...vars, ACTION_TAKEN, NONDET_PICKS], states };
}

/** A record of options: each argument name of the trace's actions, and `choice`. */
function picksType(records: readonly StepRecord[]): ItfType {
  const fields: Record<string, ItfType> = { [CHOICE_PICK]: { k: 'opt', of: { k: 'int' } } };
  for (const r of records) {
    for (const [k, x] of Object.entries(r.action?.args ?? {})) {
      if (k === CHOICE_PICK) throw new ItfError(`action ${r.action!.action}: its field '${CHOICE_PICK}' is the name ITF traces give the successor a step took; rename it`);
      fields[k] = join(fields[k] ?? { k: 'opt', of: UNKNOWN }, typeOf(x));
    }
  }
  return { k: 'rec', fields, strs: {} };
}

/** Every field of `type` (picksType's): the step's arguments and choice, NULL (so `None`) for the rest. */
function picksOf(a: StepRecord['action'], type: ItfType): Record<string, unknown> {
  const given: Record<string, unknown> = { ...(a?.args ?? {}), ...(a?.choice !== undefined ? { [CHOICE_PICK]: a.choice } : {}) };
  const fields = type.k === 'rec' ? Object.keys(type.fields) : [];
  return Object.fromEntries(fields.map((k) => [k, given[k] ?? null]));
}

/** Checks the shape of a parsed trace file, in either format; throws ItfError naming the first problem. */
export function parseItf(json: unknown): ItfTrace {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ItfError('not an ITF trace: the top level is not an object');
  const doc = json as Record<string, unknown>;
  if (!Array.isArray(doc.vars) || !doc.vars.every((v) => typeof v === 'string')) throw new ItfError("not an ITF trace: 'vars' is not a list of names");
  if (!Array.isArray(doc.states) || doc.states.length === 0) throw new ItfError("not an ITF trace: 'states' is missing or empty");
  const meta = doc['#meta'] as Record<string, unknown> | undefined;
  if (typeof meta !== 'object' || meta === null) throw new ItfError("not a pagecheck trace: no '#meta'");
  if (typeof meta.design !== 'string') throw new ItfError("not a pagecheck trace: '#meta.design' is missing");
  if (typeof meta.property !== 'string') throw new ItfError("not a pagecheck trace: '#meta.property' is missing");
  for (const k of ['message', 'mode', 'reproduce']) if (typeof meta[k] !== 'string') throw new ItfError(`not a pagecheck trace: '#meta.${k}' is missing`);
  checkVars(doc.vars as string[], doc.states);
  if (isLegacyTrace(meta)) {
    checkStructured(meta);
    const { records, meta: old } = legacySteps(doc as { '#meta': Record<string, unknown>; vars: string[]; states: Record<string, unknown>[] });
    return writeTrace(records, old);
  }
  if (typeof meta[INFO_FIELD] !== 'string') throw new ItfError(`not a pagecheck trace: '#meta.${INFO_FIELD}' is missing`);
  structuredOf(meta[INFO_FIELD] as string);
  for (const v of [ACTION_TAKEN, NONDET_PICKS]) if (!(doc.vars as string[]).includes(v)) throw new ItfError(`not a pagecheck trace: no variable '${v}'`);
  doc.states.forEach((s, i) => {
    const m = (s as Record<string, unknown>)['#meta'] as Record<string, unknown> | undefined;
    if (typeof m !== 'object' || m === null) throw new ItfError(`state ${i} has no '#meta'`);
    if (i > 0 && typeof m.action !== 'string') throw new ItfError(`state ${i} does not name the action that led to it ('#meta.action')`);
  });
  return json as ItfTrace;
}

/** Every state defines every name in `vars`, and no other (ADR-015; itf-rs and Apalache read `vars`). */
function checkVars(vars: readonly string[], states: readonly unknown[]): void {
  const dup = vars.find((v, i) => vars.indexOf(v) !== i);
  if (dup !== undefined) throw new ItfError(`'vars' names '${dup}' twice`);
  states.forEach((s, i) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new ItfError(`state ${i} is not an object`);
    for (const v of vars) if (!(v in s)) throw new ItfError(`state ${i} lacks variable '${v}'`);
    const extra = Object.keys(s).find((k) => k !== '#meta' && !vars.includes(k));
    if (extra !== undefined) throw new ItfError(`state ${i} has '${extra}', which 'vars' does not name`);
  });
}

function structuredOf(text: string): Structured {
  let s: unknown;
  try {
    s = JSON.parse(text);
  } catch {
    throw new ItfError(`not a pagecheck trace: '#meta.${INFO_FIELD}' is not JSON`);
  }
  const o = s as Record<string, unknown>;
  if (typeof s !== 'object' || s === null) throw new ItfError(`not a pagecheck trace: '#meta.${INFO_FIELD}' is not a JSON object`);
  if (typeof o.params !== 'object' || o.params === null) throw new ItfError('not a pagecheck trace: its parameters are missing');
  checkStructured(o);
  return o as unknown as Structured;
}

/** The rules both formats keep for the structured fields. */
export function checkStructured(o: Record<string, unknown>): void {
  const names = (x: unknown): boolean => Array.isArray(x) && x.every((b) => typeof b === 'string');
  if (o.crashCap !== undefined && !(Number.isInteger(o.crashCap) && (o.crashCap as number) >= 0)) {
    throw new ItfError('not a pagecheck trace: its crash cap is not a whole number');
  }
  if (o.bugs !== undefined && !names(o.bugs)) throw new ItfError('not a pagecheck trace: its bugs are not a list of names');
  if (o.amends !== undefined && !names(o.amends)) throw new ItfError('not a pagecheck trace: its amendments are not a list of names');
  if (o.module !== undefined && typeof o.module !== 'string') throw new ItfError('not a pagecheck trace: its design module is not a path');
}

/** What pagecheck records about a trace (from `#meta` and the JSON in `#meta.pagecheck`). */
export function traceMeta(trace: ItfTrace): TraceMeta {
  const m = trace['#meta'];
  const s = structuredOf(m[INFO_FIELD]);
  return {
    source: m.source,
    description: m.description,
    design: m.design,
    property: m.property,
    message: m.message,
    mode: m.mode as TraceMeta['mode'],
    reproduce: m.reproduce,
    ...s,
    bugs: s.bugs ?? [],
  };
}

/** What step `index` records: its action, from `#meta`, and its arguments and choice, from `mbt::nondetPicks`. */
export function stepMeta(trace: ItfTrace, index: number): StepMeta {
  const s = trace.states[index];
  const m = s['#meta'];
  const picks = decodeValue(s[NONDET_PICKS], `state ${index}.${NONDET_PICKS}`) as Record<string, unknown>;
  const { [CHOICE_PICK]: choice, ...args } = Object.fromEntries(Object.entries(picks).filter(([, x]) => x !== null));
  return {
    index,
    ...(m.action !== undefined ? { action: m.action, kind: m.kind, args } : {}),
    ...(choice !== undefined ? { choice: choice as number } : {}),
    ...(m.outcome !== undefined ? { outcome: m.outcome } : {}),
    ...(m.note !== undefined ? { note: m.note } : {}),
  };
}

/** The design's variables: `vars` without the `mbt::` ones this file adds. */
export function designVars(trace: ItfTrace): string[] {
  return trace.vars.filter((v) => !v.startsWith('mbt::'));
}

/** The state at `index` of a trace, decoded back to plain values. */
export function stateAt(trace: ItfTrace, index: number): unknown {
  const out: Record<string, unknown> = {};
  const s = trace.states[index];
  for (const v of designVars(trace)) out[v] = decodeValue(s[v], `state ${index}.${v}`);
  return out;
}
