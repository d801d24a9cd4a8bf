/**
 * The netfs region rules (seed 004; KERNEL.md section 2.4, R1-R10) and the
 * end-to-end promises: ciphertext at rest, the remote-invalidation modes,
 * disconnected operation, no lost writes. Each property is a pure function
 * of a NetfsState, so one definition reads both the RFC design and mainline.
 */
import type { Goal, Property } from '../engine/model.js';
import { decode, FROM_CRASH, FROM_REMOTE, isCiphertext, overlaps, view, type NetfsState, type Region } from '../model/netfs/world.js';

function folioRange(f: number, B: number): [number, number] {
  return [f * B, (f + 1) * B];
}

/** A region holding data not yet written: dirty, flushing, or active with something copied. */
function unwritten(r: Region): boolean {
  return r.end > r.start && (r.state === 'dirty' || r.state === 'flushing' || r.state === 'active');
}

/** Values of writes still in flight over byte i: a read may see them before they return. */
function inFlight(s: NetfsState, i: number): number[] {
  return s.writers.filter((w) => i >= w.start && i < w.end).map((w) => w.value);
}

/**
 * What byte i's expected value rests on, for a message: a write that returned
 * with it, a read after a client crash (a write not yet synced may be lost in
 * a crash, so that read is the new baseline), a remote invalidation's promise,
 * or the file's original content.
 */
function expected(s: NetfsState, i: number): string {
  const allowed = s.ghost.allowed[i];
  const from = s.ghost.source[i];
  if (from > 0) {
    const others = allowed.filter((v) => v !== from);
    return `write ${from} was acknowledged${others.length > 0 ? ` (overlapping in time with write ${others.join(', ')}: either may be read)` : ''}`;
  }
  if (from === FROM_CRASH) return `a read after the crash returned ${allowed.join('|')}, and no write to it has returned since`;
  if (from === FROM_REMOTE) return `the remote invalidation promised ${allowed.join('|')}`;
  return `the file held ${allowed.join('|')} and no write to it has returned`;
}

function describe(r: Region): string {
  return `${r.state} ${r.type} region [${r.start},${r.end}) group ${r.group}`;
}

/** R1 (RFC: "since a dirty region represents data in the pagecache that needs writing, the pages ... must be present in RAM"). */
export const regionResident: Property<NetfsState> = {
  id: 'region-resident',
  description: 'R1: every folio holding data of an unwritten region is in the page cache',
  check: (s) => {
    for (const r of s.regions) {
      if (!unwritten(r)) continue;
      for (let f = Math.floor(r.start / s.B); f * s.B < r.end; f++) {
        if (!s.folio[f]) return `${describe(r)} but folio ${f} is not in the page cache`;
      }
    }
    return undefined;
  },
};

/** R2 (RFC (6): "Writes on the active list are not allowed to overlap in their reserved regions"). */
export const regionExclusion: Property<NetfsState> = {
  id: 'region-exclusion',
  description: 'R2: writes past their lock (active) have pairwise-disjoint ranges',
  check: (s) => {
    const active = s.writers.filter((w) => w.phase !== 'pending');
    for (let a = 0; a < active.length; a++) {
      for (let b = a + 1; b < active.length; b++) {
        const x = active[a];
        const y = active[b];
        if (overlaps(x.start, x.end, y.start, y.end)) {
          return `${x.kind} write ${x.value} [${x.start},${x.end}) and ${y.kind} write ${y.value} [${y.start},${y.end}) are both active`;
        }
      }
    }
    return undefined;
  },
};

/** R3 (RFC (8): "a region in the flushing state acts as an exclusive lock against overlapping active writers"). */
export const flushExclusion: Property<NetfsState> = {
  id: 'flush-exclusion',
  description: 'R3: no writer changes the bytes of a region while it is being flushed',
  check: (s) => {
    for (const r of s.regions) {
      if (r.state !== 'flushing') continue;
      for (let i = r.start; i < r.end; i++) {
        const folio = s.folio[Math.floor(i / s.B)];
        if (!folio) continue;
        const sent = decode(r.payload[i - r.box[0]]);
        const now = folio.data[i % s.B];
        if (now !== sent) return `byte ${i} of ${describe(r)} was changed from ${sent} to ${now} while it was in flight`;
      }
    }
    return undefined;
  },
};

/** R4 (RFC (10): "we have to be careful not to clear the dirty mark on the page if there's another dirty region on it"). */
export const dirtyMark: Property<NetfsState> = {
  id: 'dirty-mark',
  description: 'R4: PG_dirty iff an unwritten dirty region is on the folio; PG_writeback iff a flushing one is',
  check: (s) => {
    for (let f = 0; f < s.folio.length; f++) {
      const folio = s.folio[f];
      if (!folio) continue;
      const [a, b] = folioRange(f, s.B);
      const on = s.regions.filter((r) => r.end > r.start && overlaps(r.start, r.end, a, b));
      const dirty = on.some((r) => r.state === 'dirty' || r.state === 'active');
      const flushing = on.some((r) => r.state === 'flushing');
      if (folio.dirty !== dirty) {
        return `folio ${f} is ${folio.dirty ? '' : 'not '}marked dirty but ${dirty ? 'a dirty region is' : 'no dirty region is'} on it`;
      }
      if (folio.writeback !== flushing) {
        return `folio ${f} is ${folio.writeback ? '' : 'not '}under writeback but ${flushing ? 'a flushing region is' : 'no flushing region is'} on it`;
      }
    }
    return undefined;
  },
};

/** R5 (RFC (4)/(5): "Regions can be grouped so that the groups have to be flushed in order"). */
export const groupOrder: Property<NetfsState> = {
  id: 'group-order',
  description: 'R5: no data of a flush group goes to the server while data of an earlier group is still unwritten',
  check: (s) => {
    let hi = s.ghost.uploadedGroup;
    for (const r of s.regions) if (r.state === 'flushing' && r.toServer && r.type !== 'semi') hi = Math.max(hi, r.group);
    for (const r of s.regions) {
      if (r.type === 'semi' || !unwritten(r) || r.group >= hi) continue;
      return `group ${hi} is going to the server while ${describe(r)} is still unwritten`;
    }
    return undefined;
  },
};

/** R6 (RFC (4): "DSYNC writes supersede ordinary writes, may not be merged and are flushed immediately. The writer then waits"). */
export const dsync: Property<NetfsState> = {
  id: 'dsync',
  description: 'R6: a returned DSYNC write is on the server (or overwritten by a newer write); a DSYNC region is never merged',
  check: (s) => {
    for (let i = 0; i < s.server.length; i++) {
      const promised = s.ghost.durable[i];
      if (promised === 0) continue;
      const there = decode(s.server[i]);
      // A write that overlapped the DSYNC write in time may legitimately land after it.
      if (there < promised && !s.ghost.allowed[i].includes(there) && !inFlight(s, i).includes(there)) return `DSYNC write ${promised} returned but the server holds ${s.server[i]} at byte ${i}`;
    }
    for (const r of s.regions) {
      if (r.kinds.includes('dsync') && r.kinds.length > 1) return `${describe(r)} merges DSYNC data with ${r.kinds.join('+')}`;
    }
    return undefined;
  },
};

/** R7 (RFC (7)/(9): the bounding box is expanded to the crypto, compression and cache block sizes; its pages are pinned). */
export const boundingBox: Property<NetfsState> = {
  id: 'bounding-box',
  description: "R7: a flushing region's box is block-aligned, covers it, and every folio in it is present and pinned; DIO never shares a box",
  check: (s) => {
    const n = s.server.length;
    for (const r of s.regions) {
      if (r.state !== 'flushing') continue;
      const [b0, b1] = r.box;
      if (b0 % s.blk !== 0 || (b1 % s.blk !== 0 && b1 !== n) || b0 > r.start || b1 < r.end) {
        return `${describe(r)} has box [${b0},${b1}), not the ${s.blk}-byte blocks around it`;
      }
      for (let f = Math.floor(b0 / s.B); f * s.B < b1; f++) {
        const folio = s.folio[f];
        if (!folio || folio.pin === 0) return `folio ${f} in the box of ${describe(r)} is ${folio ? 'not pinned' : 'gone'}`;
      }
    }
    for (const w of s.writers) {
      if (w.kind !== 'dio' || w.phase === 'pending') continue;
      const d0 = Math.floor(w.start / s.blk) * s.blk;
      const d1 = Math.ceil(w.end / s.blk) * s.blk;
      const r = s.regions.find((x) => overlaps(x.box[0], x.box[1], d0, d1));
      if (r) return `DIO write ${w.value} shares a box with ${describe(r)}`;
    }
    return undefined;
  },
};

/** R8 (RFC: "The flusher can split an active region ... at a page boundary that's at or less than the dirtied point"). */
export const splitPoint: Property<NetfsState> = {
  id: 'split-point',
  description: "R8: no flushing region reaches past a write's dirtied point; no byte is in two unwritten regions",
  check: (s) => {
    for (const w of s.writers) {
      if (w.phase !== 'active') continue;
      for (const r of s.regions) {
        if (r.state === 'flushing' && overlaps(r.start, r.end, w.copied, w.end)) {
          return `${describe(r)} reaches past write ${w.value}'s dirtied point ${w.copied}`;
        }
      }
    }
    for (let a = 0; a < s.regions.length; a++) {
      for (let b = a + 1; b < s.regions.length; b++) {
        const x = s.regions[a];
        const y = s.regions[b];
        if (unwritten(x) && unwritten(y) && overlaps(x.start, x.end, y.start, y.end)) {
          return `${describe(x)} and ${describe(y)} cover the same bytes`;
        }
      }
    }
    return undefined;
  },
};

/** R9 (RFC (3): "A read from the server will generate a semi-dirty region that is to be written to the cache only"). */
export const cacheOnly: Property<NetfsState> = {
  id: 'cache-only',
  description: 'R9: a semi-dirty (cache-only) region is never sent to the server, and local changes supersede it',
  check: (s) => {
    for (const r of s.regions) {
      if (r.type !== 'semi' || r.end <= r.start) continue;
      if (r.state === 'flushing' && r.toServer) return `${describe(r)} is being uploaded to the server`;
      // Once in flight to the cache a download is like any write-out; only a waiting one is superseded.
      if (r.state !== 'dirty') continue;
      const local = s.regions.find((x) => x.type !== 'semi' && unwritten(x) && overlaps(x.start, x.end, r.start, r.end));
      if (local) return `${describe(r)} still covers bytes of ${describe(local)}`;
    }
    return undefined;
  },
};

/** R10 (RFC (2): "Contiguous dirty regions may be mergeable or one may supersede part of another"). */
export const mergeCompatible: Property<NetfsState> = {
  id: 'merge-compatible',
  description: 'R10: a region only ever merged regions of its own type',
  check: (s) => {
    for (const r of s.regions) {
      if (r.kinds.length !== 1 || r.kinds[0] !== r.type) return `${describe(r)} merged ${r.kinds.join('+')}`;
    }
    return undefined;
  },
};

/** RFC: "so that content-encrypted data is stored in fscache in encrypted form" (and on the server). */
export const ciphertextAtRest: Property<NetfsState> = {
  id: 'ciphertext-at-rest',
  description: 'with content crypto on, no plaintext reaches the server or the cache',
  check: (s) => {
    if (!s.crypto) return undefined;
    for (let i = 0; i < s.server.length; i++) {
      if (s.server[i] !== '?' && !isCiphertext(s.server[i])) return `the server holds plaintext ${s.server[i]} at byte ${i}`;
    }
    for (let f = 0; f < s.cache.length; f++) {
      const c = s.cache[f];
      if (c) for (let b = 0; b < c.length; b++) if (c[b] !== '?' && !isCiphertext(c[b])) return `the cache holds plaintext ${c[b]} in folio ${f}`;
    }
    return undefined;
  },
};

/** RFC SERVICES (6): the four remote-invalidation modes. */
export const invalidationMode: Property<NetfsState> = {
  id: 'invalidation-mode',
  description: 'after a remote change, reads show what the invalidation mode promised (and the stash holds the local version)',
  check: (s) => {
    const inv = s.ghost.inval;
    if (!inv) return undefined;
    for (let i = 0; i < inv.expect.length; i++) {
      const v = view(s, i, s.B);
      if (v !== inv.expect[i] && !inFlight(s, i).includes(v)) return `${inv.mode}: byte ${i} reads ${v}, the mode promised ${inv.expect[i]}`;
    }
    if (inv.stash) {
      if (!s.stash) return `${inv.mode}: nothing was stashed`;
      for (let i = 0; i < inv.stash.length; i++) {
        if (s.stash[i] !== inv.stash[i]) return `${inv.mode}: the stash holds ${s.stash[i]} at byte ${i}, the local version was ${inv.stash[i]}`;
      }
    }
    if (inv.mode === 'discard' || inv.mode === 'stash') {
      // Local changes from before the invalidation: a region holding content numbered below the remote
      // change. Writes begun since are new local changes, whichever record carries them (a DSYNC
      // write's data comes back as a region of no writer when it was saved to the cache while
      // disconnected and re-dirtied on reconnection).
      const old = (r: Region): boolean => {
        for (let i = r.start; i < r.end; i++) {
          const v = s.folio[Math.floor(i / s.B)]?.data[i % s.B] ?? -1;
          if (v >= 0 && v < inv.R) return true;
        }
        return false;
      };
      const local = s.regions.find((r) => r.type !== 'semi' && unwritten(r) && old(r));
      if (local) return `${inv.mode}: local changes survive as ${describe(local)}`;
    }
    return undefined;
  },
};

/**
 * RFC SERVICES (7): "the helpers would save modified [data] only to the cache,
 * along with a list of modified regions. Upon reconnection, we would need to
 * sync back to the server". The promise is about what disconnected operation
 * takes on: a write that returned while disconnected, and data written out to
 * the cache only while disconnected (ghost.offline). Those bytes, until the
 * server has them, must be owed to it: under a region or on the modified
 * list. A connected client's data is no concern of this property (what a read
 * returns is no-lost-writes').
 */
export const disconnectedNoLoss: Property<NetfsState> = {
  id: 'disconnected-no-loss',
  description: 'a byte whose write returned while disconnected, or that was saved to the cache only, is owed to the server until it has it: under a region or on the modified list',
  check: (s) => {
    for (let i = 0; i < s.server.length; i++) {
      if (!s.ghost.offline[i]) continue;
      const allowed = s.ghost.allowed[i];
      if (allowed.includes(decode(s.server[i]))) continue;
      if (s.regions.some((r) => r.type !== 'semi' && i >= r.start && i < r.end)) continue;
      if (s.modified.some(([a, b]) => i >= a && i < b)) continue;
      if (inFlight(s, i).length > 0) continue;
      return `byte ${i}: ${expected(s, i)}, the server holds ${s.server[i]}, and nothing will send it (no region, not on the modified list)`;
    }
    return undefined;
  },
};

/** BRIEF: "no lost writes": every acknowledged byte is readable, newest wins. */
export const noLostWrites: Property<NetfsState> = {
  id: 'no-lost-writes',
  description: 'a read of every byte returns its newest acknowledged value (or that of a write still in flight); after a crash, what a read returned then until a write returns',
  check: (s) => {
    for (let i = 0; i < s.server.length; i++) {
      const v = view(s, i, s.B);
      if (s.ghost.allowed[i].includes(v) || inFlight(s, i).includes(v)) continue;
      return `byte ${i} reads ${v === -2 ? 'garbage' : v} but ${expected(s, i)}`;
    }
    return undefined;
  },
};

export const netfsProperties: readonly Property<NetfsState>[] = [
  regionResident,
  regionExclusion,
  flushExclusion,
  dirtyMark,
  groupOrder,
  dsync,
  boundingBox,
  splitPoint,
  cacheOnly,
  mergeCompatible,
  ciphertextAtRest,
  invalidationMode,
  disconnectedNoLoss,
  noLostWrites,
];

// ---- sometimes -------------------------------------------------------------------

export const twoRegionsOnAPage: Goal<NetfsState> = {
  id: 'two-regions-on-a-page',
  guards: ['dirty-mark'],
  description: 'a folio carries two unwritten dirty regions (RFC (10))',
  reached: (s) => s.folio.some((_, f) => s.regions.filter((r) => r.state !== 'flushing' && unwritten(r) && overlaps(r.start, r.end, f * s.B, (f + 1) * s.B)).length >= 2),
};

export const writerWaitsOnFlush: Goal<NetfsState> = {
  id: 'writer-waits-on-flush',
  guards: ['flush-exclusion'],
  description: 'a write has bytes still to copy over a region being flushed',
  reached: (s) => s.writers.some((w) => s.regions.some((r) => r.state === 'flushing' && overlaps(r.start, r.end, w.copied, w.end))),
};

export const splitRegion: Goal<NetfsState> = {
  id: 'split-region',
  guards: ['split-point'],
  description: 'the flusher has split off part of a write still in progress',
  reached: (s) => s.regions.some((r) => r.state === 'flushing' && r.writer !== 0 && s.regions.some((a) => a.state === 'active' && a.writer === r.writer)),
};

export const flushGroupBarrier: Goal<NetfsState> = {
  id: 'flush-group-barrier',
  guards: ['group-order'],
  description: 'dirty data of a later flush group waits behind unwritten data of an earlier one',
  reached: (s) => s.regions.some((a) => a.type !== 'semi' && a.state === 'dirty' && s.regions.some((b) => b.type !== 'semi' && unwritten(b) && b.group < a.group)),
};

export const invalidationWithLocalChanges: Goal<NetfsState> = {
  id: 'invalidation-with-local-changes',
  guards: ['invalidation-mode'],
  description: 'a remote invalidation arrived while local changes were unwritten',
  reached: (s) => s.ghost.inval?.hadLocal === true,
};

export const redirtiedUnderWriteback: Goal<NetfsState> = {
  id: 'redirtied-under-writeback',
  guards: ['dirty-mark'],
  description: 'a folio is dirty again while its write-out is in flight (the dirty mark must survive the completion)',
  reached: (s) => s.folio.some((f) => f !== null && f.dirty && f.writeback),
};

export const owedAfterDisconnection: Goal<NetfsState> = {
  id: 'owed-after-disconnection',
  guards: ['disconnected-no-loss'],
  description: "a byte in disconnected operation's keeping is not yet on the server (RFC SERVICES (7))",
  reached: (s) => s.server.some((b, i) => s.ghost.offline[i] && !s.ghost.allowed[i].includes(decode(b))),
};

export const netfsGoals: readonly Goal<NetfsState>[] = [twoRegionsOnAPage, writerWaitsOnFlush, splitRegion, flushGroupBarrier, invalidationWithLocalChanges, owedAfterDisconnection];
