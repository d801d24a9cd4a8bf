/**
 * `npm run unreviewed`: the counterexamples the design proofs show that no
 * review judges yet (none beside them, or one of another history), one per
 * line: the review file to write, the trace's steps, the violation and the
 * command that reproduces it. What a reviewer is given; `npm run proofs` then renders the
 * verdicts into the documents.
 */
import { designs } from '../model/designs/index.js';
import { PROOFS_DIR } from './documents.js';
import { readProofData } from './proof-data.js';
import { besideTheDesigns, oneLine, reviewOfRun, reviewPath, traceActions } from './reviews.js';
import { traceMeta } from '../trace/counterexample.js';

let missing = 0;
for (const d of designs) {
  const proof = readProofData(PROOFS_DIR, d.name);
  if (!proof) continue;
  for (const run of proof.runs) {
    const r = run.result;
    for (const p of r.properties) {
      const trace = r.counterexamples[p.id];
      if (!trace || besideTheDesigns(proof.runs, run, p.id)?.shown === false) continue;
      const actions = traceActions(trace);
      const review = reviewOfRun(r, p, trace);
      if (review && !review.stale) continue;
      missing++;
      const file = review?.file ?? reviewPath(r.design, r.bugs, p.id, r.amends ?? []);
      process.stdout.write(`${file}\t${review ? 'stale' : 'missing'}\t${actions.join('; ')}\t${oneLine(p.message ?? '')}\t${traceMeta(trace).reproduce ?? ''}\n`);
    }
  }
}
process.stderr.write(`${missing} counterexample(s) shown without a current review\n`);
