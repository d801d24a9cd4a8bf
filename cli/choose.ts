/**
 * What the user named on the command line, checked before any search: the
 * designs (built-in names or modules), and each design's properties,
 * parameters and bug toggles, each refused in one line with the nearest
 * known name when there is one. Names are looked up as own keys only, so
 * that `toString` or `constructor` is nobody's property or parameter.
 */
import { propertyList, type AnyDesign } from '../model/design.js';
import { designs } from '../model/designs/index.js';
import { InputError } from '../model/errors.js';
import { isModuleSpec, loadDesign } from './load.js';
import { knownNames } from './suggest.js';

export interface Chosen {
  readonly design: AnyDesign;
  /** For a design loaded from a module: its absolute path (and `#export`), recorded in traces and reproduce commands. */
  readonly module?: string;
}

export function builtIn(name: string): AnyDesign {
  const found = designs.find((d) => d.name === name);
  if (found === undefined)
    throw new InputError(
      `unknown design '${name}' ${knownNames(
        name,
        designs.map((d) => d.name),
      )}`,
    );
  return found;
}

export async function chooseOne(spec: string): Promise<Chosen> {
  return isModuleSpec(spec) ? loadDesign(spec) : { design: builtIn(spec) };
}

/** `DESIGN...` or `--all`, exactly one of them. */
export async function chooseDesigns(all: boolean, specs: readonly string[], usage: string): Promise<Chosen[]> {
  if (all && specs.length) throw new InputError('give design names or --all, not both');
  if (!all && !specs.length) throw new InputError(`name a design or give --all (${usage})`);
  if (all) return designs.map((design) => ({ design }));
  const out: Chosen[] = [];
  for (const spec of specs) out.push(await chooseOne(spec));
  return out;
}

const own = (record: object | undefined, key: string) => record !== undefined && Object.hasOwn(record, key);

/** A design's property ids, `not applicable` ones included. */
export function propertyIds(d: AnyDesign): string[] {
  return [...propertyList(d).map((p) => p.id), ...Object.keys(d.notApplicable ?? {})];
}

export function hasProperty(d: AnyDesign, id: string): boolean {
  return propertyList(d).some((p) => p.id === id) || own(d.notApplicable, id);
}

/** Parameter and toggle names, with a guess at a misspelt one; values and cross-parameter rules are resolveConfig's. */
export function checkNames(d: AnyDesign, params: Readonly<Record<string, string>>, bugs: readonly string[]): void {
  for (const name of Object.keys(params)) {
    if (!own(d.params, name)) throw new InputError(`design ${d.name} has no parameter '${name}' ${knownNames(name, Object.keys(d.params), 'it has')}`);
  }
  for (const bug of bugs) {
    if (!own(d.bugs, bug)) throw new InputError(`design ${d.name} has no bug toggle '${bug}' ${knownNames(bug, Object.keys(d.bugs), 'it has')}`);
  }
}
