/**
 * The conformance run: fast-check model-based testing with the design as the
 * model and the running kernel as the system under test. A sequence is a
 * list of choices, each read as "the (c mod k)-th kind of enabled action,
 * and the (c div k mod n)-th action of that kind", so it stays valid while
 * fast-check shrinks it, and a crash or an fsync (one action each) is drawn
 * as often as a write (a dozen). After every action the kernel's files are observed
 * and held against the model's successors: a nondeterministic action (a
 * crash) agrees when some successor agrees, and the run goes on from that
 * one; none agreeing is a mismatch, which fast-check shrinks.
 */
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import type { Step } from '../engine/model.js';
import type { AnyDesign, Config } from '../model/design.js';
import { instantiate } from '../model/instantiate.js';
import type { AnyAdapter } from './adapters.js';
import type { Filesystem } from './fs.js';
import type { Helper } from './helper.js';
import { difference, parseObserve, type ModelObservation, type RealObservation } from './observe.js';

export interface ConformOptions {
  readonly runs: number;
  readonly steps: number;
  readonly seed: number;
  readonly onProgress?: (sequences: number) => void;
  /** Run this one sequence of actions instead (a regression: each must be enabled where it comes). */
  readonly fixed?: readonly unknown[];
}

export interface StepRecord {
  readonly label: string;
  readonly kind: string;
  readonly lines: readonly string[];
}

export interface Mismatch {
  readonly message: string;
  /** The model's states, the initial one first; the last is the first successor of the step that disagreed. */
  readonly trace: readonly Step<unknown, unknown>[];
  readonly steps: readonly StepRecord[];
  readonly expected: string;
  readonly got: string;
  readonly path: string;
  readonly shrinks: number;
  readonly originalLength: number;
}

export interface ConformResult {
  /** Sequences run, shrinking included; `shrinking` of them after the first mismatch. */
  readonly sequences: number;
  readonly shrinking: number;
  /** Actions run on the kernel, shrinking included. */
  readonly operations: number;
  readonly elapsedMs: number;
  readonly mismatch?: Mismatch;
  /** With `fixed`, the model's states along the sequence, each the outcome the kernel agreed with. */
  readonly trace?: readonly Step<unknown, unknown>[];
}

interface RunState {
  state: unknown;
  trace: Step<unknown, unknown>[];
  records: StepRecord[];
}

class MismatchError extends Error {}

export const describeObservation = (o: ModelObservation | RealObservation): string =>
  o.files.map((f, i) => `f${i}: ${'values' in f ? f.values.join(',') : ''} [${f.map.join(',')}]`).join('; ') + (o.result !== undefined ? `; result ${o.result}` : '');

export async function conform(design: AnyDesign, cfg: Config, adapter: AnyAdapter, fs: Filesystem, helper: Helper, options: ConformOptions): Promise<ConformResult> {
  const model = instantiate(design, cfg, 'immer');
  const { count, bytes } = adapter.files(cfg);
  const fill = (line: string) =>
    line
      .replace(/\$MNT/g, fs.mnt)
      .replace(/\$DEV/g, fs.dev)
      .replace(/\$FSTYPE/g, fs.type);
  const started = Date.now();
  let sequences = 0;
  let operations = 0;
  let firstLength: number | undefined;
  let firstAt: number | undefined;
  let lastTrace: Step<unknown, unknown>[] | undefined;
  let last: { message: string; trace: Step<unknown, unknown>[]; records: StepRecord[]; expected: string; got: string } | undefined;

  class Choice implements fc.AsyncCommand<RunState, Helper> {
    private label = '(not run)';
    constructor(
      readonly choice: number,
      readonly fixed?: unknown,
    ) {}
    check = () => true;
    async run(m: RunState): Promise<void> {
      // An action is drawn only if the model can also do what the kernel does around it (adapter.inside and
      // after) within its P blocks: the model has no ENOSPC, the kernel has room.
      const feasible = (a: unknown): boolean => {
        try {
          let st = m.state;
          for (const inner of adapter.inside?.(a, st, fs.type) ?? []) st = model.successors(st, inner)[0];
          for (let succ of model.successors(st, a)) {
            for (const later of adapter.after?.(a, succ, fs.type, st) ?? []) succ = model.successors(succ, later)[0];
          }
          return true;
        } catch {
          return false;
        }
      };
      const enabled = model.actions(m.state).filter((a) => adapter.supports(a, fs.type) && feasible(a));
      let action;
      if (this.fixed !== undefined) {
        action = enabled.find((a) => model.label(a) === model.label(this.fixed));
        if (action === undefined) throw new MismatchError(`${model.label(this.fixed)} is not enabled in the model there`);
      } else {
        if (enabled.length === 0) return;
        const kinds = [...new Set(enabled.map((a) => model.kind(a)))];
        const kind = kinds[this.choice % kinds.length];
        const ofKind = enabled.filter((a) => model.kind(a) === kind);
        action = ofKind[Math.floor(this.choice / kinds.length) % ofKind.length];
      }
      this.label = model.label(action);
      const lines = adapter.lines(action, cfg, m.state, fs.type);
      // What the kernel does inside this action and the model (after XFS) does not, applied to the model first.
      for (const inner of adapter.inside?.(action, m.state, fs.type) ?? []) {
        m.state = model.successors(m.state, inner)[0];
        m.trace.push({ state: m.state, action: inner });
        m.records.push({ label: `${model.label(inner)} (${fs.type} does it inside ${this.label})`, kind: model.kind(inner), lines: [] });
      }
      const record: StepRecord = { label: this.label, kind: model.kind(action), lines };
      m.records.push(record);
      operations++;
      // What the kernel does right after it (on this filesystem), applied to each successor: each a step of its own in the trace.
      const before = m.state;
      const withAfter = (state: unknown): Step<unknown, unknown>[] => {
        const out: Step<unknown, unknown>[] = [];
        for (const later of adapter.after?.(action, state, fs.type, before) ?? []) {
          state = model.successors(state, later)[0];
          out.push({ state, action: later });
        }
        return out;
      };
      const successors = model.successors(m.state, action);
      let answer = 'ok';
      for (const line of lines) {
        answer = await helper.send(fill(line));
        if (!answer.startsWith('ok')) {
          m.trace.push({ state: successors[0], action });
          throw new MismatchError(`${line.split(' ')[0]} failed with ${answer.slice(4)}, where the model enables ${this.label}`);
        }
      }
      const real: RealObservation = { files: parseObserve(await helper.send(`observe ${count}`), count), result: adapter.result(action, answer) };
      let first: { diff: string; expected: ModelObservation } | undefined;
      const choice = (i: number) => (successors.length > 1 ? { choice: i } : {});
      for (let i = 0; i < successors.length; i++) {
        const later = withAfter(successors[i]);
        const final = later.length ? later[later.length - 1].state : successors[i];
        const expected = adapter.observe(final, cfg, action) as ModelObservation;
        const diff = difference(expected, real, fs.type);
        if (diff === undefined) {
          m.trace.push({ state: successors[i], action, ...choice(i) }, ...later);
          for (const step of later) m.records.push({ label: `${model.label(step.action)} (${fs.type} does it after ${this.label})`, kind: model.kind(step.action), lines: [] });
          m.state = final;
          return;
        }
        first ??= { diff, expected };
      }
      m.trace.push({ state: successors[0], action, ...choice(0) });
      const prefix = successors.length > 1 ? `no outcome of ${this.label} the model allows matches: first ` : '';
      throw new MismatchError(`after ${this.label}: ${prefix}${first!.diff}`, { cause: { expected: describeObservation(first!.expected), got: describeObservation(real) } });
    }
    toString(): string {
      return this.label;
    }
  }

  const sequencesOf = options.fixed ? fc.constant(options.fixed.map((a) => new Choice(0, a))) : fc.commands([fc.nat().map((c) => new Choice(c))], { maxCommands: options.steps, size: 'max' });
  const property = fc.asyncProperty(sequencesOf, async (commands) => {
    // A fresh directory of fresh files per sequence; the last one's is removed first.
    rmSync(`${fs.mnt}/s${sequences - 1}`, { recursive: true, force: true });
    const dir = `${fs.mnt}/s${sequences}`;
    sequences++;
    options.onProgress?.(sequences);
    await helper.must(`dir ${dir}`);
    await helper.must(`setup ${count} ${bytes}`);
    const run: RunState = { state: model.initial, trace: [{ state: model.initial }], records: [] };
    try {
      await fc.asyncModelRun(() => ({ model: run, real: helper }), commands);
      lastTrace = run.trace;
    } catch (e) {
      if (e instanceof MismatchError) {
        const cause = e.cause as { expected?: string; got?: string } | undefined;
        firstLength ??= run.records.length;
        firstAt ??= sequences;
        last = { message: e.message, trace: run.trace, records: run.records, expected: cause?.expected ?? '', got: cause?.got ?? '' };
      }
      throw e;
    }
  });
  const out = await fc.check(property, { numRuns: options.fixed ? 1 : options.runs, seed: options.seed, endOnFailure: options.fixed !== undefined });
  rmSync(`${fs.mnt}/s${sequences - 1}`, { recursive: true, force: true });
  const elapsedMs = Date.now() - started;
  if (!out.failed) return { sequences, shrinking: 0, operations, elapsedMs, ...(options.fixed ? { trace: lastTrace } : {}) };
  if (last === undefined) throw out.errorInstance ?? new Error('conform: the run failed without a mismatch');
  return {
    sequences,
    shrinking: sequences - (firstAt ?? sequences),
    operations,
    elapsedMs,
    mismatch: {
      ...last,
      steps: last.records,
      path: out.counterexamplePath ?? '',
      shrinks: out.numShrinks,
      originalLength: firstLength ?? last.records.length,
    },
  };
}
