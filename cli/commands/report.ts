/**
 * `pagecheck report [DESIGN... | --all] [--format txt|md|html] [--out DIR]`:
 * runs each design's proof checks (default configuration, then each bug
 * toggle) and writes one design-proof document per design and an index.
 * Exit 0 when the documents were written (whatever the verdicts: they are
 * in the documents), 2 on bad input, before anything is written.
 */
import { resolveConfig } from '../../model/config.js';
import { InputError } from '../../model/errors.js';
import { FORMATS, renderAll, renderProof, writeAll, checkWritable, type Format } from '../../report/documents.js';
import { prove, type ProveOptions } from '../../report/generate.js';
import type { Command, Io } from '../io.js';
import { chooseDesigns, parse, searchOptions, searchValues } from '../args.js';

export const DEFAULT_OUT = 'out/proofs';

const usage = `pagecheck report [DESIGN... | --all] [--format txt|md|html|all] [--out DIR|-]
    [--bug NAME]... [--param K=V]... [--depth N] [--max-states N]
    [--runs N] [--steps N] [--seed N]

Writes DIR/<design>.<format> and DIR/index.<format> (default DIR: ${DEFAULT_OUT},
default format: all three). Each document checks the design's default
configuration, then each bug toggle on its own; with --bug or --param, only
that configuration. Searches are bounded by states and depth, never by time,
so the same inputs give the same document on any machine. --out - prints one format to stdout, without an index.
Exit 0 when written, 2 on bad input (nothing is written then).`;

function parseFormats(values: readonly string[] | undefined): Format[] {
  if (!values) return [...FORMATS];
  const out: Format[] = [];
  for (const v of values.flatMap((x) => x.split(','))) {
    if (v === 'all') out.push(...FORMATS);
    else if ((FORMATS as readonly string[]).includes(v)) out.push(v as Format);
    else throw new InputError(`unknown format '${v}' (txt, md, html or all)`);
  }
  return [...new Set(out)];
}

async function run(args: readonly string[], io: Io): Promise<number> {
  try {
    const { values: v, positionals } = parse(
      args,
      { ...searchOptions, help: { type: 'boolean' }, format: { type: 'string', multiple: true }, out: { type: 'string' } },
      usage.split('\n')[0],
    );
    if (v.help) {
      io.stdout(`${usage}\n`);
      return 0;
    }
    const chosen = chooseDesigns(Boolean(v.all), positionals, usage.split('\n')[0]);
    const formats = parseFormats(v.format as string[] | undefined);
    const out = (v.out as string | undefined) ?? DEFAULT_OUT;
    const bugs = v.bug as string[] | undefined;
    if (v.time !== undefined) throw new InputError('report takes no --time: a document is bounded by --depth and --max-states only, so that it does not depend on the machine\'s load');
    const { timeSeconds: _unused, ...search } = searchValues(v);
    // Check every design's configuration before the first (long) search.
    for (const d of chosen) resolveConfig(d, search.params, bugs ?? [], search.amends);
    const options: ProveOptions = {
      ...(bugs ? { bugs } : Object.keys(search.params).length ? { bugs: [] } : {}),
      ...search,
    };
    if (out === '-') {
      if (formats.length !== 1) throw new InputError('--out - prints one format: give --format txt, md or html');
    } else {
      checkWritable(out, [...chosen.map((d) => `${d.name}.x`), 'index.x'].flatMap((n) => formats.map((f) => n.replace(/x$/, f))));
    }

    const proofs = chosen.map((d) =>
      prove(d, { ...options, onRun: (title) => io.stderr(`report: ${d.name}: ${title.toLowerCase()}\n`) }),
    );
    if (out === '-') {
      for (const proof of proofs) io.stdout(await renderProof(proof, formats[0]));
      return 0;
    }
    const written = writeAll(out, await renderAll(proofs, formats));
    for (const f of written) io.stdout(`${f}\n`);
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`pagecheck report: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

export const reportCommand: Command = {
  name: 'report',
  usage,
  summary: 'write the design-proof documents (txt, md, html) of designs, with an index',
  run,
};

export default reportCommand;
