/**
 * Adapters: how a design's actions become system calls (helper lines,
 * conform/helper.c) and what its states say a user observes. One per design
 * that conform can run; the others cannot run here (README: fsdax needs
 * pmem, the pmem designs a DAX device, netfs a network filesystem).
 */
import type { AnyDesign, Config } from '../model/design.js';
import type { BenchAction } from '../model/designs/bench-reflink-cow.js';
import type { PagecacheAction } from '../model/designs/pagecache-reflink.js';
import { content, HOLE as PC_HOLE, type PagecacheState } from '../model/pagecache/state.js';
import { HOLE as BENCH_HOLE } from '../properties/bench-reflink-cow.js';
import type { FsType } from './fs.js';
import { BLOCK, type ModelFile, type ModelObservation } from './observe.js';

export interface Adapter<S, A> {
  readonly design: string;
  /** Files the design has (f0..f(n-1)) and their initial size in bytes. */
  files(cfg: Config): { count: number; bytes: number };
  /** Whether the action can run on this filesystem (a crash needs FS_IOC_SHUTDOWN). */
  supports(action: A, fs: FsType): boolean;
  /** The helper lines of the action; `$MNT` and `$DEV` are filled in by the runner. The last line's answer is the action's result. */
  lines(action: A, cfg: Config, state: S, fs: FsType): string[];
  /**
   * Model actions the kernel does inside this one on `fs` where the model
   * (which follows XFS) does not: applied to the model first, with no system
   * call of their own.
   */
  inside?(action: A, state: S, fs: FsType): A[];
  /** Model actions the kernel does on `fs` right after this one (`state` is the action's successor, `before` its predecessor). */
  after?(action: A, state: S, fs: FsType, before: S): A[];
  /** What the model says an observer sees in `state`, reached by `action`. */
  observe(state: S, cfg: Config, action: A | undefined): ModelObservation;
  /** The answer of the action's last line, as the model's `result` reads it (undefined: nothing to compare). */
  result(action: A, answer: string): string | undefined;
}

const off = (b: number) => b * BLOCK;

/** How many dirty blocks run on from (f, b), b included: btrfs's delalloc range from that folio. */
function delallocRun(s: PagecacheState, f: number, b: number): number {
  let n = 0;
  while (b + n < s.dirty[f].length && s.dirty[f][b + n]) n++;
  return Math.max(n, 1);
}

/**
 * bench-reflink-cow: the spec's write is a write that reaches its block (it
 * has no page cache), so it is pwrite then fsync, and every block is settled
 * when observed. Its physical blocks map onto the filesystem's, compared only
 * as which places share one; its P (the pool the spec allocates from) only
 * narrows which writes the model enables, the real filesystem having room.
 * FICLONE of two files of the same size is the spec's reflink(s, d).
 */
const bench: Adapter<{ ext: number[][]; ref: number[]; data: number[] }, BenchAction> = {
  design: 'bench-reflink-cow',
  files: (cfg) => ({ count: cfg.params.F, bytes: cfg.params.B * BLOCK }),
  supports: () => true,
  lines: (a) => {
    switch (a.kind) {
      case 'write':
        return [`pwrite ${a.f} ${off(a.b)} ${BLOCK} ${a.v}`, `fsync ${a.f}`];
      case 'reflink':
        return [`clone ${a.s} ${a.d}`];
      case 'punch':
        return [`punch ${a.f} ${off(a.b)} ${BLOCK}`];
    }
  },
  observe: (s, cfg) => ({
    files: s.ext.map((row): ModelFile => ({
      size: cfg.params.B,
      values: row.map((p) => (p === BENCH_HOLE ? 0 : s.data[p])),
      map: row.map((p) => (p === BENCH_HOLE ? 'H' : s.ref[p] > 1 ? 'S' : 'D')),
      block: row.map((p) => p),
    })),
  }),
  result: () => undefined,
};

/**
 * pagecache-reflink: every action one system call on a 4 KiB block, a
 * writeback sync_file_range on the block and then an O_DIRECT read of it,
 * which on btrfs waits for the block's ordered extent (the file extent item
 * is inserted at btrfs_finish_ordered_io, after the pages' writeback ends:
 * without it FIEMAP may show the old extent).
 */
const pagecache: Adapter<PagecacheState, PagecacheAction> = {
  design: 'pagecache-reflink',
  files: (cfg) => ({ count: cfg.params.F, bytes: cfg.params.B * BLOCK }),
  // btrfs has no FS_IOC_SHUTDOWN on this kernel (ENOTTY, 6.18): a crash there would be a clean unmount.
  supports: (a, fs) => a.kind !== 'crash' || fs === 'xfs',
  lines: (a, _cfg, s, fs) => {
    // btrfs: write the whole source back and wait for its ordered extents first (an O_DIRECT read of it does both:
    // kiocb_write_and_wait, then the DIO extent lock), so that the remap's own filemap_flush finds nothing left in flight.
    const settle = (src: number) => (fs === 'btrfs' && s.size[src] > 0 ? [`dread ${src} 0 ${off(s.size[src])}`] : []);
    switch (a.kind) {
      case 'write':
        return [`pwrite ${a.f} ${off(a.b)} ${BLOCK} ${a.v}`];
      case 'mstore':
        return [`mstore ${a.f} ${off(a.b)} ${BLOCK} ${a.v}`];
      case 'read':
        return [`pread ${a.f} ${off(a.b)} ${BLOCK}`];
      case 'mload':
        return [`mload ${a.f} ${off(a.b)} ${BLOCK}`];
      case 'writeback': {
        const n = fs === 'btrfs' ? delallocRun(s, a.f, a.b) : 1;
        return [`syncrange ${a.f} ${off(a.b)} ${n * BLOCK}`, `dread ${a.f} ${off(a.b)} ${n * BLOCK}`];
      }
      case 'fsync':
        return [`fsync ${a.f}`];
      case 'clone':
        return [...settle(a.s), `clone ${a.s} ${a.d}`];
      case 'reflink':
        return [...settle(a.s), `clonerange ${a.s} ${off(a.sb)} ${a.d} ${off(a.db)} ${BLOCK}`];
      case 'dedupe':
        return [...settle(a.s), `dedupe ${a.s} ${off(a.sb)} ${a.d} ${off(a.db)} ${BLOCK}`];
      case 'punch':
        return [`punch ${a.f} ${off(a.b)} ${BLOCK}`];
      // XFS: wait for the flush the close after a truncate down starts (see after).
      case 'truncate':
        return [`truncate ${a.f} ${off(a.n)}`, ...(fs === 'xfs' && a.n < s.size[a.f] && a.n > 0 ? [`syncrange ${a.f} 0 ${off(a.n)}`] : [])];
      case 'crash':
        return ['shutdown $MNT', 'remount $DEV $MNT $FSTYPE'];
    }
  },
  // btrfs writes back the whole source file before any remap (btrfs_remap_file_range_prep: filemap_flush of
  // the source's mapping, for NOCOW extents), XFS only the two ranges (generic_remap_file_range_prep).
  //
  // btrfs also writes a folio back as part of its delalloc range: writepage_delalloc -> btrfs_run_delalloc_range
  // allocates one extent from the folio to the end of the contiguous dirty run, and the file extent item appears
  // when that ordered extent completes (btrfs_finish_ordered_io), once every folio of it is written; so there a
  // writeback writes the run from the block on (and the helper syncs that run).
  inside: (a, s, fs) => {
    if (fs !== 'btrfs') return [];
    const wb = (f: number, blocks: number[]) => blocks.map((b) => ({ kind: 'writeback' as const, f, b }));
    const run = (f: number, b: number) => (s.dirty[f][b] ? Array.from({ length: delallocRun(s, f, b) }, (_, i) => b + i) : []);
    switch (a.kind) {
      case 'writeback':
        return wb(a.f, run(a.f, a.b).slice(1));
      // btrfs_punch_hole waits for the range's ordered extents first (btrfs_wait_ordered_range), writing the run.
      case 'punch':
        return wb(a.f, run(a.f, a.b));
      case 'clone':
      case 'reflink':
      case 'dedupe': {
        const source = s.dirty[a.s].flatMap((dirty, b) => (dirty ? [b] : []));
        const from = a.kind === 'clone' ? [...Array(Math.min(s.size[a.s], s.size[a.d])).keys()] : [a.db];
        const dest = [...new Set(from.flatMap((b) => run(a.d, b)))].filter((b) => a.d !== a.s || !source.includes(b));
        return [...wb(a.s, source), ...wb(a.d, dest)];
      }
      default:
        return [];
    }
  },
  // XFS: a truncate down sets XFS_ITRUNCATED (xfs_setattr_size), and the close that follows writes the file's
  // dirty folios back ("early writeout on the last close" against the NULL files problem: xfs_release ->
  // filemap_flush, when it has delalloc blocks). The model's truncate is ftruncate alone; the helper closes
  // the file after every call. btrfs flushes on close only after a truncate to zero (BTRFS_INODE_FLUSH_ON_CLOSE),
  // when no folio is left.
  after: (a, s, fs, before) => {
    if (fs !== 'xfs' || a.kind !== 'truncate' || a.n >= before.size[a.f]) return [];
    return s.dirty[a.f].flatMap((dirty, b) => (dirty ? [{ kind: 'writeback' as const, f: a.f, b }] : []));
  },
  observe: (s, _cfg, a) => ({
    files: s.ext.map((row, f): ModelFile => {
      const blocks = row.slice(0, s.size[f]);
      return {
        size: s.size[f],
        values: blocks.map((_p, b) => content(s, f, b)),
        map: blocks.map((p, b) => (s.dirty[f][b] ? '?' : p === PC_HOLE ? 'H' : s.ref[p] > 1 ? 'S' : 'D')),
        block: blocks.map((p, b) => (s.dirty[f][b] ? -1 : p)),
      };
    }),
    ...(a?.kind === 'read' || a?.kind === 'mload' ? { result: String(s.read.v) } : {}),
    ...(a?.kind === 'dedupe' ? { result: String(s.dedupe) } : {}),
  }),
  result: (a, answer) => (a.kind === 'read' || a.kind === 'mload' || a.kind === 'dedupe' ? answer.replace(/^ok ?/, '') : undefined),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAdapter = Adapter<any, any>;

export const adapters: readonly AnyAdapter[] = [bench, pagecache];

/** Why a design has no adapter: what it needs that a loop-mounted XFS or btrfs does not have. */
export function noAdapterReason(design: AnyDesign): string {
  if (design.name.startsWith('fsdax') || ['fragment-owner', 'tmpfs-cowflag', 'shadow-pages', 'imapping-redirect', 'owner-list'].includes(design.name)) {
    return 'it models DAX or a page-sharing proposal: fsdax needs pmem, and the proposals never landed';
  }
  if (design.name.startsWith('pmem')) return 'it models persistent memory (MAP_SYNC, CPU cache flushes), which needs a DAX device';
  if (design.name.startsWith('netfs')) return 'it models netfs, which needs a network filesystem and its server';
  return 'no adapter maps its actions onto system calls';
}
