/**
 * The netfs world (model/netfs/world.ts) as a scene: the writers in flight on
 * the left; each folio of the page cache as a strip of its bytes, with the
 * dirty regions over it as bars (active, dirty, flushing, and where a flush is
 * going: server, cache or both); the server's copy and the local cache's
 * beneath.
 */
import type { NetfsState, Region } from '../../model/netfs/world.js';
import type { Bar, Box, Row, Scene, Tone } from '../scene.js';

const byte = (v: number): string => (v < 0 ? '·' : String(v));
const stored = (s: string): string => (s === '?' ? '?' : s);

const TONE: Record<Region['state'], Tone> = { active: 'wait', dirty: 'dirty', flushing: 'shared' };

function regionText(r: Region): string {
  const to = r.state === 'flushing' ? ` to ${[r.toServer ? 'server' : '', r.toCache ? 'cache' : ''].filter(Boolean).join('+') || 'nowhere'}` : '';
  return `${r.state} ${r.type} [${r.start},${r.end}) group ${r.group}${r.writer ? ` write ${r.writer}` : ''}${to}${r.queued ? ' queued' : ''}`;
}

export function netfsScene(s: NetfsState): Scene {
  const blk = s.blk;
  const writers: Box[] = s.writers.map((w, i) => ({
    id: `write ${w.value || i}`,
    title: `${w.kind} write ${w.value}`,
    tone: w.phase === 'pending' ? 'wait' : undefined,
    rows: [
      { id: 'range', label: 'bytes', text: `[${w.start},${w.end})` },
      { id: 'phase', label: 'phase', text: `${w.phase}${w.copied ? `, ${w.copied} copied` : ''}` },
      { id: 'group', label: 'group', text: String(w.group) },
    ],
  }));
  writers.unshift({
    id: 'server link',
    title: 'server link',
    tone: s.connected ? 'ok' : 'lost',
    rows: [
      { id: 'conn', label: '', text: s.connected ? 'connected' : 'disconnected' },
      { id: 'group', label: 'flush group', text: String(s.group) },
    ],
  });
  const folios: Box[] = s.folio.map((f, i) => {
    const lo = i * blk;
    const hi = lo + blk;
    if (!f) return { id: `folio ${i}`, title: `folio ${i}`, tone: 'muted', rows: [{ id: 'bytes', label: '', text: 'not in the page cache' }] };
    const bars: Bar[] = s.regions.filter((r) => r.start < hi && r.end > lo).map((r) => ({ from: Math.max(r.start, lo) - lo, to: Math.min(r.end, hi) - lo, text: regionText(r), tone: TONE[r.state] }));
    const flags = [f.uptodate ? 'uptodate' : 'not uptodate', f.dirty ? 'dirty' : '', f.writeback ? 'writeback' : '', f.pin ? `pinned ${f.pin}` : ''].filter(Boolean).join(', ');
    const rows: Row[] = [
      { id: 'bytes', label: `[${lo},${hi})`, text: '', cells: f.data.map(byte), bars },
      { id: 'flags', label: '', text: flags, ...(f.dirty ? { tone: 'dirty' as const } : {}) },
    ];
    return { id: `folio ${i}`, title: `folio ${i}`, rows };
  });
  const server: Box = { id: 'server', title: 'server', rows: [{ id: 'bytes', label: '', text: '', cells: s.server.map(stored) }] };
  const cache: Box[] = s.cache.map((c, i) => ({
    id: `cache ${i}`,
    title: `local cache, block ${i}`,
    ...(c ? {} : { tone: 'muted' as const }),
    rows: [c ? { id: 'bytes', label: '', text: '', cells: c.map(stored) } : { id: 'bytes', label: '', text: 'nothing cached' }],
  }));
  return {
    columns: [
      { title: 'writers, server link', boxes: writers },
      { title: 'page cache: folios and dirty regions', boxes: folios },
      { title: 'at rest', boxes: [server, ...cache] },
    ],
    arrows: [],
  };
}
