/**
 * `pagecheck report [DESIGN... | --all] [--format txt|md|html] [--out DIR]`:
 * runs each design's proof checks (default configuration, then each bug
 * toggle) and writes one design-proof document per design and an index.
 * Exit 0 when the documents were written (whatever the verdicts: they are
 * in the documents), 2 on bad input, before anything is written.
 */
import type { Command as Commander } from 'commander';
import { resolveConfig } from '../../model/config.js';
import { InputError } from '../../model/errors.js';
import { FORMATS, renderAll, renderProof, writeAll, checkWritable, type Format } from '../../report/documents.js';
import { prove, type ProveOptions } from '../../report/generate.js';
import type { Command, Io } from '../io.js';
import { addSearchOptions, collect, searchValues, type Options } from '../args.js';
import { checkNames, chooseDesigns } from '../choose.js';
import { blamingModule } from '../load.js';
import { checkOutputDir } from '../output.js';

export const DEFAULT_OUT = 'out/proofs';

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

async function run(operands: readonly string[], o: Options, io: Io): Promise<number> {
  if (o.time !== undefined) throw new InputError("report takes no --time: a document is bounded by --depth and --max-states only, so that it does not depend on the machine's load");
  const picked = await chooseDesigns(Boolean(o.all), operands, 'pagecheck report DESIGN... | --all');
  const chosen = picked.map((c) => c.design);
  const formats = parseFormats(o.format as string[] | undefined);
  const out = (o.out as string | undefined) ?? DEFAULT_OUT;
  const bugs = o.bug as string[] | undefined;
  const { timeSeconds: _unused, ...search } = searchValues(o);
  // Check every design's configuration before the first (long) search.
  for (const { design: d, module } of picked) {
    checkNames(d, search.params, bugs ?? []);
    await blamingModule(module, () => resolveConfig(d, search.params, bugs ?? [], search.amends));
  }
  const options: ProveOptions = {
    ...(bugs ? { bugs } : Object.keys(search.params).length ? { bugs: [] } : {}),
    ...search,
  };
  if (out === '-') {
    if (formats.length !== 1) throw new InputError('--out - prints one format: give --format txt, md or html');
  } else {
    checkOutputDir('--out', out);
    checkWritable(
      out,
      [...chosen.map((d) => `${d.name}.x`), 'index.x'].flatMap((n) => formats.map((f) => n.replace(/x$/, f))),
      Boolean(o.force),
    );
  }

  const proofs: ReturnType<typeof prove>[] = [];
  for (const { design: d, module } of picked) {
    proofs.push(await blamingModule(module, () => prove(d, { ...options, onRun: (title) => io.stderr(`report: ${d.name}: ${title.toLowerCase()}\n`) })));
  }
  if (out === '-') {
    for (const [i, proof] of proofs.entries()) io.stdout(await blamingModule(picked[i].module, () => renderProof(proof, formats[0])));
    return 0;
  }
  const written = writeAll(out, await blamingModule(picked.length === 1 ? picked[0].module : undefined, () => renderAll(proofs, formats)), Boolean(o.force));
  for (const f of written) io.stdout(`${f}\n`);
  return 0;
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'write the design-proof documents (txt, md, html) of designs, with an index',
  define: (c: Commander) =>
    addSearchOptions(c.usage('[DESIGN... | --all] [options]').argument('[design...]', 'built-in design names or design modules (./d.ts, ./d.ts#name)'))
      .option('--format <format>', 'txt, md, html or all (repeatable, or comma separated; default all)', collect)
      .option('--out <dir>', `where to write (default ${DEFAULT_OUT}); - prints one format to stdout, without an index`)
      .option('--force', 'replace documents pagecheck wrote there even if they were changed since (annotated)')
      .addHelpText(
        'after',
        `
Writes DIR/<design>.<format> and DIR/index.<format>. Each document checks the
design's default configuration, then each bug toggle on its own; with --bug or
--param, only that configuration. Searches are bounded by states and depth,
never by time, so the same inputs give the same document on any machine.
Exit 0 when written, 2 on bad input (nothing is written then).`,
      ),
  run,
};

export default reportCommand;
