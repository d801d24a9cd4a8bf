/**
 * pagecheck as a library: write a design with the same API the built-in
 * designs use, and check it with `check(design, options)`, which returns
 * exactly what `pagecheck check --json` prints for one design. Test helpers
 * for vitest are in `pagecheck/vitest`.
 */
export { check } from './checker/check.js';
export { exitCode } from './checker/exit-code.js';
export { DEFAULTS } from './checker/options.js';
export type { CheckOptions, Mode } from './checker/options.js';
export type { CheckResult, PropertyResult, GoalResult, Verdict, Bound } from './checker/result.js';
export { replay } from './checker/replay.js';
export type { ReplayOutcome } from './checker/replay.js';
export { defineDesign, defaultLabel, crashPoint, propertyList, claimsOf } from './model/design.js';
export type { Action, AnyDesign, Config, CrashStep, DefaultBounds, Design, Goal, ParamSpec, Piece, Property, Recipe, Transitions } from './model/design.js';
export type { PictureHints, PictureRef, PathPattern } from './model/picture.js';
export { resolveConfig, defaultConfig, describeConfig } from './model/config.js';
export { instantiate } from './model/instantiate.js';
export { InputError } from './model/errors.js';
export { designs, findDesign } from './model/designs/index.js';
export { exhaustive } from './engine/exhaustive.js';
export { random } from './engine/random.js';
export type { Model, Step, Update } from './engine/model.js';
export { toItf, parseItf, stateAt, traceMeta, stepMeta, designVars, writeTrace, ITF_FORMAT_DESCRIPTION } from './trace/counterexample.js';
export type { ItfTrace, ItfState, TraceMeta, StepMeta } from './trace/counterexample.js';
export { encodeValue, decodeValue, ItfError } from './trace/itf.js';
export type { ItfValue } from './trace/itf.js';
export { renderText, diffStates } from './trace/render.js';
export { designCommands, designSetup } from './conform/commands.js';
export type { DesignRun, ImplementationAdapter } from './conform/commands.js';
