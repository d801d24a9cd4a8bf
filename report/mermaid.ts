/**
 * A counterexample as a Mermaid sequence diagram: one lifeline per actor
 * (report/actors.ts), each step a message on its actor's lifeline with what
 * it changed in a note beside it, and the violation closing the diagram. It
 * stays readable at a page's width however many variables a state has.
 * GitHub and GitLab draw it inline in Markdown.
 */
import type { PictureHints } from '../model/picture.js';
import type { ItfTrace } from '../trace/counterexample.js';
import { showChange } from '../trace/render.js';
import { stepActors } from './actors.js';
import { traceSteps } from './trace-pictures.js';

/** Mermaid reads `;` and `#` in a message as syntax: write them as its entity codes, in one pass so the `;` of `#35;` stays. */
export function mermaidText(s: string): string {
  return s.replace(/[#;]/g, (c) => (c === '#' ? '#35;' : '#59;')).replace(/\n/g, ' ');
}
const text = mermaidText;

function id(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

export function sequenceDiagram(trace: ItfTrace, hints?: PictureHints): string {
  const steps = traceSteps(trace);
  const actors = stepActors(trace, hints?.world);
  const participants = [...new Set(actors.slice(1))];
  const meta = trace['#meta'];
  const out = ['sequenceDiagram'];
  for (const p of participants) out.push(`  participant ${id(p)} as ${text(p)}`);
  for (const step of steps.slice(1)) {
    const who = id(actors[step.index]);
    out.push(`  ${who}->>${who}: ${step.index}. ${text(step.action ?? '')}`);
    // One change per line of the note, so that a note is as wide as its longest change.
    if (step.changes.length > 0) out.push(`  Note right of ${who}: ${step.changes.map((c) => text(showChange(c))).join('<br/>')}`);
  }
  const span = participants.length > 1 ? `${id(participants[0])},${id(participants[participants.length - 1])}` : id(participants[0] ?? 'trace');
  out.push(`  Note over ${span}: violated ${text(meta.property)}: ${text(meta.message)}`);
  return out.join('\n') + '\n';
}
