/**
 * Replays a scenario against a design: each op is bound to the design's
 * actions (a world's binder, scenarios/bind/<world>.ts), the instance is
 * `instantiate(design, resolveConfig(design, params, bugs), 'immer')`, and at
 * each step the enabled action that matches is taken. After every action
 * every property of `always` is evaluated (with the model's view), and the
 * first op after which each is violated is recorded.
 *
 * Binding rules (scenarios/README.md, "Binding"):
 * - an op is a list of steps, each picking one enabled action from the state
 *   it is at (so files, indices and pfns the op names indirectly are resolved
 *   there); a `repeat` step is taken while it finds one (`memfail-next`);
 * - a `mayBlock` op whose first step finds nothing enabled is deferred, and
 *   tried again after each later op, where its violations are attributed;
 * - a world may settle after every op (the memory-failure handler walking on
 *   once the entry lock it waited for is free);
 * - a nondeterministic action (a crash point) branches: every outcome is
 *   replayed, and a property is violated after op N if it is in some branch.
 */
import type { AnyDesign } from '../../model/design.js';
import { instantiate } from '../../model/instantiate.js';
import { resolveConfig } from '../../model/config.js';
import { viewOf, type Model } from '../../engine/model.js';
import type { Expectation, Op, Scenario } from './scenario.js';

/** An op (or scenario) that has no form in the design; `reason` says why. */
export class Inexpressible extends Error {}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type S = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type A = { kind: string; [k: string]: any };

/** What a step picks: an action, nothing (the step is done), or why it cannot go on (a string). */
export type Pick = A | undefined | string;

export interface Step {
  readonly what: string;
  readonly pick: (state: S, enabled: readonly A[]) => Pick;
  /** Taken again while it picks an action. */
  readonly repeat?: boolean;
}

export interface Binder {
  /** The design's parameters for the scenario's setup; throws Inexpressible when there are none. */
  params(scenario: Scenario, design: AnyDesign): Record<string, number>;
  /** Steps from the design's initial state to the scenario's (every file empty, ...). */
  prelude(scenario: Scenario, design: AnyDesign): Step[];
  /** The steps of op `k`; throws Inexpressible when the design has no form for it. */
  expand(scenario: Scenario, k: number, design: AnyDesign): Step[];
  /** Taken (repeatedly) after every op. */
  readonly settle?: Step;
}

/** The enabled action of `kind` whose fields include `args`, or why there is none. */
export function want(kind: string, args: Record<string, unknown> = {}, what?: string): Step {
  const name =
    what ??
    `${kind}(${Object.entries(args)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')})`;
  return {
    what: name,
    pick: (_s, enabled) => enabled.find((a) => a.kind === kind && Object.entries(args).every(([k, v]) => a[k] === v)) ?? `${name} is not enabled (enabled: ${summarise(enabled)})`,
  };
}

/** A step computed from the state when it is reached. */
export function dynamic(what: string, make: (state: S, enabled: readonly A[]) => Step | Pick, repeat = false): Step {
  return {
    what,
    repeat,
    pick: (s, enabled) => {
      const got = make(s, enabled);
      return got !== undefined && typeof got === 'object' && 'pick' in got && typeof got.pick === 'function' ? (got as Step).pick(s, enabled) : (got as Pick);
    },
  };
}

function summarise(enabled: readonly A[]): string {
  const kinds = [...new Set(enabled.map((a) => a.kind))];
  return kinds.join(', ') || 'nothing';
}

export interface ReplayResult {
  /** Per property, the first op (its `step`) after which it is violated; 0 for the prelude. */
  readonly first: Readonly<Record<string, number>>;
  /** The first op that could not be bound, and why. */
  readonly failure?: { readonly step: number; readonly reason: string };
  readonly claims: readonly string[];
  /** The actions taken, per op, in the first branch (for notes and debugging). */
  readonly trace: readonly string[];
  readonly branches: number;
}

class BindFailure extends Error {
  constructor(
    readonly step: number,
    reason: string,
  ) {
    super(reason);
  }
}

const MAX_REPEAT = 32;
const MAX_BRANCHES = 512;

/** `bugs`: the design's bug toggles to replay with (none for the corpus; the tests use them to see a replay fail). */
export function replay(scenario: Scenario, design: AnyDesign, binder: Binder, bugs: readonly string[] = []): ReplayResult {
  const claims = design.claims ?? design.always.map((p: { id: string }) => p.id);
  const first: Record<string, number> = {};
  const trace: string[] = [];
  let branches = 1;
  try {
    const params = binder.params(scenario, design);
    const model = instantiate(design, resolveConfig(design, params, bugs), 'immer') as Model<S, A, unknown>;
    const expanded = scenario.ops.map((_op, k) => binder.expand(scenario, k, design));
    const judge = (state: S, at: number): void => {
      const view = viewOf(model, state);
      for (const p of model.always) if (first[p.id] === undefined && p.check(state, view) !== undefined) first[p.id] = at;
    };
    let tracing = true;
    // Runs steps[k..] from state; returns the states it ends in (several after a crash point). A dry
    // run only finds out whether the steps can run.
    const exec = (state: S, steps: readonly Step[], k: number, at: number, log: string[], depth = 0, dry = false): S[] => {
      if (k === steps.length) return [state];
      const step = steps[k];
      const picked = step.pick(state, model.actions(state));
      if (typeof picked === 'string') throw new BindFailure(at, `${step.what}: ${picked}`);
      if (picked === undefined) return exec(state, steps, k + 1, at, log, 0, dry);
      if (depth > MAX_REPEAT) throw new BindFailure(at, `${step.what}: still enabled after ${MAX_REPEAT} steps`);
      if (tracing && !dry) log.push(model.label(picked));
      const succs = model.successors(state, picked);
      if (succs.length > 1 && !dry) {
        branches += succs.length - 1;
        if (branches > MAX_BRANCHES) throw new BindFailure(at, `more than ${MAX_BRANCHES} branches`);
      }
      const out: S[] = [];
      for (const next of dry ? succs.slice(0, 1) : succs) {
        if (!dry) judge(next, at);
        out.push(...(step.repeat ? exec(next, steps, k, at, log, depth + 1, dry) : exec(next, steps, k + 1, at, log, 0, dry)));
      }
      return out;
    };
    // A mayBlock op waits where its steps cannot all run from here.
    const blocked = (state: S, steps: readonly Step[]): boolean => {
      try {
        exec(state, steps, 0, 0, [], 0, true);
        return false;
      } catch (e) {
        if (e instanceof BindFailure) return true;
        throw e;
      }
    };
    const settle = binder.settle ? [binder.settle] : [];
    judge(model.initial, 0);
    const process = (state: S, i: number, deferred: readonly number[]): void => {
      if (i === scenario.ops.length) {
        if (deferred.length > 0) {
          const op = scenario.ops[deferred[0]];
          throw new BindFailure(op.step, `op ${op.step} (${op.op}, mayBlock) never became runnable`);
        }
        tracing = false;
        return;
      }
      const op: Op = scenario.ops[i];
      const log: string[] = [];
      let states: S[];
      const waiting = [...deferred];
      if (op.mayBlock && blocked(state, expanded[i])) {
        states = [state];
        waiting.push(i);
        log.push('(waits)');
      } else states = exec(state, expanded[i], 0, op.step, log);
      // Deferred ops run once what they wait for is released, then the world settles; twice, as
      // settling may release what another deferred op waits for.
      const runDeferred = (s: S, left: readonly number[]): { s: S; waiting: number[] }[] => {
        for (let j = 0; j < left.length; j++) {
          const d = left[j];
          if (d === i || blocked(s, expanded[d])) continue;
          const rest = left.filter((_x, x) => x !== j);
          if (tracing) log.push(`[op ${scenario.ops[d].step} runs]`);
          return exec(s, expanded[d], 0, op.step, log).flatMap((o) => runDeferred(o, rest));
        }
        return [{ s, waiting: [...left] }];
      };
      const settled = (xs: { s: S; waiting: number[] }[]) => xs.flatMap((x) => exec(x.s, settle, 0, op.step, log).map((s) => ({ s, waiting: x.waiting })));
      let ends = settled(states.flatMap((s) => runDeferred(s, waiting)));
      ends = settled(ends.flatMap((e) => runDeferred(e.s, e.waiting)));
      if (tracing) trace.push(`${op.step} ${op.op}: ${log.join(' ; ') || '(nothing)'}`);
      for (const e of ends) process(e.s, i + 1, e.waiting);
    };
    const prelude = binder.prelude(scenario, design);
    const starts = exec(model.initial, prelude, 0, 0, []);
    for (const s of starts) process(s, 0, []);
    return { first, claims, trace, branches };
  } catch (e) {
    if (e instanceof BindFailure) return { first, claims, trace, branches, failure: { step: e.step, reason: e.message } };
    if (e instanceof Inexpressible) return { first, claims, trace, branches, failure: { step: 0, reason: e.message } };
    throw e;
  }
}

/** `single-ownership@5, memfail-notify@7 (unclaimed)`, or the failure to bind. */
export function outcome(r: ReplayResult): string {
  if (r.failure) return `cannot bind op ${r.failure.step}: ${r.failure.reason}`;
  const entries = Object.entries(r.first).sort(([a, n], [b, m]) => n - m || a.localeCompare(b));
  if (entries.length === 0) return 'holds';
  return entries.map(([p, n]) => `${p}@${n}${r.claims.includes(p) ? '' : ' (unclaimed)'}`).join(', ');
}

/** Whether the replay gives what the scenario expects of this design, and if not, what differs. */
export function compare(expect: Expectation, r: ReplayResult): { agrees: boolean; why: string } {
  if ('inexpressible' in expect) {
    return r.failure ? { agrees: true, why: 'fails to bind, as expected' } : { agrees: false, why: `expected inexpressible, replayed: ${outcome(r)}` };
  }
  if (r.failure) return { agrees: false, why: outcome(r) };
  const wrong: string[] = [];
  const check = (p: string, n: number): void => {
    if (r.first[p] !== n) wrong.push(`${p} expected @${n}, replayed ${r.first[p] === undefined ? 'never' : `@${r.first[p]}`}`);
  };
  let named: string[];
  if ('verdict' in expect) {
    named = [];
    for (const c of expect.contrast ?? []) {
      check(c.violated, c.after);
      named.push(c.violated);
    }
  } else {
    check(expect.violated, expect.after);
    named = [expect.violated];
    for (const a of expect.also ?? []) {
      check(a.violated, a.after);
      named.push(a.violated);
    }
  }
  // A claimed property the expectation does not name must hold.
  for (const [p, n] of Object.entries(r.first)) if (r.claims.includes(p) && !named.includes(p)) wrong.push(`${p} (claimed) violated @${n}, not expected`);
  return wrong.length === 0 ? { agrees: true, why: 'agrees' } : { agrees: false, why: wrong.join('; ') };
}
