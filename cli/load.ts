/**
 * Users' own designs on the command line: `pagecheck check ./lock.ts` (its
 * default export) or `./lock.ts#lock` (a named one), TypeScript or
 * JavaScript, loaded through jiti, which compiles TypeScript on the fly
 * without a project setup (no tsconfig, no "type": "module" needed) and
 * imports packages natively, so a design's `import ... from 'pagecheck'` is
 * this very module graph and `crashPoint`'s marks are seen by this checker.
 * A design argument is a module when it names a file (a path separator or a
 * script extension); otherwise it is a built-in design's name.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import type { AnyDesign } from '../model/design.js';
import { InputError } from '../model/errors.js';

const SCRIPT = /\.(ts|mts|cts|js|mjs|cjs|tsx|jsx)$/;

export function isModuleSpec(spec: string): boolean {
  const file = spec.replace(/#[^/\\]*$/, '');
  return file.includes('/') || file.includes('\\') || SCRIPT.test(file);
}

/** `./d.ts#lock` into the absolute file and the export it names (`default` when none). */
export function splitSpec(spec: string, cwd = process.cwd()): { file: string; exportName: string } {
  const hash = spec.lastIndexOf('#');
  const named = hash > 0 && !/[/\\]/.test(spec.slice(hash + 1));
  const file = named ? spec.slice(0, hash) : spec;
  return { file: isAbsolute(file) ? file : resolve(cwd, file), exportName: named ? spec.slice(hash + 1) || 'default' : 'default' };
}

/** The fields the engine calls, and what each must be; enough to refuse a module that exports something else in one line. */
const SHAPE: [string, string][] = [
  ['name', 'string'],
  ['init', 'function'],
  ['actions', 'function'],
  ['next', 'object'],
  ['always', 'array'],
  ['sometimes', 'array'],
  ['params', 'object'],
  ['bugs', 'object'],
];

export function notADesign(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `it is ${value === null ? 'null' : typeof value}, not a design`;
  const v = value as Record<string, unknown>;
  for (const [field, type] of SHAPE) {
    const ok = type === 'array' ? Array.isArray(v[field]) : typeof v[field] === type && v[field] !== null;
    if (!ok) return `it has no '${field}' (${type === 'array' ? 'a list' : `a ${type}`}), so it is not a design made with defineDesign`;
  }
  const listed: [string, string][] = [
    ['always', 'check'],
    ['sometimes', 'reached'],
  ];
  for (const [field, fn] of listed) {
    const i = (v[field] as unknown[]).findIndex(
      (p) => typeof p !== 'object' || p === null || typeof (p as Record<string, unknown>).id !== 'string' || typeof (p as Record<string, unknown>)[fn] !== 'function',
    );
    if (i >= 0) return `its ${field}[${i}] is not a property with an id and a ${fn} function`;
  }
  const handler = Object.entries(v.next as object).find(([, h]) => typeof h !== 'function');
  if (handler) return `its next.${handler[0]} is not a function`;
  // The optional fields the checker reads before any search (Design in model/design.ts): absent, or of their type.
  const optional: [string, 'function' | 'object' | 'array'][] = [
    ['label', 'function'],
    ['view', 'function'],
    ['waiting', 'function'],
    ['validate', 'function'],
    ['liveness', 'array'],
    ['claims', 'array'],
    ['amendments', 'object'],
    ['notApplicable', 'object'],
    ['bounds', 'object'],
    ['notes', 'object'],
    ['picture', 'object'],
  ];
  for (const [field, type] of optional) {
    const x = v[field];
    if (x === undefined) continue;
    const ok = type === 'array' ? Array.isArray(x) : typeof x === type && x !== null;
    if (!ok) return `its '${field}' is not ${type === 'array' ? 'a list' : `a ${type}`}`;
  }
  const live = ((v.liveness ?? []) as unknown[]).findIndex((p) => typeof p !== 'object' || p === null || typeof (p as Record<string, unknown>).id !== 'string');
  if (live >= 0) return `its liveness[${live}] is not a property with an id`;
  const param = Object.entries(v.params as object).find(([, p]) => typeof p !== 'object' || p === null || !['default', 'min', 'max'].every((k) => Number.isInteger((p as Record<string, unknown>)[k])));
  if (param) return `its parameter '${param[0]}' is not { default, min, max } in whole numbers`;
  if (!/^[A-Za-z0-9][\w.-]*$/.test(v.name as string)) return `its name '${v.name}' is not a name for the command line (letters, digits, '-', '_', '.')`;
  return undefined;
}

/** The first line of a loader's or a module's own error, without the path of the require stack. */
function gist(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)[0] ?? 'failed'
  );
}

// The package itself, for designs that live outside any node_modules with
// pagecheck in it: built (dist/index.js), or its source when run from a checkout's tests.
const SELF = ['../index.js', '../index.ts'].map((f) => fileURLToPath(new URL(f, import.meta.url))).find((f) => existsSync(f));

// One loader for the process: a module (and pagecheck's own source, when the
// tests run from a checkout) is compiled once however many designs import it.
let loader: ReturnType<typeof createJiti> | undefined;
function jiti(): ReturnType<typeof createJiti> {
  loader ??= createJiti(import.meta.url, {
    // `import ... from 'pagecheck'` is this package, wherever the design lives (SELF).
    ...(SELF !== undefined ? { alias: { pagecheck: SELF } } : {}),
    moduleCache: true,
    fsCache: false,
  });
  return loader;
}

export interface LoadedDesign {
  readonly design: AnyDesign;
  /** The absolute path of the module, with `#name` when the design is a named export: what a trace records. */
  readonly module: string;
}

export async function loadDesign(spec: string, cwd = process.cwd()): Promise<LoadedDesign> {
  const { file, exportName } = splitSpec(spec, cwd);
  if (!existsSync(file)) throw new InputError(`${spec}: no such file`);
  if (!statSync(file).isFile()) throw new InputError(`${spec}: not a file`);
  let mod: Record<string, unknown>;
  try {
    mod = (await jiti().import(file)) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`${spec}: cannot load it: ${gist(e)}`);
  }
  if (typeof mod !== 'object' || mod === null) throw new InputError(`${spec}: the module exports nothing`);
  const names = Object.keys(mod).filter((k) => k !== '__esModule');
  if (!Object.hasOwn(mod, exportName)) {
    const designs = names.filter((k) => k !== 'default' && notADesign(mod[k]) === undefined);
    if (exportName === 'default') {
      throw new InputError(`${spec}: no default export${designs.length ? `; name the design: ${designs.map((k) => `${spec}#${k}`).join(', ')}` : ' and no exported design'}`);
    }
    throw new InputError(`${spec.replace(/#[^#]*$/, '')}: no export '${exportName}' (it exports ${names.join(', ') || 'nothing'})`);
  }
  const value = mod[exportName];
  let wrong: string | undefined;
  try {
    wrong = notADesign(value);
  } catch (e) {
    // A Proxy, or a getter that throws: the module's own code, run by reading the export.
    throw new InputError(`${spec}: reading the ${exportName === 'default' ? 'default export' : `export '${exportName}'`} failed: ${gist(e)}`);
  }
  if (wrong) throw new InputError(`${spec}: the ${exportName === 'default' ? 'default export' : `export '${exportName}'`}: ${wrong}`);
  return { design: value as AnyDesign, module: exportName === 'default' ? file : `${file}#${exportName}` };
}

/** What was thrown, when it is not an Error: `5`, `null`, or an object whose own toString may throw. */
function thrown(e: unknown): string {
  try {
    return oneLineOf(String(e));
  } catch {
    return 'something that is not an Error';
  }
}
const oneLineOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('; ') || 'nothing';

/**
 * Runs a user's design (`module`, undefined for a built-in one): what its
 * own code throws, or what the engine throws on what it returned, is the
 * module's fault, and so bad input in one line naming it, not an internal
 * error. A built-in design's failure stays internal: that is our bug.
 */
export async function blamingModule<T>(module: string | undefined, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (module === undefined || e instanceof InputError) throw e;
    throw new InputError(`${module}: the design failed: ${e instanceof Error ? gist(e) : `it threw ${thrown(e)}`}`);
  }
}
