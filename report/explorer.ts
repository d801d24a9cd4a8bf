/**
 * The trace explorer: every step of a counterexample (its action, what
 * changed, the picture) as a section of one self-contained page; a small
 * script shows one step at a time and steps with the keyboard. Without the
 * script every step shows, one under the other, so a saved or printed page
 * still reads. Used by `pagecheck explore` and by the HTML report.
 *
 * Keys: right, n or j: next step; left, p or k: previous;
 * home or 0: the initial state; end or v: the violation.
 */
import type { PictureHints } from '../model/picture.js';
import { traceMeta, type ItfTrace } from '../trace/counterexample.js';
import { outcomeNote, show, showChange } from '../trace/render.js';
import { stepCaption, traceSteps } from './trace-pictures.js';
import { traceSvgs } from './trace-pictures.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const EXPLORER_CSS = `
.pc-explorer { border: 1px solid #ccc; border-radius: 6px; padding: 0.6em 0.8em; margin: 1em 0; outline: none; }
.pc-explorer:focus { border-color: #3b73b9; box-shadow: 0 0 0 2px #cfe0f5; }
.pc-bar { display: flex; gap: 0.5em; align-items: center; flex-wrap: wrap; }
.pc-bar button { font: inherit; padding: 0.15em 0.6em; }
.pc-pos { color: #555; }
.pc-help { color: #777; font-size: 0.85em; }
.pc-step h4 { margin: 0.6em 0 0.3em; font-family: ui-monospace, monospace; }
.pc-changes { font-family: ui-monospace, monospace; font-size: 0.9em; margin: 0.3em 0; }
.pc-changes li.pc-none { color: #777; list-style: none; }
.pc-violation { color: #c62828; font-weight: bold; margin: 0.4em 0; }
.pc-loop { color: #6a1b9a; font-style: italic; margin: 0.4em 0; }
.pc-picture svg { max-width: 100%; height: auto; }
.pc-state { font-size: 0.85em; }
.pc-state pre { margin: 0.2em 0; }
.pc-live .pc-step { display: none; }
.pc-live .pc-step.pc-current { display: block; }
@media print {
  .pc-bar { display: none !important; }
  .pc-live .pc-step { display: block; break-inside: avoid; }
  .pc-explorer { border: none; }
}
`;

/** Runs in the page: turns every `.pc-explorer` into a one-step-at-a-time view. */
export const EXPLORER_JS = `
(function () {
  var all = Array.prototype.slice.call(document.querySelectorAll('.pc-explorer'));
  var active = all.length === 1 ? all[0] : null;
  function view(root) {
    var steps = Array.prototype.slice.call(root.querySelectorAll('.pc-step'));
    var violation = Number(root.getAttribute('data-violation'));
    var pos = root.querySelector('.pc-pos');
    function go(i) {
      i = Math.max(0, Math.min(steps.length - 1, i));
      root.setAttribute('data-current', String(i));
      steps.forEach(function (s, j) { s.classList.toggle('pc-current', j === i); });
      pos.textContent = (i === 0 ? 'initial state' : 'step ' + i + ' of ' + (steps.length - 1)) + (i === violation ? ' (violation)' : '');
    }
    function current() { return Number(root.getAttribute('data-current')); }
    root.pcGo = function (what) {
      if (what === 'next') go(current() + 1);
      else if (what === 'prev') go(current() - 1);
      else if (what === 'first') go(0);
      else if (what === 'violation') go(violation);
    };
    root.classList.add('pc-live');
    root.querySelector('.pc-bar').hidden = false;
    Array.prototype.forEach.call(root.querySelectorAll('button[data-go]'), function (b) {
      b.addEventListener('click', function () { active = root; root.pcGo(b.getAttribute('data-go')); });
    });
    root.addEventListener('focus', function () { active = root; });
    root.addEventListener('click', function () { active = root; });
    go(0);
  }
  all.forEach(view);
  var keys = { ArrowRight: 'next', n: 'next', j: 'next', ArrowLeft: 'prev', p: 'prev', k: 'prev',
               Home: 'first', '0': 'first', End: 'violation', v: 'violation' };
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var what = keys[e.key];
    var inside = document.activeElement && document.activeElement.closest ? document.activeElement.closest('.pc-explorer') : null;
    var root = inside || active;
    if (!what || !root) return;
    e.preventDefault();
    root.pcGo(what);
  });
  // Focused for the keys, but the page stays at its title.
  if (all.length === 1) all[0].focus({ preventScroll: true });
})();
`;

function stateLines(state: Record<string, unknown>): string {
  return Object.entries(state)
    .map(([k, v]) => `${k} = ${show(v)}`)
    .join('\n');
}

/** One explorer widget (HTML), its pictures drawn with Graphviz. */
export async function explorerHtml(trace: ItfTrace, hints?: PictureHints, id = 'trace'): Promise<string> {
  const steps = traceSteps(trace);
  const svgs = await traceSvgs(trace, hints);
  const meta = traceMeta(trace);
  const last = steps.length - 1;
  const out: string[] = [];
  out.push(`<div class="pc-explorer" id="${escapeHtml(id)}" tabindex="0" data-violation="${last}" data-current="0">`);
  out.push('<div class="pc-bar" hidden>');
  out.push('<button type="button" data-go="first" title="Home or 0">&laquo; initial</button>');
  out.push('<button type="button" data-go="prev" title="left, p or k">&#x25C0; previous</button>');
  out.push('<button type="button" data-go="next" title="right, n or j">next &#x25B6;</button>');
  out.push('<button type="button" data-go="violation" title="End or v">violation &raquo;</button>');
  out.push('<span class="pc-pos"></span>');
  out.push('<span class="pc-help">keys: &larr;/&rarr; (p/n), Home, End (v: the violation)</span>');
  out.push('</div>');
  steps.forEach((step, i) => {
    out.push(`<section class="pc-step" data-step="${i}">`);
    out.push(`<h4 class="pc-title">${escapeHtml(stepCaption(step) + outcomeNote(step))}</h4>`);
    if (step.note !== undefined) out.push(`<p class="pc-note">kernel: <code>${escapeHtml(step.note)}</code></p>`);
    if (i > 0) {
      out.push('<ul class="pc-changes">');
      if (step.changes.length === 0) out.push('<li class="pc-none">(no change)</li>');
      for (const c of step.changes) out.push(`<li>${escapeHtml(showChange(c))}</li>`);
      out.push('</ul>');
    }
    if (trace.loop !== undefined && meta.closing && i === trace.loop) out.push('<p class="pc-loop">the cycle starts in this state</p>');
    if (i === last && trace.loop !== undefined) {
      out.push(
        meta.closing
          ? `<p class="pc-loop">then <code>${escapeHtml(meta.closing.action)}</code> leads back to ${trace.loop === 0 ? 'the initial state' : `the state after step ${trace.loop}`}, and the cycle repeats for ever</p>`
          : '<p class="pc-loop">no step follows: the history stays in this state for ever</p>',
      );
    }
    if (i === last) out.push(`<p class="pc-violation">violated: ${escapeHtml(meta.property)}: ${escapeHtml(meta.message)}</p>`);
    out.push(`<div class="pc-picture">${svgs[i]}</div>`);
    out.push(`<details class="pc-state"><summary>whole state</summary><pre>${escapeHtml(stateLines(step.state))}</pre></details>`);
    out.push('</section>');
  });
  out.push('</div>');
  return out.join('\n');
}

/** `pagecheck explore`: one page for one trace. */
export async function explorerPage(trace: ItfTrace, hints?: PictureHints): Promise<string> {
  const meta = traceMeta(trace);
  const params = Object.entries(meta.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const title = `${meta.design} violates ${meta.property}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; max-width: 70em; }
code, .pc-meta { font-family: ui-monospace, monospace; }
${EXPLORER_CSS}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="pc-message">${escapeHtml(meta.message)}</p>
<p class="pc-meta">params: ${escapeHtml(params || '(none)')}${meta.bugs.length ? `; bugs: ${escapeHtml(meta.bugs.join(', '))}` : ''}${meta.amends?.length ? `; amended: ${escapeHtml(meta.amends.join(', '))}` : ''}<br>
found by ${escapeHtml(meta.mode)} search; ${trace.states.length - 1} action(s)<br>
reproduce: <code>${escapeHtml(meta.reproduce ?? '')}</code></p>
${await explorerHtml(trace, hints)}
<script>${EXPLORER_JS}</script>
</body>
</html>
`;
}
