/** Reviews beside traces (report/reviews.ts): found by path, and stale once the trace or the violation they judged is gone. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { besideTheDesigns, reviewOf, reviewText, traceActions } from '../../report/reviews.js';

const root = mkdtempSync(join(tmpdir(), 'pagecheck-reviews-'));
mkdirSync(join(root, 'counterexamples/d/bugs'), { recursive: true });
writeFileSync(join(root, 'counterexamples/d/p.review.md'), 'verdict: realisable\ntrace: a(); b()\nviolated: x broke\n\nreasoning\n');
writeFileSync(join(root, 'counterexamples/d/bugs/t.p.review.md'), 'verdict: not realisable: step 2: no\ntrace: a()\nviolated: y broke\n');

describe('reviews', () => {
  it("finds a design's own and a toggle's review, and says so in one sentence", () => {
    const judged = (property: string, actions: string[], message: string, bugs: string[] = []) => reviewOf({ design: 'd', bugs, property, actions, message }, root);
    const own = judged('p', ['a()', 'b()'], 'x broke');
    expect(own).toEqual({ verdict: 'realisable', file: 'counterexamples/d/p.review.md', stale: false });
    expect(reviewText(own)).toBe('Reviewed against the sources: realisable (counterexamples/d/p.review.md).');
    expect(judged('p', ['a()'], 'y broke', ['t'])?.verdict).toBe('not realisable: step 2: no');
  });
  it('calls a review of another history, or of the same steps ending in another violation, stale, and a missing one not reviewed', () => {
    const judged = (property: string, actions: string[], message: string) => reviewOf({ design: 'd', bugs: [], property, actions, message }, root);
    expect(reviewText(judged('p', ['a()'], 'x broke'))).toMatch(/^Not yet reviewed: .* judged an earlier history\.$/);
    expect(judged('p', ['a()', 'b()'], 'x broke\nagain')?.stale).toBe(true);
    expect(judged('p', ['a()', 'b()'], 'z broke')?.stale).toBe(true);
    expect(reviewText(judged('q', ['a()'], 'x broke'))).toMatch(/^Not yet reviewed against/);
  });
  it('names a crash step with the outcome it took, which is half of what a review judges', () => {
    const trace = JSON.parse(readFileSync('counterexamples/pmem-nofsync-naive/crash-ordering.itf.json', 'utf8'));
    const steps = traceActions(trace);
    expect(steps.at(-1)).toMatch(/^crash\(\) \[reached the media: .*\]$/);
    expect(steps.slice(0, -1).every((l) => !l.includes('['))).toBe(true);
  });
  it("leaves out a toggle's counterexample where the design breaks the property as soon without it, and notes one that breaks it sooner", () => {
    const trace = (n: number) => ({ states: Array.from({ length: n + 1 }, () => ({})) });
    const plain = {
      result: {
        bugs: [],
        properties: [
          { id: 'p', verdict: 'violated' },
          { id: 'q', verdict: 'holds' },
          { id: 'r', verdict: 'violated' },
        ],
        counterexamples: { p: trace(3), r: trace(5) },
      },
    };
    const toggled = {
      result: {
        bugs: ['t'],
        properties: [
          { id: 'p', verdict: 'violated' },
          { id: 'q', verdict: 'violated' },
          { id: 'r', verdict: 'violated' },
        ],
        counterexamples: { p: trace(3), q: trace(2), r: trace(4) },
      },
    };
    const runs = [plain, toggled];
    expect(besideTheDesigns(runs, toggled, 'p')).toEqual({ shown: false, note: expect.stringMatching(/^Not shown: .* in 3 steps/) });
    expect(besideTheDesigns(runs, toggled, 'r')).toEqual({ shown: true, note: expect.stringMatching(/in 5 steps; the toggle breaks it in 4\.$/) });
    expect(besideTheDesigns(runs, toggled, 'q')).toBeUndefined();
    expect(besideTheDesigns(runs, plain, 'p')).toBeUndefined();
  });
});
