/**
 * The bridge as a library feature (issue 11, section 4): fast-check
 * commands that drive a user's own implementation from a pagecheck design,
 * the model-based testing fast-check users know. The design is the model;
 * after every action the implementation's observation must equal what some
 * successor of the design's state says (a nondeterministic action agrees
 * when one of its outcomes does, and the run goes on from that one).
 *
 *   fc.assert(fc.property(designCommands(design, adapter), (cmds) =>
 *     fc.modelRun(designSetup(design, adapter), cmds)));
 *
 * A choice is read as the (c mod n)-th enabled action, so sequences stay
 * valid while fast-check shrinks them.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import type { Action, Config, Design } from '../model/design.js';
import { defaultConfig } from '../model/config.js';
import { instantiate } from '../model/instantiate.js';
import type { Model } from '../engine/model.js';

export interface ImplementationAdapter<S, A extends Action, R, O> {
  /** A fresh implementation, in the state the design's `init` describes. */
  create(): R;
  /** Performs the action on the implementation. */
  run(real: R, action: A): void;
  /** What the implementation shows a user. */
  observe(real: R): O;
  /** What the design says a user sees in `state`. */
  expected(state: S, cfg: Config): O;
}

/** The model side of a run: the design's state, and the actions taken. */
export interface DesignRun<S> {
  state: S;
  readonly history: string[];
}

interface Bound<S, A extends Action, R, O> {
  readonly model: Model<S, A, unknown>;
  readonly cfg: Config;
  readonly adapter: ImplementationAdapter<S, A, R, O>;
}

function bind<S, A extends Action, V, R, O>(design: Design<S, A, V>, adapter: ImplementationAdapter<S, A, R, O>, cfg: Config): Bound<S, A, R, O> {
  return { model: instantiate(design, cfg) as Model<S, A, unknown>, cfg, adapter };
}

class DesignCommand<S, A extends Action, R, O> implements fc.Command<DesignRun<S>, R> {
  private label = '(not run)';
  constructor(
    private readonly b: Bound<S, A, R, O>,
    private readonly choice: number,
  ) {}
  check(m: Readonly<DesignRun<S>>): boolean {
    return this.b.model.actions(m.state).length > 0;
  }
  run(m: DesignRun<S>, real: R): void {
    const enabled = this.b.model.actions(m.state);
    const action = enabled[this.choice % enabled.length];
    this.label = this.b.model.label(action);
    m.history.push(this.label);
    this.b.adapter.run(real, action);
    const got = this.b.adapter.observe(real);
    const successors = this.b.model.successors(m.state, action);
    const next = successors.find((s) => isDeepStrictEqual(this.b.adapter.expected(s, this.b.cfg), got));
    if (next === undefined) {
      const want = this.b.adapter.expected(successors[0], this.b.cfg);
      throw new Error(`after ${m.history.join('; ')}: the implementation shows ${JSON.stringify(got)}, the design says ${JSON.stringify(want)}`);
    }
    m.state = next;
  }
  toString(): string {
    return this.label;
  }
}

/** Sequences of commands, each an action of the design run on the implementation and checked against the design. */
export function designCommands<S, A extends Action, V, R, O>(
  design: Design<S, A, V>,
  adapter: ImplementationAdapter<S, A, R, O>,
  options: { readonly cfg?: Config; readonly maxCommands?: number } = {},
): fc.Arbitrary<Iterable<fc.Command<DesignRun<S>, R>>> {
  const b = bind(design, adapter, options.cfg ?? defaultConfig(design));
  return fc.commands([fc.nat().map((c) => new DesignCommand(b, c))], { maxCommands: options.maxCommands ?? 30 });
}

/** The setup `fc.modelRun` takes: the design's initial state and a fresh implementation. */
export function designSetup<S, A extends Action, V, R, O>(design: Design<S, A, V>, adapter: ImplementationAdapter<S, A, R, O>, cfg?: Config): () => { model: DesignRun<S>; real: R } {
  const b = bind(design, adapter, cfg ?? defaultConfig(design));
  return () => ({ model: { state: b.model.initial, history: [] }, real: adapter.create() });
}
