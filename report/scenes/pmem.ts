/**
 * The pmem crash world (model/pmem/state.ts) as a scene: the file's extent
 * tree in core and its ptes on the left; the pieces written but not yet known
 * to be on the media (each store, zeroing, tree block, log record) in the
 * middle, with what each must wait for; the media on the right: the tree as
 * it would be found, the data blocks and the log. At a crash, the
 * file's promised and durable contents beside what reached the media.
 */
import type { PmemState, Target, Write } from '../../model/pmem/state.js';
import type { Rec, Tree } from '../../model/pmem/tree.js';
import type { Arrow, Box, Row, Scene } from '../scene.js';

const recs = (rs: readonly Rec[]): string => rs.map((r) => `${r.off}->pfn ${r.pfn}`).join(' ') || '(empty)';

function treeBoxes(t: Tree, prefix: string, arrows: Arrow[], pfns: boolean): Box[] {
  const root: Row[] = [{ id: 'root', label: t.root.depth === 0 ? 'extents' : 'leaves', text: t.root.depth === 0 ? recs(t.root.recs) : t.root.leaves.map((m) => `leaf ${m}`).join(' ') || '(none)' }];
  const boxes: Box[] = [{ id: `${prefix}inode`, title: `${prefix}inode`, rows: root }];
  if (t.root.depth === 1) for (const m of t.root.leaves) arrows.push({ from: `${prefix}inode#root`, to: `${prefix}leaf ${m}`, kind: 'weak' });
  if (pfns && t.root.depth === 0) for (const r of t.root.recs) arrows.push({ from: `${prefix}inode#root`, to: `pfn ${r.pfn}`, label: `off ${r.off}` });
  t.leaf.forEach((l, m) => {
    boxes.push({
      id: `${prefix}leaf ${m}`,
      title: `${prefix}leaf ${m}`,
      rows: [{ id: 'recs', label: '', text: recs(l) }],
      ...(t.root.depth === 1 && t.root.leaves.includes(m) ? {} : { tone: 'muted' as const }),
    });
    if (pfns && t.root.depth === 1 && t.root.leaves.includes(m)) for (const r of l) arrows.push({ from: `${prefix}leaf ${m}#recs`, to: `pfn ${r.pfn}`, label: `off ${r.off}` });
  });
  return boxes;
}

function targetText(t: Target): string {
  switch (t.t) {
    case 'zero':
      return `zero pfn ${t.pfn}`;
    case 'data':
      return `store ${t.value} to pfn ${t.pfn}`;
    case 'root':
      return `inode: ${t.root.depth === 0 ? recs(t.root.recs) : `leaves ${t.root.leaves.join(' ')}`}`;
    case 'leaf':
      return `leaf ${t.m}: ${recs(t.recs)}`;
    case 'log':
      return `log record ${t.seq}`;
    case 'commit':
      return `commit ${t.seq}`;
  }
}

function targetBox(t: Target): string | undefined {
  if (t.t === 'zero' || t.t === 'data') return `pfn ${t.pfn}`;
  if (t.t === 'root') return 'media inode';
  if (t.t === 'leaf') return `media leaf ${t.m}`;
  if (t.t === 'log' || t.t === 'commit') return 'log';
  return undefined;
}

function pieceBox(w: Write, arrows: Arrow[]): Box {
  const to = targetBox(w.target);
  if (to) arrows.push({ from: `piece ${w.id}#what`, to, kind: w.flushed ? 'ref' : 'weak', label: w.flushed ? 'flushed' : '' });
  return {
    id: `piece ${w.id}`,
    title: `piece ${w.id}`,
    tone: w.flushed ? 'ok' : 'dirty',
    rows: [
      { id: 'what', label: '', text: targetText(w.target) },
      { id: 'after', label: 'after', text: w.after.join(' ') || '-' },
    ],
  };
}

export function pmemScene(s: PmemState): Scene {
  const arrows: Arrow[] = [];
  const core = treeBoxes(s.tree, '', arrows, true);
  core.push({
    id: 'mapping',
    title: 'mapping',
    rows: [
      { id: 'vma', label: 'vma', text: s.vma === 'sync' ? 'MAP_SYNC' : s.vma },
      ...s.pte.map((p, off) => ({ id: `pte ${off}`, label: `pte[${off}]`, text: p })),
      ...(s.fault ? [{ id: 'fault', label: 'fault', text: `off ${s.fault.off} ${s.fault.write ? 'write' : 'read'}`, tone: 'wait' as const }] : []),
      ...(s.txn ? [{ id: 'txn', label: '', text: 'transaction open', tone: 'wait' as const }] : []),
    ],
  });
  const ghost = s.ghost;
  core.push({
    id: 'contents',
    title: 'what the file must show',
    rows: ghost.value.map((v, off) => ({
      id: String(off),
      label: `off ${off}`,
      text: `value ${v}, flushed ${ghost.flushed[off]}, promised ${ghost.promised[off]}, durable ${ghost.durable[off]}`,
    })),
  });
  if (s.atCrash) {
    core.push({
      id: 'at the crash',
      title: `at the crash${s.atCrash.afterSplit ? ' (after a split)' : ''}`,
      tone: 'lost',
      rows: [
        { id: 'promised', label: 'promised', text: s.atCrash.promised.join(' ') },
        { id: 'flushed', label: 'flushed', text: s.atCrash.flushed.join(' ') },
        ...(s.atCrash.unflushedStore ? [{ id: 'unflushed', label: '', text: 'a store was not flushed' }] : []),
      ],
    });
  }
  const pieces = s.pending.map((w) => pieceBox(w, arrows));
  const media = treeBoxes(s.disk.tree, 'media ', arrows, false);
  media.push(...s.disk.data.map((v, p) => ({ id: `pfn ${p}`, title: `pfn ${p}`, rows: [{ id: 'data', label: 'data', text: String(v) }] })), {
    id: 'log',
    title: 'log',
    rows: s.disk.log.length
      ? s.disk.log.map((l, i) => ({ id: String(i), label: `record ${i}`, text: `${l.tree ? 'tree' : 'empty'}${l.committed ? ', committed' : ''}` }))
      : [{ id: 'none', label: '', text: '(empty)' }],
  });
  return {
    columns: [
      { title: 'in core', boxes: core },
      { title: 'written, not known durable', boxes: pieces.length ? pieces : [{ id: 'no pieces', title: 'no pending pieces', tone: 'muted', rows: [] }] },
      { title: 'on the media', boxes: media },
    ],
    arrows,
  };
}
