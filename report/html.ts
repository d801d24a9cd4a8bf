/**
 * The design-proof document as one self-contained HTML file (styles,
 * script and pictures inline; nothing fetched): the Markdown document's
 * content, with each counterexample as an explorer to step through.
 */
import { renderText } from '../trace/render.js';
import { besideTheDesigns, reviewOfRun, reviewText } from './reviews.js';
import { EXPLORER_CSS, EXPLORER_JS, escapeHtml as e, explorerHtml } from './explorer.js';
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
import type { IndexEntry } from './txt.js';

const CSS = `
body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 72em; padding: 0 1em; line-height: 1.4; }
code, pre, .time { font-family: ui-monospace, monospace; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }
th { background: #f2f2f2; }
.holds { color: #1b5e20; } .violated { color: #c62828; font-weight: bold; } .inconclusive { color: #8a6d00; } .not-applicable { color: #666; }
.never { color: #c62828; font-weight: bold; }
pre.trace { background: #f7f7f7; padding: 0.6em; overflow-x: auto; }
${EXPLORER_CSS}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
<script>${EXPLORER_JS}</script>
</body>
</html>
`;
}

export async function proofHtml(proof: Proof): Promise<string> {
  const d = proof.design;
  const out: string[] = [];
  out.push(`<h1>Design proof: ${e(d.name)}</h1>`, `<p>${e(d.summary)}</p>`, '<ul>', `<li>Seed: ${e(d.seed)}</li>`);
  if (proof.inputs) out.push(`<li>Inputs: <code class="inputs">${e(proof.inputs)}</code> (regenerate: <code>${REGENERATE}</code>)</li>`);
  out.push('</ul>');
  out.push('<table><tr><th>parameter</th><th>default</th><th>range</th><th>meaning</th></tr>');
  for (const [k, p] of Object.entries(d.params)) out.push(`<tr><td>${e(k)}</td><td>${p.default}</td><td>${p.min}..${p.max}</td><td>${e(p.description)}</td></tr>`);
  out.push('</table>', '<table><tr><th>bug toggle</th><th>the mistake it builds in</th></tr>');
  for (const [k, why] of Object.entries(d.bugs)) out.push(`<tr><td><code>${e(k)}</code></td><td>${e(why)}</td></tr>`);
  out.push('</table>');

  const ids = proof.runs[0]?.result.properties.map((p) => p.id) ?? [];
  out.push('<h2>Summary</h2>', `<table><tr><th>configuration</th>${ids.map((id) => `<th>${e(id)}</th>`).join('')}</tr>`);
  proof.runs.forEach((run, i) => {
    out.push(`<tr><td><a href="#run-${i + 1}">${e(run.title)}</a></td>${run.result.properties.map((p) => `<td class="${p.verdict}">${e(verdictWord(p))}</td>`).join('')}</tr>`);
  });
  out.push('</table>');
  const w = whatItTakes(proof);
  if (w) {
    const at = (run: (typeof proof.runs)[number]) => proof.runs.indexOf(run) + 1;
    out.push('<h2 id="what-it-takes">What it takes</h2>', `<p>As proposed (<a href="#run-${at(w.proposal)}">${e(w.proposal.title)}</a>): ${e(claimedOutcome(w.proposal))}</p>`, '<ul>');
    for (const p of w.proposal.result.properties) {
      if (p.verdict === 'violated')
        out.push(`<li><code>${e(p.id)}</code>: <span class="violated">${e(verdictWord(p))}</span>: ${e(p.message ?? '')}; <code>${e((p.actions ?? []).join('; '))}</code></li>`);
    }
    out.push('</ul>', '<table><tr><th>amendment</th><th>what it changes (source)</th></tr>');
    for (const [k, a] of Object.entries(d.amendments ?? {})) out.push(`<tr><td><code>${e(k)}</code></td><td>${e(amendmentText(a))}</td></tr>`);
    out.push('</table>', `<table><tr><th>configuration</th>${ids.map((id) => `<th>${e(id)}</th>`).join('')}<th>bound</th></tr>`);
    for (const run of [w.proposal, ...w.amended]) {
      const cells = ids.map((id) => run.result.properties.find((p) => p.id === id)).map((p) => (p ? `<td class="${p.verdict}">${e(verdictWord(p))}</td>` : '<td>-</td>'));
      out.push(`<tr><td><a href="#run-${at(run)}">${e(run.title)}</a></td>${cells.join('')}<td>${e(boundText(run.result))}</td></tr>`);
    }
    out.push('</table>', '<ul>');
    for (const run of w.amended) out.push(`<li>${e(run.title)}: ${e(claimedOutcome(run))}</li>`);
    out.push('</ul>');
  }

  for (const [i, run] of proof.runs.entries()) {
    const r = run.result;
    out.push(`<h2 id="run-${i + 1}">${i + 1}. ${e(run.title)}</h2>`, '<ul>');
    out.push(`<li>Configuration: ${e(configText(r))}</li>`, `<li>Search: ${e(searchText(run))}.</li>`, `<li>Bound: ${e(boundText(r))}.</li>`);
    out.push(`<li><span class="time">${e(timeText(r))}</span></li>`, '</ul>');
    out.push('<h3>Properties</h3>', '<table><tr><th>property</th><th>verdict</th><th>mode</th><th>states</th><th>transitions</th><th>depth</th><th>complete</th></tr>');
    for (const p of r.properties) {
      const b = p.bound;
      out.push(
        `<tr><td><code>${e(p.id)}</code></td><td class="${p.verdict}">${e(verdictWord(p))}</td><td>${p.mode ?? '-'}</td><td>${b ? count(b.states) : '-'}</td><td>${b ? count(b.transitions) : '-'}</td><td>${b?.depth ?? '-'}</td><td>${b ? (b.complete ? 'yes' : 'no') : '-'}</td></tr>`,
      );
    }
    out.push('</table>', '<ul>');
    for (const p of r.properties) out.push(`<li><code>${e(p.id)}</code> (${e(p.description)}): <span class="${p.verdict}">${e(verdictText(p, r, shrinkOf(r, p.id)))}</span></li>`);
    out.push('</ul>', '<h3>Goals (sometimes)</h3>', '<p>Reached goals show that a "holds" above is not vacuous.</p>', '<ul>');
    for (const g of r.goals) out.push(`<li><code>${e(g.id)}</code> (${e(g.description)}): ${e(goalText(g))}</li>`);
    if (r.goals.length === 0) out.push('<li>(the design names none)</li>');
    out.push('</ul>', '<h3>Coverage</h3>', '<table><tr><th>action</th><th>fired</th><th>first depth</th></tr>');
    for (const [k, c] of Object.entries(r.coverage)) {
      out.push(`<tr><td><code>${e(k)}</code></td><td${c.count === 0 ? ' class="never"' : ''}>${c.count === 0 ? 'never' : count(c.count)}</td><td>${c.firstDepth ?? '-'}</td></tr>`);
    }
    out.push('</table>');
    const never = neverFired(r);
    out.push(`<p>${never.length ? `Never fired within the bound: ${never.map((k) => `<code>${e(k)}</code>`).join(', ')}.` : 'Every action kind fired within the bound.'}</p>`);
    for (const p of r.properties) {
      const trace = r.counterexamples[p.id];
      if (!trace) continue;
      out.push(`<h3>Counterexample to <code>${e(p.id)}</code></h3>`);
      const beside = besideTheDesigns(proof.runs, run, p.id);
      if (beside && !beside.shown) {
        out.push(`<p class="review">${e(beside.note)}</p>`);
        continue;
      }
      out.push(`<p class="review">${e(reviewText(reviewOfRun(r, p, trace)))}</p>`);
      if (beside) out.push(`<p class="review">${e(beside.note)}</p>`);
      out.push(await explorerHtml(trace, d.picture, `run-${i + 1}-${p.id}`));
      out.push(`<details><summary>as text</summary><pre class="trace">${e(renderText(trace))}</pre></details>`);
    }
  }
  return page(`Design proof: ${d.name}`, out.join('\n'));
}

export function indexHtml(entries: readonly IndexEntry[], inputs?: string): string {
  const out = ['<h1>pagecheck design proofs</h1>'];
  out.push('<p>One document per built-in design: each property checked on the default configuration and with each bug toggle on; "holds" is always stated with its bound.</p>');
  if (inputs) out.push(`<p>Inputs: <code class="inputs">${e(inputs)}</code> (regenerate: <code>${REGENERATE}</code>)</p>`);
  out.push('<h2>Claimed properties, as proposed and amended</h2>', "<p>The amended verdict is that of all the design's amendments together.</p>");
  out.push('<table><tr><th>design</th><th>claimed property</th><th>as proposed</th><th>amended</th><th>amendments</th></tr>');
  const files = new Map(entries.map((x) => [x.proof.design.name, x.file]));
  for (const row of matrixRows(entries.map((x) => x.proof))) {
    const amended = row.amended ? `<td class="${row.amended.verdict}">${e(verdictWord(row.amended))}</td>` : '<td>-</td>';
    out.push(
      `<tr><td><a href="${e(files.get(row.design) ?? '')}">${e(row.design)}</a></td><td><code>${e(row.property)}</code></td><td class="${row.proposal.verdict}">${e(verdictWord(row.proposal))}</td>${amended}<td>${e(row.amends.join(', ') || '(none)')}</td></tr>`,
    );
  }
  out.push('</table>', '<h2>Every configuration</h2>');
  out.push('<table><tr><th>design</th><th>configuration</th><th>property</th><th>verdict</th></tr>');
  for (const { proof, file } of entries) {
    for (const run of proof.runs) {
      for (const p of run.result.properties) {
        out.push(
          `<tr><td><a href="${e(file)}">${e(proof.design.name)}</a></td><td>${e(run.title)} (${e(paramsText(run.result.params))})</td><td><code>${e(p.id)}</code></td><td class="${p.verdict}">${e(verdictWord(p))}</td></tr>`,
        );
      }
    }
  }
  out.push('</table>');
  return page('pagecheck design proofs', out.join('\n'));
}
