/**
 * The actions netfs-regions enables in a state (model/designs/netfs-regions.ts
 * says which rule of the RFC each stands for): which writes may take their
 * region lock, what the flusher may take and where it may split, which folios
 * the VM may read in, reclaim or hand to ->writepage(), and the services.
 */
import type { Config } from '../design.js';
import { boxBusy, boxFolios, boxLockable, canActivate, earlierGroupPending, hasData, lockRange, releasable } from './regions.js';
import { dsyncHeldBack } from './regions-amendments.js';
import { boxBlock, boxOf, geometry, INVAL_MODES, overlaps, size, writeRanges, writerOf, type InvalMode, type NetfsState, type WriteKind } from './world.js';

export type RegionsAction =
  | { readonly kind: 'write'; readonly start: number; readonly end: number; readonly how: WriteKind }
  | { readonly kind: 'activate'; readonly w: number }
  | { readonly kind: 'invalidate'; readonly w: number }
  | { readonly kind: 'copy'; readonly w: number }
  | { readonly kind: 'complete'; readonly w: number }
  | { readonly kind: 'flush'; readonly r: number; readonly cut: number }
  | { readonly kind: 'wbDone'; readonly r: number }
  | { readonly kind: 'read'; readonly f: number }
  | { readonly kind: 'reclaim'; readonly f: number }
  | { readonly kind: 'writepage'; readonly f: number }
  | { readonly kind: 'barrier' }
  | { readonly kind: 'remote'; readonly mode: InvalMode }
  | { readonly kind: 'disconnect' }
  | { readonly kind: 'reconnect' }
  | { readonly kind: 'crash' };

/**
 * A folio a pending write had read in for its activation (canActivate: the box's pages it does not
 * cover whole). The RFC's writer reads each folio after activation, holding it:
 * netfs_perform_write() -> netfs_grab_folio_for_write() (a reference and the folio lock) ->
 * netfs_prefetch_for_write() -> copy -> folio_unlock(), folio_put(). The model reads before
 * activation, so the writer's hold comes with the read: reclaim cannot take such a folio
 * (folio_ref_freeze fails on the extra reference). Without it, reclaim taking each folio of a
 * two-folio box before the other was read starved the pending write for ever (lock-fair, 22
 * actions, P=2 B=2), a history the RFC's writer cannot suffer.
 */
function prefetchedFor(s: NetfsState, f: number, g: ReturnType<typeof geometry>): boolean {
  return s.writers.some((w) => {
    if (w.phase !== 'pending') return false;
    const [b0, b1] = boxOf(w.start, w.end, g);
    const whole = w.start <= f * g.B && w.end >= (f + 1) * g.B;
    return f * g.B >= b0 && (f + 1) * g.B <= b1 && !whole;
  });
}

/** The enabled actions of a state (the design's `actions`). */
export function regionsActions(s: NetfsState, cfg: Config): RegionsAction[] {
  const g = geometry(cfg.params);
  const out: RegionsAction[] = [];
  if (s.left.writes > 0) {
    const kinds: WriteKind[] = ['buffered'];
    if (cfg.params.dsync) kinds.push('dsync');
    if (cfg.params.dio) kinds.push('dio');
    for (const [start, end] of writeRanges(size(g), cfg.params.L)) for (const how of kinds) out.push({ kind: 'write', start, end, how });
  }
  for (const w of s.writers) {
    if (w.phase === 'pending') {
      if (canActivate(s, w, g, cfg)) out.push({ kind: 'activate', w: w.value });
    } else if (w.phase === 'active' && w.kind === 'dio' && !w.invalidated) {
      // netfs_file_direct_write's invalidate_inode_pages2_range waits for writeback on each folio
      // (folio_wait_writeback) before it tries to drop it.
      if (!boxFolios(w, g).some((f) => s.folio[f]?.writeback)) out.push({ kind: 'invalidate', w: w.value });
    } else if (w.phase === 'active') {
      out.push(w.copied < w.end ? { kind: 'copy', w: w.value } : { kind: 'complete', w: w.value });
    } else if (!s.regions.some((r) => r.writer === w.value)) {
      out.push({ kind: 'complete', w: w.value });
    }
  }
  s.regions.forEach((r, i) => {
    if (r.state === 'flushing') {
      out.push({ kind: 'wbDone', r: i });
      return;
    }
    if (!s.connected && !g.cache) return;
    if (dsyncHeldBack(s, r, cfg)) return;
    if (!cfg.bugs.has('flush-later-group-first') && r.type !== 'semi' && earlierGroupPending(s, r.group, r)) return;
    if (r.state === 'dirty' && hasData(r) && !boxBusy(s, boxOf(r.start, r.end, g), r) && boxLockable(s, boxOf(r.start, r.end, g), g, cfg)) out.push({ kind: 'flush', r: i, cut: r.end });
    if (r.state === 'active') {
      // (8) the split "at a page boundary that's at or less than the dirtied point"; the RFC branch's
      // netfs_flush_dirty() takes an active region up to "active_from = round_down(dirty_to, min_bsize)",
      // dirty_to its dirty.end (the dirtied point: the RFC merges at commit, so an active record ends
      // where its write has copied to; here w.copied, as the model merges at activation), min_bsize the
      // block the box is rounded to. All of a region copied so far may go ("if (r->dirty.start < limit)
      // ... tail = r"), even a write that has copied everything and not yet committed, which a DSYNC
      // writer's own flush request (netfs_flush_region ... flush_dsync) relies on.
      const w = writerOf(s, r.writer);
      const split = cfg.bugs.has('split-beyond-dirtied') ? Math.ceil((w.copied + 1) / g.B) * g.B : Math.floor(w.copied / boxBlock(g)) * boxBlock(g);
      const within = cfg.bugs.has('split-beyond-dirtied') ? split < w.end : split <= w.copied;
      if (split > r.start && within && !boxBusy(s, boxOf(r.start, split, g), r) && boxLockable(s, boxOf(r.start, split, g), g, cfg)) out.push({ kind: 'flush', r: i, cut: split });
    }
  });
  for (let f = 0; f < g.P; f++) {
    const folio = s.folio[f];
    if (!folio) {
      // A range under an active write's region lock is not read in behind it, and that is the whole
      // range the read splices in: with a crypto or compression block bigger than a folio the read
      // fills every hole of the block (SERVICES (4)) and makes a semi-dirty region there, and
      // "Incompatible writes are not allowed to share bounding boxes (e.g. DIO writes may not overlap
      // with other writes as the pagecache needs invalidation thereafter)" (7). So the read waits
      // while any active write's lock (its box, when blocks are the unit) meets its block; a read of
      // a single folio checked only that folio, and spliced a semi-dirty region into a box a DIO
      // write held, which the DIO then invalidated under it (search: 4 actions, C=4 dio=1).
      const [r0, r1] = boxOf(f * g.B, (f + 1) * g.B, g);
      const locked = s.writers.some((w) => {
        if (w.phase === 'pending') return false;
        if (cfg.bugs.has('read-splices-into-locked-box')) return overlaps(w.start, w.end, f * g.B, (f + 1) * g.B);
        const [l0, l1] = lockRange(w, g);
        return overlaps(l0, l1, r0, r1);
      });
      if ((s.connected || s.cache[f]) && !locked) out.push({ kind: 'read', f });
    } else if (releasable(folio, cfg) && !prefetchedFor(s, f, g)) {
      // The VM only offers clean folios not under writeback; ->releasepage() refuses those a region pins.
      out.push({ kind: 'reclaim', f });
    } else if (folio.dirty && s.regions.some((r) => r.state === 'dirty' && !r.queued && overlaps(r.start, r.end, f * g.B, (f + 1) * g.B))) {
      out.push({ kind: 'writepage', f });
    }
  }
  if (s.left.barriers > 0) out.push({ kind: 'barrier' });
  const quiet = s.writers.length === 0 && !s.regions.some((r) => r.state === 'flushing');
  if (s.left.remote > 0 && s.connected && quiet) for (const mode of INVAL_MODES) out.push({ kind: 'remote', mode });
  if (s.left.disconnects > 0 && s.connected) out.push({ kind: 'disconnect' });
  // The sync-back takes the region locks as an invalidation does (SERVICES (7): "and then the handling
  // of remote invalidation would apply"), and cache-only write-outs still in flight finish first, so
  // that their ranges are on the modified list it syncs.
  if (!s.connected && !s.writers.some((w) => w.phase === 'active') && !s.regions.some((r) => r.state === 'flushing')) out.push({ kind: 'reconnect' });
  if (s.left.crashes > 0) out.push({ kind: 'crash' });
  return out;
}
