/**
 * The operations of the world, as actions, and which are enabled. A design
 * names the kinds it has and may refuse any further action (`allow`), for
 * the waits its locks impose; the rest is common to every design.
 */
import type { Config } from '../design.js';
import { holds, spans } from './sectors.js';
import { HOLE, NULL, type World } from './state.js';

export type WorldAction =
  | { readonly kind: 'read'; readonly f: number; readonly i: number }
  /** write(2) of v over sectors [sec, sec + nsec) of block i; the whole block when they are absent (model/world/sectors.ts). */
  | { readonly kind: 'write'; readonly f: number; readonly i: number; readonly v: number; readonly sec?: number; readonly nsec?: number }
  /** The first half of a fault: lock the entry, look up (or CoW/allocate) the pfn. */
  | { readonly kind: 'fault'; readonly f: number; readonly i: number; readonly write: boolean }
  /** The second half: install the pte, unlock the entry. */
  | { readonly kind: 'finish' }
  /** A store through a writable pte, over sectors [sec, sec + nsec) as `write` (generic/140's _mwrite_byte of 17 bytes). */
  | { readonly kind: 'store'; readonly f: number; readonly i: number; readonly v: number; readonly sec?: number; readonly nsec?: number }
  | { readonly kind: 'unmap'; readonly f: number; readonly i: number }
  | { readonly kind: 'reflink'; readonly s: number; readonly d: number }
  /**
   * FICLONERANGE of n blocks (1 when absent) of s from si onto d from di:
   * generic/578's offset-shifted copies (di != si), xfs/552's partial
   * same-offset ones (Enabling.ranges; else one block to di != si only).
   */
  | { readonly kind: 'reflink-range'; readonly s: number; readonly si: number; readonly d: number; readonly di: number; readonly n?: number }
  /**
   * FIDEDUPERANGE of one block. Where the world splits it (the DAX world),
   * this is xfs_reflink_remap_prep: locks, layouts broken, writeback, the
   * compare; the DAX world's `dedupe-remap` is the remap and the unlock.
   */
  | { readonly kind: 'dedupe'; readonly s: number; readonly si: number; readonly d: number; readonly di: number }
  | { readonly kind: 'punch'; readonly f: number; readonly i: number }
  | { readonly kind: 'truncate'; readonly f: number; readonly n: number }
  | { readonly kind: 'reclaim'; readonly pfn: number }
  /** A memory error on pfn reported by a scrub (memory_failure with no user `current`): the handler's first step. */
  | { readonly kind: 'memfail'; readonly pfn: number }
  /** A load by process f through its pte (f, i) consumes poison: a machine check, MF_ACTION_REQUIRED, `current` = f. */
  | { readonly kind: 'mce'; readonly f: number; readonly i: number }
  /** The memory-failure handler's next owner, under that entry's lock (mf_dax_kill_procs per (mapping, index)). */
  | { readonly kind: 'memfail-next' }
  /** pin_user_pages through pte (f, i): FOLL_WRITE unless `ro`; FOLL_LONGTERM if `longterm` (Enabling.pins). */
  | { readonly kind: 'pin'; readonly f: number; readonly i: number; readonly ro?: true; readonly longterm?: true }
  | { readonly kind: 'unpin'; readonly f: number; readonly i: number };

export type Kind = WorldAction['kind'];

export interface Enabling<S extends World> {
  readonly kinds: ReadonlySet<Kind>;
  /** What read(2) of f at i returns in this design; dedupe compares by it. */
  readonly read: (s: S, f: number, i: number) => number;
  /** pfns a memory failure may hit. */
  readonly memfailPfns: (s: S) => readonly number[];
  /** pfns reclaim may try. */
  readonly reclaimPfns?: (s: S) => readonly number[];
  /** Further refusals: waits on locks and pins, missing free space. */
  readonly allow: (s: S, a: WorldAction, cfg: Config) => boolean;
  /**
   * Pins besides FOLL_WRITE ones through a writable pte: `readOnly`, pins
   * without FOLL_WRITE through any pte; `longterm`, FOLL_LONGTERM variants
   * of both (granted: fsdax refuses them, so a DAX design offers them only
   * under the bug toggle that restores the pre-v4.15 behaviour).
   */
  readonly pins?: { readonly readOnly: boolean; readonly longterm: boolean };
  /** reflink-range of any length that fits, at the same offset as well (the whole file at 0 is `reflink`). */
  readonly ranges?: boolean;
}

// A design's kinds as a record, made once per set: asked per block and per value of every state.
const flags = new WeakMap<ReadonlySet<Kind>, Partial<Record<Kind, boolean>>>();
function kindFlags(kinds: ReadonlySet<Kind>): Partial<Record<Kind, boolean>> {
  let out = flags.get(kinds);
  if (out === undefined) {
    out = {};
    for (const k of kinds) out[k] = true;
    flags.set(kinds, out);
  }
  return out;
}

export function enabled<S extends World>(s: S, cfg: Config, e: Enabling<S>): WorldAction[] {
  const { F, B, V } = cfg.params;
  const perBlock = cfg.params.S ?? 1;
  const sectorSpans = spans(perBlock);
  const out: WorldAction[] = [];
  const has = kindFlags(e.kinds);
  const push = (a: WorldAction): void => {
    if (e.allow(s, a, cfg)) out.push(a);
  };
  if (s.fault) push({ kind: 'finish' });
  // One failure is handled at a time (memory_failure holds mf_mutex); the rest
  // of the world goes on between its steps.
  const walking = s.mf !== null && !s.mf.done;
  if (walking && has['memfail-next']) push({ kind: 'memfail-next' });
  // A load through a pte to a poisoned pfn is a machine check whatever the kill
  // policy: a pte installed after the handler passed its offset (a DAX fault
  // that looked the pfn up before the poison; model/world/dax.ts), or one the
  // handler left mapped. A load that finds the error first is one only under
  // the late policy: under early kill a scrub's report (`memfail`) signals
  // every mapper, and the load's own report would add nothing but `current`.
  const late = cfg.params.E === 0;
  const faulting = s.fault !== null;
  for (let f = 0; f < F; f++) {
    for (let i = 0; i < B; i++) {
      if (has.read) push({ kind: 'read', f, i });
      for (let v = 1; v <= V; v++) {
        // Sector ranges where the design has S > 1 (model/world/sectors.ts); the whole block alone at S = 1.
        // (No spread of an absent span: spreading undefined cost a slow path per action.)
        for (const span of sectorSpans) if (has.write && !holds(s.ghost[f][i], span, v, perBlock)) push(span ? { kind: 'write', f, i, v, ...span } : { kind: 'write', f, i, v });
        // A store to a poisoned pfn is a consuming access: `mce`.
        if (has.store && s.ptew[f][i] && !s.frame[s.pte[f][i]].poison) {
          for (const span of sectorSpans) if (!holds(s.ghost[f][i], span, v, perBlock)) push(span ? { kind: 'store', f, i, v, ...span } : { kind: 'store', f, i, v });
        }
      }
      if (has.fault && !faulting) {
        if (s.pte[f][i] === NULL && s.ext[f][i] !== HOLE) push({ kind: 'fault', f, i, write: false });
        if (!s.ptew[f][i]) push({ kind: 'fault', f, i, write: true });
      }
      if (has.unmap && s.pte[f][i] !== NULL) push({ kind: 'unmap', f, i });
      if (has.mce && !walking && s.pte[f][i] !== NULL && (late || s.frame[s.pte[f][i]].poison)) push({ kind: 'mce', f, i });
      if (has.pin && s.pin[f][i] === NULL && s.pte[f][i] !== NULL) {
        const ro = e.pins?.readOnly === true,
          long = e.pins?.longterm === true;
        if (s.ptew[f][i]) push({ kind: 'pin', f, i });
        if (ro) push({ kind: 'pin', f, i, ro: true });
        if (long && s.ptew[f][i]) push({ kind: 'pin', f, i, longterm: true });
        if (long && ro) push({ kind: 'pin', f, i, ro: true, longterm: true });
      }
      if (has.unpin && s.pin[f][i] !== NULL) push({ kind: 'unpin', f, i });
      if (has.punch && s.ext[f][i] !== HOLE) push({ kind: 'punch', f, i });
    }
    if (has.truncate) {
      for (let n = 0; n < B; n++) {
        if (dataFrom(s.ext[f], n)) push({ kind: 'truncate', f, n });
      }
    }
  }
  for (let src = 0; src < F; src++) {
    for (let dst = 0; dst < F; dst++) {
      if (dst === src) continue;
      if (has.reflink && s.ext[src].some((b) => b !== HOLE) && !sameRow(s.ext[src], s.ext[dst])) {
        push({ kind: 'reflink', s: src, d: dst });
      }
      if (has['reflink-range'] && e.ranges) pushRanges(s, src, dst, B, push);
      for (let si = 0; si < B; si++) {
        const b = s.ext[src][si];
        if (b === HOLE) continue;
        for (let di = 0; di < B; di++) {
          if (has['reflink-range'] && !e.ranges && di !== si && s.ext[dst][di] !== b) push({ kind: 'reflink-range', s: src, si, d: dst, di });
          // Dedupe compares first (FIDEDUPERANGE); a mismatch is a no-op, so only a match is an action.
          const db = s.ext[dst][di];
          if (has.dedupe && src < dst && db !== HOLE && db !== b && e.read(s, src, si) === e.read(s, dst, di)) {
            push({ kind: 'dedupe', s: src, si, d: dst, di });
          }
        }
      }
    }
  }
  if (has.reclaim && e.reclaimPfns) for (const pfn of e.reclaimPfns(s)) push({ kind: 'reclaim', pfn });
  if (has.memfail && !walking) for (const pfn of e.memfailPfns(s)) push({ kind: 'memfail', pfn });
  return out;
}

/**
 * Every FICLONERANGE of n blocks of src from si onto dst from di that fits
 * in the files, but the whole file at offset 0 (that is `reflink`): one whose
 * source range holds data and whose destination range differs from it
 * somewhere (else the remap changes nothing).
 */
function pushRanges(s: World, src: number, dst: number, B: number, push: (a: WorldAction) => void): void {
  const from = s.ext[src],
    to = s.ext[dst];
  // Loops over the rows, not slices of them: this runs for every pair of files of every state.
  const holes = (si: number, n: number): boolean => {
    for (let k = 0; k < n; k++) if (from[si + k] !== HOLE) return false;
    return true;
  };
  const same = (si: number, di: number, n: number): boolean => {
    for (let k = 0; k < n; k++) if (to[di + k] !== from[si + k]) return false;
    return true;
  };
  for (let n = 1; n <= B; n++) {
    for (let si = 0; si + n <= B; si++) {
      if (holes(si, n)) continue;
      for (let di = 0; di + n <= B; di++) {
        if (si === di && n === B) continue;
        if (same(si, di, n)) continue;
        push(n === 1 ? { kind: 'reflink-range', s: src, si, d: dst, di } : { kind: 'reflink-range', s: src, si, d: dst, di, n });
      }
    }
  }
}

/** Some block of the row from index n on is not a hole (a loop: a slice per truncate length cost a copy). */
function dataFrom(row: readonly number[], n: number): boolean {
  for (let k = n; k < row.length; k++) if (row[k] !== HOLE) return true;
  return false;
}

function sameRow(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function label(a: WorldAction): string {
  switch (a.kind) {
    case 'fault':
      return `fault(f=${a.f}, i=${a.i}, ${a.write ? 'write' : 'read'})`;
    case 'finish':
      return 'finish-fault';
    case 'memfail-next':
      return 'memfail-next';
    default: {
      const args = Object.entries(a)
        .filter(([k]) => k !== 'kind')
        .map(([k, v]) => `${k}=${String(v)}`);
      return `${a.kind}(${args.join(', ')})`;
    }
  }
}
