// The counterexample corpus is a regression suite: every kept trace must
// still replay against its design, reproduce its violation, and have its
// text rendering beside it up to date; and every one has been reviewed
// against the kernel source (or its mail) by someone who did not write the
// model, the review naming the very history it judged, crash outcomes and
// violation included (report/reviews.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../checker/replay.js';
import { parseItf } from '../trace/counterexample.js';
import { traceText } from '../cli/save.js';
import { reviewOf, traceActions } from '../report/reviews.js';

const root = new URL('../counterexamples/', import.meta.url).pathname;

function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name), suffix) : e.name.endsWith(suffix) ? [join(dir, e.name)] : []));
}

const files = filesUnder(root, '.itf.json');

describe('counterexample corpus', () => {
  it('has no rendering without its trace', () => {
    const orphans = filesUnder(root, '.txt').filter((t) => !existsSync(t.replace(/\.txt$/, '.itf.json')));
    expect(orphans).toEqual([]);
  });
  it.each(files.map((f) => [f.slice(root.length), f]))('%s replays and reproduces', (_name, file) => {
    const trace = parseItf(JSON.parse(readFileSync(file, 'utf8')));
    const outcome = replay(trace);
    expect(outcome.reproduces).toBe(true);
    expect(outcome.message).toBe(trace['#meta'].message);
    expect(readFileSync(file.replace(/\.itf\.json$/, '.txt'), 'utf8')).toBe(traceText(trace));
  });
  // The traces counterexamples/README.md lists as awaiting review, by path under counterexamples/.
  const awaiting = new Set(
    readFileSync(join(root, 'README.md'), 'utf8')
      .split('## Awaiting review')[1]
      .split('\n')
      .flatMap((l) => /^- `(.+\.itf\.json)`/.exec(l)?.[1] ?? []),
  );
  it.each(files.map((f) => [f.slice(root.length), f]))('%s has a review of this very trace, or is listed as awaiting one', (name, file) => {
    const trace = parseItf(JSON.parse(readFileSync(file, 'utf8')));
    // The design's own trace: counterexamples/<design>/<property>.itf.json, judged as the proofs judge it.
    const [design, base] = name.split('/');
    const review = reviewOf({ design, bugs: [], property: base.replace(/\.itf\.json$/, ''), actions: traceActions(trace), message: trace['#meta'].message ?? '' }, join(root, '..'));
    const current = review !== undefined && !review.stale;
    expect({ name, reviewed: current, listedAsAwaiting: awaiting.has(name) }).toEqual({ name, reviewed: current, listedAsAwaiting: !current });
    if (current) expect(`verdict: ${review.verdict}`).toMatch(/^verdict: (realisable|realisable under the design's choice: .+|not realisable: .+)$/);
  });
  it('lists as awaiting review only traces that exist', () => {
    expect([...awaiting].filter((name) => !existsSync(join(root, name)))).toEqual([]);
  });
  it('keeps no review of a trace that is gone', () => {
    // Reviews under bugs/, random/ and amended/ judge the proofs' traces, not the corpus's.
    const orphans = filesUnder(root, '.review.md').filter((r) => !r.includes('/bugs/') && !r.includes('/random/') && !r.includes('/amended/') && !existsSync(r.replace(/\.review\.md$/, '.itf.json')));
    expect(orphans).toEqual([]);
  });
});
