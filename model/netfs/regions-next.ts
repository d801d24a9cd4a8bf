/**
 * What each action of netfs-regions does (model/designs/netfs-regions.ts says
 * which rule of the RFC each stands for and what the model chose where the
 * RFC is open): a write's queueing, activation, copy and commit, the
 * flusher's split and write-out, the VM's reads, reclaim and ->writepage(),
 * and the services (model/netfs/regions-services.ts).
 */
import { crashPoint, type Transitions } from '../design.js';
import type { RegionsAction } from './regions-actions.js';
import { activeRegion, boxBusy, boxFolios, boxLockable, earlierGroupPending, finish, handOver, releasable, resolveSuperseded, startFlush, supersede } from './regions.js';
import { clientCrash, remoteInvalidation, syncBack } from './regions-services.js';
import { dsyncHeldBack } from './regions-amendments.js';
import { acknowledge, beginWrite, boxOf, emptyFolio, encode, fillFromStorage, geometry, landPayload, newRegion, overlaps, writerOf, type NetfsState } from './world.js';

/** The successor of each action kind (the design's `next`). */
export const regionsNext: Transitions<NetfsState, RegionsAction> = {
  write:
    ({ start, end, how }, _s, cfg) =>
    (d) => {
      beginWrite(d, how, start, end);
      // The file is open for writing: fscache_use_cookie(cookie, will_modify) has the cache object
      // marked CACHEFILES_CONTENT_DIRTY on disk (cachefiles_prepare_to_write) before any local write
      // reaches it. The mark goes when the object is committed as it leaves memory
      // (cachefiles_commit_object), which the model, having no close, never does: it stays to the crash.
      if (cfg.params.cache) d.cacheDirty = true;
    },

  activate:
    ({ w }, _s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const writer = writerOf(d, w);
      writer.phase = 'active';
      // The region, and so its flush group, is made now: a write that waited across a barrier is in the new group.
      writer.group = d.group;
      if (writer.kind === 'dio') return;
      const type = writer.kind === 'dsync' ? 'dsync' : 'ordinary';
      const mine = newRegion(writer.start, writer.start, 'active', type, d.group, boxOf(writer.start, writer.end, g));
      mine.writer = w;
      for (const x of [...d.regions]) {
        if (x.state !== 'dirty' || !overlaps(x.start, x.end, writer.start, writer.end)) continue;
        // A record another active write supersedes is not merged with (netfs_merge_dirty_region:
        // "test_bit(NETFS_REGION_SUPERSEDED, &p->flags) ... goto scan_forwards").
        const compatible = !x.supersededBy && x.type === 'ordinary' && x.group === writer.group && (type === 'ordinary' || cfg.bugs.has('merge-dsync'));
        if (compatible && x.start <= writer.start) {
          // (2) merge: the write's region takes over the older record.
          mine.start = x.start;
          mine.end = Math.max(x.end, writer.start);
          mine.box = boxOf(mine.start, writer.end, g);
          mine.queued = x.queued;
          if (!mine.kinds.includes(x.type)) mine.kinds = [...mine.kinds, x.type].sort();
          d.regions.splice(d.regions.indexOf(x), 1);
        } else {
          // (2)/(3)/(4) supersede: flagged now, the bytes handed over as the write copies them, resolved
          // at its commit (__netfs_activate_write; model/netfs/regions.ts, "Supersede").
          supersede(x, w);
        }
      }
      d.regions.push(mine);
      finish(d, g, cfg);
    },

  invalidate:
    ({ w }, _s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const writer = writerOf(d, w);
      // (5) netfs_file_direct_write (RFC patch 06/12, dio_helper.c), before its I/O: "We invalidate
      // clean cached page from the region we're about to write. We do this *before* the write".
      // invalidate_inode_pages2_range refuses a dirty folio (invalidate_complete_folio2) and one a
      // region pins (->releasepage() refuses it): -EBUSY, and "If the page can't be invalidated,
      // return 0 to fall back to buffered write". The write that dirtied a folio still pins it, so
      // filemap_write_and_wait_range before the invalidation would not free it either; the model
      // folds the two into the refusal. Untoggled, no region lies in the box of an active DIO
      // (canActivate), so only a toggle meets a refusal.
      // (No folio of the box is under writeback here: the action waits for it.)
      const folios = boxFolios(writer, g);
      if (folios.some((f) => d.folio[f] && !releasable(d.folio[f], cfg))) {
        // The fallback the RFC sketches (#if 0 in dio_helper.c) is netfs_perform_write over the same
        // range: the model makes the writer a buffered one that asks for its region lock again, and it
        // is acknowledged as a buffered write is, at its commit.
        writer.kind = 'buffered';
        writer.phase = 'pending';
        return;
      }
      for (const f of folios) d.folio[f] = null;
      writer.invalidated = true;
    },

  copy:
    ({ w }, _s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const writer = writerOf(d, w);
      if (writer.kind === 'dio') {
        // (5) DIO goes straight to the server, encrypted; the cache over its box is dropped. Then the RFC
        // invalidates again, for folios cached since the first invalidation ("Finally, try again to
        // invalidate clean pages which might have been cached by non-direct readahead"): a dirty folio,
        // or one a region pins, stays ("If this invalidation fails, tough, the write still worked").
        for (let i = writer.start; i < writer.end; i++) d.server[i] = encode(writer.value, g);
        for (const f of boxFolios(writer, g)) {
          const folio = d.folio[f];
          if (folio && releasable(folio, cfg)) d.folio[f] = null;
          d.cache[f] = null;
        }
        writer.copied = writer.end;
        return;
      }
      const f = Math.floor(writer.copied / g.B);
      const end = Math.min(writer.end, (f + 1) * g.B);
      // netfs_perform_write: a page that is not uptodate and that the write does not fill is read in
      // first (netfs_prefetch_for_write). Activation needs such pages present and the box pin keeps
      // them, so only a bug toggle that lets one go reaches this; it then reads the page back rather
      // than writing garbage around the write's bytes.
      if (!d.folio[f] && (writer.copied > f * g.B || end < (f + 1) * g.B)) fillFromStorage(d, f, g.B, false);
      const folio = d.folio[f] ?? { ...emptyFolio(g.B), uptodate: true };
      d.folio[f] = folio;
      for (let i = writer.copied; i < end; i++) folio.data[i - f * g.B] = writer.value;
      const from = writer.copied;
      writer.copied = end;
      const mine = activeRegion(d, w)!;
      mine.end = Math.max(mine.end, end);
      handOver(d, w, from, end);
      finish(d, g, cfg, new Set([f]));
    },

  complete:
    ({ w }, _s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const writer = writerOf(d, w);
      if (writer.phase === 'syncing' || writer.kind === 'dio') {
        acknowledge(d, writer);
        return;
      }
      // Undefined when the flusher has already taken the whole record (flush, no split): it is in
      // flight, and its data with it.
      const mine = activeRegion(d, w);
      if (writer.kind === 'dsync' && cfg.bugs.has('dsync-wait-holding-lock')) {
        writer.phase = 'syncing';
        return;
      }
      if (mine) mine.state = 'dirty';
      // netfs_commit_write -> netfs_merge_dirty_region. The RFC commits a DSYNC write after its flush;
      // the model's DSYNC write commits here, as its region goes from active to dirty and is put in
      // flight, so that no superseded record lies under it while it is written out.
      resolveSuperseded(d, w, writer.start, writer.copied);
      if (writer.kind === 'dsync') {
        // (4) flushed immediately (after older groups); the writer waits for it.
        writer.phase = 'syncing';
        // "Immediately" is as soon as the flusher may: like any write-out it defers while another box in
        // flight overlaps its own (an older snapshot of the box would land over it) or a page of its box
        // is missing; the flush action takes it then. Going at once regardless put two overlapping
        // boxes in flight and the older one overwrote the DSYNC bytes (search: 22 actions, C=4), when
        // the flusher could still split a write inside a crypto block; with the split at
        // round_down(dirtied point, block) no search of the tests reaches a busy box here any more,
        // and the toggle that skipped the check (dsync-flush-ignores-busy-box) is gone with it.
        if (mine) {
          const box = boxOf(mine.start, mine.end, g);
          const free = !boxBusy(d, box, mine) && boxLockable(d, box, g, cfg);
          if ((d.connected || g.cache) && !dsyncHeldBack(d, mine, cfg) && !earlierGroupPending(d, mine.group, mine) && free) startFlush(d, mine, mine.end, g, cfg);
        }
        finish(d, g, cfg);
        return;
      }
      if (mine) mine.writer = 0;
      acknowledge(d, writer);
      finish(d, g, cfg);
    },

  flush:
    ({ r, cut }, _s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const region = d.regions[r];
      const w = region.state === 'active' ? writerOf(d, region.writer) : undefined;
      if (!w || (cut === region.end && w.copied === w.end)) {
        // A dirty region, or an active one taken up to its end by a write that has copied everything:
        // nothing lies past block.end to split off ("if (tail->dirty.end > block.end)" is false), so
        // the record itself goes ("smp_store_release(&r->state, NETFS_REGION_IS_FLUSHING)") and keeps
        // its writer, whose DSYNC wait (wait_on_region(region, NETFS_REGION_IS_COMPLETE)) ends when it
        // lands. The model once split here too and left an empty active record carrying the writer,
        // which a DSYNC writer then waited on for ever (review dsync-wait-holding-lock.deadlock).
        startFlush(d, region, cut, g, cfg);
        return;
      }
      // "if (tail->dirty.end > block.end) ... r = netfs_split_off_front(ctx, tail, &spares[1],
      // block.end)": the front, a copy of the record ("*front = *region; front->dirty.end = pos;
      // region->dirty.start = pos"), is the new record that goes; the writer's own record is the
      // remainder. A choice of the model: the front keeps the writer's number, so a DSYNC writer waits
      // for every record holding its bytes ((4): "The writer then waits for that region to finish
      // flushing"). The RFC's writer waits on its own record only, which would let a DSYNC write
      // return while a front split off it mid-copy (a block smaller than its dirtied range) is still
      // in flight. Another choice the RFC leaves open: an active write cut at its dirtied point with
      // bytes still to copy. The RFC takes the record itself there, and the writer goes on copying
      // into a record in flight whose write-out does not cover the new bytes (in a later state of the
      // branch's write_back.c, netfs_fix_up_dirty_list() drops the record when that write-out ends);
      // the model splits instead and keeps an empty active record from the cut for the bytes to come,
      // as netfs_merge_dirty_region()'s table intends ("Ordinary write, flush started. Dirty").
      const part = { ...region, kinds: [...region.kinds], box: boxOf(region.start, cut, g), end: cut, state: 'dirty' as const };
      region.start = cut;
      d.regions.push(part);
      startFlush(d, part, cut, g, cfg);
    },

  wbDone:
    ({ r }, _s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const region = d.regions[r];
      const span = g.C > 0 || g.Z > 0 ? region.box : [region.start, region.end];
      landPayload(d, region, g, span);
      if (!region.toServer && region.type !== 'semi') {
        // Saved only to the cache while disconnected: disconnected operation now owes it to the server.
        d.modified.push([region.start, region.end]);
        for (let i = region.start; i < region.end; i++) d.ghost.offline[i] = true;
      }
      d.regions.splice(r, 1);
      finish(d, g, cfg);
    },

  read:
    ({ f }, _s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      // SERVICES (4): a read of a larger block reads the whole block and splices the extra pages into the holes.
      const [b0, b1] = boxOf(f * g.B, (f + 1) * g.B, g);
      const dirtied = new Set<number>();
      for (let h = b0 / g.B; h * g.B < b1; h++) {
        if (d.folio[h] || (!d.cache[h] && !d.connected)) continue;
        const hadCopy = d.cache[h] !== null;
        fillFromStorage(d, h, g.B, false);
        if (g.cache && !hadCopy) {
          // (3) a semi-dirty region: the download is written to the cache by the VM's writeback.
          d.regions.push(newRegion(h * g.B, (h + 1) * g.B, 'dirty', 'semi', d.group, boxOf(h * g.B, (h + 1) * g.B, g)));
          dirtied.add(h);
        }
      }
      finish(d, g, cfg, dirtied);
    },

  reclaim:
    ({ f }) =>
    (d) => {
      d.folio[f] = null;
    },

  writepage:
    ({ f }, _s, cfg) =>
    (d) => {
      // (11) queue the page's regions for the flusher and leave the page dirty.
      for (const r of d.regions) if (r.state === 'dirty' && overlaps(r.start, r.end, f * cfg.params.B, (f + 1) * cfg.params.B)) r.queued = true;
    },

  barrier: () => (d) => {
    d.group += 1;
    d.left.barriers -= 1;
  },

  remote: ({ mode }, s, cfg) => remoteInvalidation(mode, s, cfg),

  disconnect: () => (d) => {
    d.connected = false;
    d.left.disconnects -= 1;
  },

  reconnect: (_a, _s, cfg) => syncBack(cfg),

  crash: crashPoint((_a, s, cfg) => clientCrash(s, cfg)),
};
