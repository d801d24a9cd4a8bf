/** Reading a trace file the user names: every failure is a one-line InputError. */
import { readFileSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import { parseItf, type ItfTrace } from '../trace/counterexample.js';
import { ItfError } from '../trace/itf.js';

export function readTrace(file: string): ItfTrace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  try {
    return parseItf(json);
  } catch (e) {
    if (e instanceof ItfError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
}
