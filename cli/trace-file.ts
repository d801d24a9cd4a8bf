/** Reading a trace file the user names: every failure is a one-line InputError. */
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import { parseItf, type ItfTrace } from '../trace/counterexample.js';
import { ItfError } from '../trace/itf.js';

/** Far beyond any trace pagecheck writes (a few hundred KB), and short of what would exhaust the heap. */
const MAX_BYTES = 64 * 2 ** 20;
/** Values nest a few levels in a design's state, a few more in ITF's encoding; the readers recurse. */
const MAX_DEPTH = 200;

/** How deep `json` nests, walked without recursion (a trace 3,000 levels deep is a 6 KB file). */
function depthOf(json: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[json, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > deepest) deepest = d;
    if (d > MAX_DEPTH) return d;
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, d + 1]);
  }
  return deepest;
}

export function readTrace(file: string): ItfTrace {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_BYTES) throw new InputError(`${file}: ${Math.round(size / 2 ** 20)} MB is not a pagecheck trace (they are a few hundred KB; at most ${MAX_BYTES / 2 ** 20} MB is read)`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (depthOf(json) > MAX_DEPTH) throw new InputError(`${file}: values nest more than ${MAX_DEPTH} levels deep, which no pagecheck trace does`);
  try {
    return parseItf(json);
  } catch (e) {
    if (e instanceof ItfError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
}
