/**
 * `pagecheck merge RESULT.json...`: folds the `check --shard K/N --json`
 * documents of one search's shards into the result of the whole search
 * (checker/merge.ts), printed as `check` prints one, with its exit code.
 */
import { readFileSync } from 'node:fs';
import type { Command as Commander } from 'commander';
import { exitCode } from '../../checker/exit-code.js';
import type { CheckResult } from '../../checker/result.js';
import { merge } from '../../checker/merge.js';
import { withoutTimings } from '../../checker/timings.js';
import { InputError } from '../../model/errors.js';
import type { Options } from '../args.js';
import { closingLine, formatResult, verdictTable } from '../format.js';
import type { Command, Io } from '../io.js';
import { version } from '../version.js';

function resultsOf(file: string): CheckResult[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = e instanceof SyntaxError ? 'is not JSON' : `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    throw new InputError(`${file} ${why}`);
  }
  // `null` and a list are JSON too; neither has results.
  const results = typeof doc === 'object' && doc !== null ? (doc as { results?: unknown }).results : undefined;
  if (!Array.isArray(results) || !results.every((r) => typeof r === 'object' && r !== null && typeof (r as CheckResult).design === 'string')) {
    throw new InputError(`${file} is not the output of pagecheck check --json`);
  }
  return results as CheckResult[];
}

async function run(operands: readonly string[], o: Options, io: Io): Promise<number> {
  if (operands.length === 0) throw new InputError("give the shards' results: pagecheck merge shard-0.json shard-1.json ...");
  // Each document may hold several designs (check --all --shard K/N): one merge per design.
  const byDesign = new Map<string, CheckResult[]>();
  for (const file of operands) for (const r of resultsOf(file)) byDesign.set(r.design, [...(byDesign.get(r.design) ?? []), r]);
  const merged = [...byDesign.values()].map((shards) => merge(shards));
  const code = exitCode(merged);
  if (o.json) {
    const shown = o.timings === false ? merged.map((m) => ({ ...withoutTimings(m), merged: m.merged })) : merged;
    io.stdout(JSON.stringify({ pagecheck: version(), exitCode: code, results: shown }, null, 2) + '\n');
    return code;
  }
  for (const m of merged) {
    const missing = m.merged.missing.length ? `; missing: ${m.merged.missing.map((k) => `${k}/${m.merged.count}`).join(', ')}` : '';
    io.stdout(`${formatResult(m)}\n  shards: ${m.merged.present.length} of ${m.merged.count}${missing}\n\n`);
  }
  if (merged.length > 1) io.stdout(verdictTable(merged) + '\n');
  io.stdout(closingLine(merged, code) + '\n');
  return code;
}

export const mergeCommand: Command = {
  name: 'merge',
  summary: "fold the results of a search's shards (check --shard K/N --json) into one",
  define: (c: Commander) =>
    c
      .argument('<result...>', 'the JSON documents of check --shard K/N --json, one per shard')
      .option('--json', 'print one JSON document on stdout')
      .option('--no-timings', 'leave the timing fields out of --json')
      .addHelpText(
        'after',
        '\nA property holds only when every shard 0..N-1 is given and completed its bound;\nshards of different designs, parameters or N are refused (exit 2). See docs/scale-out.md.',
      ),
  run,
};
