// Fuzzing the argument parser (issue 16 §5): argument vectors built from the
// real vocabulary (commands, options, design names, properties, toggles,
// parameters with odd values, prototype names, unicode, empty strings,
// negative numbers; argv-arbitraries.ts), run in-process. The invariants are
// in harness.ts; this file adds that random search alone never exits 0.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argv, bounded, modeOf, setUpFiles } from './argv-arbitraries.js';
import { fuzzParams, runs, runWellBehaved, timeout } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'pagecheck-fuzz-argv-'));
const cwd = process.cwd();
beforeAll(async () => {
  process.chdir(dir);
  await setUpFiles();
});
afterAll(() => process.chdir(cwd));

const CASES = runs(300, 6_000);

describe('fuzzed argument vectors', () => {
  it(
    `${CASES} runs: exit 0-3, no stack trace, bad input in one line; random search alone never exits 0`,
    async () => {
      await fc.assert(
        fc.asyncProperty(argv, async (words) => {
          const full = bounded(words);
          const r = await runWellBehaved(full);
          if (full[0] === 'check' && modeOf(full) === 'random' && !full.includes('--help') && !full.includes('-h')) {
            expect(r.code, `random search alone exited 0: ${JSON.stringify(full)}`).not.toBe(0);
          }
        }),
        fuzzParams(CASES),
      );
    },
    timeout(CASES),
  );
});
