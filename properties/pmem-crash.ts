/**
 * The crash invariants of seed 003 (Dave Chinner and Nick Piggin,
 * "Re: DAX mapping detection", lkml 2016-09-12/13) and of MAP_SYNC
 * (KERNEL.md 2.3, INV-I and INV-J). Each is judged in the state a crash and
 * recovery lead to, against what stood at the crash.
 */
import type { Goal, Property } from '../engine/model.js';
import { lookup, NONE, readBack, STALE, type PmemState } from '../model/pmem.js';

/**
 * Nick: "At this point, a crash must return with above data (or newer)";
 * INV-I: data stored and flushed is durable at the offset the fault promised.
 */
export const crashDurability: Property<PmemState> = {
  id: 'crash-durability',
  description: 'after a crash, each block promised durable reads back the data stored and flushed before it (or newer), at the promised offset',
  check: (s) => {
    const c = s.atCrash;
    if (c === null) return undefined;
    for (let off = 0; off < c.promised.length; off++) {
      if (c.promised[off] === NONE) continue;
      const got = readBack(s, off);
      if (got < c.flushed[off]) {
        return `offset ${off} was promised durable with value ${c.flushed[off]} flushed, but reads back ${got === STALE ? 'stale data' : got} after the crash`;
      }
    }
    return undefined;
  },
};

/**
 * Dave: a split "moves the metadata that points to the mapped block ... the
 * immutable data block updates are now not ordered correctly w.r.t. other
 * updates"; INV-J: no crash state lacks (or changes) the mapping of a block
 * already durable, and (the classic ordering rule) none names a block whose
 * initialisation is not durable. "Already durable" is every mapping made
 * durable before the crash: promised by a fault (still, or since withdrawn,
 * as when a split invalidated the mapping), or synced by fsync/msync; this
 * world has nothing that legitimately replaces one (no punch, truncate or
 * CoW; stores overwrite in place), and a later crash still owes it.
 */
export const crashOrdering: Property<PmemState> = {
  id: 'crash-ordering',
  description: 'no crash state maps an offset to a block whose zeroing is not durable, or loses the mapping of a block made durable (promised, or synced) before the crash',
  check: (s) => {
    const c = s.atCrash;
    if (c === null) return undefined;
    for (let off = 0; off < s.ghost.durable.length; off++) {
      const pfn = lookup(s.tree, off);
      if (pfn !== NONE && s.disk.data[pfn] === STALE) return `after the crash offset ${off} maps block ${pfn}, which still holds stale data`;
      const was = s.ghost.durable[off];
      if (was === NONE || pfn === was) continue;
      const how = c.promised[off] === was ? 'was promised durable' : 'was made durable';
      const when = c.promised[off] === was ? '' : ' before the crash (by fsync, msync or a promise since withdrawn)';
      const now = pfn === NONE ? 'the tree has no record of it' : `the tree maps it to block ${pfn}`;
      return `offset ${off} ${how} in block ${was}${when}, but after the crash ${now}`;
    }
    return undefined;
  },
};

/** The ghost's account: whatever fsync/msync or the promise made durable is still there after recovery. */
export const noLostWrites: Property<PmemState> = {
  id: 'no-lost-writes',
  description: 'every write made durable by fsync or msync, or promised durable, is there after recovery',
  check: (s) => {
    if (s.atCrash === null) return undefined;
    for (let off = 0; off < s.ghost.owed.length; off++) {
      const owed = s.ghost.owed[off];
      const got = readBack(s, off);
      if (owed > 0 && got < owed) return `value ${owed} at offset ${off} was made durable, but after recovery it reads ${got === STALE ? 'stale data' : got}`;
    }
    return undefined;
  },
};

export const crashProperties = [crashDurability, crashOrdering, noLostWrites];

/**
 * What the goals below guard: the crash properties, each of which says
 * nothing until a crash of that kind is reached. Not `deadlock`, which needs
 * no crash to mean something (a goal with no `guards` guards every property).
 */
const crashIds = crashProperties.map((p) => p.id);

const crashAfterSplit: Goal<PmemState> = {
  id: 'crash-after-split',
  guards: crashIds,
  description: 'a crash right after a fault split the extent tree',
  reached: (s) => s.atCrash?.afterSplit === true,
};

const crashBetweenStoreAndFlush: Goal<PmemState> = {
  id: 'crash-between-store-and-flush',
  guards: crashIds,
  description: 'a crash while a store sat in a cache line not yet flushed',
  reached: (s) => s.atCrash?.unflushedStore === true,
};

const promiseThenSplit: Goal<PmemState> = {
  id: 'promise-then-split-moves-record',
  guards: crashIds,
  description: 'a block promised durable, then a split moving its record',
  reached: (s) => s.events.movedPromised,
};

/** What crash-durability judges: without it, that property holds vacuously. */
const crashWhilePromised: Goal<PmemState> = {
  id: 'crash-while-promised',
  guards: crashIds,
  description: 'a crash while a block was promised durable',
  reached: (s) => s.atCrash?.promised.some((p) => p !== NONE) === true,
};

export const crashGoals: Goal<PmemState>[] = [crashAfterSplit, crashBetweenStoreAndFlush, promiseThenSplit, crashWhilePromised];

/** For a design whose metadata never changes (static chunks): no split to reach. */
export const staticCrashGoals: Goal<PmemState>[] = [crashBetweenStoreAndFlush, crashWhilePromised];
