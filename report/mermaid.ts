/**
 * A counterexample as a Mermaid sequence diagram: the actions come from the
 * left, each state variable (or picture group) is a participant, and every
 * step sends each participant what changed in it; the violation closes the
 * diagram as a note. GitHub and GitLab draw it inline in Markdown.
 */
import type { PictureHints } from '../model/picture.js';
import { designVars, type ItfTrace } from '../trace/counterexample.js';
import { showChange } from '../trace/render.js';
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
  const owner = new Map<string, string>();
  for (const [g, vars] of Object.entries(hints?.groups ?? {})) for (const v of vars) owner.set(v, g);
  const participants: string[] = [];
  for (const v of designVars(trace)) {
    const p = owner.get(v) ?? v;
    if (!participants.includes(p)) participants.push(p);
  }
  const steps = traceSteps(trace);
  const meta = trace['#meta'];
  const out = ['sequenceDiagram', '  actor actions'];
  for (const p of participants) out.push(`  participant ${id(p)} as ${text(p)}`);
  const last = participants.length ? id(participants[participants.length - 1]) : 'actions';
  for (const step of steps.slice(1)) {
    out.push(`  Note over actions,${last}: step ${step.index}: ${text(step.action ?? '')}`);
    const byParticipant = new Map<string, string[]>();
    for (const c of step.changes) {
      const v = c.path.match(/^[^.[]+/)?.[0] ?? c.path;
      const p = owner.get(v) ?? v;
      if (!byParticipant.has(p)) byParticipant.set(p, []);
      byParticipant.get(p)!.push(showChange(c));
    }
    if (byParticipant.size === 0) out.push(`  actions->>actions: (no change)`);
    for (const p of participants) {
      const changes = byParticipant.get(p);
      if (changes) out.push(`  actions->>${id(p)}: ${text(changes.join(', '))}`);
    }
  }
  out.push(`  Note over actions,${last}: violated ${text(meta.property)}: ${text(meta.message)}`);
  return out.join('\n') + '\n';
}
