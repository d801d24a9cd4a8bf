/**
 * Reviews of published counterexamples. Before a counterexample is
 * published, someone who did not write the model checks it step by step
 * against the kernel source (or, for a proposal, its mail), trying to refute
 * it; the verdict is kept beside the trace: for a design's own
 * counterexamples `counterexamples/<design>/<property>.review.md`, for one a
 * bug toggle produces `counterexamples/<design>/bugs/<bug>.<property>.review.md`;
 * for one only the random search finds (beyond the exhaustive bound, so not
 * in the corpus) `counterexamples/<design>/random/<property>.review.md`; for
 * one of an amended design
 * `counterexamples/<design>/amended/<amendment>[+<amendment>].<property>.review.md`
 * (a review of the design as proposed never stands for its amended form).
 * A review's first line is `verdict: realisable`, `verdict: realisable under
 * the design's choice: ...` or `verdict: not realisable: ...`; the next two
 * name what it judged, `trace: <the steps>` and `violated: <the message>`.
 * A model change can keep a trace's steps and change what they do (a review
 * found a punch freeing a pinned page; the fix kept the steps and turned the
 * violation into another), so a review judges a trace only while both
 * match. The proofs show it beside each counterexample, and say so where
 * there is none yet.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './inputs.js';
import { stepMeta, type ItfTrace } from '../trace/counterexample.js';
import { outcomeNote } from '../trace/render.js';

export interface Review {
  /** The verdict line, without `verdict: `. */
  readonly verdict: string;
  /** The review judged another history than the one now found (its `trace:` or `violated:` line differs). */
  readonly stale: boolean;
  /** The review's path within the package. */
  readonly file: string;
}

export function reviewPath(design: string, bugs: readonly string[], property: string, amends: readonly string[] = []): string {
  if (amends.length) return `counterexamples/${design}/amended/${[...amends, ...bugs.map((b) => `bug-${b}`)].join('+')}.${property}.review.md`;
  return bugs.length === 0 ? `counterexamples/${design}/${property}.review.md` : `counterexamples/${design}/bugs/${bugs.join('+')}.${property}.review.md`;
}

/** What a review judges: a counterexample's steps and the violation it ends in. */
export interface Judged {
  readonly design: string;
  readonly bugs: readonly string[];
  readonly amends?: readonly string[];
  readonly property: string;
  readonly actions: readonly string[];
  readonly message: string;
}

/** The review of the counterexample `c`, if there is one. */
export function reviewOf(c: Judged, root = packageRoot()): Review | undefined {
  const amends = c.amends ?? [];
  const corpus = reviewPath(c.design, c.bugs, c.property, amends);
  const random = `counterexamples/${c.design}/random/${c.property}.review.md`;
  const file = c.bugs.length === 0 && amends.length === 0 && !existsSync(join(root, corpus)) ? random : corpus;
  const abs = join(root, file);
  if (!existsSync(abs)) return undefined;
  const [first, second, third] = readFileSync(abs, 'utf8').split('\n', 3);
  const m = /^verdict:\s*(.+)$/.exec(first);
  return m ? { verdict: m[1].trim(), file, stale: second !== `trace: ${c.actions.join('; ')}` || third !== `violated: ${oneLine(c.message)}` } : undefined;
}

/** The review of a run's counterexample `trace` for property `p`. */
export function reviewOfRun(r: Pick<Judged, 'design' | 'bugs' | 'amends'>, p: { readonly id: string; readonly message?: string }, trace: ItfTrace, root = packageRoot()): Review | undefined {
  return reviewOf({ design: r.design, bugs: r.bugs, amends: r.amends, property: p.id, actions: traceActions(trace), message: p.message ?? '' }, root);
}

/** A message as a review's `violated:` line holds it. */
export const oneLine = (message: string): string => message.replace(/\s*\n\s*/g, ' ');

/**
 * The steps of an ITF trace, as a review names them: with the outcome a
 * nondeterministic step took (` [outcome 1]`), as the text shows it, since a
 * crash's outcome is half of what a review judges.
 */
export function traceActions(trace: ItfTrace): string[] {
  return trace.states.slice(1).map((_, k) => {
    const m = stepMeta(trace, k + 1);
    return (m.action ?? '') + outcomeNote(m);
  });
}

type RunLike = {
  result: {
    bugs: readonly string[];
    amends?: readonly string[];
    properties: readonly { id: string; verdict: string }[];
    counterexamples: Readonly<Record<string, { states: readonly unknown[] } | undefined>>;
  };
};

const steps = (trace: { states: readonly unknown[] }): number => trace.states.length - 1;

/**
 * What a bug toggle's counterexample to `property` shows, beside the design's
 * own. Where the design breaks the property without the toggle as soon, the
 * toggle's trace need not show the toggle's mistake (reviews found such
 * traces failing for the design's own reasons), so the document does not
 * repeat it (`shown: false`); where the toggle breaks it sooner, the trace is
 * shown with a note. Undefined when the design keeps the property without
 * the toggle, or for a run without toggles.
 */
export function besideTheDesigns(runs: readonly RunLike[], run: RunLike, property: string): { shown: boolean; note: string } | undefined {
  if (run.result.bugs.length === 0) return undefined;
  const amends = (run.result.amends ?? []).join('+');
  const plain = runs.find((r) => r.result.bugs.length === 0 && (r.result.amends ?? []).join('+') === amends);
  const own = plain?.result.properties.some((p) => p.id === property && p.verdict === 'violated') ? plain.result.counterexamples[property] : undefined;
  const mine = run.result.counterexamples[property];
  if (!own || !mine) return undefined;
  return steps(mine) < steps(own)
    ? { shown: true, note: `The design breaks this property without the toggle too, in ${steps(own)} steps; the toggle breaks it in ${steps(mine)}.` }
    : {
        shown: false,
        note: `Not shown: the design breaks this property without the toggle too, in ${steps(own)} steps (its own counterexample, above), so a trace of ${steps(mine)} need not show the toggle's mistake.`,
      };
}

/** What a document says of a counterexample's review, in one sentence. */
export function reviewText(review: Review | undefined): string {
  if (review?.stale) return `Not yet reviewed: ${review.file} judged an earlier history.`;
  return review ? `Reviewed against the sources: ${review.verdict} (${review.file}).` : 'Not yet reviewed against the kernel source or the mail by someone other than its author.';
}
