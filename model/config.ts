/**
 * Turns what a user typed (`--param F=3`, `--bug no-cow`) into a design's
 * Config, or a one-line InputError naming what is wrong.
 */
import type { AnyDesign, Config } from './design.js';
import { InputError } from './errors.js';

export function defaultConfig(design: AnyDesign): Config {
  return resolveConfig(design, {}, []);
}

export function resolveConfig(design: AnyDesign, params: Readonly<Record<string, string | number | undefined>>, bugs: readonly string[], amends: readonly string[] = []): Config {
  const values: Record<string, number> = {};
  for (const [name, spec] of Object.entries(design.params)) values[name] = spec.default;
  for (const [name, raw] of Object.entries(params)) {
    // A parameter left undefined (`{ F: undefined }` in a typed options object) keeps its default.
    if (raw === undefined) continue;
    const spec = Object.hasOwn(design.params, name) ? design.params[name] : undefined;
    if (spec === undefined) {
      const known = Object.keys(design.params);
      throw new InputError(`design ${design.name} has no parameter '${name}' (${known.length ? `it has ${known.join(', ')}` : 'it has none'})`);
    }
    const text = String(raw).trim();
    const value = Number(text);
    if (text === '' || !Number.isInteger(value)) {
      throw new InputError(`parameter ${name} of ${design.name} must be an integer, not '${raw}'`);
    }
    if (value < spec.min || value > spec.max) {
      throw new InputError(`parameter ${name} of ${design.name} must be within ${spec.min}..${spec.max}, not ${value}`);
    }
    values[name] = value;
  }
  const invalid = design.validate?.(values);
  // A design's validate() says what is wrong in a line, or nothing; anything else (a user's module) is its mistake, said as such.
  if (invalid !== undefined && typeof invalid !== 'string')
    throw new InputError(`design ${design.name}: its validate() returned ${invalid === null ? 'null' : `a ${typeof invalid}`}, not a message or undefined`);
  if (invalid !== undefined) throw new InputError(`design ${design.name}: ${invalid.split('\n')[0]}`);
  for (const bug of bugs) {
    if (!Object.hasOwn(design.bugs, bug)) {
      const known = Object.keys(design.bugs);
      throw new InputError(`design ${design.name} has no bug toggle '${bug}' (${known.length ? `it has ${known.join(', ')}` : 'it has none'})`);
    }
  }
  const amendments = design.amendments ?? {};
  for (const name of amends) {
    if (!Object.hasOwn(amendments, name)) {
      const known = Object.keys(amendments);
      throw new InputError(`design ${design.name} has no amendment '${name}' (${known.length ? `it has ${known.join(', ')}` : 'it has none'})`);
    }
  }
  return { params: values, bugs: new Set(bugs), amends: new Set(amends) };
}

/** `F=2 B=2`, `bugs: no-cow` and `amended: ...`, for headers and file metadata. */
export function describeConfig(cfg: Config): string {
  const params = Object.entries(cfg.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const bugs = [...cfg.bugs].join(', ');
  const amends = [...(cfg.amends ?? [])].join(', ');
  return [params || '(no parameters)', ...(bugs ? [`bugs: ${bugs}`] : []), ...(amends ? [`amended: ${amends}`] : [])].join('; ');
}
