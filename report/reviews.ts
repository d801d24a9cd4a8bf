/**
 * Reviews of published counterexamples. Before a counterexample is
 * published, someone who did not write the model checks it step by step
 * against the kernel source (or, for a proposal, its mail), trying to refute
 * it; the verdict is kept beside the trace: for a design's own
 * counterexamples `counterexamples/<design>/<property>.review.md`, for one a
 * bug toggle produces `counterexamples/<design>/bugs/<bug>.<property>.review.md`.
 * A review's first line is `verdict: realisable`, `verdict: realisable under
 * the design's choice: ...` or `verdict: not realisable: ...`. The proofs show
 * it beside each counterexample, and say so where there is none yet.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './inputs.js';

export interface Review {
  /** The verdict line, without `verdict: `. */
  readonly verdict: string;
  /** The review's path within the package. */
  readonly file: string;
}

export function reviewPath(design: string, bugs: readonly string[], property: string): string {
  return bugs.length === 0 ? `counterexamples/${design}/${property}.review.md` : `counterexamples/${design}/bugs/${bugs.join('+')}.${property}.review.md`;
}

export function reviewOf(design: string, bugs: readonly string[], property: string, root = packageRoot()): Review | undefined {
  const file = reviewPath(design, bugs, property);
  const abs = join(root, file);
  if (!existsSync(abs)) return undefined;
  const first = readFileSync(abs, 'utf8').split('\n', 1)[0];
  const m = /^verdict:\s*(.+)$/.exec(first);
  return m ? { verdict: m[1].trim(), file } : undefined;
}

/** What a document says of a counterexample's review, in one sentence. */
export function reviewText(review: Review | undefined): string {
  return review
    ? `Reviewed against the sources: ${review.verdict} (${review.file}).`
    : 'Not yet reviewed against the kernel source or the mail by someone other than its author.';
}

/** Every review file of a design, for the documents' inputs hash. */
export function reviewFiles(design: string, root = packageRoot()): { path: string; text: string }[] {
  const dir = join(root, 'counterexamples', design);
  if (!existsSync(dir)) return [];
  const out: { path: string; text: string }[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const sub = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(sub);
      else if (e.name.endsWith('.review.md')) out.push({ path: `counterexamples/${design}/${sub}`, text: readFileSync(join(dir, sub), 'utf8') });
    }
  };
  walk('');
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
