/**
 * `--save DIR`: counterexamples to DIR/<design>/<property>.itf.json with the
 * text rendering beside them. A file already there is replaced only if it is
 * pagecheck's own trace of the same design and property (or its rendering);
 * anything else is the user's, and the command refuses before searching.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CheckResult } from '../checker/check.js';
import type { ItfTrace } from '../trace/counterexample.js';
import { InputError } from '../model/errors.js';
import { renderText } from '../trace/render.js';
import { wrapText } from '../report/wrap.js';

export function tracePath(dir: string, design: string, property: string): string {
  return join(dir, design, `${property}.itf.json`);
}

function textPath(itf: string): string {
  return itf.replace(/\.itf\.json$/, '.txt');
}

function isOwnTrace(file: string, design: string, property: string): boolean {
  try {
    const meta = JSON.parse(readFileSync(file, 'utf8'))['#meta'];
    return meta?.design === design && meta?.property === property;
  } catch {
    return false;
  }
}

/** Refuses, before any search, a DIR or target file that is not ours to write. */
export function checkSaveTargets(dir: string, targets: readonly { design: string; property: string }[]): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`--save ${dir}: exists and is not a directory`);
  for (const { design, property } of targets) {
    const itf = tracePath(dir, design, property);
    const txt = textPath(itf);
    if (existsSync(itf) && !isOwnTrace(itf, design, property)) {
      throw new InputError(`--save: ${itf} exists and is not pagecheck's trace of ${design}/${property}; not overwriting it`);
    }
    if (existsSync(txt) && !existsSync(itf)) {
      throw new InputError(`--save: ${txt} exists without its trace; not overwriting it`);
    }
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

/** Writes each counterexample of `result` and records its path in the result. */
export function saveCounterexamples(dir: string, result: CheckResult): void {
  for (const p of result.properties) {
    const trace = result.counterexamples[p.id];
    if (!trace) continue;
    const itf = tracePath(dir, result.design, p.id);
    writeAtomically(itf, JSON.stringify(trace, null, 2) + '\n');
    writeAtomically(textPath(itf), traceText(trace));
    p.file = itf;
  }
}
