/**
 * A trace as plain text for a terminal or a mail: a header saying what was
 * violated and how to reproduce it, the initial state in full, then one block
 * per step with the action and only what changed (`ref[0]: 0 -> 1`).
 */
import type { ItfTrace } from './counterexample.js';
import { designVars, stateAt, stepMeta, traceMeta } from './counterexample.js';

export interface Change {
  /** Where in the state, e.g. `ext[0][1]` or `folio[3].mapping`. */
  readonly path: string;
  /** Rendered values; `undefined` where the place did not exist on that side. */
  readonly before?: string;
  readonly after?: string;
}

/** A leaf value as it reads in a trace: `NULL` for null, sets and maps inline. */
export function show(v: unknown): string {
  if (v === null) return 'NULL';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v instanceof Set) return `{${[...v].map(show).sort().join(', ')}}`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${show(k)} |-> ${show(x)}`).join(', ')}}`;
  return `{ ${Object.entries(v)
    .map(([k, x]) => `${k}: ${show(x)}`)
    .join(', ')} }`;
}

/** Every leaf of a state by path; a Set is one leaf, since its members have no place. */
function leaves(v: unknown, path: string, out: Map<string, string>): void {
  if (typeof v !== 'object' || v === null || v instanceof Set) {
    out.set(path, show(v));
  } else if (Array.isArray(v)) {
    if (v.length === 0) out.set(path, '[]');
    v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  } else if (v instanceof Map) {
    if (v.size === 0) out.set(path, '{}');
    for (const [k, x] of v) leaves(x, `${path}[${show(k)}]`, out);
  } else {
    const entries = Object.entries(v);
    if (entries.length === 0) out.set(path, '{}');
    for (const [k, x] of entries) leaves(x, path ? `${path}.${k}` : k, out);
  }
}

/** What changed from one state to the next, leaf by leaf, in the order the leaves appear. */
export function diffStates(before: unknown, after: unknown): Change[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  leaves(before, '', a);
  leaves(after, '', b);
  const changes: Change[] = [];
  for (const [path, x] of b) {
    const was = a.get(path);
    if (was !== x) changes.push(was === undefined ? { path, after: x } : { path, before: was, after: x });
  }
  for (const [path, was] of a) if (!b.has(path)) changes.push({ path, before: was });
  // An empty list or record stands as a leaf of its own; when it fills up (or
  // empties) its members' lines say it all, so the container's line goes.
  const within = (path: string, other: Map<string, string>) => [...other.keys()].some((p) => p.startsWith(`${path}[`) || p.startsWith(`${path}.`));
  const empty = (v: string | undefined) => v === '[]' || v === '{}';
  const kept = changes.filter((c) => !((c.after === undefined && empty(c.before) && within(c.path, b)) || (c.before === undefined && empty(c.after) && within(c.path, a))));
  // A record that takes the place of NULL (a fault begun), or gives it back, is
  // one change written whole where its first member would be: leaf by leaf it
  // read as members appearing from nothing and the NULL going away.
  const under = (p: string, path: string) => p.startsWith(`${path}.`) || p.startsWith(`${path}[`);
  const whole = (path: string, side: Map<string, string>) =>
    `{${[...side]
      .filter(([p]) => under(p, path))
      .map(([p, v]) => `${p.slice(path.length).replace(/^\./, '')}: ${v}`)
      .join(', ')}}`;
  const collapsed = new Map<string, Change>();
  for (const c of kept) {
    if (c.before === 'NULL' && c.after === undefined && within(c.path, b)) collapsed.set(c.path, { path: c.path, before: 'NULL', after: whole(c.path, b) });
    if (c.after === 'NULL' && c.before === undefined && within(c.path, a)) collapsed.set(c.path, { path: c.path, before: whole(c.path, a), after: 'NULL' });
  }
  if (collapsed.size === 0) return kept;
  const out: Change[] = [];
  const shown = new Set<string>();
  for (const c of kept) {
    const top = collapsed.has(c.path) ? c.path : [...collapsed.keys()].find((path) => under(c.path, path));
    if (top === undefined) out.push(c);
    else if (!shown.has(top)) {
      shown.add(top);
      out.push(collapsed.get(top)!);
    }
  }
  return out;
}

export function showChange(c: Change): string {
  if (c.before === undefined) return `${c.path}: (none) -> ${c.after}`;
  if (c.after === undefined) return `${c.path}: ${c.before} -> (gone)`;
  return `${c.path}: ${c.before} -> ${c.after}`;
}

/** ` [reached the media: a; lost: b]` after a nondeterministic step's action, or ` [outcome 3]` where the design cannot say. */
export function outcomeNote(m: { choice?: number; outcome?: string }): string {
  if (m.outcome !== undefined) return ` [${m.outcome}]`;
  return m.choice !== undefined ? ` [outcome ${m.choice}]` : '';
}

export function renderText(trace: ItfTrace): string {
  const meta = traceMeta(trace);
  const lines: string[] = [];
  const params = Object.entries(meta.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  lines.push(`${meta.design} violates ${meta.property}`);
  lines.push(`  ${meta.message}`);
  lines.push(`  params: ${params || '(none)'}${meta.bugs.length ? `; bugs: ${meta.bugs.join(', ')}` : ''}${meta.amends?.length ? `; amended: ${meta.amends.join(', ')}` : ''}`);
  const steps = trace.states.length - 1 + (meta.closing ? 1 : 0);
  lines.push(`  found by ${meta.mode} search; ${steps} action${steps === 1 ? '' : 's'}${trace.loop !== undefined ? ', the last ones repeating for ever' : ''}`);
  if (meta.fairness)
    lines.push(
      `  fairness: weak ${meta.fairness.weak.join(', ') || '(none)'}; strong ${meta.fairness.strong.join(', ') || '(none)'}${meta.fairness.each?.length ? `; owed to each action apart: ${meta.fairness.each.join(', ')}` : ''}`,
    );
  lines.push(`  reproduce: ${meta.reproduce}`);
  lines.push('');
  lines.push('state 0 (initial)');
  const first = stateAt(trace, 0) as Record<string, unknown>;
  for (const v of designVars(trace)) lines.push(`  ${v} = ${show(first[v])}`);
  let prev: unknown = first;
  // The cycle starts in the state after step `loop`; a stutter has no cycle to mark.
  const loop = trace.loop;
  const cycleFrom = loop !== undefined && meta.closing ? loop + 1 : undefined;
  for (let i = 1; i < trace.states.length; i++) {
    const m = stepMeta(trace, i);
    const cur = stateAt(trace, i);
    lines.push('');
    if (i === cycleFrom) lines.push('-- the cycle starts here --', '');
    lines.push(`step ${i}: ${m.action}${outcomeNote(m)}`);
    if (m.note !== undefined) lines.push(`  kernel: ${m.note}`);
    const changes = diffStates(prev, cur);
    if (changes.length === 0) lines.push('  (no change)');
    for (const c of changes) lines.push(`  ${showChange(c)}`);
    prev = cur;
  }
  if (loop !== undefined) {
    lines.push('');
    const back = loop === 0 ? 'the initial state' : `the state after step ${loop}`;
    if (meta.closing) {
      lines.push(`step ${trace.states.length}: ${meta.closing.action}${outcomeNote(meta.closing)}`);
      for (const c of diffStates(prev, stateAt(trace, loop))) lines.push(`  ${showChange(c)}`);
      lines.push(`  back to ${back}; from there the cycle repeats for ever`);
    } else {
      lines.push(`(no step follows: the history stays in this state for ever)`);
    }
  }
  lines.push('');
  lines.push(`violated: ${meta.property}: ${meta.message}`);
  return lines.join('\n') + '\n';
}
