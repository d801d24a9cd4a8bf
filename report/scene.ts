/**
 * A world's picture of a state, as data a world's scene builder
 * (report/scenes/) makes from the state: columns of boxes named in the
 * kernel's vocabulary (file 0, pfn 2, block 1, folio 0), rows inside them,
 * arrows for the relations the designs argue about (an entry or pte to a
 * pfn, a page's back-pointer to its mapping and index, an extent to its
 * block), and byte strips with bars for ranges (netfs regions).
 *
 * It is drawn here with a fixed layout rather than by Graphviz: every state of
 * a trace has the same boxes (every file, pfn and block at the trace's
 * parameters), so each box keeps its place from step to step and the eye
 * sees only what changed.
 */

export type Tone = 'free' | 'poison' | 'shared' | 'dirty' | 'wait' | 'lost' | 'ok' | 'muted';

export interface Bar {
  /** Cells [from, to) of the strip. */
  readonly from: number;
  readonly to: number;
  readonly text: string;
  readonly tone?: Tone;
}

export interface Row {
  /** Unique within its box: what an arrow names (`file 0` row `2`). */
  readonly id: string;
  readonly label: string;
  readonly text: string;
  readonly tone?: Tone;
  /** A byte strip: one cell per byte, with bars beneath for ranges over it. */
  readonly cells?: readonly string[];
  readonly bars?: readonly Bar[];
}

export interface Box {
  /** Unique in the scene, and the same in every state of a trace: `pfn 2`. */
  readonly id: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly tone?: Tone;
}

export interface Column {
  readonly title: string;
  readonly boxes: readonly Box[];
}

export interface Arrow {
  /** `box` or `box#row`. */
  readonly from: string;
  readonly to: string;
  /** `back` is a back-pointer (drawn dashed, toward the left); `weak` a relation of less interest (grey). */
  readonly kind?: 'ref' | 'back' | 'weak';
  readonly label?: string;
}

export interface Scene {
  readonly columns: readonly Column[];
  readonly arrows: readonly Arrow[];
}

export interface SceneOptions {
  readonly caption?: string;
  /** The scene of the state before, to highlight what changed. */
  readonly previous?: Scene;
  readonly violation?: { readonly property: string; readonly message: string };
  /** The places of the trace's boxes (sceneFrame of all its scenes); this scene's own when absent. */
  readonly frame?: SceneFrame;
}

const CHAR = 6.7;
const ROW = 17;
const TITLE = 20;
const MIN_CELL = 15;
const BAR = 7;
const GAP_X = 90;
const GAP_Y = 14;
const PAD = 6;
const TOP = 46;

const FILL: Record<Tone, string> = {
  free: '#f4f4f4',
  poison: '#f8c9c4',
  shared: '#dcd3f0',
  dirty: '#ffe3b3',
  wait: '#cfe3f7',
  lost: '#f3b0aa',
  ok: '#cfe8c9',
  muted: '#f7f7f7',
};
const HIGHLIGHT = '#ffe08a';
const RED = '#c62828';
const INK = '#222222';
const GREY = '#888888';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Placed {
  readonly box: Box;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /** The vertical middle of each row, by id. */
  readonly rowY: ReadonlyMap<string, number>;
}

function barLanes(bars: readonly Bar[]): number[] {
  // Overlapping bars take lanes of their own, so that none hides another.
  const lanes: number[] = [];
  const ends: number[] = [];
  for (const b of bars) {
    let lane = ends.findIndex((end) => end <= b.from);
    if (lane < 0) lane = ends.length;
    ends[lane] = b.to;
    lanes.push(lane);
  }
  return lanes;
}

// One cell width for the whole scene, so that byte n of a folio sits above byte n of the server's copy.
function cellWidth(scene: Scene): number {
  let longest = 1;
  for (const c of scene.columns) for (const b of c.boxes) for (const r of b.rows) for (const x of r.cells ?? []) longest = Math.max(longest, x.length);
  return Math.max(MIN_CELL, longest * CHAR + 5);
}

function rowHeight(r: Row): number {
  if (!r.cells) return ROW;
  const lanes = r.bars?.length ? Math.max(...barLanes(r.bars)) + 1 : 0;
  return MIN_CELL + 4 + lanes * (BAR + 3) + (r.bars?.length ? 12 : 0);
}

function rowWidth(r: Row, cell: number): number {
  const text = (r.label ? r.label.length + 1 : 0) + r.text.length;
  const bars = r.bars?.length ? r.bars.map((b) => b.text).join('; ').length * 6 : 0;
  return r.cells ? Math.max(r.cells.length * cell + (r.label ? r.label.length * CHAR + 8 : 0), text * CHAR, bars) : text * CHAR;
}

function boxHeight(b: Box): number {
  return TITLE + b.rows.reduce((h, r) => h + rowHeight(r), 0);
}

function columnWidth(c: Column, cell: number): number {
  return Math.max(c.title.length * CHAR, ...c.boxes.map((b) => Math.max(b.title.length * CHAR + 8, ...b.rows.map((r) => rowWidth(r, cell) + 12)))) + 4;
}

/**
 * Where each box of a trace goes: per column, the widest the column gets and
 * a slot per box in the order boxes first appear, as tall as the box gets, so
 * that every box keeps its place from step to step (a box that comes and goes
 * leaves its slot empty).
 */
export interface SceneFrame {
  readonly cell: number;
  readonly columns: readonly { readonly width: number; readonly slots: readonly { readonly id: string; readonly height: number }[] }[];
}

export function sceneFrame(scenes: readonly Scene[]): SceneFrame {
  const cell = Math.max(...scenes.map(cellWidth));
  const n = Math.max(0, ...scenes.map((sc) => sc.columns.length));
  const columns = Array.from({ length: n }, (_, i) => {
    const slots = new Map<string, number>();
    let width = 0;
    for (const sc of scenes) {
      const c = sc.columns[i];
      if (!c) continue;
      width = Math.max(width, columnWidth(c, cell));
      for (const b of c.boxes) slots.set(b.id, Math.max(slots.get(b.id) ?? 0, boxHeight(b)));
    }
    return { width, slots: [...slots].map(([id, height]) => ({ id, height })) };
  });
  return { cell, columns };
}

function layout(scene: Scene, frame: SceneFrame): { placed: Map<string, Placed>; width: number; height: number; colX: number[] } {
  const placed = new Map<string, Placed>();
  let x = PAD;
  let height = 0;
  const colX: number[] = [];
  scene.columns.forEach((col, ci) => {
    const f = frame.columns[ci];
    const w = f?.width ?? columnWidth(col, frame.cell);
    colX.push(x);
    const slotY = new Map<string, number>();
    let y = TOP;
    for (const slot of f?.slots ?? []) {
      slotY.set(slot.id, y);
      y += slot.height + GAP_Y;
    }
    for (const box of col.boxes) {
      let at = slotY.get(box.id);
      if (at === undefined) ((at = y), (y += boxHeight(box) + GAP_Y));
      const rowY = new Map<string, number>();
      let h = TITLE;
      for (const r of box.rows) {
        const rh = rowHeight(r);
        rowY.set(r.id, at + h + rh / 2);
        h += rh;
      }
      placed.set(box.id, { box, x, y: at, w, h, rowY });
    }
    height = Math.max(height, y);
    x += w + GAP_X;
  });
  return { placed, width: x - GAP_X + PAD, height: height + PAD, colX };
}

const rowKey = (box: string, row: string): string => `${box}#${row}`;

function rowTexts(scene: Scene | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of scene?.columns ?? [])
    for (const b of c.boxes) for (const r of b.rows) out.set(rowKey(b.id, r.id), `${r.text}\u0000${(r.cells ?? []).join(',')}\u0000${JSON.stringify(r.bars ?? [])}`);
  return out;
}

const arrowKey = (a: Arrow): string => `${a.from}\u0000${a.to}\u0000${a.label ?? ''}`;

/** The boxes a violation message names by title ("pfn 0 is mapped by file 1" names `pfn 0` and `file 1`). */
export function blamedBoxes(scene: Scene, message: string): Set<string> {
  const out = new Set<string>();
  for (const c of scene.columns) {
    for (const b of c.boxes) {
      const re = new RegExp(`(^|[^\\w])${b.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`);
      if (re.test(message)) out.add(b.id);
    }
  }
  return out;
}

/** The SVG of a scene: self-contained, with classes (`changed`, `blamed`, `violation`) a page or a test can find. */
export function sceneSvg(scene: Scene, options: SceneOptions = {}): string {
  const frame = options.frame ?? sceneFrame([scene]);
  const CELL = frame.cell;
  const { placed, width, height, colX } = layout(scene, frame);
  const before = options.previous ? rowTexts(options.previous) : undefined;
  const now = rowTexts(scene);
  const beforeArrows = options.previous ? new Set(options.previous.arrows.map(arrowKey)) : undefined;
  const blamed = options.violation ? blamedBoxes(scene, options.violation.message) : new Set<string>();
  const out: string[] = [];
  const note = options.violation ? `violated: ${options.violation.property}: ${options.violation.message}` : '';
  const w = Math.max(width, (options.caption?.length ?? 0) * 7.5 + 2 * PAD, Math.min(note.length * 6.8, 900));
  const h = height + (note ? 26 : 0);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="pc-scene" width="${Math.ceil(w)}" height="${Math.ceil(h)}" viewBox="0 0 ${Math.ceil(w)} ${Math.ceil(h)}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11">`,
  );
  out.push(
    `<defs><marker id="pc-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="context-stroke"/></marker></defs>`,
  );
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  if (options.caption) out.push(`<text x="${PAD}" y="15" font-size="12.5" font-weight="bold" fill="${INK}" class="pc-caption">${esc(options.caption)}</text>`);
  scene.columns.forEach((c, i) => out.push(`<text x="${colX[i]}" y="${TOP - 8}" fill="${GREY}" font-size="10.5">${esc(c.title)}</text>`));

  // Arrows first, so boxes sit on top of their ends.
  for (const a of scene.arrows) {
    const [fb, fr] = a.from.split('#');
    const [tb, tr] = a.to.split('#');
    const from = placed.get(fb);
    const to = placed.get(tb);
    if (!from || !to) continue;
    const y1 = fr !== undefined ? (from.rowY.get(fr) ?? from.y + TITLE / 2) : from.y + TITLE / 2;
    const y2 = tr !== undefined ? (to.rowY.get(tr) ?? to.y + TITLE / 2) : to.y + TITLE / 2;
    let x1: number, x2: number, c1: number, c2: number;
    if (to.x > from.x) {
      x1 = from.x + from.w;
      x2 = to.x;
      const d = Math.max(30, (x2 - x1) / 2);
      ((c1 = x1 + d), (c2 = x2 - d));
    } else if (to.x < from.x) {
      x1 = from.x;
      x2 = to.x + to.w;
      const d = Math.max(30, (x1 - x2) / 2);
      ((c1 = x1 - d), (c2 = x2 + d));
    } else {
      x1 = from.x + from.w;
      x2 = to.x + to.w;
      ((c1 = x1 + 40), (c2 = x2 + 40));
    }
    const fresh = beforeArrows !== undefined && !beforeArrows.has(arrowKey(a));
    const colour = fresh ? RED : a.kind === 'weak' ? '#bbbbbb' : a.kind === 'back' ? '#7a6aa8' : '#555555';
    const dash = a.kind === 'back' ? ' stroke-dasharray="4 3"' : a.kind === 'weak' ? ' stroke-dasharray="2 3"' : '';
    out.push(
      `<path class="pc-arrow${fresh ? ' changed' : ''}" d="M${x1.toFixed(1)},${y1.toFixed(1)} C${c1.toFixed(1)},${y1.toFixed(1)} ${c2.toFixed(1)},${y2.toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)}" fill="none" stroke="${colour}" stroke-width="${fresh ? 2 : 1.2}"${dash} marker-end="url(#pc-head)"/>`,
    );
    if (a.label) out.push(`<text x="${((x1 + x2) / 2).toFixed(1)}" y="${((y1 + y2) / 2 - 3).toFixed(1)}" fill="${colour}" font-size="9.5" text-anchor="middle">${esc(a.label)}</text>`);
  }

  for (const p of placed.values()) {
    const red = blamed.has(p.box.id);
    const cls = ['pc-box', red ? 'blamed' : ''].filter(Boolean).join(' ');
    out.push(`<g class="${cls}" data-box="${esc(p.box.id)}">`);
    out.push(
      `<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" rx="4" fill="${p.box.tone ? FILL[p.box.tone] : '#ffffff'}" stroke="${red ? RED : '#999999'}" stroke-width="${red ? 2.2 : 1}"/>`,
    );
    out.push(`<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${TITLE}" rx="4" fill="${red ? '#fde0dc' : '#eeeeee'}" stroke="none"/>`);
    out.push(`<text x="${p.x + 5}" y="${p.y + 14}" font-weight="bold" fill="${red ? RED : INK}">${esc(p.box.title)}</text>`);
    for (const r of p.box.rows) {
      const mid = p.rowY.get(r.id)!;
      const rh = rowHeight(r);
      const top = mid - rh / 2;
      const changed = before !== undefined && before.get(rowKey(p.box.id, r.id)) !== now.get(rowKey(p.box.id, r.id));
      const fill = changed ? HIGHLIGHT : r.tone ? FILL[r.tone] : undefined;
      if (fill) out.push(`<rect class="pc-row${changed ? ' changed' : ''}" x="${p.x + 1}" y="${top.toFixed(1)}" width="${p.w - 2}" height="${rh}" fill="${fill}"/>`);
      if (!r.cells) {
        out.push(`<text x="${p.x + 5}" y="${(mid + 4).toFixed(1)}" fill="${INK}">${r.label ? `<tspan fill="${GREY}">${esc(r.label)} </tspan>` : ''}${esc(r.text)}</text>`);
        continue;
      }
      // A strip: the label, then one cell per byte, then its bars in lanes beneath.
      const x0 = p.x + 5 + (r.label ? r.label.length * CHAR + 8 : 0);
      if (r.label) out.push(`<text x="${p.x + 5}" y="${(top + MIN_CELL - 2).toFixed(1)}" fill="${GREY}">${esc(r.label)}</text>`);
      r.cells.forEach((cell, i) => {
        out.push(`<rect x="${x0 + i * CELL}" y="${(top + 2).toFixed(1)}" width="${CELL}" height="${MIN_CELL}" fill="#ffffff" stroke="#aaaaaa"/>`);
        out.push(`<text x="${x0 + i * CELL + CELL / 2}" y="${(top + MIN_CELL - 1).toFixed(1)}" text-anchor="middle" font-size="10" fill="${INK}">${esc(cell)}</text>`);
      });
      const lanes = barLanes(r.bars ?? []);
      (r.bars ?? []).forEach((b, i) => {
        const y = top + MIN_CELL + 6 + lanes[i] * (BAR + 3);
        out.push(
          `<rect x="${x0 + b.from * CELL + 1}" y="${y.toFixed(1)}" width="${Math.max(2, (b.to - b.from) * CELL - 2)}" height="${BAR}" rx="2" fill="${FILL[b.tone ?? 'dirty']}" stroke="#777777" stroke-width="0.6"><title>${esc(b.text)}</title></rect>`,
        );
      });
      if (r.bars?.length) {
        const y = top + MIN_CELL + 6 + (Math.max(...lanes) + 1) * (BAR + 3) + 6;
        out.push(`<text x="${x0}" y="${y.toFixed(1)}" font-size="9" fill="${GREY}">${esc(r.bars.map((b) => b.text).join('; '))}</text>`);
      }
    }
    out.push('</g>');
  }
  if (note) out.push(`<text class="violation" x="${PAD}" y="${(height + 16).toFixed(1)}" fill="${RED}" font-weight="bold">${esc(note.length > 130 ? `${note.slice(0, 127)}...` : note)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}
