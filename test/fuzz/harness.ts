/**
 * What every fuzzed run of the CLI must do (issue 16 §5), whatever it was
 * given: exit 0, 1, 2 or 3 (never "internal error", 70, nor a crash); no
 * stack trace anywhere; and on bad input (exit 2) one line on stderr that
 * names the problem. `npm test` runs a few hundred cases with a fixed seed;
 * `npm run fuzz` (PAGECHECK_FUZZ=long) runs at least 10,000, each file its
 * share, from a fresh seed unless PAGECHECK_FUZZ_SEED gives one.
 */
import { expect } from 'vitest';
import { designs } from '../../model/designs/index.js';
import { propertyList } from '../../model/design.js';
import { cli, type Ran } from '../cli/helpers.js';

export const LONG = process.env.PAGECHECK_FUZZ === 'long';

/** Cases for this property: `short` in `npm test`, `long` in `npm run fuzz`. */
export function runs(short: number, long: number): number {
  return LONG ? long : short;
}

/** fast-check's parameters: a fixed seed in `npm test` (a run there fails the same way twice), a fresh one in `npm run fuzz`. */
export function fuzzParams(numRuns: number) {
  const given = process.env.PAGECHECK_FUZZ_SEED;
  const seed = given !== undefined ? Number(given) : LONG ? undefined : 165;
  return { numRuns, ...(seed !== undefined ? { seed } : {}), endOnFailure: true };
}

/** A test's time limit: generous, for the long run on a busy machine. */
export const timeout = (cases: number) => Math.max(120_000, cases * 1_000);

/** The invariants, as expectations; `argv` is shown when one fails. */
export function expectWellBehaved(r: Ran, argv: readonly string[]): void {
  const shown = JSON.stringify(argv);
  const all = r.stdout + r.stderr;
  expect([0, 1, 2, 3], `exit ${r.code} for ${shown}: ${r.stderr}`).toContain(r.code);
  expect(all, `a stack trace for ${shown}`).not.toMatch(/\n\s+at .*[(:]\d+/);
  expect(r.stderr, `an internal error for ${shown}`).not.toMatch(/internal error/);
  if (r.code === 2) {
    // `report` says on stderr which search it runs (`report: lock: default configuration`); the error follows.
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^report: /.test(l));
    expect(lines, `not one line on stderr for ${shown}: ${r.stderr}`).toHaveLength(1);
    // "pagecheck check: unknown option '--frob'": the command, then what is wrong.
    expect(lines[0], `an error that names nothing for ${shown}`).toMatch(/^pagecheck( [a-z]+)?: \S.{3,}/);
    expect(lines[0], `an error that names an object for ${shown}`).not.toMatch(/\[object \w+\]/);
  }
}

export async function runWellBehaved(argv: readonly string[]): Promise<Ran> {
  const r = await cli(...argv);
  expectWellBehaved(r, argv);
  return r;
}

/** The real vocabulary: designs, properties, parameters, toggles and amendments of the built-in designs. */
export const vocabulary = {
  designs: designs.map((d) => d.name),
  properties: [...new Set(designs.flatMap((d) => propertyList(d).map((p) => p.id)))],
  params: [...new Set(designs.flatMap((d) => Object.keys(d.params)))],
  bugs: [...new Set(designs.flatMap((d) => Object.keys(d.bugs)))],
  amends: [...new Set(designs.flatMap((d) => Object.keys(d.amendments ?? {})))],
};

/** Names that live on every object's prototype: a lookup through a plain object finds them. */
export const PROTOTYPE_NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'isPrototypeOf'];

/** Words that are odd as any value: empty, blank, unicode, options where values belong. */
export const ODD_WORDS = ['', ' ', '-', '--', '-1', '0', 'NaN', 'Infinity', '1e3', '0x10', '\u00e9', '\u{1F600}', 'a\u0000b', '\u202e', 'x'.repeat(300), 'a\nb', '--json', '-h'];
