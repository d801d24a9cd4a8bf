/**
 * `pagecheck explore FILE.itf.json [--out PAGE.html] [--force]`: writes a
 * self-contained page to step through the trace with the keyboard, with the
 * picture and the changes of each step, and prints its path (open it in any
 * browser; nothing is launched). The page goes beside the trace as
 * FILE.html unless --out says where; a file pagecheck did not write is
 * not replaced without --force. Exit 0 when written, 2 on bad input.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { designs } from '../../model/designs/index.js';
import { InputError } from '../../model/errors.js';
import { ItfError } from '../../trace/itf.js';
import { explorerPage } from '../../report/explorer.js';
import type { Command, Io } from '../io.js';
import { parse } from '../args.js';
import { readTrace } from '../trace-file.js';

const usage = `pagecheck explore FILE.itf.json [--out PAGE.html] [--force]

Writes a page to step through the trace (default: FILE.html beside it) and
prints its path. Keys: right/n next, left/p previous, Home first, End or v
the violation. Exit 0 when written, 2 on bad input.`;

const GENERATOR = '<meta name="generator" content="pagecheck explore">';

export function pagePath(trace: string): string {
  return `${trace.replace(/(\.itf)?\.json$/, '')}.html`;
}

async function run(args: readonly string[], io: Io): Promise<number> {
  try {
    const { values: v, positionals } = parse(
      args,
      { out: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } },
      usage.split('\n')[0],
    );
    if (v.help) {
      io.stdout(`${usage}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new InputError('give one trace file: pagecheck explore FILE.itf.json');
    const file = positionals[0];
    const trace = readTrace(file);
    const out = (v.out as string | undefined) ?? pagePath(file);
    if (out === file) throw new InputError(`--out ${out} is the trace itself`);
    if (existsSync(out)) {
      if (!statSync(out).isFile()) throw new InputError(`${out} exists and is not a file`);
      if (!v.force && !readFileSync(out, 'utf8').includes(GENERATOR)) {
        throw new InputError(`${out} exists and was not written by pagecheck explore; give --out elsewhere or --force`);
      }
    }
    // The design's picture hints, when the trace is of a design this build knows; the generic picture otherwise.
    const hints = designs.find((d) => d.name === trace['#meta'].design)?.picture;
    let page: string;
    try {
      page = await explorerPage(trace, hints);
    } catch (e) {
      if (e instanceof ItfError) throw new InputError(`${file}: ${e.message}`);
      throw e;
    }
    writeFileSync(out, page.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n${GENERATOR}`));
    io.stdout(`${out}\n`);
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`pagecheck explore: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

export const exploreCommand: Command = {
  name: 'explore',
  usage,
  summary: 'write a page to step through a trace with the keyboard, with a picture of each state',
  run,
};

export default exploreCommand;
