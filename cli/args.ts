/**
 * Option values, checked: each mistake becomes a one-line InputError naming
 * the option. Commander (cli/program.ts) splits the words; what a value must
 * be is said here, once for every command that takes it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Command as Commander } from 'commander';
import type { AnyDesign } from '../model/design.js';
import { designs, findDesign } from '../model/designs/index.js';
import { InputError } from '../model/errors.js';
import { isReplayPath } from '../engine/random.js';

/** Commander's accumulator for a repeatable option (`--bug a --bug b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--depth --json`: commander takes the next word as the value whatever it is; a word that is an option was a value forgotten. */
function forgotten(name: string, text: string): void {
  if (/^--[a-z]/.test(text)) throw new InputError(`${name} needs a value, but is followed by the option ${text}`);
}

/** A whole number within [min, max], named in the error. A negative one may be written `--seed -5` or `--seed=-5`. */
export function integer(name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  forgotten(name, text);
  const n = Number(text);
  if (text === '' || !/^[-+]?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new InputError(`${name} must be a whole number, not '${raw}'`);
  if (n < min || n > max) throw new InputError(max === Number.MAX_SAFE_INTEGER ? `${name} must be at least ${min}, not ${n}` : `${name} must be within ${min}..${max}, not ${n}`);
  return n;
}

/** `--time 1.5`: seconds, positive. */
export function seconds(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  forgotten(name, raw.trim());
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

/**
 * `--param k=v` (repeatable) into a record without a prototype, so that
 * `__proto__=5` is a key like any other (and refused as no parameter)
 * rather than an assignment to the record's prototype.
 */
export function keyValues(raw: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const item of raw ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new InputError(`--param takes NAME=VALUE, not '${item}'`);
    Object.defineProperty(out, item.slice(0, eq).trim(), { value: item.slice(eq + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The configuration and bounds that check and report share. */
export function addSearchOptions(c: Commander): Commander {
  return c
    .option('--all', 'every built-in design')
    .option('--param <name=value>', 'set a parameter (repeatable)', collect)
    .option('--bug <name>', 'turn a bug toggle on (repeatable)', collect)
    .option('--amend <name>', 'apply an amendment of the design (repeatable)', collect)
    .option('--depth <n>', 'explore histories of at most N actions')
    .option('--max-states <n>', 'stop (inconclusive) after N distinct states')
    .option('--time <s>', 'stop each search (inconclusive) after S seconds')
    .option('--runs <n>', 'random runs')
    .option('--steps <n>', 'actions per random run')
    .option('--seed <n>', 'seed of the random search (a negative one as --seed -5 or --seed=-5)');
}

/** Commander's options, as a record of what it parsed (camelCase keys). */
export type Options = Readonly<Record<string, unknown>>;

const str = (v: unknown) => v as string | undefined;

/** Those options' values, checked, in the form check() takes. */
export function searchValues(o: Options) {
  return {
    params: keyValues(o.param as string[] | undefined),
    amends: (o.amend as string[] | undefined) ?? [],
    depth: integer('--depth', str(o.depth), 0),
    maxStates: integer('--max-states', str(o.maxStates ?? o['max-states']), 1),
    timeSeconds: seconds('--time', str(o.time)),
    runs: integer('--runs', str(o.runs), 1),
    steps: integer('--steps', str(o.steps), 1),
    seed: integer('--seed', str(o.seed), -(2 ** 31), 2 ** 31 - 1),
  };
}

// Legacy, for a command written against the parseArgs interface before
// commander (cli/program.ts runs such a command with its raw words):
// TODO(merge of the conform branch): move cli/commands/conform.ts onto
// `define`/`run` as the other commands are, then delete these three.
export function parse(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>, usage: string) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true }) as {
      values: Record<string, string | boolean | string[] | undefined>;
      positionals: string[];
    };
  } catch (e) {
    const first = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new InputError(`${first.replace(/\. To specify a positional.*$/, '').replace(/^Unknown option/, 'unknown option')} (usage: ${usage})`);
  }
}
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
export function chooseDesigns(all: boolean, names: readonly string[], usage: string): AnyDesign[] {
  if (all && names.length) throw new InputError('give design names or --all, not both');
  if (!all && !names.length) throw new InputError(`name a design or give --all (usage: ${usage})`);
  return all ? [...designs] : names.map(findDesign);
}
