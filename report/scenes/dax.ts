/**
 * The DAX and shared-page world (model/world/state.ts) as a scene: files and
 * the processes that map them on the left, each mapping's entries and each
 * process's ptes as arrows to pfns in the middle, each page's back-pointer
 * (mapping, index, share) drawn back to the entry it names, and the blocks
 * with their reference counts on the right; a fault in flight and a memory
 * failure being handled beneath the files.
 */
import { HOLE, NULL, type Frame, type World } from '../../model/world/state.js';
import type { Arrow, Box, Column, Row, Scene } from '../scene.js';

const val = (v: unknown): string => (Array.isArray(v) ? `[${v.join(',')}]` : String(v));

function frameRows(fr: Frame): Row[] {
  const rows: Row[] = [];
  if (fr.free) rows.push({ id: 'state', label: '', text: 'free', tone: 'free' });
  const owner = fr.mapping === NULL ? 'mapping NULL' : `mapping ${fr.mapping}, index ${fr.index}`;
  rows.push({ id: 'back', label: '', text: owner });
  rows.push({ id: 'count', label: 'count', text: String(fr.count) });
  if (fr.share) rows.push({ id: 'share', label: 'share', text: String(fr.share), tone: 'shared' });
  if (fr.block !== HOLE) rows.push({ id: 'block', label: 'caches', text: `block ${fr.block}` });
  if (fr.block !== HOLE || fr.data) rows.push({ id: 'data', label: 'data', text: val(fr.data) });
  if (fr.owners?.length) rows.push({ id: 'owners', label: 'owners', text: fr.owners.join(' ') });
  if (fr.cow) rows.push({ id: 'cow', label: '', text: 'CoW flag', tone: 'shared' });
  if (fr.poison) rows.push({ id: 'poison', label: '', text: 'HWPoison', tone: 'poison' });
  return rows;
}

/** What the designs that redirect mappings add to the world (imapping-redirect, fragment-owner). */
interface Redirects {
  /** Each file's inode->i_mapping, file->f_mapping and its vma's vm_file mapping (imapping-redirect). */
  imap?: number[];
  fmap?: number[];
  vmap?: number[];
  /** The fragment each (file, index) belongs to (fragment-owner): mapping F+k is fragment k's. */
  fragOf?: number[];
}

export function daxScene(s: World & Redirects): Scene {
  const F = s.ext.length;
  const redirected = s.imap !== undefined;
  const mappingBox = (m: number): string => (m < F && !redirected ? `file ${m}` : `mapping ${m}`);
  const mappingTitle = (m: number): string => (s.fragOf !== undefined && m >= F ? `fragment ${m - F}` : `mapping ${m}`);
  const B = s.ext[0]?.length ?? 0;
  const arrows: Arrow[] = [];
  const left: Box[] = [];
  for (let f = 0; f < F; f++) {
    const rows: Row[] = [];
    for (let i = 0; i < B; i++) {
      const b = s.ext[f][i];
      rows.push({ id: String(i), label: `[${i}]`, text: `${b === HOLE ? 'hole' : `block ${b}`} reads ${val(s.ghost[f][i])}` });
      if (b !== HOLE) arrows.push({ from: `file ${f}#${i}`, to: `block ${b}`, kind: 'weak' });
      const e = redirected ? undefined : s.entry[f]?.[i];
      if (e !== undefined && e !== NULL) arrows.push({ from: `file ${f}#${i}`, to: `pfn ${e}`, label: 'entry' });
    }
    if (redirected) {
      rows.unshift({ id: 'maps', label: '', text: `i_mapping ${s.imap![f]}, f_mapping ${s.fmap?.[f] ?? '-'}, vma ${s.vmap?.[f] ?? '-'}` });
      arrows.push({ from: `file ${f}#maps`, to: `mapping ${s.imap![f]}`, label: 'i_mapping' });
      if (s.vmap !== undefined && s.vmap[f] !== s.imap![f] && s.vmap[f] !== NULL) arrows.push({ from: `file ${f}#maps`, to: `mapping ${s.vmap[f]}`, label: 'vma' });
    }
    left.push({ id: `file ${f}`, title: `file ${f}`, rows });
    const prows: Row[] = [];
    for (let i = 0; i < B; i++) {
      const p = s.pte[f][i];
      const pin = s.pin[f][i];
      const pinText = pin === NULL ? '' : ` pin${s.pinro?.[f][i] ? ' ro' : ''}${s.pinlong?.[f][i] ? ' longterm' : ''}`;
      prows.push({ id: String(i), label: `pte[${i}]`, text: p === NULL ? '-' : `pfn ${p}${s.ptew[f][i] ? ' rw' : ' ro'}${pinText}`, ...(pin !== NULL ? { tone: 'wait' as const } : {}) });
      if (p !== NULL) arrows.push({ from: `process ${f}#${i}`, to: `pfn ${p}`, label: s.ptew[f][i] ? 'pte rw' : 'pte' });
      if (pin !== NULL && pin !== p) arrows.push({ from: `process ${f}#${i}`, to: `pfn ${pin}`, label: 'pin' });
    }
    left.push({ id: `process ${f}`, title: `process ${f}`, rows: prows });
  }
  // A design's own mappings (a buffer cache, a fragment's, a shared one) after the files'; every mapping where files redirect theirs.
  for (let m = redirected ? 0 : F; m < s.entry.length; m++) {
    const rows: Row[] = [];
    for (let i = 0; i < B; i++) {
      const e = s.entry[m][i];
      rows.push({ id: String(i), label: `[${i}]`, text: e === NULL ? '-' : `pfn ${e}` });
      if (e !== NULL) arrows.push({ from: `mapping ${m}#${i}`, to: `pfn ${e}`, label: 'entry' });
    }
    left.push({ id: `mapping ${m}`, title: mappingTitle(m), rows });
  }
  if (s.fault) {
    const f = s.fault;
    left.push({
      id: 'fault',
      title: 'fault in flight',
      tone: 'wait',
      rows: [
        {
          id: 'at',
          label: '',
          text: `file ${f.f} [${f.i}] ${f.write ? 'write' : 'read'}${f.grabbed ? ' (entry locked, waits)' : ''}${f.pfn === NULL ? '' : ` pfn ${f.pfn}`}${f.stale ? ' stale' : ''}`,
        },
      ],
    });
    if (f.pfn !== NULL) arrows.push({ from: 'fault#at', to: `pfn ${f.pfn}`, label: 'fault' });
  }
  if (s.mf) {
    const m = s.mf;
    const list = (xs: readonly number[] | undefined): string => (xs?.length ? xs.join(' ') : '-');
    left.push({
      id: 'memory failure',
      title: `memory failure${m.done ? ' (done)' : m.busy ? ' (-EBUSY)' : ''}`,
      tone: 'poison',
      rows: [
        { id: 'pfn', label: 'pfn', text: `${m.pfn}${m.shared ? ' shared' : ''}${m.early ? ' early kill' : ' late kill'}` },
        { id: 'due', label: 'must kill', text: list(m.due) },
        { id: 'killed', label: 'killed', text: list(m.killed) },
        { id: 'told', label: 'fs told', text: list(m.told) },
        { id: 'walk', label: 'to visit', text: list(m.walk) },
      ],
    });
    arrows.push({ from: 'memory failure#pfn', to: `pfn ${m.pfn}`, kind: 'weak' });
  }
  if (s.dedupe)
    left.push({
      id: 'dedupe',
      title: 'dedupe (compared, not remapped)',
      tone: 'wait',
      rows: [{ id: 'r', label: '', text: `file ${s.dedupe.s} [${s.dedupe.si}] -> file ${s.dedupe.d} [${s.dedupe.di}]` }],
    });

  const pfns: Box[] = s.frame.map((fr, p) => ({ id: `pfn ${p}`, title: `pfn ${p}`, rows: frameRows(fr), ...(fr.poison ? { tone: 'poison' as const } : fr.free ? { tone: 'free' as const } : {}) }));
  s.frame.forEach((fr, p) => {
    if (fr.mapping === NULL || fr.free) return;
    const box = mappingBox(fr.mapping);
    arrows.push({ from: `pfn ${p}#back`, to: `${box}#${fr.index}`, kind: 'back' });
    if (fr.block !== HOLE) arrows.push({ from: `pfn ${p}#block`, to: `block ${fr.block}`, kind: 'weak' });
  });
  const blocks: Box[] = s.ref.map((r, b) => ({
    id: `block ${b}`,
    title: `block ${b}`,
    rows: [
      { id: 'ref', label: 'ref', text: String(r), ...(r > 1 ? { tone: 'shared' as const } : {}) },
      { id: 'data', label: 'data', text: val(s.disk[b]) },
    ],
    ...(r === 0 ? { tone: 'free' as const } : {}),
  }));
  const columns: Column[] = [
    { title: 'files, processes', boxes: left },
    { title: 'pfns (struct page)', boxes: pfns },
    { title: 'blocks', boxes: blocks },
  ];
  return { columns, arrows };
}
