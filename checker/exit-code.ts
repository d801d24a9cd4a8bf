/**
 * The exit code of `pagecheck check` and `pagecheck merge`, from the results
 * of one or more checks (checker/check.ts).
 */
import type { CheckResult } from './result.js';

/**
 * Decided by the properties the designs claim: 1, one is violated; 3, none
 * is, but one was not settled (a search stopped early, a vacuous "holds",
 * or no exhaustive search ran at all: random search proves nothing); 0,
 * every one holds to a completed bound. Unclaimed properties are contrasts
 * and decide nothing, unless only they were checked: then 3 when one of
 * them was not settled (a counterexample settles one), else 0.
 */
export function exitCode(results: readonly CheckResult[]): 0 | 1 | 3 {
  const checked = results.flatMap((r) => r.properties.filter((p) => p.verdict !== 'not-applicable'));
  const claimed = checked.filter((p) => p.claimed);
  if (claimed.some((p) => p.verdict === 'violated')) return 1;
  const judged = claimed.length > 0 ? claimed : checked;
  if (judged.some((p) => p.verdict === 'inconclusive' || p.verdict === 'vacuous')) return 3;
  if (results.some((r) => r.exhaustive === null && r.properties.some((p) => p.verdict !== 'not-applicable'))) return 3;
  // A symmetry declaration found unsound settles nothing about the design, but is not a proof's to pass over.
  if (results.some((r) => r.symmetryCheck?.ok === false)) return 3;
  return 0;
}
