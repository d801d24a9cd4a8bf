/**
 * The services of netfs-regions beyond the region rules (seed 004, SERVICES
 * (6) and (7)), and the client crash: a remote invalidation in one of the
 * four modes, the sync-back of disconnected operation on reconnection, and
 * what a crash leaves on the server and in the cache (the cache as
 * fscache/cachefiles keeps it: model/designs/netfs-regions.ts, "Crash").
 */
import type { Config, CrashStep, Piece, Recipe } from '../design.js';
import { finish, foliosIn, hasData, localByte, NONE, pieceId, trim } from './regions.js';
import { boxOf, decode, encode, fillFromStorage, FROM_CRASH, FROM_REMOTE, geometry, landPayload, newRegion, overlaps, size, type InvalMode, type NetfsState } from './world.js';

/** SERVICES (6): the server's copy changes and the client handles it in one of the four modes. */
export function remoteInvalidation(mode: InvalMode, s: NetfsState, cfg: Config): Recipe<NetfsState> {
  return (d) => {
    const g = geometry(cfg.params);
    const n = size(g);
    d.left.remote -= 1;
    d.seq += 1;
    const R = d.seq;
    const local = Array.from({ length: n }, (_, i) => localByte(s, i, g.B));
    // What the mode keeps of the local version is what the page cache holds. After two overlapping
    // writes were in flight together either may have landed last (ghost.allowed holds both), so the
    // promise is the local value when it is one the writes allowed, not a fixed pick among them
    // (taking the highest number promised the write that did not land last: search, 10 actions).
    const promised = s.ghost.allowed.map((a, i) => (a.includes(local[i]) ? local[i] : a[a.length - 1]));
    const dirty = Array.from({ length: n }, (_, i) => s.regions.some((r) => r.type !== 'semi' && hasData(r) && i >= r.start && i < r.end));
    const expect = promised.map((v, i) => (mode === 'keep' || (mode === 'reapply' && dirty[i]) ? v : R));
    for (let i = 0; i < n; i++) d.server[i] = encode(R, g);
    const dropCache = (): void => {
      if (!cfg.bugs.has('stale-cache-after-invalidation')) d.cache.fill(null);
    };
    if (mode === 'keep') {
      for (let i = 0; i < n; i++) d.server[i] = encode(local[i], g);
    } else if (mode === 'reapply') {
      d.regions = d.regions.filter((r) => r.type !== 'semi');
      for (let f = 0; f < g.P; f++) {
        const folio = d.folio[f];
        if (folio) for (let b = 0; b < g.B; b++) if (!dirty[f * g.B + b]) folio.data[b] = R;
      }
      dropCache();
    } else {
      if (mode === 'stash') d.stash = local;
      d.regions = [];
      d.folio.fill(null);
      dropCache();
    }
    d.ghost.allowed = expect.map((v) => [v]);
    d.ghost.source.fill(FROM_REMOTE);
    // Only while connected, after the sync-back: nothing is left on the modified list.
    d.ghost.offline.fill(false);
    d.ghost.durable.fill(0);
    d.ghost.inval = { mode, R, expect, stash: mode === 'stash' ? promised : null, hadLocal: dirty.some((x) => x) };
    finish(d, g, cfg);
  };
}

/** SERVICES (7): "Upon reconnection, we would need to sync back to the server". */
export function syncBack(cfg: Config): Recipe<NetfsState> {
  return (d) => {
    const g = geometry(cfg.params);
    d.connected = true;
    if (!cfg.bugs.has('forget-modified-list')) {
      // Sync back: what went only to the cache becomes dirty again, read back in from the cache. A
      // byte a dirty region already covers is owed by that newer record (it was dirtied after its
      // cache-only write-out); a semi-dirty region is superseded, as by any local modification (3).
      // Pushing the whole range gave two regions over the same bytes (split-point, 13 actions).
      const owed = new Array<boolean>(size(g)).fill(false);
      for (const [a, b] of d.modified) for (let i = a; i < b; i++) owed[i] = true;
      for (const r of d.regions) if (r.type !== 'semi') for (let i = r.start; i < r.end; i++) owed[i] = false;
      for (let a = 0; a < owed.length; a++) {
        if (!owed[a]) continue;
        let b = a;
        while (b < owed.length && owed[b]) b++;
        for (let f = Math.floor(a / g.B); f * g.B < b; f++) if (!d.folio[f]) fillFromStorage(d, f, g.B, false);
        for (const x of [...d.regions]) if (x.type === 'semi' && overlaps(x.start, x.end, a, b)) trim(d, x, a, b);
        d.regions.push(newRegion(a, b, 'dirty', 'ordinary', d.group, boxOf(a, b, g)));
        a = b;
      }
    }
    const dirtied = new Set(d.modified.flatMap(([a, b]) => [...foliosIn(a, b, g.B)]));
    d.modified = [];
    finish(d, g, cfg, cfg.bugs.has('forget-modified-list') ? NONE : dirtied);
  };
}

/**
 * A client crash. The pieces are the write-outs in flight: each flushing
 * region's upload to the server and its write to the cache are separate I/Os
 * ("netfs: Send write request to multiple destinations"), so either may have
 * landed without the other. Nothing orders them: groups are flushed in order
 * by never putting a later group in flight before an earlier one has
 * completed (earlierGroupPending), so regions in flight together are of one
 * group.
 */
export function clientCrash(s: NetfsState, cfg: Config): CrashStep<NetfsState> {
  const g = geometry(cfg.params);
  const pending: Piece[] = [];
  s.regions.forEach((r, i) => {
    if (r.state !== 'flushing') return;
    if (r.toServer) pending.push({ id: pieceId(r, i, 'server') });
    if (r.toCache && g.cache) pending.push({ id: pieceId(r, i, 'cache') });
  });
  return {
    pending,
    persist: (d, survivors) => {
      d.left.crashes -= 1;
      d.regions.forEach((region, i) => {
        if (region.state !== 'flushing') return;
        const toServer = region.toServer && survivors.has(pieceId(region, i, 'server'));
        const toCache = region.toCache && survivors.has(pieceId(region, i, 'cache'));
        if (!toServer && !toCache) return;
        landPayload(d, { ...region, toServer, toCache }, g, g.C > 0 || g.Z > 0 ? region.box : [region.start, region.end]);
        // Written to the cache only while disconnected: on the modified list, which is kept with the cache.
        if (!region.toServer && toCache && region.type !== 'semi') d.modified.push([region.start, region.end]);
      });
      // The next lookup of a cache object that was open for local modification finds
      // CACHEFILES_CONTENT_DIRTY: cachefiles_check_auxdata() returns -ESTALE ("Dirty object in
      // cache", "TODO: Begin conflict resolution") and cachefiles_open_file() replaces it with a
      // new, empty object (cachefiles_create_file). The modified list, kept with the object, goes too.
      if (d.cacheDirty && !cfg.bugs.has('trust-cache-after-crash')) {
        d.cache.fill(null);
        d.modified = [];
      }
      d.cacheDirty = false;
      // Volatile state goes; the server, and the cache where it was not open for modification, stay.
      d.folio.fill(null);
      d.regions = [];
      d.writers = [];
      d.stash = null;
      d.ghost.inval = null;
      // Unsynced buffered writes may be lost; what a read returns now is the new baseline.
      for (let i = 0; i < d.server.length; i++) {
        const c = d.cache[Math.floor(i / g.B)];
        d.ghost.allowed[i] = [decode(c ? c[i % g.B] : d.server[i])];
        d.ghost.source[i] = FROM_CRASH;
        d.ghost.offline[i] = d.modified.some(([a, b]) => i >= a && i < b);
      }
    },
  };
}
