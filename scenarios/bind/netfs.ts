/**
 * Binding of the netfs world's ops (scenarios/README.md) to model/netfs/ and
 * the two designs, netfs-regions (the RFC) and netfs-mainline. A byte's
 * content in the world is the number of the write that put it there (0: the
 * server's original bytes), so the scenario's values only name writes.
 *
 * - `netfs-write` is `write(start, end, how)` followed by the writer's own
 *   steps until it returns (activate/lock, copy, flushRange, complete); where
 *   the writer waits for a write-back it started itself (a DSYNC flush,
 *   NETFS_FLUSH_CONTENT's filemap_write_and_wait_range) that write-back's
 *   completion is part of the op; a wait for anything else blocks it
 *   (`mayBlock`), or fails to bind;
 * - `netfs-write-begin` / `-copy` / `-end` are the same steps cut where the
 *   writer became active, had copied `bytes` more, and returned;
 * - `writeback`: netfs_writepages (mainline) or the flusher taking every
 *   flushable region (RFC; `region: "first"` the first one only), then, unless
 *   `complete: false`, every completion; `writeback-complete` the completions;
 * - a flush group g: barriers until the inode's group is g.
 */
import type { AnyDesign } from '../../model/design.js';
import { Inexpressible, dynamic, want, type Binder, type Step } from './replay.js';
import type { Op, Scenario } from './scenario.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type St = any;

const isWrite = (o: Op): boolean => o.op === 'netfs-write' || o.op === 'netfs-write-begin';
const how = (o: Op): string => (o.flags?.includes('direct') ? 'dio' : o.flags?.includes('dsync') ? 'dsync' : 'buffered');
const key = (r: { start: number; end: number; payload: string[] }): string => `${r.start}-${r.end}-${r.payload.join(',')}`;

export const netfsBinder: Binder = {
  params(s: Scenario, design: AnyDesign) {
    const st = s.setup;
    const mainline = design.name === 'netfs-mainline';
    const size = (st.folios ?? 1) * (st.bytesPerFolio ?? 1);
    const B = st.bytesPerFolio ?? 1;
    const zeroPoint = st.zeroPoint ?? size;
    // What the world cannot start from. Mainline has ctx->zero_point (parameter zp, in folios): the
    // server holds the file up to it; the RFC's file always has all its bytes on the server.
    if (!mainline && (zeroPoint < size || (st.server && st.server.length < size))) {
      throw new Inexpressible(
        `the file is ${st.server?.length ?? 0} bytes on the server with zero_point ${st.zeroPoint}: the RFC world's file always has its ${size} bytes on the server (no zero_point, no NETFS_MODIFY_AND_CLEAR)`,
      );
    }
    if (mainline && (zeroPoint % B !== 0 || (st.server && st.server.length < Math.min(zeroPoint, size)))) {
      throw new Inexpressible(`zero_point ${zeroPoint} with ${st.server?.length ?? 0} bytes on the server: netfs-mainline's zero_point is a folio boundary with the server holding the file up to it`);
    }
    if (mainline && st.cryptoBlock) throw new Inexpressible('content crypto: netfs-mainline has none (write_issue.c: "TODO: Prepare content encryption")');
    const writes = s.ops.filter(isWrite);
    const groups = Math.max(1, st.groups ?? 1, ...s.ops.map((o) => o.group ?? 1));
    const p: Record<string, number> = {
      P: st.folios ?? 1,
      B: st.bytesPerFolio ?? 1,
      W: writes.length,
      L: Math.max(1, ...writes.map((o) => o.len)),
      cache: st.cache ?? 0,
      dsync: 1,
      dio: 1,
      G: groups - 1,
      // Mainline: the file's open mode (FMODE_READ), its zero_point in folios, and no mmap stores.
      rdwr: st.open === 'rdwr' ? 1 : 0,
      zp: Math.min(zeroPoint, size) / B,
      mmap: 0,
      mixdio: 0,
      C: st.cryptoBlock ?? 0,
      Z: 0,
      remote: s.ops.filter((o) => o.op === 'server-invalidate').length,
      disconnect: s.ops.filter((o) => o.op === 'disconnect').length,
      crash: 0,
    };
    const out: Record<string, number> = {};
    for (const k of Object.keys(design.params)) if (k in p) out[k] = p[k];
    return out;
  },

  prelude: () => [],

  expand(s, k, design) {
    const op = s.ops[k];
    const has = (kind: string): boolean => kind in design.next;
    const mainline = design.name === 'netfs-mainline';
    // The writer of an op: the write's number, taken when its `write` step is picked.
    const ids = writerIds(s);
    const own =
      (w: number) =>
      (a: { kind: string; w?: number }): boolean =>
        a.w === w && ['lock', 'activate', 'copy', 'flushRange', 'preflushed', 'writethrough', 'invalidate', 'complete'].includes(a.kind);
    // Mainline DSYNC: the pre-flush returns (preflushed), then netfs_begin_writethrough takes wb_lock.
    // Mainline DIO: under i_rwsem, the pre-flush, then the invalidation (filemap_invalidate_inode), then the data.
    const order = ['complete', 'copy', 'writethrough', 'preflushed', 'invalidate', 'activate', 'lock', 'flushRange'];
    let before = new Set<string>();
    /** Drives writer `w` while `until` is false: its own steps, then the completion of write-backs it started. */
    const drive = (w: () => number, until: (st: St, writer: St | undefined) => boolean, what: string): Step =>
      dynamic(
        what,
        (st, en) => {
          const writer = st.writers.find((x: St) => x.value === w());
          if (until(st, writer)) return undefined;
          const mine = en.filter(own(w()));
          for (const kind of order) {
            const a = mine.find((x) => x.kind === kind);
            // Stop copying at the op's dirtied point.
            if (a) return a;
          }
          // RFC (7): a write into part of a folio that is not in the page cache has it read first.
          if (writer?.phase === 'pending' && !mainline) {
            const B = s.setup.bytesPerFolio ?? 1;
            const read = en.find((a) => a.kind === 'read' && a.f * B < writer.end && (a.f + 1) * B > writer.start && !(writer.start <= a.f * B && writer.end >= (a.f + 1) * B));
            if (read) return read;
          }
          // Waiting: for a write-back it started (RFC DSYNC region, mainline flushRange or write-through).
          const started = st.regions.findIndex((r: St) => r.state === 'flushing' && (r.writer === w() || !before.has(key(r))));
          if (started >= 0 && en.some((a) => a.kind === 'wbDone' && a.r === started)) return want('wbDone', { r: started });
          // RFC: a DSYNC region the writer waits for is flushed by the flusher.
          const dsync = st.regions.findIndex((r: St) => r.state === 'dirty' && r.writer === w());
          const flush = en.find((a) => a.kind === 'flush' && a.r === dsync);
          if (dsync >= 0 && flush) return flush;
          return `write ${w()} waits (${writer ? writer.phase : 'gone'}, copied to ${writer?.copied}) for something this op did not start`;
        },
        true,
      );
    const begin = (o: Op): Step[] => {
      const group = o.group ?? 1;
      return [
        dynamic("barrier to the write's group", (st, en) => (st.group < group ? (en.find((a) => a.kind === 'barrier') ?? `no barrier left for group ${group}`) : undefined), true),
        dynamic(`write(${how(o)}, [${o.pos},${o.pos + o.len}))`, (st) => {
          before = new Set(st.regions.filter((r: St) => r.state === 'flushing').map(key));
          ids.set(k, st.seq + 1);
          return want('write', { start: o.pos, end: o.pos + o.len, how: how(o) });
        }),
      ];
    };
    const writerOf = (o: Op): (() => number) => {
      const at = s.ops.findIndex((x) => x.op === 'netfs-write-begin' && x.id === o.id);
      return () => ids.get(at) ?? -1;
    };
    switch (op.op) {
      case 'netfs-write': {
        const w = () => ids.get(k) ?? -1;
        return [...begin(op), drive(w, (_st, writer) => writer === undefined, 'the write returns')];
      }
      case 'netfs-write-begin': {
        const w = () => ids.get(k) ?? -1;
        return [...begin(op), drive(w, (_st, writer) => writer === undefined || writer.phase !== 'pending', 'the write becomes active')];
      }
      case 'netfs-write-copy': {
        const w = writerOf(op);
        const start = s.ops.find((x) => x.op === 'netfs-write-begin' && x.id === op.id)!.pos;
        const upTo =
          start +
          s.ops
            .slice(0, k + 1)
            .filter((x) => x.op === 'netfs-write-copy' && x.id === op.id)
            .reduce((n, x) => n + x.bytes, 0);
        // The world copies a folio's part of the write in one step: a copy that ends inside a folio stops
        // before that folio's step (the folio is locked, being copied).
        const end = start + s.ops.find((x) => x.op === 'netfs-write-begin' && x.id === op.id)!.len;
        const B = s.setup.bytesPerFolio ?? 1;
        const target = upTo % B === 0 || upTo >= end ? upTo : Math.floor(upTo / B) * B;
        return [drive(w, (_st, writer) => writer === undefined || writer.copied >= target || writer.phase !== 'active', `copy to ${target}`)];
      }
      case 'netfs-write-end':
        return [drive(writerOf(op), (_st, writer) => writer === undefined, 'the write returns')];
      case 'netfs-read':
        return folios(s, op).map((f) => dynamic(`read(folio ${f})`, (st, en) => (st.folio[f] ? undefined : (en.find((a) => a.kind === 'read' && a.f === f) ?? `read(folio ${f}) is not enabled`))));
      case 'writeback': {
        const steps: Step[] = [];
        if (mainline) steps.push(dynamic('writepages', (_st, en) => en.find((a) => a.kind === 'writepages')));
        else if (op.region === 'first') steps.push(dynamic('flush the first region', (_st, en) => en.find((a) => a.kind === 'flush')));
        else steps.push(dynamic('flush every region', (st, en) => en.find((a) => a.kind === 'flush' && a.cut === st.regions[a.r].end), true));
        if (op.complete !== false) steps.push(dynamic('wbDone', (_st, en) => en.find((a) => a.kind === 'wbDone'), true));
        return steps;
      }
      case 'writeback-complete':
        return [dynamic('wbDone', (_st, en) => en.find((a) => a.kind === 'wbDone'), true)];
      case 'reclaim':
        return [
          dynamic(`reclaim(folio ${op.folio})`, (_st, en) => en.find((a) => a.kind === 'reclaim' && a.f === op.folio) ?? (op.expectRefused ? undefined : `reclaim(folio ${op.folio}) is not enabled`)),
        ];
      case 'writepage':
        if (!has('writepage')) throw new Inexpressible(`op ${op.step} (writepage): ${design.name} has no ->writepage (netfs_writepages only)`);
        return [want('writepage', { f: op.folio })];
      case 'server-change': {
        if (!has('remote')) throw new Inexpressible(`op ${op.step} (server-change): ${design.name} has no remote change`);
        // The world's remote change comes with its invalidation (remote(mode)), at the server-invalidate op.
        if (s.ops[k + 1]?.op !== 'server-invalidate') {
          throw new Inexpressible(`op ${op.step} (server-change): the world has a remote change only together with its invalidation (remote(mode)), and none follows here`);
        }
        return [];
      }
      case 'server-invalidate': {
        if (!has('remote')) throw new Inexpressible(`op ${op.step} (server-invalidate): ${design.name} has no remote invalidation`);
        const mode = op.mode === 'overwrite-server' ? 'keep' : op.mode;
        return [want('remote', { mode })];
      }
      case 'disconnect':
      case 'reconnect':
        if (!has(op.op)) throw new Inexpressible(`op ${op.step} (${op.op}): ${design.name} has no disconnected operation`);
        return [want(op.op)];
      default:
        throw new Inexpressible(`op ${op.step}: '${op.op}' has no binding in the netfs world`);
    }
  },
};

/** Per scenario, the write number each write op was given (filled as the replay picks its `write`). */
const idTables = new WeakMap<Scenario, Map<number, number>>();
function writerIds(s: Scenario): Map<number, number> {
  let m = idTables.get(s);
  if (!m) idTables.set(s, (m = new Map()));
  return m;
}

function folios(s: Scenario, op: Op): number[] {
  const B = s.setup.bytesPerFolio ?? 1;
  const out: number[] = [];
  for (let f = Math.floor(op.pos / B); f * B < op.pos + op.len; f++) out.push(f);
  return out;
}
