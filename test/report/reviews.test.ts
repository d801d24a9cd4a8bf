/** Reviews beside traces (report/reviews.ts): found by path, and stale once the trace they judged is gone. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alsoWithoutToggle, reviewOf, reviewText } from '../../report/reviews.js';

const root = mkdtempSync(join(tmpdir(), 'pagecheck-reviews-'));
mkdirSync(join(root, 'counterexamples/d/bugs'), { recursive: true });
writeFileSync(join(root, 'counterexamples/d/p.review.md'), 'verdict: realisable\ntrace: a(); b()\n\nreasoning\n');
writeFileSync(join(root, 'counterexamples/d/bugs/t.p.review.md'), 'verdict: not realisable: step 2: no\ntrace: a()\n');

describe('reviews', () => {
  it("finds a design's own and a toggle's review, and says so in one sentence", () => {
    const own = reviewOf('d', [], 'p', ['a()', 'b()'], root);
    expect(own).toEqual({ verdict: 'realisable', file: 'counterexamples/d/p.review.md', stale: false });
    expect(reviewText(own)).toBe('Reviewed against the sources: realisable (counterexamples/d/p.review.md).');
    expect(reviewOf('d', ['t'], 'p', ['a()'], root)?.verdict).toBe('not realisable: step 2: no');
  });
  it('calls a review of another history stale, and a missing one not reviewed', () => {
    expect(reviewText(reviewOf('d', [], 'p', ['a()'], root))).toMatch(/^Not yet reviewed: .* judged an earlier history\.$/);
    expect(reviewText(reviewOf('d', [], 'q', ['a()'], root))).toMatch(/^Not yet reviewed against/);
  });
  it("marks a toggle's counterexample to a property the design breaks without the toggle", () => {
    const runs = [
      { result: { bugs: [], properties: [{ id: 'p', verdict: 'violated' }, { id: 'q', verdict: 'holds' }] } },
      { result: { bugs: ['t'], properties: [{ id: 'p', verdict: 'violated' }, { id: 'q', verdict: 'violated' }] } },
    ];
    expect(alsoWithoutToggle(runs, ['t'], 'p')).toMatch(/without the toggle too/);
    expect(alsoWithoutToggle(runs, ['t'], 'q')).toBeUndefined();
    expect(alsoWithoutToggle(runs, [], 'p')).toBeUndefined();
  });
});
