/**
 * A run of a design's committed proof (docs/proofs/NAME.json), for tests that
 * assert what a search at a design's default bound finds. `npm run proofs`
 * makes those searches, some of them minutes long; the tests read what it
 * found instead of searching again, and refuse data made from other inputs
 * than the current code (the hash test/proofs.test.ts checks too), so the
 * assertion is about this code's search, not an old one.
 */
import { join } from 'node:path';
import type { CheckResult } from '../checker/result.js';
import type { AnyDesign } from '../model/design.js';
import { PROOFS_DIR } from '../report/documents.js';
import { proofSettings } from '../report/generate.js';
import { inputsHash, packageRoot } from '../report/inputs.js';
import { readProofData } from '../report/proof-data.js';

export function proofRun(design: AnyDesign, title: string): CheckResult {
  const data = readProofData(join(packageRoot(), PROOFS_DIR), design.name);
  if (data === undefined) throw new Error(`docs/proofs/${design.name}.json is missing: run 'npm run proofs'`);
  if (data.inputs !== inputsHash(design.name, proofSettings(design))) throw new Error(`docs/proofs/${design.name}.json is stale: run 'npm run proofs' and commit the result`);
  const run = data.runs.find((r) => r.title === title);
  if (run === undefined) throw new Error(`docs/proofs/${design.name}.json has no run '${title}' (it has: ${data.runs.map((r) => r.title).join('; ')})`);
  return run.result;
}
