/**
 * The few option forms the report and explore commands take (`--out DIR`,
 * `--bug NAME` repeated, `--param K=V`), parsed strictly: an unknown option
 * or a missing value is a one-line InputError, never a guess.
 */
import { InputError } from '../../model/errors.js';

export interface Parsed {
  readonly positional: string[];
  readonly flags: Set<string>;
  readonly values: Map<string, string[]>;
}

export function parseOptions(args: readonly string[], withValue: readonly string[], flags: readonly string[]): Parsed {
  const out: Parsed = { positional: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--') || arg === '--') {
      out.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (flags.includes(name) && eq < 0) {
      out.flags.add(name);
    } else if (withValue.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new InputError(`--${name} needs a value`);
      out.values.set(name, [...(out.values.get(name) ?? []), value]);
    } else {
      throw new InputError(`unknown option ${arg}`);
    }
  }
  return out;
}

export function one(p: Parsed, name: string): string | undefined {
  const v = p.values.get(name);
  if (v && v.length > 1) throw new InputError(`--${name} given more than once`);
  return v?.[0];
}

export function integer(p: Parsed, name: string, min: number): number | undefined {
  const v = one(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InputError(`--${name} must be an integer >= ${min}, not '${v}'`);
  return n;
}
