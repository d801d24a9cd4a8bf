// Fuzzing the ITF reader (issue 16 §5): valid traces of the corpus with one
// to three mutations each (itf-mutations.ts), handed to `replay` and
// `explore` in-process as a user's file. The invariants are in harness.ts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzParams, runs, runWellBehaved, timeout } from './harness.js';
import { mutate, mutation, text } from './itf-mutations.js';

const repo = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pagecheck-fuzz-itf-'));

/** Small traces of three families (reflink DAX, pmem crashes, netfs) and a lasso-free deadlock. */
const CORPUS = ['fsdax-1to1/memfail-notify', 'tmpfs-cowflag/single-ownership', 'pmem-nofsync-naive/crash-ordering', 'netfs-mainline/region-exclusion', 'fsdax-shared/deadlock'].map((name) =>
  JSON.parse(readFileSync(join(repo, 'counterexamples', `${name}.itf.json`), 'utf8')),
);

const command = fc.constantFrom(['replay'], ['replay', '--json'], ['replay', '--quiet'], ['explore', '--force', '--out', join(dir, 'page.html')]);
const trace = fc.tuple(fc.nat(CORPUS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }));

const CASES = runs(300, 4_000);
let n = 0;

describe('fuzzed traces', () => {
  it(
    `${CASES} runs: exit 0-3, no stack trace, a rejected trace in one line`,
    async () => {
      await fc.assert(
        fc.asyncProperty(trace, command, async ([which, mutations], words) => {
          const file = join(dir, `t${n++}.itf.json`);
          writeFileSync(file, text(mutations.reduce(mutate, CORPUS[which])));
          // The explorer reads a trace as replay does, and draws it (a page per case would be slow).
          await runWellBehaved(words[0] === 'explore' && n % 8 !== 0 ? ['replay', file] : [words[0], file, ...words.slice(1)]);
        }),
        fuzzParams(CASES),
      );
    },
    timeout(CASES),
  );
});
