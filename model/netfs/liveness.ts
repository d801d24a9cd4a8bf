/**
 * Liveness of the netfs designs (issue 14 section 3): "it eventually
 * happens", as leadsTo properties under the fairness the kernel's threads
 * give. One property id means one thing in both designs; what differs is
 * which action kinds stand for a thread that keeps being scheduled.
 *
 * Fair, and why:
 * - the writer's own steps: a write(2) that may go on is a running task
 *   (RFC netfs_perform_write, mainline netfs_perform_write), so copy and
 *   complete, and mainline's flushRange (filemap_write_and_wait_range called
 *   by the writer) and mkwrite (netfs_page_mkwrite in the faulting task), are
 *   weakly fair;
 * - the lock a pending write waits for is handed to it, not grabbed when the
 *   scheduler happens to run it at a moment it is free: in the RFC,
 *   netfs_commit_write() -> netfs_start_pending_writes() starts pending
 *   writes in a window it opened, "The queue is in submission order and we
 *   need to prevent starvation", and netfs_queue_write() makes a new write
 *   "wait for any overlapping pending writes"; in mainline the inode lock is
 *   an rwsem whose waiters get it by handoff (RWSEM_FLAG_HANDOFF). So the
 *   activation (RFC activate, mainline lock) is strongly fair: a lock free
 *   again and again is eventually taken by its waiter;
 * - the flusher (RFC flush; mainline writepages, the VM's flusher threads
 *   calling netfs_writepages for every dirty inode past dirty_expire_centisecs)
 *   and I/O completion (wbDone: the server or the cache answers) are weakly
 *   fair, as one thread each;
 * - a read the writer needs (RFC: the model reads a partial folio before
 *   activation, where the RFC's writer reads it itself in
 *   netfs_prefetch_for_write) is weakly fair.
 * Fairness is owed to each action apart (Fairness.each) where an action of
 * the kind can be taken over and over while another of it waits: read (folio
 * 1 read and reclaimed for ever does not excuse never reading folio 0), and
 * mainline's mkwrite and flushRange (a store refaulting, a writer flushing,
 * again and again, does not excuse another writer's). A write activates (or
 * locks) once, copies each of its folios once and completes once, and a
 * flush or a write-out needs dirty data that only a budgeted event makes
 * again (a write, a store, a remote change or direct write emptying the
 * cache), so no cycle takes those kinds and a turn per kind is a turn per
 * writer or region; kept per kind, they keep the count of what fairness is
 * owed to under the engine's 31.
 * Not fair: new writes, mmap stores, barriers, remote changes, reclaim,
 * writepage (the VM need not call it), a disconnection and a crash (nothing
 * is owed by them), and reconnection: a server that stays away is no
 * fairness violation. So every RFC property holds "while the server is
 * connected" (p requires it, q is discharged by a disconnection, and a
 * reconnection owes it again), except synced-after-reconnect, which assumes
 * reconnection is weakly fair ("Upon reconnection, we would need to sync back
 * to the server", SERVICES (7)): the server comes back when it may.
 */
import type { LiveProperty } from '../design.js';
import type { Fairness } from '../../engine/liveness.js';
import { decode, type NetfsState } from './world.js';

const pending = (s: NetfsState): boolean => s.writers.some((w) => w.phase === 'pending');
const dsyncInFlight = (s: NetfsState): boolean => s.writers.some((w) => w.kind === 'dsync');
/** A dirty region: a record holding bytes not yet written (dirty, active with something copied, or in flight); mainline keeps one per dirty folio. */
const dirtyRegion = (s: NetfsState): boolean => s.regions.some((r) => r.end > r.start);
/** A byte whose acknowledged value (ghost.allowed) the server does not hold. */
const unsynced = (s: NetfsState): boolean => s.server.some((v, i) => !s.ghost.allowed[i].includes(decode(v)));

/** "Whenever p while connected, eventually q or a disconnection": a promise a reconnection renews. */
function whileConnected(id: string, description: string, p: (s: NetfsState) => boolean, q: (s: NetfsState) => boolean, fairness: Fairness): LiveProperty<NetfsState> {
  return { id, description, p: (s) => p(s) && s.connected, q: (s) => q(s) || !s.connected, fairness };
}

export const REGIONS_FAIR: Fairness = {
  weak: ['invalidate', 'copy', 'complete', 'flush', 'wbDone', 'read'],
  strong: ['activate'],
  each: ['read'],
};

export const regionsLiveness: readonly LiveProperty<NetfsState>[] = [
  whileConnected('lock-fair', 'RFC (6): a pending write eventually takes its region lock (becomes active), while the server is connected', pending, (s) => !pending(s), REGIONS_FAIR),
  whileConnected('dsync-returns', 'RFC (4): a DSYNC writer eventually returns, while the server is connected', dsyncInFlight, (s) => !dsyncInFlight(s), REGIONS_FAIR),
  whileConnected(
    'written-back',
    'every dirty region (dirty folio) is eventually written back, to the server or (semi-dirty) the cache, while the server is connected',
    dirtyRegion,
    (s) => !dirtyRegion(s),
    REGIONS_FAIR,
  ),
  {
    id: 'synced-after-reconnect',
    description: 'SERVICES (7): what a write returned with eventually reaches the server, disconnected or not, if the server comes back when it may',
    p: unsynced,
    q: (s) => !unsynced(s),
    fairness: { ...REGIONS_FAIR, weak: [...REGIONS_FAIR.weak!, 'reconnect'] },
  },
];

// A DSYNC write's own two steps after its pre-flush (netfs_perform_write):
// `preflushed` (filemap_write_and_wait_range returned) is weakly fair as the
// writer's other steps; `writethrough` takes wb_lock with mutex_lock, a
// sleeping lock that hands itself to a waiter (MUTEX_FLAG_HANDOFF), so it is
// strongly fair, as `lock` is. A direct write's `invalidate` (filemap_invalidate_inode,
// under i_rwsem) is one of the writer's own steps, weakly fair as they are.
export const MAINLINE_FAIR: Fairness = {
  weak: ['copy', 'complete', 'flushRange', 'mkwrite', 'writepages', 'wbDone', 'read', 'preflushed', 'invalidate'],
  strong: ['lock', 'writethrough'],
  each: ['read', 'flushRange', 'mkwrite'],
};

/** Mainline has no disconnected mode: the server is always reachable, so "while connected" is always. */
export const mainlineLiveness: readonly LiveProperty<NetfsState>[] = [
  whileConnected(
    'dsync-returns',
    'an O_DSYNC write(2) eventually returns from netfs_perform_write (netfs_end_writethrough waits for its folios)',
    dsyncInFlight,
    (s) => !dsyncInFlight(s),
    MAINLINE_FAIR,
  ),
  whileConnected('written-back', 'every dirty folio is eventually written back (the VM flusher calls netfs_writepages; dirty_expire_centisecs)', dirtyRegion, (s) => !dirtyRegion(s), MAINLINE_FAIR),
];
