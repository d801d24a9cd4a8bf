/**
 * Argument parsing for the subcommands, on node:util's parseArgs, turning
 * every mistake into a one-line InputError.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { AnyDesign } from '../model/design.js';
import { designs, findDesign } from '../model/designs/index.js';
import { InputError } from '../model/errors.js';
import { isReplayPath } from '../engine/random.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: string[];
}

export function parse(args: readonly string[], options: Options, usage: string): Parsed {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    // parseArgs' messages are long and mention its own option names; keep the gist.
    const first = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(first);
    if (ambiguous) throw new InputError(`${ambiguous[1]} needs a value; one that starts with '-' is written ${ambiguous[1]}=-1`);
    const missing = /^Option '(--[\w-]+) <value>' argument missing/.exec(first);
    if (missing) throw new InputError(`${missing[1]} needs a value (usage: ${usage})`);
    const message = first.replace(/\. To specify a positional.*$/, '').replace(/^Unknown option/, 'unknown option');
    throw new InputError(`${message} (usage: ${usage})`);
  }
}

/** A whole number within [min, max], named in the error. */
export function integer(name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const n = Number(text);
  if (text === '' || !Number.isInteger(n)) throw new InputError(`${name} must be a whole number, not '${raw}'`);
  if (n < min || n > max) throw new InputError(`${name} must be within ${min}..${max}, not ${n}`);
  return n;
}

/** `--time 1.5`: seconds, positive. */
export function seconds(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InputError(`${name} must be a positive number of seconds, not '${raw}'`);
  return n;
}

/** `--path 12:3:0:1`: a fast-check counterexample path, whole numbers joined by colons. */
export function replayPath(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (!isReplayPath(text)) throw new InputError(`${name} takes the path a random counterexample reports, whole numbers joined by colons like 12:3:0:1, not '${raw}'`);
  return text;
}

/** `--param k=v` (repeatable) into a record. */
export function keyValues(raw: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of raw ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new InputError(`--param takes NAME=VALUE, not '${item}'`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1);
  }
  return out;
}

/** `DESIGN...` or `--all`, exactly one of them. */
export function chooseDesigns(all: boolean, names: readonly string[], usage: string): AnyDesign[] {
  if (all && names.length) throw new InputError('give design names or --all, not both');
  if (!all && !names.length) throw new InputError(`name a design or give --all (usage: ${usage})`);
  return all ? [...designs] : names.map(findDesign);
}

/** The search options that check and report share: a design, its configuration and the bounds. */
export const searchOptions = {
  all: { type: 'boolean' },
  param: { type: 'string', multiple: true },
  bug: { type: 'string', multiple: true },
  amend: { type: 'string', multiple: true },
  depth: { type: 'string' },
  'max-states': { type: 'string' },
  time: { type: 'string' },
  runs: { type: 'string' },
  steps: { type: 'string' },
  seed: { type: 'string' },
} as const;

/** Those options' values, checked, in the form check() takes. */
export function searchValues(v: Parsed['values']) {
  return {
    params: keyValues(v.param as string[] | undefined),
    amends: (v.amend as string[] | undefined) ?? [],
    depth: integer('--depth', v.depth as string | undefined, 0),
    maxStates: integer('--max-states', v['max-states'] as string | undefined, 1),
    timeSeconds: seconds('--time', v.time as string | undefined),
    runs: integer('--runs', v.runs as string | undefined, 1),
    steps: integer('--steps', v.steps as string | undefined, 1),
    seed: integer('--seed', v.seed as string | undefined, -(2 ** 31), 2 ** 31 - 1),
  };
}
