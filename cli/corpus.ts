/**
 * `npm run corpus`: regenerates counterexamples/ from the built-in designs'
 * own default exhaustive checks (seed 1), every design in a process of its
 * own as the proofs are. Each design's traces and renderings are replaced,
 * and those of properties it no longer violates removed; reviews
 * (`*.review.md`, report/reviews.ts) are kept, and the corpus test then says
 * which of them judged a history that is gone. `npm run corpus -- NAME...`
 * redoes only those designs.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check } from '../checker/check.js';
import type { CheckResult } from '../checker/result.js';
import { saveCounterexamples } from './save.js';
import { designs, findDesign } from '../model/designs/index.js';
import { inWorkers } from '../report/workers.js';

const CORPUS = 'counterexamples';
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--one') {
  // No time limit: the corpus must not depend on the machine's load.
  const result = check(findDesign(process.argv[3]), { mode: 'exhaustive', seed: 1, timeSeconds: Infinity });
  process.send!(result, () => process.exit(0));
} else {
  const wanted = process.argv.slice(2);
  for (const name of wanted) findDesign(name);
  const results: CheckResult[] = [];
  await inWorkers<string, CheckResult>(
    self,
    wanted.length ? wanted : designs.map((d) => d.name),
    (name) => [name],
    (_name, r) => results.push(r),
  );
  for (const r of results) {
    const dir = join(CORPUS, r.design);
    const kept = new Set(Object.keys(r.counterexamples));
    if (existsSync(dir)) {
      for (const f of readdirSync(dir)) {
        const m = /^(.+)\.(itf\.json|txt)$/.exec(f);
        if (m && !kept.has(m[1])) rmSync(join(dir, f));
      }
    }
    saveCounterexamples(CORPUS, r);
    process.stdout.write(`${r.design}: ${[...kept].join(', ') || 'no counterexample'}\n`);
  }
}
