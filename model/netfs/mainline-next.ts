/**
 * What each action of netfs-mainline does (model/designs/netfs-mainline.ts
 * says which kernel function each stands for and what the model chose where
 * the source leaves a choice): a write's entry, lock, pre-flush, copy and
 * completion, the DIO invalidation, VM writeback and its completion, reads,
 * reclaim, mmap faults and page_mkwrite, and flush-group barriers.
 */
import type { Transitions } from '../design.js';
import { acknowledge, beginWrite, fillFromStorage, geometry, landPayload, newRegion, size, tidy, writerOf } from './world.js';
import { chunk, rangeToIssue, rangeWrittenAndWaited } from './mainline.js';
import { beforeWritethrough, type MainlineAction } from './mainline-actions.js';
import { copyChunk, fault, issueFolio, mkwriteAs, releaseFolio, store, type MainlineState } from './mainline-steps.js';

/** The successor of each action kind (the design's `next`). */
export const mainlineNext: Transitions<MainlineState, MainlineAction> = {
  write:
    ({ start, end, how, rdwr }) =>
    (d) => {
      beginWrite(d, how, start, end);
      if (rdwr) d.writers[d.writers.length - 1].rdwr = true;
    },

  lock:
    ({ w }, s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const writer = writerOf(d, w);
      writer.phase = 'active';
      // DSYNC: a pre-flush that finds nothing to write or wait for returns at once. Taking that return
      // in this step loses no history: what could run between i_rwsem and it (faults, page_mkwrite,
      // VM writeback, reads, reclaim) does not need i_rwsem and can as well run before the lock.
      if (writer.kind === 'dsync' && (cfg.bugs.has('dsync-no-preflush') || rangeWrittenAndWaited(s, writer.start, writer.end, g.B))) d.preflushed = w;
    },

  // A direct write, holding i_rwsem shared, once filemap_write_and_wait_range() has left nothing in its
  // range to issue or wait for: filemap_invalidate_inode() -> invalidate_inode_pages2_range() ->
  // netfs_release_folio() per folio, then "if (end > ictx->zero_point) ictx->zero_point = end", and
  // fscache_invalidate(FSCACHE_INVAL_DIO_WRITE). Its data goes out in the next step (copy).
  invalidate:
    ({ w }, _s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const writer = writerOf(d, w);
      for (let f = Math.floor(writer.start / g.B); f * g.B < writer.end; f++) if (d.folio[f]) releaseFolio(d, f, g.B, cfg);
      d.zeroPoint = Math.max(d.zeroPoint, writer.end);
      d.cache.fill(null);
      writer.invalidated = true;
    },

  flushRange:
    ({ w }, s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const writer = writerOf(s, w);
      const preflush = writer.kind === 'dio' || beforeWritethrough(s, writer);
      const folios = preflush ? rangeToIssue(s, writer.start, writer.end, g.B) : [chunk(writer, g.B).f];
      for (const f of folios) issueFolio(d, f, g, cfg, false);
      tidy(d);
    },

  // filemap_write_and_wait_range() has returned to netfs_perform_write(): from here on a folio dirtied
  // in the range is not waited for (filemap_fdatawait_range has looked).
  preflushed:
    ({ w }) =>
    (d) => {
      d.preflushed = w;
    },

  // netfs_begin_writethrough(): mutex_lock(&ictx->wb_lock), with no second look at the range.
  writethrough:
    ({ w }) =>
    (d) => {
      d.preflushed = 0;
      d.wbLock = w;
    },

  copy:
    ({ w }, s, cfg) =>
    (d) =>
      copyChunk(d, s, w, cfg),

  complete:
    ({ w }, _s, cfg) =>
    (d) => {
      const writer = writerOf(d, w);
      if (writer.kind === 'dio') {
        // netfs_write_collection(): "mmap may have got underfoot ... Attempt to discard the folios, but
        // leave in place any modified locally" (invalidate_inode_pages2_range).
        const B = cfg.params.B;
        for (let f = Math.floor(writer.start / B); f * B < writer.end; f++) if (d.folio[f] && !d.folio[f]!.dirty && !d.folio[f]!.writeback) releaseFolio(d, f, B, cfg);
      }
      if (d.wbLock === w) d.wbLock = 0;
      acknowledge(d, writer);
    },

  writepages: (_a, s, cfg) => (d) => {
    const g = geometry(cfg.params);
    for (const f of rangeToIssue(s, 0, size(g), g.B)) issueFolio(d, f, g, cfg, false);
    tidy(d);
  },

  wbDone:
    ({ r }, _s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const region = d.regions[r];
      const serverSpan = region.type === 'stream' ? [region.start, region.end] : region.box;
      landPayload(d, region, g, serverSpan);
      // netfs_folio_written_back(): a streaming span's end raises zero_point. It matters once zero_point
      // sits inside a folio (a direct write's end puts it there): the folio streams, its span ends past it.
      if (region.type === 'stream') d.zeroPoint = Math.max(d.zeroPoint, region.end);
      d.regions.splice(r, 1);
      const f = Math.floor(region.start / g.B);
      const folio = d.folio[f];
      // folio_end_writeback() -> __folio_end_writeback(): "folio_xor_flags_has_waiters(folio, 1 <<
      // PG_writeback)". PG_writeback is a bit, not a count: a folio put into writeback twice (the
      // write-through's folio_start_writeback on a folio already under writeback, which only a
      // CONFIG_DEBUG_VM kernel refuses) is clear after the first end and set again, for ever, by the second.
      if (folio) folio.writeback = !folio.writeback;
    },

  read:
    ({ f }, _s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const hadCopy = d.cache[f] !== null;
      fillFromStorage(d, f, g.B, false);
      if (g.cache && !hadCopy) {
        // NETFS_FOLIO_COPY_TO_CACHE: dirty for the cache stream only.
        d.regions.push(newRegion(f * g.B, (f + 1) * g.B, 'dirty', 'semi', d.group, [f * g.B, (f + 1) * g.B]));
        d.folio[f]!.dirty = true;
        tidy(d);
      }
    },

  reclaim:
    ({ f }, _s, cfg) =>
    (d) =>
      releaseFolio(d, f, cfg.params.B, cfg),

  mmap:
    ({ b }, _s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      beginWrite(d, 'mmap', b, b + 1);
      fault(d, Math.floor(b / g.B), g);
    },

  mkwrite:
    ({ w }, s, cfg) =>
    (d) => {
      const g = geometry(cfg.params);
      const writer = writerOf(d, w);
      const f = Math.floor(writer.start / g.B);
      switch (mkwriteAs(s, writerOf(s, w), g.B)) {
        case 'refault':
          fault(d, f, g);
          return;
        case 'sigbus':
          // The store never happens: the process gets SIGBUS, and no byte changed.
          d.writers.splice(d.writers.indexOf(writer), 1);
          return;
        case 'fdatawrite':
          issueFolio(d, f, g, cfg, false);
          tidy(d);
          return;
        case 'store':
          store(d, writer, g);
          acknowledge(d, writer);
      }
    },

  barrier: () => (d) => {
    d.group += 1;
    d.left.barriers -= 1;
  },
};
