/**
 * The design-proof document as plain text, to paste into a mail: 72
 * columns, no colour codes. Counterexamples are trace/render.ts's
 * renderText, the same text `check --save` writes beside a trace.
 */
import { renderText } from '../trace/render.js';
import { besideTheDesigns, reviewOfRun, reviewText } from './reviews.js';
import {
  amendmentText,
  boundText,
  claimedOutcome,
  configText,
  count,
  goalText,
  neverFired,
  paramsText,
  plural,
  REGENERATE,
  searchText,
  shrinkOf,
  timeText,
  verdictText,
  verdictWord,
  whatItTakes,
  matrixRows,
  type Proof,
} from './proof.js';
import { wrapText } from './wrap.js';

function underline(title: string, ch: string): string[] {
  return [title, ch.repeat(Math.min(title.length, 72))];
}

function indent(text: string, by: string): string[] {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l ? by + l : l));
}

export function proofText(proof: Proof): string {
  const d = proof.design;
  const out: string[] = [];
  out.push(...underline(`Design proof: ${d.name}`, '='));
  out.push('');
  out.push(d.summary);
  out.push(`Seed: ${d.seed}`);
  if (proof.inputs) out.push(`Inputs: ${proof.inputs}`, `(regenerate with: ${REGENERATE})`);
  out.push('');
  out.push('Parameters:');
  const pw = Math.max(0, ...Object.keys(d.params).map((k) => k.length));
  for (const [k, p] of Object.entries(d.params)) out.push(`  ${k.padEnd(pw)}  default ${p.default} (${p.min}..${p.max}): ${p.description}`);
  if (Object.keys(d.params).length === 0) out.push('  (none)');
  out.push('Bug toggles (off unless a run below says otherwise):');
  for (const [k, why] of Object.entries(d.bugs)) out.push(`  ${k}: ${why}`);
  if (Object.keys(d.bugs).length === 0) out.push('  (none)');
  out.push('');

  out.push(...underline('Summary', '-'));
  for (const run of proof.runs) {
    out.push(`${run.title}:`);
    for (const p of run.result.properties) out.push(`  ${p.id}: ${verdictWord(p)}`);
  }
  out.push(...whatItTakesText(proof));

  proof.runs.forEach((run, i) => {
    const r = run.result;
    out.push('');
    out.push(...underline(`${i + 1}. ${run.title}`, '-'));
    out.push(`Configuration: ${configText(r)}`);
    out.push(`Search: ${searchText(run)}.`);
    out.push(`Bound: ${boundText(r)}.`);
    out.push(timeText(r));
    out.push('');
    out.push('Properties (always):');
    for (const p of r.properties) {
      out.push(`  ${p.id}: ${p.description}`);
      out.push(`    ${verdictText(p, r, shrinkOf(r, p.id))}`);
      out.push(
        `    mode: ${p.mode ?? '-'}; bound: ${p.bound ? `${count(p.bound.states)} states, ${count(p.bound.transitions)} transitions, depth ${p.bound.depth}, ${p.bound.complete ? 'complete' : 'not complete'}` : '-'}`,
      );
    }
    out.push('');
    out.push('Goals (sometimes), to show a "holds" is not vacuous:');
    for (const g of r.goals) out.push(`  ${g.id}: ${g.description}`, `    ${goalText(g)}`);
    if (r.goals.length === 0) out.push('  (the design names none)');
    out.push('');
    out.push('Coverage (per action kind: times fired, first depth):');
    for (const [k, c] of Object.entries(r.coverage)) out.push(`  ${k}: ${c.count === 0 ? 'never fired' : `${plural(c.count, 'time')}, first at depth ${c.firstDepth}`}`);
    const never = neverFired(r);
    out.push(never.length ? `  Never fired within the bound: ${never.join(', ')}.` : '  Every action kind fired within the bound.');
    for (const p of r.properties) {
      const trace = r.counterexamples[p.id];
      if (!trace) continue;
      out.push('');
      out.push(`Counterexample to ${p.id}:`);
      const beside = besideTheDesigns(proof.runs, run, p.id);
      if (beside && !beside.shown) {
        out.push(`  ${beside.note}`);
        continue;
      }
      out.push(`  ${reviewText(reviewOfRun(r, p, trace))}`);
      if (beside) out.push(`  ${beside.note}`);
      out.push(...indent(renderText(trace), '  '));
    }
  });
  out.push('');
  return wrapText(out.join('\n')) + '\n';
}

/**
 * "What it takes": the proposal's counterexamples, then each amended run
 * (each amendment alone, then all together) with its verdicts and bound.
 */
function whatItTakesText(proof: Proof): string[] {
  const w = whatItTakes(proof);
  if (!w) return [];
  const at = (run: (typeof proof.runs)[number]) => proof.runs.indexOf(run) + 1;
  const out = ['', ...underline('What it takes', '-')];
  out.push(`As proposed (${at(w.proposal)}. ${w.proposal.title}): ${claimedOutcome(w.proposal)}`);
  for (const p of w.proposal.result.properties) {
    if (p.verdict !== 'violated') continue;
    out.push(`  ${p.id}: ${verdictWord(p)}: ${p.message}`, `    ${(p.actions ?? []).join('; ') || '(in the initial state)'}`);
  }
  out.push('Amendments (none is on unless a run says so):');
  for (const [k, a] of Object.entries(proof.design.amendments ?? {})) out.push(`  ${k}: ${amendmentText(a)}`);
  for (const run of w.amended) {
    out.push(`${run.title} (${at(run)}.):`, `  Bound: ${boundText(run.result)}.`);
    for (const p of run.result.properties) out.push(`  ${p.id}${p.claimed ? '' : ' (not claimed)'}: ${verdictWord(p)}`);
    out.push(`  ${claimedOutcome(run)}`);
  }
  return out;
}

export interface IndexEntry {
  readonly proof: Proof;
  /** The document's file name beside the index: `bench-reflink-cow.txt`. */
  readonly file: string;
}

export function indexText(entries: readonly IndexEntry[], inputs?: string): string {
  const out: string[] = [];
  out.push(...underline('pagecheck design proofs', '='));
  out.push('');
  out.push('One document per built-in design: each property checked on the');
  out.push('default configuration and with each bug toggle on; "holds" is');
  out.push('always stated with its bound.');
  if (inputs) out.push(`Inputs: ${inputs}`, `(regenerate with: ${REGENERATE})`);
  out.push('');
  out.push(...underline('Claimed properties, as proposed and amended', '-'));
  out.push("The amended verdict is that of all the design's amendments together.");
  for (const row of matrixRows(entries.map((e) => e.proof))) {
    const amended = row.amended ? `amended (${row.amends.join(', ')}): ${verdictWord(row.amended)}` : 'no amendments';
    out.push(`  ${row.design} ${row.property}: as proposed ${verdictWord(row.proposal)}; ${amended}`);
  }
  for (const { proof, file } of entries) {
    out.push('');
    out.push(`${proof.design.name} (${file})`);
    out.push(`  ${proof.design.summary}`);
    for (const run of proof.runs) {
      out.push(`  ${run.title} [${paramsText(run.result.params)}]:`);
      for (const p of run.result.properties) out.push(`    ${p.id}: ${verdictWord(p)}`);
    }
  }
  out.push('');
  return wrapText(out.join('\n')) + '\n';
}
