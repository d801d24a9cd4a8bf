/**
 * The region rules of netfs-regions (seed 004, THE CHANGES (2)-(11)): the
 * region lock a pending write waits for, the folio marks and pins a region
 * keeps, and the flusher's write-out of a region's bounding box. The design
 * (model/designs/netfs-regions.ts) says which rule each comes from and what
 * it chose where the RFC is open; the services built on them (remote
 * invalidation, disconnected operation, the client crash) are in
 * regions-services.ts.
 */
import type { Config } from '../design.js';
import { boxOf, decode, overlaps, snapshot, tidy, type Folio, type Geometry, type NetfsState, type Region, type Writer } from './world.js';

/** A crash piece: region i's write-out to one destination. */
export function pieceId(r: Region, i: number, to: 'server' | 'cache'): string {
  return `r${i}[${r.start},${r.end})>${to}`;
}

export function activeRegion(s: NetfsState, value: number): Region | undefined {
  return s.regions.find((r) => r.state === 'active' && r.writer === value);
}

export function hasData(r: Region): boolean {
  return r.end > r.start;
}

/** The range a write locks: its bytes, or its box when blocks bigger than a byte are the unit. */
export function lockRange(w: Writer, g: Geometry): number[] {
  return g.C > 0 || g.Z > 0 ? boxOf(w.start, w.end, g) : [w.start, w.end];
}

/** (5): an earlier group still has unwritten (non cache-only) data. */
export function earlierGroupPending(s: NetfsState, group: number, except: Region | null): boolean {
  return s.regions.some((r) => r !== except && r.type !== 'semi' && (hasData(r) || r.state === 'active') && r.group < group);
}

/**
 * Bring the folio marks and pins up to date with the region records (RFC
 * (10), (9)). `dirtied`: folios just given dirty data; `flushed`: folios of a
 * region just put in flight, whose dirty mark is cleared only if no other
 * dirty region is on them. Other folios keep their mark unless no region is
 * left on them at all, so that a wrongly cleared mark stays cleared.
 */
export function remark(d: NetfsState, g: Geometry, cfg: Config, dirtied: ReadonlySet<number>, flushed: ReadonlySet<number>): void {
  for (let f = 0; f < g.P; f++) {
    const folio = d.folio[f];
    if (!folio) continue;
    const [a, b] = [f * g.B, (f + 1) * g.B];
    const on = d.regions.filter((r) => hasData(r) && overlaps(r.start, r.end, a, b));
    const dirty = on.some((r) => r.state !== 'flushing');
    if (flushed.has(f)) folio.dirty = cfg.bugs.has('clear-dirty-on-partial') ? false : dirty;
    else if (dirtied.has(f)) folio.dirty = true;
    else if (!dirty) folio.dirty = false;
    folio.writeback = on.some((r) => r.state === 'flushing');
    const pinners = d.regions.filter((r) => (cfg.bugs.has('unpinned-box') ? hasData(r) && overlaps(r.start, r.end, a, b) : overlaps(r.box[0], r.box[1], a, b)));
    folio.pin = pinners.length;
  }
}

export const NONE: ReadonlySet<number> = new Set();

export function finish(d: NetfsState, g: Geometry, cfg: Config, dirtied: ReadonlySet<number> = NONE, flushed: ReadonlySet<number> = NONE): void {
  d.regions = d.regions.filter((r) => hasData(r) || r.state === 'active');
  tidy(d);
  remark(d, g, cfg, dirtied, flushed);
}

export function foliosIn(a: number, b: number, B: number): Set<number> {
  const out = new Set<number>();
  for (let f = Math.floor(a / B); f * B < b; f++) out.add(f);
  return out;
}

/** The folios of a write's bounding box (RFC (7)). */
export function boxFolios(w: { start: number; end: number }, g: Geometry): number[] {
  const [b0, b1] = boxOf(w.start, w.end, g);
  return [...foliosIn(b0, b1, g.B)];
}

/**
 * Whether the VM may let a folio go: clean, not under writeback, and not
 * pinned by a region (->releasepage() refuses such a folio, RFC (9)). What
 * reclaim takes and what invalidate_inode_pages2_range drops (a dirty or
 * refused folio: invalidate_complete_folio2, -EBUSY).
 */
export function releasable(folio: Folio, cfg: Config): boolean {
  return !folio.dirty && !folio.writeback && (folio.pin === 0 || cfg.bugs.has('releasepage-ignores-pins'));
}

/** Remove bytes [a, b) from region x, keeping what is left on either side. */
export function trim(d: NetfsState, x: Region, a: number, b: number): void {
  if (x.start < a && x.end > b) {
    const tail: Region = { ...x, kinds: [...x.kinds], box: [...x.box], payload: [], start: b };
    if (x.supersededBy) tail.supersededBy = [...x.supersededBy];
    d.regions.push(tail);
  }
  if (x.start < a) x.end = Math.min(x.end, a);
  else x.start = Math.max(x.start, b);
  if (x.end < x.start) x.end = x.start;
}

/*
 * Supersede, as the RFC has it. __netfs_activate_write() only flags a dirty
 * region the new write overlaps ("set_bit(NETFS_REGION_SUPERSEDED, &r->flags)",
 * splitting off the part before the write first); the record stays on
 * ctx->dirty_regions, its folios keep PG_dirty, and it is resolved when the
 * write commits: netfs_commit_write() -> netfs_merge_dirty_region() drops a
 * record "Entirely subsumed" and rolls a partly superseded one forwards past
 * the write's dirty end ("p->dirty.start = front->dirty.end; clear_bit(
 * NETFS_REGION_SUPERSEDED ...)"). The model hands each byte over to the new
 * write's record as the write copies it (handOver), rather than at the
 * commit: in the RFC the copied bytes are on both records until then, the
 * flag saying which one owes them, and R8 ("exactly one dirty, active or
 * flushing region") and R9 read the records without a flag. No action of the
 * model can tell the two apart: while the new write is active its box meets
 * the flagged record's, so the flusher defers that record (boxBusy), and an
 * invalidation, a sync-back or another write over the same bytes waits for the
 * region lock. The model flags the whole record rather than split off the
 * part before the write first; the part the write does not cover is kept
 * either way. So until the new write has put its own bytes there, the older
 * record still owes them and keeps its folio dirty (the model once trimmed
 * it at activation, leaving acknowledged bytes on a clean folio that only a
 * box pin held: reviews/netfs-regions/bugs/unpinned-box.no-lost-writes).
 */

/** Activation: flag x as superseded by active write w. */
export function supersede(x: Region, w: number): void {
  x.supersededBy = [...(x.supersededBy ?? []), w];
}

/** Write w has copied bytes [a, b): the records it supersedes no longer owe them. */
export function handOver(d: NetfsState, w: number, a: number, b: number): void {
  for (const x of [...d.regions]) if (x.supersededBy?.includes(w) && overlaps(x.start, x.end, a, b)) trim(d, x, a, b);
}

/** Commit (netfs_merge_dirty_region): write w dirtied [start, end); what it superseded is resolved, its flag cleared. */
export function resolveSuperseded(d: NetfsState, w: number, start: number, end: number): void {
  handOver(d, w, start, end);
  for (const x of d.regions) {
    if (!x.supersededBy?.includes(w)) continue;
    const rest = x.supersededBy.filter((v) => v !== w);
    if (rest.length > 0) x.supersededBy = rest;
    else delete x.supersededBy;
  }
}

/** What the page cache, the cache and the server hold for byte i now (the implementation's own read). */
export function localByte(s: NetfsState, i: number, B: number): number {
  const f = Math.floor(i / B);
  const folio = s.folio[f];
  if (folio && folio.data[i % B] !== -1) return folio.data[i % B];
  const c = s.cache[f];
  return decode(c ? c[i % B] : s.server[i]);
}

/** (6)/(8)/(7): may this pending write take its region lock now? */
export function canActivate(s: NetfsState, w: Writer, g: Geometry, cfg: Config): boolean {
  const [l0, l1] = lockRange(w, g);
  if (!cfg.bugs.has('no-region-lock')) {
    for (const o of s.writers) {
      if (o === w || o.phase === 'pending') continue;
      const [o0, o1] = lockRange(o, g);
      if (overlaps(l0, l1, o0, o1)) return false;
    }
  }
  // A DSYNC region waiting only for its group's turn is as good as flushing: a
  // newer write waits for it rather than supersede data its writer is waiting on.
  const [b0, b1] = boxOf(w.start, w.end, g);
  const busy = (r: Region): boolean => (r.state === 'flushing' && overlaps(r.box[0], r.box[1], b0, b1)) || (r.type === 'dsync' && r.state === 'dirty' && overlaps(r.start, r.end, w.start, w.end));
  if (!cfg.bugs.has('write-over-flushing') && s.regions.some(busy)) return false;
  if (w.kind === 'dio') return !s.regions.some((r) => overlaps(r.box[0], r.box[1], b0, b1)) && s.connected;
  // The pages of the box must be in (read first), except those the write covers whole.
  for (let f = b0 / g.B; f * g.B < b1; f++) {
    const whole = w.start <= f * g.B && w.end >= (f + 1) * g.B;
    if (!whole && !s.folio[f]) return false;
  }
  return true;
}

/**
 * (7)/(9): a write-out snapshots its whole box, so two boxes in flight, or a
 * box in flight over an active write, could land an older snapshot over a
 * newer one; the flusher defers such a region (as the RFC defers when it
 * cannot lock all the pages it needs).
 */
export function boxBusy(s: NetfsState, box: number[], except: Region): boolean {
  return s.regions.some((r) => r !== except && (r.state === 'flushing' || r.state === 'active') && overlaps(r.box[0], r.box[1], box[0], box[1]));
}

/**
 * "If we can't manage to lock all the pages in a part of the region we want
 * to change, we drop the locks we've taken and defer": a write-out needs
 * every page of its box (9), and a page that is not in the page cache cannot
 * be locked. It happens when a split is at a page boundary at or below the
 * dirtied point but the crypto block around it reaches pages the write
 * covers whole and has not copied yet (so they were never read in): the
 * flusher defers until the block is there. Writing the box out anyway sent
 * garbage for those pages (search: 4 actions, P=2 B=1 C=2). That was with a
 * split at any page boundary; the RFC's flusher splits at round_down(dirtied
 * point, min_bsize), a block boundary, so a write-out's box holds only copied
 * blocks and blocks an activation read in and pins, and no search of the
 * tests reaches a missing page here (the toggle that skipped the check,
 * flush-box-with-missing-pages, is gone). The check stays: it is the RFC's
 * rule, and releasepage-ignores-pins or a future path may need it.
 */
export function boxLockable(s: NetfsState, box: number[], g: Geometry, _cfg: Config): boolean {
  for (let f = Math.floor(box[0] / g.B); f * g.B < box[1]; f++) if (!s.folio[f]) return false;
  return true;
}

/** Put a dirty region (or the split-off part) in flight: (9) snapshot its box, (10) keep other regions' marks. */
export function startFlush(d: NetfsState, r: Region, cut: number, g: Geometry, cfg: Config): void {
  r.end = cut;
  r.state = 'flushing';
  r.box = boxOf(r.start, r.end, g);
  const semi = r.type === 'semi';
  r.toServer = d.connected && (!semi || cfg.bugs.has('upload-cache-only'));
  r.toCache = g.cache;
  const clear = semi && cfg.bugs.has('plaintext-download-to-cache') ? { ...g, C: 0 } : g;
  r.payload = snapshot(d, r.box[0], r.box[1], clear);
  finish(d, g, cfg, NONE, foliosIn(r.start, r.end, g.B));
}

/**
 * Who waits in the RFC design (engine/model.ts DEADLOCK): a pending write that
 * may not take its region lock yet (6)/(8), a DSYNC writer whose region has
 * not finished flushing (4); undefined when nobody is blocked (an active
 * write can always copy or commit), so the engine lists the actions again
 * only where someone is.
 */
export function regionsWaiting(s: NetfsState, g: Geometry, cfg: Config): string | undefined {
  const out: string[] = [];
  for (const w of s.writers) {
    const name = `${w.kind} write ${w.value} [${w.start},${w.end})`;
    if (w.phase === 'pending' && !canActivate(s, w, g, cfg)) out.push(`${name} waits for its region lock`);
    if (w.phase === 'syncing' && s.regions.some((r) => r.writer === w.value)) out.push(`${name} waits for its DSYNC region to finish flushing`);
  }
  return out.length > 0 ? out.join('; ') : undefined;
}
