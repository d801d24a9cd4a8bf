/**
 * `pagecheck/vitest`: assertions for a design's own tests. They fail with
 * what a kernel developer needs to read, the verdicts with their bounds and
 * each counterexample step by step with the command that reproduces it
 * (its ITF file saved beside), rather than "expected 'violated' to be
 * 'holds'". They throw, so they work under any runner; vitest is the one the
 * template of `pagecheck new` uses.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check } from '../checker/check.js';
import { exitCode } from '../checker/exit-code.js';
import type { AmendmentOf, BugOf, CheckOptions, ParamOf } from '../checker/options.js';
import type { CheckResult, PropertyResult } from '../checker/result.js';
import type { Action, Design } from '../model/design.js';
import type { ItfTrace } from '../trace/counterexample.js';
import { formatResult } from '../cli/format.js';
import { checkSaveTargets, saveCounterexamples, traceText } from '../cli/save.js';

export interface ExpectOptions<B extends string = string, P extends string = string, M extends string = string> extends Omit<CheckOptions<B, P, M>, 'module'> {
  /** The design's module (`new URL('./d.ts', import.meta.url)`), so that the reproduce command a failure prints runs as it is. */
  readonly module?: string | URL;
  /** Where a failure's counterexamples are saved (default `.pagecheck/failures` under the working directory); `false`: nowhere. */
  readonly save?: string | false;
  /** Stop the search by then, inconclusive (and so failing expectHolds): keep it under the test's own timeout. */
  readonly timeoutMs?: number;
}

export class PagecheckAssertionError extends Error {
  override readonly name = 'AssertionError';
  constructor(
    message: string,
    readonly result: CheckResult,
  ) {
    super(message);
  }
}

const DEFAULT_SAVE = join('.pagecheck', 'failures');

/** The options for design D: its toggles, parameters and amendments named as D declares them (see BugOf). */
export type ExpectOptionsFor<D> = ExpectOptions<BugOf<D>, ParamOf<D>, AmendmentOf<D>>;

function run<S, A extends Action, V>(design: Design<S, A, V>, options: ExpectOptions, properties?: string[]): CheckResult {
  const { module, save: _save, timeoutMs, ...rest } = options;
  return check(design, {
    mode: 'exhaustive',
    ...rest,
    ...(properties ? { properties } : {}),
    ...(module !== undefined ? { module: module instanceof URL ? fileURLToPath(module) : module } : {}),
    ...(timeoutMs !== undefined ? { deadline: Date.now() + timeoutMs } : {}),
  });
}

/** The counterexamples of these properties, rendered, and saved where asked (a file not pagecheck's is left alone). */
function counterexamples(result: CheckResult, ids: readonly string[], save: string | false | undefined): string {
  const traces = ids.map((id) => [id, result.counterexamples[id]] as const).filter((x): x is readonly [string, ItfTrace] => x[1] !== undefined);
  if (!traces.length) return '';
  let where = '';
  if (save !== false) {
    const dir = save ?? DEFAULT_SAVE;
    try {
      // A scratch folder of failures: each run replaces what the last one left.
      checkSaveTargets(dir, [], true);
      saveCounterexamples(dir, result);
      where = traces
        .map(([id]) => result.properties.find((p) => p.id === id)?.file)
        .filter(Boolean)
        .map((f) => `saved: ${f}`)
        .join('\n');
    } catch (e) {
      where = `not saved: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return ['', ...traces.map(([, t]) => traceText(t)), where].join('\n');
}

/**
 * Every property the design claims (or those of `options.properties`)
 * holds to a completed bound: not violated, not vacuous, not cut short.
 * The default search is exhaustive only: random search proves nothing.
 */
export function expectHolds<S, A extends Action, V, D extends Design<S, A, V> = Design<S, A, V>>(design: D & Design<S, A, V>, options: ExpectOptionsFor<D> = {}): CheckResult {
  const result = run(design, options as ExpectOptions);
  if (exitCode([result]) === 0) return result;
  const failed = result.properties.filter((p) => p.claimed || options.properties).filter((p) => p.verdict !== 'holds' && p.verdict !== 'not-applicable');
  const ids = failed.map((p) => p.id);
  throw new PagecheckAssertionError(
    `${design.name}: ${ids.join(', ')} not proven to hold (${failed.map((p) => p.verdict).join(', ')})\n\n${formatResult(result)}\n${counterexamples(result, ids, options.save)}`,
    result,
  );
}

export interface ViolationOptions<B extends string = string, P extends string = string, M extends string = string> extends ExpectOptions<B, P, M> {
  /** The counterexample must take at most this many actions (a breadth-first one is a shortest one). */
  readonly maxLength?: number;
}

export interface Violation {
  readonly result: CheckResult;
  readonly property: PropertyResult;
  readonly trace: ItfTrace;
}

/** `property` is violated, within `maxLength` actions when given; returns the counterexample for further checks. */
export function expectViolation<S, A extends Action, V, D extends Design<S, A, V> = Design<S, A, V>>(
  design: D & Design<S, A, V>,
  property: string,
  options: ViolationOptions<BugOf<D>, ParamOf<D>, AmendmentOf<D>> = {},
): Violation {
  const { maxLength, ...rest } = options;
  const result = run(design, rest as ExpectOptions, [property]);
  const p = result.properties.find((x) => x.id === property)!;
  if (p.verdict !== 'violated') {
    throw new PagecheckAssertionError(`${design.name}: expected ${property} to be violated, but it is ${p.verdict}\n\n${formatResult(result)}`, result);
  }
  if (maxLength !== undefined && p.traceLength! > maxLength) {
    throw new PagecheckAssertionError(
      `${design.name}: ${property} is violated, but after ${p.traceLength} actions, more than ${maxLength}\n${counterexamples(result, [property], options.save)}`,
      result,
    );
  }
  return { result, property: p, trace: result.counterexamples[property] };
}
