/**
 * `--save DIR`: counterexamples to DIR/<design>/<property>.itf.json with the
 * text rendering beside them. A file already there is replaced only if it is
 * pagecheck's own trace of the same design, property and configuration, as
 * pagecheck wrote it (or its rendering, unchanged); anything else is the
 * user's (another configuration's trace, notes added to a rendering, a
 * trace edited by hand), and the command refuses before searching, unless
 * --force.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CheckResult } from '../checker/result.js';
import { parseItf, traceMeta, type ItfTrace } from '../trace/counterexample.js';
import { checkOutputDir } from './output.js';
import { InputError } from '../model/errors.js';
import { renderText } from '../trace/render.js';
import { wrapText } from '../report/wrap.js';

export function tracePath(dir: string, design: string, property: string): string {
  return join(dir, design, `${property}.itf.json`);
}

function textPath(itf: string): string {
  return itf.replace(/\.itf\.json$/, '.txt');
}

/** The configuration a trace records, as one comparable string. */
export function configKey(c: { params: Readonly<Record<string, number>>; bugs: readonly string[]; amends?: readonly string[] }): string {
  const params = Object.entries(c.params)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [
    params,
    [...c.bugs]
      .sort()
      .map((b) => `--bug ${b}`)
      .join(' '),
    [...(c.amends ?? [])]
      .sort()
      .map((a) => `--amend ${a}`)
      .join(' '),
  ]
    .filter(Boolean)
    .join(' ');
}

/** Why pagecheck may not replace `itf` (and its rendering) with a trace of `design`/`property` under `config`; undefined when it may. */
function refusal(itf: string, design: string, property: string, config: string): string | undefined {
  const txt = textPath(itf);
  if (!existsSync(itf)) return existsSync(txt) ? `${txt} exists without its trace` : undefined;
  let trace: ItfTrace;
  let text: string;
  try {
    text = readFileSync(itf, 'utf8');
    trace = parseItf(JSON.parse(text));
  } catch {
    return `${itf} exists and is not a pagecheck trace`;
  }
  const meta = traceMeta(trace);
  if (meta.design !== design || meta.property !== property) return `${itf} exists and is not pagecheck's trace of ${design}/${property}`;
  const theirs = configKey(meta);
  if (theirs !== config) return `${itf} holds the trace of another configuration (${theirs || 'the defaults'}); give another --save directory`;
  if (text !== JSON.stringify(trace, null, 2) + '\n') return `${itf} was changed since pagecheck wrote it`;
  if (existsSync(txt) && readFileSync(txt, 'utf8') !== traceText(trace)) return `${txt} was changed since pagecheck wrote it`;
  return undefined;
}

/** Refuses, before any search, a DIR or target file that is not ours to write (unless forced: then only DIR itself is checked). */
export function checkSaveTargets(dir: string, targets: readonly { design: string; property: string; config: string }[], force = false): void {
  checkOutputDir('--save', dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`--save ${dir}: exists and is not a directory`);
  if (force) return;
  for (const { design, property, config } of targets) {
    const why = refusal(tracePath(dir, design, property), design, property, config);
    if (why) throw new InputError(`--save: ${why}; not overwriting it (--force replaces it)`);
  }
}

/** The `.txt` beside a saved trace: wrapped at 72 columns like the proofs, for a mail; the reproduce line whole, to paste into a shell. */
export function traceText(trace: ItfTrace): string {
  return wrapText(renderText(trace));
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Records in `result` where each counterexample will be saved, so that the result can be printed before any file is written. */
export function planSave(dir: string, result: CheckResult): void {
  for (const p of result.properties) if (result.counterexamples[p.id]) p.file = tracePath(dir, result.design, p.id);
}

/** Writes each counterexample of `result` and records its path in the result; a file that cannot be written is one line, exit 2. */
export function saveCounterexamples(dir: string, result: CheckResult): void {
  planSave(dir, result);
  for (const p of result.properties) {
    const trace = result.counterexamples[p.id];
    if (!trace) continue;
    const itf = p.file!;
    try {
      writeAtomically(itf, JSON.stringify(trace, null, 2) + '\n');
      writeAtomically(textPath(itf), traceText(trace));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === undefined) throw e;
      throw new InputError(`--save: ${itf} cannot be written (${code})`);
    }
  }
}
