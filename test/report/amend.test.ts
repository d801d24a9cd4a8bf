/**
 * "What it takes" in the design proofs: the proposal's counterexamples, each
 * amendment alone and all together, each with its verdicts and bound; the
 * index's matrix sets the proposal and the amended design side by side. A
 * vacuous "holds" stays vacuous there, as everywhere.
 */
import { describe, expect, it } from 'vitest';
import { findDesign } from '../../model/designs/index.js';
import { proofConfigs, prove } from '../../report/generate.js';
import { indexHtml, proofHtml } from '../../report/html.js';
import { indexMarkdown, proofMarkdown } from '../../report/md.js';
import { claimedOutcome, matrixRows } from '../../report/proof.js';
import { indexText, proofText } from '../../report/txt.js';
import { counter } from '../fixtures/amended-counter.js';

const options = { runs: 5, steps: 5 };

describe('What it takes', () => {
  const proof = prove(counter, options);

  it('runs the proposal, then each amendment alone, then all together', () => {
    expect(proof.runs.map((r) => r.title)).toEqual([
      'Default configuration',
      'Amended: step-two',
      'Amended: start-at-one',
      'Amended: stop-at-one',
      'Amended: step-two, start-at-one, stop-at-one (all together)',
    ]);
    expect(proof.runs.map((r) => r.result.amends)).toEqual([[], ['step-two'], ['start-at-one'], ['stop-at-one'], ['step-two', 'start-at-one', 'stop-at-one']]);
    expect(proofConfigs(findDesign('pmem-nofsync-naive')).map((c) => c.title)).toEqual([
      'Default configuration',
      'With bug toggle promise-before-sync',
      'With bug toggle unordered-zeroing',
      'Amended: ordered-split',
      'Amended: journalled-split',
      'Amended: ordered-split, journalled-split (all together)',
    ]);
  });

  it("the text document shows the counterexamples, the amendments with their sources, and each run's verdicts and bound", () => {
    const text = proofText(proof);
    // The text is wrapped at 72 columns: compare it as words.
    const section = text.slice(text.indexOf('What it takes\n'), text.indexOf('\n1. Default configuration')).replace(/\s+/g, ' ');
    expect(section).toContain('As proposed (1. Default configuration): Claimed properties still violated: not-three.');
    expect(section).toContain('not-three: VIOLATED (3 actions): the counter shows 3 inc(); inc(); inc()');
    expect(section).toContain("step-two: count by two (cites the fixture's own rule)");
    expect(section).toContain('start-at-one: start at one (proposed by nobody: the smallest change the counterexamples point to (no trace at all))');
    expect(section).toContain(
      'Amended: step-two (2.): Bound: 3 states, 2 transitions, depth 2; complete (the whole reachable state space). not-three: holds (bound complete) Every claimed property holds to the bound',
    );
    expect(section).toContain(
      'Amended: start-at-one (3.): Bound: 3 states, 2 transitions, depth 2; NOT complete (stopped by finding a violation of every property). not-three: VIOLATED (2 actions) Claimed properties still violated: not-three.',
    );
    // A vacuous "holds" is never shown as holding.
    expect(section).toContain(
      'Amended: stop-at-one (4.): Bound: 2 states, 1 transitions, depth 1; complete (the whole reachable state space). not-three: holds (vacuous: goal two not reached) No claimed property violated, but not settled: not-three (vacuous). This is not a proof.',
    );
    expect(text).toContain('Configuration: (none); no bug toggles; amended: step-two');
  });

  it('a design without amendments has no such section', () => {
    const plain = prove(findDesign('bench-reflink-cow'), { ...options, bugs: [] });
    expect(proofText(plain)).not.toContain('What it takes');
    expect(matrixRows([plain]).map((r) => r.amended)).toEqual([undefined, undefined]);
  });

  it('Markdown and HTML carry the same section', async () => {
    expect(proofMarkdown(proof)).toMatch(/## What it takes[\s\S]*\| \[Amended: stop-at-one\]\(#amended-stop-at-one\) \| holds \(vacuous: goal two not reached\) \|/);
    expect(await proofHtml(proof)).toMatch(/<h2 id="what-it-takes">What it takes<\/h2>[\s\S]*<td class="vacuous">holds \(vacuous: goal two not reached\)<\/td>/);
  });

  it('the index sets the proposal beside all amendments together, per claimed property', () => {
    const plain = prove(findDesign('bench-reflink-cow'), { ...options, bugs: [] });
    const entries = [
      { proof, file: 'amended-counter.txt' },
      { proof: plain, file: 'bench-reflink-cow.txt' },
    ];
    const rows = matrixRows(entries.map((e) => e.proof));
    expect(rows.map((r) => [r.design, r.property, r.proposal.verdict, r.amended?.verdict ?? null, r.amends])).toEqual([
      ['amended-counter', 'not-three', 'violated', 'vacuous', ['step-two', 'start-at-one', 'stop-at-one']],
      ['bench-reflink-cow', 'accounting', 'holds', null, []],
      ['bench-reflink-cow', 'free-zeroed', 'holds', null, []],
    ]);
    const text = indexText(entries).replace(/\s+/g, ' ');
    expect(text).toContain('amended-counter not-three: as proposed VIOLATED (3 actions); amended (step-two, start-at-one, stop-at-one): holds (vacuous: goal two not reached)');
    expect(text).toContain('bench-reflink-cow accounting: as proposed holds (bound complete); no amendments');
    expect(indexMarkdown(entries)).toContain(
      '| [amended-counter](amended-counter.txt) | `not-three` | VIOLATED (3 actions) | holds (vacuous: goal two not reached) | `step-two`, `start-at-one`, `stop-at-one` |',
    );
    expect(indexHtml(entries)).toContain('<td class="vacuous">holds (vacuous: goal two not reached)</td>');
  });

  it('an amended run that is violated or unsettled says so, never that it holds', () => {
    const run = proof.runs[2];
    expect(claimedOutcome(run)).toBe('Claimed properties still violated: not-three.');
  });
});
