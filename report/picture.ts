/**
 * A state as a Graphviz graph: entities as boxes, references as arrows, the
 * places changed by the last step highlighted and, on the last step of a
 * counterexample, the violated property as a red note.
 *
 * The drawing is generic over the state's shape, so that every design gets a
 * picture without writing one:
 * - a list of records, a map or a record of records: one box per element,
 *   a row per field (`folio 3` with `mapping`, `index`, ...);
 * - a list of lists of scalars (`ext[f][b]`): one box per outer element;
 * - a list or map of scalars: one box, a row per index;
 * - scalars at the top level: one `state` box.
 * A field is drawn as an arrow when the design's PictureHints say it names
 * an entity (`ext[*][*]` -> `block`), or when its name is that of a variable
 * (`mapping: 2` next to a variable `mapping` or `mappings`) and the value is
 * one of its keys. Rows use the paths of trace/render.ts's diffStates, so
 * that what the text calls changed is what the picture highlights.
 */
import type { PictureHints } from '../model/picture.js';
import { show } from '../trace/render.js';

export interface PictureOptions {
  readonly hints?: PictureHints;
  /** Paths changed by the step that led here (diffStates paths); nothing is highlighted when absent. */
  readonly changed?: readonly string[];
  /** The state before the step, to tell which boxes are new. */
  readonly previous?: Readonly<Record<string, unknown>>;
  /** Marks this state as the one that breaks the property. */
  readonly violation?: { readonly property: string; readonly message: string };
  /** A caption: `step 2: punch(f=0, b=0)`. */
  readonly caption?: string;
}

interface Row {
  readonly label: string;
  readonly text: string;
  readonly path: string;
  readonly value: unknown;
  /** In a box with one row per key: the row's key. */
  readonly key?: unknown;
  port?: string;
}

interface Box {
  readonly id: string;
  readonly title: string;
  /** The variable or group it belongs to, and its key there (for arrows and clusters). */
  readonly owner: string;
  readonly key: string;
  readonly rows: Row[];
  /** Whether every row stands for one key of the owner (an arrow to key k goes to row k). */
  readonly keyedRows: boolean;
  readonly path: string;
}

const HIGHLIGHT = '#ffe08a';
const NEW = '#c9e7c2';
const RED = '#c62828';
const MAX_EXPANDED = 12;

const isScalar = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Set);

function entries(v: unknown): [unknown, unknown][] {
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (v instanceof Map) return [...v];
  if (isRecord(v)) return Object.entries(v);
  return [];
}

/** The path of element `k` of the value at `path`, as diffStates writes it. */
function child(path: string, k: unknown, container: unknown): string {
  if (isRecord(container)) return path ? `${path}.${String(k)}` : String(k);
  return `${path}[${show(k)}]`;
}

function keyText(k: unknown): string {
  return typeof k === 'string' ? k : show(k);
}

function patternRegex(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+?^${}()|\\]/g, '\\$&')
    .replace(/\[/g, '\\[')
    .replace(/\]/g, '\\]');
  return new RegExp(`^${escaped.replace(/\\\[\*\\\]/g, '\\[[^\\]]+\\]').replace(/\\\.\*/g, '\\.[^.[]+')}$`);
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Rows for the fields of one element: scalars as they are, short scalar lists expanded, the rest inline. */
function fieldRows(value: unknown, path: string): Row[] {
  if (isScalar(value) || value instanceof Set) return [{ label: '', text: show(value), path, value }];
  const rows: Row[] = [];
  for (const [k, x] of entries(value)) {
    const p = child(path, k, value);
    const label = keyText(k);
    const nested = entries(x);
    if (!isScalar(x) && !(x instanceof Set) && nested.length > 0 && nested.length <= MAX_EXPANDED && nested.every(([, y]) => isScalar(y))) {
      for (const [j, y] of nested) rows.push({ label: `${label}${Array.isArray(x) || x instanceof Map ? `[${show(j)}]` : `.${keyText(j)}`}`, text: show(y), path: child(p, j, x), value: y });
    } else {
      rows.push({ label, text: show(x), path: p, value: x });
    }
  }
  if (rows.length === 0) rows.push({ label: '', text: show(value), path, value });
  return rows;
}

/** The boxes of a state, in the order of its variables. */
function boxes(state: Readonly<Record<string, unknown>>, hints: PictureHints): Box[] {
  const out: Box[] = [];
  const scalars: Row[] = [];
  const id = (): string => `n${out.length}`;
  const drawGroup = (g: string, vars: readonly string[]): void => {
    const keys: unknown[] = [];
    const seen = new Set<string>();
    for (const v of vars) for (const [k] of entries(state[v])) if (!seen.has(show(k))) (seen.add(show(k)), keys.push(k));
    for (const k of keys) {
      const rows: Row[] = [];
      for (const v of vars) {
        const container = state[v];
        const found = entries(container).find(([kk]) => show(kk) === show(k));
        if (found) rows.push({ label: v, text: show(found[1]), path: child(v, k, container), value: found[1] });
      }
      out.push({ id: id(), title: `${g} ${keyText(k)}`, owner: g, key: show(k), rows, keyedRows: false, path: '' });
    }
  };
  const groupOf = new Map<string, string>();
  for (const [g, vars] of Object.entries(hints.groups ?? {})) for (const v of vars) groupOf.set(v, g);
  const drawn = new Set<string>();
  for (const [v, value] of Object.entries(state)) {
    const g = groupOf.get(v);
    if (g !== undefined) {
      // A group is drawn where its first variable is.
      if (!drawn.has(g)) (drawn.add(g), drawGroup(g, hints.groups![g]));
      continue;
    }
    const name = hints.names?.[v] ?? v;
    if (isScalar(value)) {
      scalars.push({ label: v, text: show(value), path: v, value });
      continue;
    }
    const elems = entries(value);
    const collection =
      value instanceof Set
        ? false
        : elems.length > 0 && elems.every(([, x]) => !isScalar(x) && !(x instanceof Set)) && !(isRecord(value) && elems.some(([, x]) => !isRecord(x) && !(x instanceof Map)));
    if (collection) {
      for (const [k, x] of elems) {
        const path = child(v, k, value);
        out.push({ id: id(), title: `${name} ${keyText(k)}`, owner: v, key: show(k), rows: fieldRows(x, path), keyedRows: false, path });
      }
    } else if (value instanceof Set) {
      const rows = [...value].map((x) => ({ label: '', text: show(x), path: v, value: x }));
      out.push({ id: id(), title: v, owner: v, key: '', rows: rows.length ? rows : [{ label: '', text: '{}', path: v, value }], keyedRows: false, path: v });
    } else {
      const rows = elems.map(([k, x]) => ({ label: keyText(k), text: show(x), path: child(v, k, value), value: x, key: k }));
      out.push({ id: id(), title: v, owner: v, key: '', rows: rows.length ? rows : [{ label: '', text: show(value), path: v, value }], keyedRows: true, path: v });
    }
  }
  if (scalars.length) out.push({ id: id(), title: 'state', owner: '', key: '', rows: scalars, keyedRows: false, path: '' });
  return out;
}

/** Where an arrow to key `key` of `owner` ends: a box, or the row of a keyed box. */
function targets(all: readonly Box[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const add = (owner: string, key: string, end: string) => {
    if (!out.has(owner)) out.set(owner, new Map());
    out.get(owner)!.set(key, end);
  };
  for (const b of all) {
    if (b.keyedRows) {
      b.rows.forEach((r, i) => {
        r.port ??= `p${i}`;
        add(b.owner, show(r.key), `${b.id}:${r.port}:w`);
      });
    } else if (b.key !== '') add(b.owner, b.key, b.id);
  }
  return out;
}

/** The variable or group a field named `field` refers to, by name: `mapping` -> `mapping` or `mappings`. */
function byName(field: string, owners: ReadonlyMap<string, unknown>, hints: PictureHints): string | undefined {
  const base = field.replace(/\[.*$/, '');
  for (const cand of [base, `${base}s`, `${base}es`]) if (owners.has(cand)) return cand;
  for (const [v, n] of Object.entries(hints.names ?? {})) if (n === base && owners.has(v)) return v;
  return undefined;
}

function isChanged(path: string, changed: readonly string[]): boolean {
  if (path === '') return false;
  return changed.some((c) => c === path || c.startsWith(`${path}[`) || c.startsWith(`${path}.`));
}

/** The DOT text of a state's picture. */
export function stateDot(state: Readonly<Record<string, unknown>>, options: PictureOptions = {}): string {
  const hints = options.hints ?? {};
  const changed = options.changed ?? [];
  const all = boxes(state, hints);
  const ends = targets(all);
  const refPatterns = (hints.refs ?? []).map((r) => ({ ...r, re: patternRegex(r.at) }));
  const before = options.previous ? new Set(boxes(options.previous, hints).map((b) => `${b.owner}\u0000${b.key}\u0000${b.title}`)) : undefined;

  const edges: string[] = [];
  for (const b of all) {
    b.rows.forEach((r, i) => {
      if (!isScalar(r.value) || r.value === null) return;
      let to: string | undefined;
      const hinted = refPatterns.find((p) => p.re.test(r.path));
      if (hinted) {
        if (hinted.none?.includes(r.value as number | string)) return;
        to = hinted.to;
      } else if (b.owner !== '' && !b.keyedRows && r.label !== '') {
        to = byName(r.label, ends, hints);
      }
      if (to === undefined || to === b.owner) return;
      const end = ends.get(to)?.get(show(r.value));
      if (end === undefined) return;
      r.port ??= `p${i}`;
      const hot = isChanged(r.path, changed);
      const attrs = hot ? `color="${RED}", penwidth=2, class="changed"` : '';
      edges.push(`  ${b.id}:${r.port}:e -> ${end} [${attrs}];`);
    });
  }

  const lines: string[] = [];
  lines.push('digraph state {');
  lines.push('  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.2, ranksep=0.7, newrank=true];');
  lines.push('  node [shape=plain, fontname="Helvetica", fontsize=10];');
  lines.push('  edge [color="#555555", arrowsize=0.7];');
  if (options.caption) lines.push(`  label=${quote(options.caption)}; labelloc=t; labeljust=l;`);

  const blamed = options.violation ? blame(all, options.violation.message) : new Set<string>();
  const owners = [...new Set(all.map((b) => b.owner))];
  owners.forEach((owner, ci) => {
    const mine = all.filter((b) => b.owner === owner);
    const cluster = owner !== '' && mine.length > 1;
    if (cluster) lines.push(`  subgraph cluster_${ci} { label=${quote(owner)}; style="rounded"; color="#bbbbbb"; fontcolor="#777777";`);
    // Graphviz stacks a rank of a left-to-right graph bottom up: declare the last first.
    for (const b of [...mine].reverse()) {
      const isNew = before !== undefined && !before.has(`${b.owner}\u0000${b.key}\u0000${b.title}`);
      const hot = isNew || b.rows.some((r) => isChanged(r.path, changed));
      const red = blamed.has(b.id);
      const cls = [hot ? 'changed' : '', red ? 'blamed' : ''].filter(Boolean).join(' ');
      lines.push(`  ${b.id} [label=<${table(b, changed, isNew, red)}>${cls ? `, class="${cls}"` : ''}];`);
    }
    // One column per variable, in the state's order: the eye reads files, then what they map.
    if (mine.length > 1) lines.push(`  { rank=same; ${mine.map((b) => b.id).join('; ')}; }`);
    if (cluster) lines.push('  }');
  });
  for (let i = 1; i < owners.length; i++) {
    const a = all.find((b) => b.owner === owners[i - 1])!;
    const b = all.find((x) => x.owner === owners[i])!;
    lines.push(`  ${a.id} -> ${b.id} [style=invis];`);
  }
  lines.push(...edges);
  if (options.violation) {
    const v = options.violation;
    lines.push(
      `  violation [shape=note, style=filled, fillcolor="#fde0dc", color="${RED}", fontcolor="${RED}", class="violation", label=${quote(`violated: ${v.property}\n${wrapLabel(v.message, 40)}`)}];`,
    );
    for (const id of blamed) lines.push(`  violation -> ${id} [color="${RED}", style=dashed, class="violation"];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** The boxes a violation message names by title ("block 0 has ref 1 ..." names box `block 0`). */
function blame(all: readonly Box[], message: string): Set<string> {
  const out = new Set<string>();
  for (const b of all) {
    const re = new RegExp(`(^|[^\\w])${b.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`);
    if (re.test(message)) out.add(b.id);
  }
  return out;
}

function wrapLabel(text: string, width: number): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) (lines.push(cur), (cur = w));
    else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.join('\n');
}

function table(b: Box, changed: readonly string[], isNew: boolean, red: boolean): string {
  const border = red ? ` COLOR="${RED}"` : '';
  const cells: string[] = [];
  const width = b.rows.some((r) => r.label !== '') ? 2 : 1;
  const titleBg = isNew ? NEW : red ? '#fde0dc' : '#eeeeee';
  cells.push(`<TR><TD COLSPAN="${width}" BGCOLOR="${titleBg}"><B>${html(b.title)}</B></TD></TR>`);
  for (const r of b.rows) {
    const bg = isChanged(r.path, changed) ? ` BGCOLOR="${HIGHLIGHT}"` : '';
    const port = r.port ? ` PORT="${r.port}"` : '';
    const text = html(r.text.length > 60 ? `${r.text.slice(0, 57)}...` : r.text);
    if (width === 2) cells.push(`<TR><TD ALIGN="LEFT"${bg}><FONT COLOR="#555555">${html(r.label)}</FONT></TD><TD${port}${bg}>${text}</TD></TR>`);
    else cells.push(`<TR><TD${port}${bg}>${text}</TD></TR>`);
  }
  return `<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3"${border}>${cells.join('')}</TABLE>`;
}
