/**
 * The world both netfs designs live in (seed 004, "[RFC PATCH 00/12] netfs:
 * Experimental write helpers, fscrypt and compression", and what mainline
 * 6.8-6.10 made of it): one inode of P folios of B bytes; the page cache with
 * PG_dirty and PG_writeback; the server's copy and the local cache's
 * (fscache) copy; writers that begin, copy and complete as separate steps;
 * dirty-region records; and ghost state for what was acknowledged.
 *
 * A byte's content is the number of the write that put it there (0: the
 * file's original content; remote changes take fresh numbers too), so that
 * "newest wins" is a comparison. A byte at rest (server, cache) is a string:
 * `"3"` in clear, `"E3"` when it left the page cache encrypted, `"?"` when it
 * was built from a folio that was not there (garbage).
 *
 * Both designs keep their dirty state as `regions`: the RFC's
 * netfs_dirty_region records, and for mainline one record per dirty or
 * in-flight folio (its netfs_folio span, or the whole folio when uptodate),
 * so that one set of properties reads both.
 */

export type RegionState = 'active' | 'dirty' | 'flushing';
/**
 * ordinary: a buffered write; dsync: an O_DSYNC write; semi: data read from
 * the server that only needs writing to the cache (RFC semi-dirty, mainline
 * NETFS_FOLIO_COPY_TO_CACHE); stream: mainline write-streaming span of a
 * non-uptodate folio.
 */
export type RegionType = 'ordinary' | 'dsync' | 'semi' | 'stream';

export interface Region {
  start: number;
  end: number;
  state: RegionState;
  type: RegionType;
  group: number;
  /** The types merged into this record (R10 checks they are compatible). */
  kinds: RegionType[];
  /** Bytes [box[0], box[1]): the pages the write-out needs (R7). */
  box: number[];
  /** The value of the writer that owns this record while active, else 0. */
  writer: number;
  /** While flushing: where it is going, and the bytes of the box as they will land. */
  toServer: boolean;
  toCache: boolean;
  payload: string[];
  /** RFC writepage deferral: put on the flush queue by ->writepage(). */
  queued: boolean;
  /**
   * RFC NETFS_REGION_SUPERSEDED: the active writes (by number) that overlap this dirty record and
   * will own the bytes they cover once they commit. Absent when none (and always in mainline).
   */
  supersededBy?: number[];
}

/** mmap: a store through a shared writable mapping (mainline: filemap_fault, then netfs_page_mkwrite). */
export type WriteKind = 'buffered' | 'dsync' | 'dio' | 'mmap';

export interface Writer {
  kind: WriteKind;
  start: number;
  end: number;
  /** The write's number: the content it writes. */
  value: number;
  /** pending: waiting for its region lock (RFC) or the inode lock (mainline). */
  phase: 'pending' | 'active' | 'syncing';
  /** The dirtied point: bytes [start, copied) are in the page cache (or sent, for DIO). */
  copied: number;
  group: number;
  /** Overlapping writes that were in flight at the same time: either may be the last. */
  conc: number[][];
  /** Mainline: the write's file was opened O_RDWR (FMODE_READ); absent when write-only. */
  rdwr?: boolean;
  /**
   * Mainline, a direct write: netfs_unbuffered_write_iter() has flushed and invalidated its range
   * (filemap_write_and_wait_range, filemap_invalidate_inode), raised zero_point and invalidated the
   * cache, and may send its data; absent before.
   */
  invalidated?: boolean;
}

export interface Folio {
  /** Per byte; -1 where the folio holds no valid data (a streaming folio's gaps). */
  data: number[];
  uptodate: boolean;
  dirty: boolean;
  writeback: boolean;
  /** Pinned by a region's bounding box (RFC (9)); pinned folios are not reclaimed. */
  pin: number;
}

export type InvalMode = 'discard' | 'reapply' | 'keep' | 'stash';
export const INVAL_MODES: readonly InvalMode[] = ['discard', 'reapply', 'keep', 'stash'];

/** Where a byte's `allowed` came from, when it is not a write's number (n > 0: write n returned with it). */
export const FROM_INITIAL = 0;
/** After a client crash: what a read returned then (a write not yet synced may be lost in a crash). */
export const FROM_CRASH = -1;
/** After a remote invalidation: what its mode promised. */
export const FROM_REMOTE = -2;

export interface Ghost {
  /** Per byte: the values a read may return (the acknowledged newest; several after concurrent overlapping writes). */
  allowed: number[][];
  /** Per byte: what set `allowed` (a write's number, FROM_INITIAL, FROM_CRASH or FROM_REMOTE), for the messages. */
  source: number[];
  /**
   * Per byte: its newest value is in disconnected operation's keeping (RFC SERVICES (7)): the write
   * that set it returned while disconnected, or it was written out to the cache only while
   * disconnected, and no write returned over it since while connected.
   */
  offline: boolean[];
  /** Per byte: the value a returned DSYNC write promised is on the server (0: no promise). */
  durable: number[];
  /** The highest flush group whose data has completed to the server. */
  uploadedGroup: number;
  /** The promise of the last remote invalidation, until the next write completes. */
  /** R: the remote change's number; content numbered below it is older than the invalidation. */
  inval: null | { mode: InvalMode; R: number; expect: number[]; stash: number[] | null; hadLocal: boolean };
}

export interface NetfsState {
  /** Content crypto is on (a constant of the instance, kept here so that properties can read it). */
  crypto: boolean;
  /** Bytes per folio and the bounding-box block: constants, for the same reason. */
  B: number;
  blk: number;
  folio: (Folio | null)[];
  server: string[];
  /** Per folio: the cache's copy (a cache block is one folio), or null. */
  cache: (string[] | null)[];
  regions: Region[];
  writers: Writer[];
  /** The inode's current flush group (ceph snap, fsync, RWF_BARRIER). */
  group: number;
  connected: boolean;
  /** RFC disconnected operation: ranges saved only to the cache, kept with the cache. */
  modified: number[][];
  /**
   * The cache object carries CACHEFILES_CONTENT_DIRTY on disk: it was opened for local
   * modification (fscache_use_cookie(cookie, will_modify) -> cachefiles_prepare_to_write()), so a
   * lookup after a client crash discards it (cachefiles_check_auxdata() -> -ESTALE). RFC design only.
   */
  cacheDirty: boolean;
  /** RFC "stash local version": the stashed copy. */
  stash: number[] | null;
  /** The last write or remote-change number handed out. */
  seq: number;
  /**
   * Mainline only: ictx->zero_point, in bytes ("Size after which we assume there's no data on the
   * server"): a read at or past it fills zeros without asking the server (NETFS_FILL_WITH_ZEROES),
   * and a write there clears the folio (NETFS_MODIFY_AND_CLEAR). Absent: no zero_point (the RFC).
   */
  zeroPoint?: number;
  /** Budgets: how many more of each event the bound allows. */
  left: { writes: number; barriers: number; remote: number; disconnects: number; crashes: number };
  ghost: Ghost;
}

export interface Geometry {
  readonly P: number;
  readonly B: number;
  /** Crypto block in bytes (0: no content crypto). */
  readonly C: number;
  /** Compression block in bytes (0: none). */
  readonly Z: number;
  readonly cache: boolean;
}

export function geometry(params: Readonly<Record<string, number>>): Geometry {
  return { P: params.P, B: params.B, C: params.C ?? 0, Z: params.Z ?? 0, cache: (params.cache ?? 0) === 1 };
}

export function size(g: Geometry): number {
  return g.P * g.B;
}

/** Bytes at rest: what the crypto layer makes of content leaving the page cache. */
export function encode(v: number, g: Geometry): string {
  if (v < 0) return '?';
  return g.C > 0 ? `E${v}` : String(v);
}

export function decode(s: string): number {
  if (s === '?') return -2;
  return Number(s.startsWith('E') ? s.slice(1) : s);
}

export function isCiphertext(s: string): boolean {
  return s.startsWith('E');
}

/** The block the bounding box is rounded to: page, crypto, compression and cache blocks (RFC (7)). */
export function boxBlock(g: Geometry): number {
  return Math.max(g.B, g.C, g.Z);
}

/** The bounding box of bytes [start, end): rounded out to the box block, clipped to the file. */
export function boxOf(start: number, end: number, g: Geometry): number[] {
  const blk = boxBlock(g);
  return [Math.floor(start / blk) * blk, Math.min(size(g), Math.ceil(end / blk) * blk)];
}

export function overlaps(a0: number, a1: number, b0: number, b1: number): boolean {
  return a0 < b1 && b0 < a1;
}

export function foliosOf(start: number, end: number, B: number): number[] {
  const out: number[] = [];
  for (let f = Math.floor(start / B); f * B < end; f++) out.push(f);
  return out;
}

/**
 * What a read of byte i returns now: the page cache if it holds the byte,
 * else the cache's copy, else the server's (netfs reads go to the cache
 * first).
 */
export function view(s: NetfsState, i: number, B: number): number {
  const f = Math.floor(i / B);
  const folio = s.folio[f];
  if (folio && folio.data[i % B] !== -1) return folio.data[i % B];
  const cached = s.cache[f];
  if (cached) return decode(cached[i % B]);
  if (s.zeroPoint !== undefined && f * B >= s.zeroPoint) return 0;
  return decode(s.server[i]);
}

/** The content of bytes [start, end) as the flusher reads them from the page cache. */
export function snapshot(s: NetfsState, start: number, end: number, g: Geometry): string[] {
  const out: string[] = [];
  for (let i = start; i < end; i++) {
    const folio = s.folio[Math.floor(i / g.B)];
    out.push(encode(folio ? folio.data[i % g.B] : -1, g));
  }
  return out;
}

export function initialWorld(g: Geometry, left: NetfsState['left']): NetfsState {
  const n = size(g);
  return {
    crypto: g.C > 0,
    B: g.B,
    blk: boxBlock(g),
    folio: new Array<Folio | null>(g.P).fill(null),
    server: Array.from({ length: n }, () => encode(0, g)),
    cache: new Array<string[] | null>(g.P).fill(null),
    regions: [],
    writers: [],
    group: 1,
    connected: true,
    modified: [],
    cacheDirty: false,
    stash: null,
    seq: 0,
    left,
    ghost: {
      allowed: Array.from({ length: n }, () => [0]),
      source: new Array<number>(n).fill(FROM_INITIAL),
      offline: new Array<boolean>(n).fill(false),
      durable: new Array<number>(n).fill(0),
      uploadedGroup: 0,
      inval: null,
    },
  };
}

// ---- Steps both designs share -------------------------------------------------

/** A new write enters: it is in flight from now on, concurrently with every overlapping one. */
export function beginWrite(d: NetfsState, kind: WriteKind, start: number, end: number): void {
  d.seq += 1;
  d.left.writes -= 1;
  const value = d.seq;
  const conc: number[][] = [];
  for (const w of d.writers) {
    if (!overlaps(w.start, w.end, start, end)) continue;
    conc.push([w.value, w.start, w.end]);
    w.conc.push([value, start, end]);
  }
  d.writers.push({ kind, start, end, value, phase: 'pending', copied: start, group: d.group, conc });
}

/** The write returns to its caller: its bytes are acknowledged (ghost). */
/** Writer `value` of `s`; a missing writer is a design bug, never a search result. */
export function writerOf(s: NetfsState, value: number): Writer {
  const w = s.writers.find((x) => x.value === value);
  if (!w) throw new Error(`no writer ${value}`);
  return w;
}

export function acknowledge(d: NetfsState, w: Writer): void {
  for (let i = w.start; i < w.end; i++) {
    const allowed = [w.value];
    for (const [v, s, e] of w.conc) if (i >= s && i < e) allowed.push(v);
    d.ghost.allowed[i] = allowed.sort((a, b) => a - b);
    d.ghost.source[i] = w.value;
    d.ghost.offline[i] = !d.connected;
    if (w.kind === 'dsync') d.ghost.durable[i] = w.value;
  }
  d.writers.splice(d.writers.indexOf(w), 1);
  d.ghost.inval = null;
}

export function emptyFolio(B: number): Folio {
  return { data: new Array<number>(B).fill(-1), uptodate: false, dirty: false, writeback: false, pin: 0 };
}

/** Fill folio f from the cache if it has a copy, else from the server; false when neither can be read. */
export function fillFromStorage(d: NetfsState, f: number, B: number, onlyInvalid: boolean): boolean {
  const cached = d.cache[f];
  if (!cached && !d.connected) return false;
  const folio = d.folio[f] ?? emptyFolio(B);
  // Past zero_point the read is not sent: "that part can just be cleared locally" (mainline).
  const zeros = !cached && d.zeroPoint !== undefined && f * B >= d.zeroPoint;
  for (let b = 0; b < B; b++) {
    if (onlyInvalid && folio.data[b] !== -1) continue;
    folio.data[b] = zeros ? 0 : decode(cached ? cached[b] : d.server[f * B + b]);
  }
  folio.uptodate = true;
  d.folio[f] = folio;
  return true;
}

/** Write a completed flush's payload to where it was going. */
export function landPayload(d: NetfsState, r: Region, g: Geometry, serverSpan: number[]): void {
  const [b0, b1] = r.box;
  if (r.toServer) for (let i = serverSpan[0]; i < serverSpan[1]; i++) d.server[i] = r.payload[i - b0];
  if (r.toCache && g.cache) {
    for (const f of foliosOf(b0, b1, g.B)) {
      const copy: string[] = [];
      for (let b = 0; b < g.B; b++) copy.push(r.payload[f * g.B + b - b0]);
      d.cache[f] = copy;
    }
  }
  if (r.toServer && r.type !== 'semi') d.ghost.uploadedGroup = Math.max(d.ghost.uploadedGroup, r.group);
}

/** Is some region other than `except`, not yet written, still on folio f (RFC (10))? */
export function otherRegionOn(s: NetfsState, f: number, B: number, except: Region | null, states: readonly RegionState[]): boolean {
  return s.regions.some((r) => r !== except && states.includes(r.state) && overlaps(r.start, r.end, f * B, (f + 1) * B) && r.end > r.start);
}

export function newRegion(start: number, end: number, state: RegionState, type: RegionType, group: number, box: number[]): Region {
  return { start, end, state, type, group, kinds: [type], box, writer: 0, toServer: false, toCache: false, payload: [], queued: false };
}

const STATE_ORDER: Record<RegionState, number> = { active: 0, dirty: 1, flushing: 2 };

/** Keep the region list in one canonical order, so that equal lists are equal states. */
export function tidy(d: NetfsState): void {
  d.regions.sort((a, b) => a.start - b.start || STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.end - b.end);
}

/** The ranges a write may cover: start in the file, 1..L bytes. */
export function writeRanges(n: number, L: number): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < n; start++) for (let len = 1; len <= L && start + len <= n; len++) out.push([start, start + len]);
  return out;
}
