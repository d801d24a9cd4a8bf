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
import { chooseDesigns, integer, keyValues, parse, seconds } from '../args.js';

export const DEFAULT_OUT = 'out/proofs';

const usage = `pagecheck report [DESIGN... | --all] [--format txt|md|html|all] [--out DIR|-]
    [--bug NAME]... [--param K=V]... [--depth N] [--max-states N]
    [--time SECONDS] [--runs N] [--steps N] [--seed N]

Writes DIR/<design>.<format> and DIR/index.<format> (default DIR: ${DEFAULT_OUT},
default format: all three). Each document checks the design's default
configuration, then each bug toggle on its own; with --bug or --param, only
that configuration. --out - prints one format to stdout, without an index.
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
      {
        all: { type: 'boolean' },
        help: { type: 'boolean' },
        format: { type: 'string', multiple: true },
        out: { type: 'string' },
        bug: { type: 'string', multiple: true },
        param: { type: 'string', multiple: true },
        depth: { type: 'string' },
        'max-states': { type: 'string' },
        time: { type: 'string' },
        runs: { type: 'string' },
        steps: { type: 'string' },
        seed: { type: 'string' },
      },
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
    const params = keyValues(v.param as string[] | undefined);
    // Check every design's configuration before the first (long) search.
    for (const d of chosen) resolveConfig(d, params, bugs ?? []);
    const options: ProveOptions = {
      ...(bugs ? { bugs } : Object.keys(params).length ? { bugs: [] } : {}),
      params,
      depth: integer('--depth', v.depth as string | undefined, 0),
      maxStates: integer('--max-states', v['max-states'] as string | undefined, 1),
      timeSeconds: seconds('--time', v.time as string | undefined),
      runs: integer('--runs', v.runs as string | undefined, 1),
      steps: integer('--steps', v.steps as string | undefined, 1),
      seed: integer('--seed', v.seed as string | undefined, -(2 ** 31), 2 ** 31 - 1),
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
