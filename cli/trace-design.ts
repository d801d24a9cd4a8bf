/**
 * The design a trace is replayed (or drawn) against: the module the user
 * names with --design, else the module the trace records (`#meta.module`,
 * written for a user's design), else the built-in design it names.
 */
import type { AnyDesign } from '../model/design.js';
import { InputError } from '../model/errors.js';
import { traceMeta, type ItfTrace } from '../trace/counterexample.js';
import { builtIn } from './choose.js';
import { loadDesign, splitSpec } from './load.js';
import { existsSync } from 'node:fs';

export async function designOfTrace(trace: ItfTrace, file: string, override?: string): Promise<AnyDesign> {
  if (override !== undefined) return (await loadDesign(override)).design;
  const { module, design } = traceMeta(trace);
  try {
    if (module === undefined) return builtIn(design);
    if (!existsSync(splitSpec(module).file)) {
      throw new InputError(`the design module it records, ${module}, is not there; give it with --design PATH`);
    }
    return (await loadDesign(module)).design;
  } catch (e) {
    throw e instanceof InputError ? new InputError(`${file}: ${e.message}`) : e;
  }
}
