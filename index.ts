/**
 * pagecheck as a library: write a design with the same API the built-in
 * designs use, and check it with `check(design, options)`, which returns
 * exactly what `pagecheck check --json` prints for one design.
 */
export { check, exitCode, DEFAULTS } from './checker/check.js';
export type { CheckOptions, CheckResult, PropertyResult, GoalResult, Verdict, Mode } from './checker/check.js';
export { defineDesign, defaultLabel } from './model/design.js';
export type { Action, AnyDesign, Config, Design, Goal, ParamSpec, Property, Recipe, Transitions } from './model/design.js';
export { resolveConfig, defaultConfig } from './model/config.js';
export { instantiate } from './model/instantiate.js';
export { InputError } from './model/errors.js';
export { designs, findDesign } from './model/designs/index.js';
export { exhaustive } from './engine/exhaustive.js';
export { random } from './engine/random.js';
export type { Model, Step, Update } from './engine/model.js';
export { toItf, parseItf, stateAt } from './trace/counterexample.js';
export type { ItfTrace } from './trace/counterexample.js';
export { designCommands, designSetup } from './conform/commands.js';
export type { DesignRun, ImplementationAdapter } from './conform/commands.js';
