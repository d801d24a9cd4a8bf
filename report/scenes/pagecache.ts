/**
 * The page cache over reflinked files (model/pagecache/state.ts) as a scene:
 * each file's data fork on the left, its own folios in the middle (every file
 * caches its own copy, shared block or not), the blocks with their refcounts
 * on the right; the log's committed transactions, of which a crash keeps a
 * prefix.
 */
import { GROW, HOLE, NONE, SIZE, type PagecacheState } from '../../model/pagecache/state.js';
import type { Arrow, Box, Row, Scene } from '../scene.js';

export function pagecacheScene(s: PagecacheState): Scene {
  const F = s.ext.length;
  const B = s.ext[0]?.length ?? 0;
  const arrows: Arrow[] = [];
  const files: Box[] = [];
  const folios: Box[] = [];
  for (let f = 0; f < F; f++) {
    const rows: Row[] = [{ id: 'size', label: 'i_size', text: `${s.size[f]} blocks${s.dsize && s.dsize[f] !== s.size[f] ? ` (${s.dsize[f]} on disk)` : ''}` }];
    for (let b = 0; b < B; b++) {
      const p = s.ext[f][b];
      const durable = s.dext?.[f]?.[b];
      const after = durable === undefined || durable === p ? '' : `; on disk: ${durable === HOLE ? 'hole' : `block ${durable}`}`;
      rows.push({ id: String(b), label: `[${b}]`, text: `${p === HOLE ? 'hole' : `block ${p}`}${s.cowres?.[f]?.[b] ? ' (CoW fork)' : ''} reads ${s.ghost[f][b]}${after}` });
      if (p !== HOLE) arrows.push({ from: `file ${f}#${b}`, to: `block ${p}`, kind: 'weak' });
      const v = s.folio[f][b];
      folios.push({
        id: `folio ${f}:${b}`,
        title: `folio (file ${f}, index ${b})`,
        ...(v === NONE ? { tone: 'muted' as const } : s.dirty[f][b] ? { tone: 'dirty' as const } : {}),
        rows: [{ id: 'v', label: '', text: v === NONE ? 'not cached' : `holds ${v}${s.dirty[f][b] ? ', dirty' : ''}` }],
      });
      if (v !== NONE) {
        arrows.push({ from: `file ${f}#${b}`, to: `folio ${f}:${b}`, label: 'cache' });
        arrows.push({ from: `folio ${f}:${b}#v`, to: `file ${f}#${b}`, kind: 'back' });
      }
    }
    files.push({ id: `file ${f}`, title: `file ${f}`, rows });
  }
  const blocks: Box[] = s.ref.map((r, p) => ({
    id: `block ${p}`,
    title: `block ${p}`,
    ...(r === 0 ? { tone: 'free' as const } : {}),
    rows: [
      { id: 'ref', label: 'ref', text: String(r), ...(r > 1 ? { tone: 'shared' as const } : {}) },
      { id: 'data', label: 'data', text: String(s.data[p]) },
    ],
  }));
  // The transactions committed but not known to be on disk: what a crash may keep a prefix of.
  const txn = (t: readonly number[]): string => {
    const parts: string[] = [];
    for (let i = 1; i + 2 < t.length; i += 3) {
      const [f, b, v] = [t[i], t[i + 1], t[i + 2]];
      parts.push(b === SIZE ? `file ${f} size ${v}` : b === GROW ? `file ${f} size >= ${v}` : `file ${f} [${b}] -> ${v === HOLE ? 'hole' : `block ${v}`}`);
    }
    return `${t[0] ? '(same batch) ' : ''}${parts.join(', ')}`;
  };
  files.push({
    id: 'log',
    title: 'log: committed, not forced',
    rows: (s.log ?? []).length ? s.log.map((t, i) => ({ id: String(i), label: `${i}`, text: txn(t) })) : [{ id: 'none', label: '', text: '(nothing)' }],
  });
  return {
    columns: [
      { title: 'files (data fork)', boxes: files },
      { title: 'page cache (each file its own folios)', boxes: folios },
      { title: 'blocks', boxes: blocks },
    ],
    arrows,
  };
}
