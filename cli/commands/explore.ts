/**
 * `pagecheck explore FILE.itf.json [--out PAGE.html] [--force]`: writes a
 * self-contained page to step through the trace with the keyboard, with the
 * picture and the changes of each step, and prints its path (open it in any
 * browser; nothing is launched). The page goes beside the trace as
 * FILE.html unless --out says where; a file pagecheck did not write is
 * not replaced without --force. Exit 0 when written, 2 on bad input.
 */
import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command as Commander } from 'commander';
import { designs } from '../../model/designs/index.js';
import { InputError } from '../../model/errors.js';
import { ItfError } from '../../trace/itf.js';
import { traceMeta } from '../../trace/counterexample.js';
import { explorerPage } from '../../report/explorer.js';
import type { Options } from '../args.js';
import type { Command, Io } from '../io.js';
import { blamingModule, loadDesign } from '../load.js';
import { readTrace } from '../trace-file.js';

const GENERATOR = '<meta name="generator" content="pagecheck explore">';

function samePath(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

export function pagePath(trace: string): string {
  return `${trace.replace(/(\.itf)?\.json$/, '')}.html`;
}

async function run(operands: readonly string[], o: Options, io: Io): Promise<number> {
  const [file] = operands;
  const trace = readTrace(file);
  const out = (o.out as string | undefined) ?? pagePath(file);
  // The same file however it is spelt (./a/../t.itf.json, a symlink): never written over, --force or not.
  if (samePath(out, file)) throw new InputError(`--out ${out} is the trace itself`);
  if (existsSync(out)) {
    if (!statSync(out).isFile()) throw new InputError(`${out} exists and is not a file`);
    if (!o.force && !readFileSync(out, 'utf8').includes(GENERATOR)) {
      throw new InputError(`${out} exists and was not written by pagecheck explore; give --out elsewhere or --force`);
    }
  }
  // The design's picture hints: from --design or the module the trace records, or the built-in design it names; the generic picture otherwise.
  const spec = (o.design as string | undefined) ?? traceMeta(trace).module;
  const hints =
    spec !== undefined && (o.design !== undefined || existsSync(spec.replace(/#[^#/]*$/, '')))
      ? (await loadDesign(spec)).design.picture
      : designs.find((d) => d.name === traceMeta(trace).design)?.picture;
  let page: string;
  try {
    page = await blamingModule(spec, () => explorerPage(trace, hints));
  } catch (e) {
    if (e instanceof ItfError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
  writeFileSync(out, page.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n${GENERATOR}`));
  io.stdout(`${out}\n`);
  return 0;
}

export const exploreCommand: Command = {
  name: 'explore',
  summary: 'write a page to step through a trace with the keyboard, with a picture of each state',
  define: (c: Commander) =>
    c
      .argument('<file>', 'a trace pagecheck wrote (FILE.itf.json)')
      .option('--out <page>', 'where to write the page (default: FILE.html beside the trace)')
      .option('--force', 'replace a file pagecheck did not write')
      .option('--design <module>', "the design module whose picture hints to use, when the trace's recorded module has moved")
      .addHelpText('after', "\nPrints the page's path. Keys: right/n next, left/p previous, Home first,\nEnd or v the violation. Exit 0 when written, 2 on bad input."),
  run,
};

export default exploreCommand;
