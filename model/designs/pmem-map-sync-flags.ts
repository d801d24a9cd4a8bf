/**
 * pmem-map-sync-flags: the MAP_SYNC flag matrix. MAP_SYNC asks that a write
 * fault on a DAX file return only once the file's metadata for the page is
 * durable, so that user stores made durable by CPU cache flushes alone
 * survive a crash (Jan Kara, "mm: Define MAP_SYNC and VM_SYNC flags" and
 * "dax: Implement dax_finish_sync_fault()", merged in v4.15; mmap(2)). Whether
 * a mapping gets it depends on the mapping type, the file and its device:
 *
 * - do_mmap (mm/mmap.c) turns MAP_SYNC into VM_SYNC (calc_vm_flag_bits) before
 *   it looks at the type. MAP_SHARED then drops the flags it does not know
 *   (`flags &= LEGACY_MAP_MASK`: "We silently ignore unsupported flags with
 *   MAP_SHARED to preserve backward compatibility"), MAP_SHARED_VALIDATE
 *   refuses with -EOPNOTSUPP a flag outside the file's mask (MAP_SYNC is in
 *   it only with FOP_MMAP_SYNC: XFS and ext4), MAP_PRIVATE checks nothing.
 * - The filesystem's ->mmap (->mmap_prepare from 6.17): xfs and ext4 refuse
 *   (-EOPNOTSUPP) a VM_SYNC vma unless daxdev_mapping_supported: the inode
 *   is DAX and its dax_device synchronous (virtio-pmem is not, since
 *   e46bfc3f03d7). btrfs and shmem have no such check.
 * - A write fault on a VM_SYNC DAX mapping that dirtied metadata
 *   (IOMAP_F_DIRTY: it allocated) ends in dax_finish_sync_fault, which syncs
 *   it (dax_fault_is_synchronous). On a page-cache file a store goes to a
 *   folio: a cache flush makes nothing durable.
 *
 * The outcomes of `mmap` for the non-DAX files are checked against the
 * running kernel (test/pmem-map-sync-flags.test.ts, loop devices);
 * the DAX rows come from the source alone (this machine has no pmem).
 * Choices: one file of one block, a hole at first, so that a write fault
 * allocates; MAP_PRIVATE mappings are judged by no durability property (their
 * writes never reach the file), only by vm-sync-truthful; the file systems are the ones whose mmap the source
 * distinguishes (ext4 on DAX behaves as XFS on DAX, and is left out).
 */
import { defineDesign, type Goal, type Property } from '../design.js';

/** The files one can map: what their ->mmap and device do with MAP_SYNC. */
export const FILES = [
  { name: 'xfs-dax', mmapSync: true, dax: true, synchronous: true },
  { name: 'xfs-dax-virtio-pmem', mmapSync: true, dax: true, synchronous: false },
  { name: 'xfs', mmapSync: true, dax: false, synchronous: false },
  { name: 'ext4', mmapSync: true, dax: false, synchronous: false },
  { name: 'btrfs', mmapSync: false, dax: false, synchronous: false },
  { name: 'tmpfs', mmapSync: false, dax: false, synchronous: false },
] as const;

export const TYPES = ['MAP_SHARED', 'MAP_SHARED_VALIDATE', 'MAP_PRIVATE'] as const;
export type MapType = (typeof TYPES)[number];

export interface Mapping {
  type: MapType;
  /** MAP_SYNC asked for. */
  sync: boolean;
  /** 'ok', or the errno mmap returned. */
  result: 'ok' | 'EOPNOTSUPP';
  /** The vma's VM_SYNC ("sf" in /proc/PID/smaps VmFlags). */
  vmSync: boolean;
  /** The write fault through it has returned; its metadata is durable; a store through it was flushed and is durable. */
  faulted: boolean;
  metaDurable: boolean;
  flushed: boolean;
  dataDurable: boolean;
}

export interface State {
  /** The file opened (an index into FILES), or -1 before. */
  file: number;
  maps: Mapping[];
}

type Act =
  | { readonly kind: 'open'; readonly file: number }
  | { readonly kind: 'mmap'; readonly type: number; readonly sync: boolean }
  | { readonly kind: 'fault'; readonly map: number }
  | { readonly kind: 'store-flush'; readonly map: number };

type Bugs = ReadonlySet<string>;

/** What mmap(2) returns for the file, the type and MAP_SYNC, and the vma's VM_SYNC: do_mmap, then the filesystem's ->mmap. */
export function mmapOutcome(file: number, type: MapType, sync: boolean, bugs: Bugs = new Set()): { result: Mapping['result']; vmSync: boolean } {
  const f = FILES[file];
  // calc_vm_flag_bits runs on the flags as passed, before MAP_SHARED masks them.
  const vmSync = sync;
  if (type === 'MAP_SHARED_VALIDATE' && sync && !f.mmapSync && !bugs.has('validate-skips-mask')) return { result: 'EOPNOTSUPP', vmSync: false };
  // xfs_file_mmap, ext4_file_mmap: daxdev_mapping_supported(vm_flags, file, dax_dev).
  if (f.mmapSync && vmSync) {
    if (!f.dax) return { result: 'EOPNOTSUPP', vmSync: false };
    if (!f.synchronous && !bugs.has('async-dax-allowed')) return { result: 'EOPNOTSUPP', vmSync: false };
  }
  return { result: 'ok', vmSync };
}

const shared = (m: Mapping): boolean => m.type !== 'MAP_PRIVATE';
const made = (m: Mapping): boolean => m.result === 'ok';

/** Whether stores flushed through the mapping survive a crash: a DAX file on a synchronous device, the fault's metadata durable. */
const honours = (m: Mapping): boolean => m.dataDurable && m.metaDurable;

const validateHonoured: Property<State> = {
  id: 'map-sync-honoured',
  description: 'a MAP_SHARED_VALIDATE|MAP_SYNC mapping that succeeded keeps its promise: a store flushed after its write fault returned is durable, data and block mapping',
  check: (s) => {
    const i = s.maps.findIndex((m) => made(m) && m.type === 'MAP_SHARED_VALIDATE' && m.sync && m.flushed && !honours(m));
    if (i < 0) return undefined;
    const m = s.maps[i];
    const lost = [m.dataDurable ? '' : 'data', m.metaDurable ? '' : 'block mapping'].filter(Boolean).join(' and ');
    return `mapping ${i} of ${FILES[s.file].name} (MAP_SHARED_VALIDATE|MAP_SYNC) succeeded, but a flushed store through it is not durable (${lost} lost in a crash)`;
  },
};

const neverWeakened: Property<State> = {
  id: 'map-sync-never-weakened',
  description: "a shared mapping that asked for MAP_SYNC and succeeded honours it; one that cannot is refused (the issue's claim, which the kernel does not make for MAP_SHARED)",
  check: (s) => {
    const i = s.maps.findIndex((m) => made(m) && shared(m) && m.sync && m.flushed && !honours(m));
    return i < 0 ? undefined : `mapping ${i} of ${FILES[s.file].name} (${s.maps[i].type}|MAP_SYNC) succeeded, but a flushed store through it is not durable`;
  },
};

const vmSyncTruthful: Property<State> = {
  id: 'vm-sync-truthful',
  description: 'a vma shows VM_SYNC ("sf" in smaps) only where its write faults are synchronous: shared, on a DAX file of a synchronous device',
  check: (s) => {
    const f = FILES[s.file];
    const i = s.maps.findIndex((m) => made(m) && m.vmSync && !(shared(m) && f?.dax && f.synchronous));
    return i < 0 ? undefined : `mapping ${i} of ${f.name} (${s.maps[i].type}|MAP_SYNC) has VM_SYNC, but its write faults are not synchronous`;
  },
};

const goals: Goal<State>[] = [
  { id: 'sync-mapping-made', description: 'a MAP_SHARED_VALIDATE|MAP_SYNC mapping succeeded', reached: (s) => s.maps.some((m) => made(m) && m.type === 'MAP_SHARED_VALIDATE' && m.sync) },
  { id: 'sync-refused', description: 'an mmap with MAP_SYNC was refused with EOPNOTSUPP', reached: (s) => s.maps.some((m) => m.result === 'EOPNOTSUPP') },
  { id: 'sync-store-flushed', description: 'a store through a MAP_SYNC mapping was flushed after its write fault', reached: (s) => s.maps.some((m) => m.sync && m.flushed) },
];

export default defineDesign<State, Act>({
  name: 'pmem-map-sync-flags',
  summary: 'The MAP_SYNC flag matrix: mmap with MAP_SHARED, MAP_SHARED_VALIDATE or MAP_PRIVATE, on DAX, virtio-pmem and page-cache files',
  seed: 'MAP_SYNC (v4.15, Jan Kara: "mm: Define MAP_SYNC and VM_SYNC flags", "dax: Implement dax_finish_sync_fault()"); mm/mmap.c do_mmap; include/linux/dax.h daxdev_mapping_supported; e46bfc3f03d7 (no MAP_SYNC on an asynchronous dax_device); the outcome of seeds/003',
  params: { M: { default: 2, min: 1, max: 3, description: 'mmap calls per history' } },
  bugs: {
    'validate-skips-mask': "MAP_SHARED_VALIDATE does not check the file's supported flags: a file without FOP_MMAP_SYNC takes MAP_SYNC",
    'async-dax-allowed': 'daxdev_mapping_supported ignores dax_synchronous (before e46bfc3f03d7): virtio-pmem takes MAP_SYNC',
    'no-sync-fault': 'a write fault on a VM_SYNC mapping returns without dax_finish_sync_fault (dax_fault_is_synchronous ignored)',
  },
  // The whole state space, not a depth: at the defaults it is finite and small (1,361 states, diameter 7; every
  // bug toggle and amendment under 110,000 states), so a verdict holds in every reachable state.
  // The state cap makes a model grown past it stop, inconclusive, rather than run on.
  bounds: { maxStates: 1_000_000 },
  init: () => ({ file: -1, maps: [] }),
  actions: (s, cfg): Act[] => {
    if (s.file < 0) return FILES.map((_f, file) => ({ kind: 'open', file }));
    const out: Act[] = [];
    if (s.maps.length < cfg.params.M) for (let type = 0; type < TYPES.length; type++) for (const sync of [false, true]) out.push({ kind: 'mmap', type, sync });
    s.maps.forEach((m, map) => {
      if (!made(m)) return;
      if (!m.faulted) out.push({ kind: 'fault', map });
      else if (!m.flushed) out.push({ kind: 'store-flush', map });
    });
    return out;
  },
  label: (a) => (a.kind === 'open' ? `open(${FILES[a.file].name})` : a.kind === 'mmap' ? `mmap(${TYPES[a.type]}${a.sync ? '|MAP_SYNC' : ''})` : `${a.kind}(map=${a.map})`),
  next: {
    open:
      ({ file }) =>
      (d) => {
        d.file = file;
      },
    mmap:
      ({ type, sync }, s, cfg) =>
      (d) => {
        const { result, vmSync } = mmapOutcome(s.file, TYPES[type], sync, cfg.bugs);
        d.maps.push({ type: TYPES[type], sync, result, vmSync, faulted: false, metaDurable: false, flushed: false, dataDurable: false });
      },
    fault:
      ({ map }, s, cfg) =>
      (d) => {
        const f = FILES[s.file];
        const m = d.maps[map];
        m.faulted = true;
        // A write fault on the hole allocates (IOMAP_F_DIRTY); dax_fault_is_synchronous then syncs it before returning.
        // A private mapping's write fault copies into an anonymous page: the file is not written.
        m.metaDurable = f.dax && shared(m) && m.vmSync && !cfg.bugs.has('no-sync-fault');
      },
    'store-flush':
      ({ map }, s) =>
      (d) => {
        const f = FILES[s.file];
        const m = d.maps[map];
        m.flushed = true;
        // clwb + sfence reach the media only on a DAX file of a synchronous device; elsewhere the store sits in a folio or needs a virtio flush.
        m.dataDurable = f.dax && f.synchronous && shared(m);
      },
  },
  always: [validateHonoured, neverWeakened, vmSyncTruthful],
  sometimes: goals,
  // MAP_SYNC's own promise, on the mapping type that validates it (mmap(2): "available only with the
  // MAP_SHARED_VALIDATE mapping type; mappings of type MAP_SHARED will silently ignore this flag").
  claims: ['map-sync-honoured'],
  notes: {
    open: 'open(2) of a file on the file system named (its ->mmap, its dax_device)',
    mmap: 'do_mmap: calc_vm_flag_bits, the MAP_TYPE switch (flags_mask); ->mmap: daxdev_mapping_supported',
    fault: 'write fault on the hole: dax_iomap_pte_fault (IOMAP_F_DIRTY, dax_finish_sync_fault); do_cow_fault',
    'store-flush': 'a user store, clwb and sfence: durable on the media of a synchronous dax_device only',
  },
});
