/**
 * `pagecheck new NAME`: writes NAME.ts, a design to start from, and
 * NAME.test.ts, its vitest test, both passing as written (cli/template.ts).
 * NAME may carry a directory (`designs/cow`); existing files are not
 * replaced without --force.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command as Commander } from 'commander';
import { InputError } from '../../model/errors.js';
import type { Options } from '../args.js';
import type { Command, Io } from '../io.js';
import { designTemplate, testTemplate } from '../template.js';

function run(operands: readonly string[], o: Options, io: Io): number {
  const [given] = operands;
  const spec = given.replace(/\.ts$/, '');
  const name = basename(spec);
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new InputError(`'${name}' is not a design name: lower-case letters, digits and '-', starting with a letter`);
  const dir = dirname(spec);
  const files = [join(dir, `${name}.ts`), join(dir, `${name}.test.ts`)];
  for (const f of files) if (existsSync(f) && !o.force) throw new InputError(`${f} exists; not replacing it (give --force to)`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`${dir} is not a directory`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(files[0], designTemplate(name));
  writeFileSync(files[1], testTemplate(name));
  const shown = dir === '.' ? `./${name}.ts` : `${files[0]}`;
  io.stdout(`${files[0]}\n${files[1]}\n`);
  io.stderr(`next: npx pagecheck check ${shown.startsWith('.') || shown.startsWith('/') ? shown : `./${shown}`}   (and npx vitest run ${files[1]})\n`);
  return 0;
}

export const newCommand: Command = {
  name: 'new',
  summary: 'write NAME.ts, a design to start from, and NAME.test.ts, its test',
  define: (c: Commander) => c.argument('<name>', 'the design name (lower case, digits and -), optionally under a directory: designs/cow').option('--force', 'replace the files if they exist'),
  run,
};
