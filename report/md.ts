/**
 * The design-proof document as Markdown: the same content as the text
 * document, with tables, and each counterexample both as text (step by step,
 * only what changed) and as a Mermaid sequence diagram.
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
import { sequenceDiagram } from './mermaid.js';
import type { IndexEntry } from './txt.js';

/** A table cell: no pipes, no newlines. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

export function proofMarkdown(proof: Proof): string {
  const d = proof.design;
  const out: string[] = [];
  out.push(`# Design proof: ${d.name}`, '');
  out.push(d.summary, '');
  out.push(`- Seed: ${d.seed}`);
  if (proof.inputs) out.push(`- Inputs: \`${proof.inputs}\` (regenerate: \`${REGENERATE}\`)`);
  out.push('', '| parameter | default | range | meaning |', '|---|---|---|---|');
  for (const [k, p] of Object.entries(d.params)) out.push(`| ${k} | ${p.default} | ${p.min}..${p.max} | ${cell(p.description)} |`);
  out.push('', '| bug toggle | the mistake it builds in |', '|---|---|');
  for (const [k, why] of Object.entries(d.bugs)) out.push(`| \`${k}\` | ${cell(why)} |`);
  if (Object.keys(d.bugs).length === 0) out.push('| (none) | |');

  out.push('', '## Summary', '', `| configuration | ${proof.runs[0]?.result.properties.map((p) => p.id).join(' | ')} |`);
  out.push(`|---|${proof.runs[0]?.result.properties.map(() => '---').join('|')}|`);
  for (const run of proof.runs) {
    out.push(`| [${run.title}](#${anchor(run.title)}) | ${run.result.properties.map((p) => cell(verdictWord(p))).join(' | ')} |`);
  }
  const w = whatItTakes(proof);
  if (w) {
    out.push('', '## What it takes', '', `As proposed ([${w.proposal.title}](#${anchor(w.proposal.title)})): ${claimedOutcome(w.proposal)}`, '');
    for (const p of w.proposal.result.properties) {
      if (p.verdict === 'violated') out.push(`- \`${p.id}\`: ${verdictWord(p)}: ${p.message}; \`${(p.actions ?? []).join('; ')}\``);
    }
    out.push('', '| amendment | what it changes (source) |', '|---|---|');
    for (const [k, a] of Object.entries(d.amendments ?? {})) out.push(`| \`${k}\` | ${cell(amendmentText(a))} |`);
    const ids = w.proposal.result.properties.map((p) => p.id);
    out.push('', `| configuration | ${ids.join(' | ')} | bound |`, `|---|${ids.map(() => '---').join('|')}|---|`);
    for (const run of [w.proposal, ...w.amended]) {
      const verdicts = ids.map((id) => run.result.properties.find((p) => p.id === id));
      out.push(`| [${run.title}](#${anchor(run.title)}) | ${verdicts.map((p) => (p ? cell(verdictWord(p)) : '-')).join(' | ')} | ${cell(boundText(run.result))} |`);
    }
    out.push('');
    for (const run of w.amended) out.push(`- ${run.title}: ${claimedOutcome(run)}`);
  }

  for (const run of proof.runs) {
    const r = run.result;
    out.push('', `## ${run.title}`, '');
    out.push(`- Configuration: ${configText(r)}`);
    out.push(`- Search: ${searchText(run)}.`);
    out.push(`- Bound: ${boundText(r)}.`);
    out.push(`- ${timeText(r)}`);
    out.push('', '### Properties', '', '| property | verdict | mode | states | transitions | depth | complete |', '|---|---|---|---|---|---|---|');
    for (const p of r.properties) {
      const b = p.bound;
      out.push(
        `| \`${p.id}\` | ${cell(verdictWord(p))} | ${p.mode ?? '-'} | ${b ? count(b.states) : '-'} | ${b ? count(b.transitions) : '-'} | ${b?.depth ?? '-'} | ${b ? (b.complete ? 'yes' : 'no') : '-'} |`,
      );
    }
    out.push('');
    for (const p of r.properties) out.push(`- \`${p.id}\` (${p.description}): ${verdictText(p, r, shrinkOf(r, p.id))}`);
    out.push('', '### Goals (sometimes)', '', 'Reached goals show that a "holds" above is not vacuous.', '');
    for (const g of r.goals) out.push(`- \`${g.id}\` (${g.description}): ${goalText(g)}`);
    if (r.goals.length === 0) out.push('- (the design names none)');
    out.push('', '### Coverage', '', '| action | fired | first depth |', '|---|---|---|');
    for (const [k, c] of Object.entries(r.coverage)) out.push(`| \`${k}\` | ${c.count === 0 ? '**never**' : count(c.count)} | ${c.firstDepth ?? '-'} |`);
    const never = neverFired(r);
    out.push('', never.length ? `Never fired within the bound: ${never.map((k) => `\`${k}\``).join(', ')}.` : 'Every action kind fired within the bound.');
    for (const p of r.properties) {
      const trace = r.counterexamples[p.id];
      if (!trace) continue;
      const beside = besideTheDesigns(proof.runs, run, p.id);
      out.push('', `### Counterexample to \`${p.id}\``, '');
      if (beside && !beside.shown) {
        out.push(beside.note);
        continue;
      }
      out.push(reviewText(reviewOfRun(r, p, trace)), ...(beside ? ['', beside.note] : []), '', '```mermaid', sequenceDiagram(trace, d.picture).trimEnd(), '```', '');
      out.push('```text', renderText(trace).trimEnd(), '```');
    }
  }
  return out.join('\n') + '\n';
}

export function indexMarkdown(entries: readonly IndexEntry[], inputs?: string): string {
  const out = ['# pagecheck design proofs', ''];
  out.push('One document per built-in design: each property checked on the default configuration and with each bug toggle on; "holds" is always stated with its bound.');
  if (inputs) out.push('', `Inputs: \`${inputs}\` (regenerate: \`${REGENERATE}\`)`);
  out.push('', '## Claimed properties, as proposed and amended', '', "The amended verdict is that of all the design's amendments together.");
  out.push('', '| design | claimed property | as proposed | amended | amendments |', '|---|---|---|---|---|');
  const files = new Map(entries.map((e) => [e.proof.design.name, e.file]));
  for (const row of matrixRows(entries.map((e) => e.proof))) {
    out.push(
      `| [${row.design}](${files.get(row.design)}) | \`${row.property}\` | ${cell(verdictWord(row.proposal))} | ${row.amended ? cell(verdictWord(row.amended)) : '-'} | ${row.amends.map((a) => `\`${a}\``).join(', ') || '(none)'} |`,
    );
  }
  out.push('', '## Every configuration');
  out.push('', '| design | configuration | property | verdict |', '|---|---|---|---|');
  for (const { proof, file } of entries) {
    for (const run of proof.runs) {
      for (const p of run.result.properties) {
        out.push(`| [${proof.design.name}](${file}) | ${cell(run.title)} (${paramsText(run.result.params)}) | \`${p.id}\` | ${cell(verdictWord(p))} |`);
      }
    }
  }
  return out.join('\n') + '\n';
}
