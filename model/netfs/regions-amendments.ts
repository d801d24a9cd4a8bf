/**
 * What it would take for netfs-regions (issue 12, section 1). At its
 * defaults the RFC breaks one claimed property, dsync, and only while
 * disconnected (counterexamples/netfs-regions/dsync): "(4) DSYNC writes ...
 * are flushed immediately. The writer then waits for that region to finish
 * flushing", and in disconnected operation "the helpers would save modified
 * code only to the cache, along with a list of modified regions" (SERVICES
 * (7)); composed literally, a DSYNC write returns with its data in the cache
 * and on the modified list, not on the server. The mail says nothing of
 * DSYNC while disconnected, so nobody proposes a change; the amendment below
 * is the smallest one that trace points to.
 *
 * Considered and not built: failing the DSYNC write while disconnected
 * (NFS "soft": an error after a timeout). The model has no error return for
 * a write, and a failed write's bytes would stay in the page cache, owed by
 * a region, which the properties would have to learn to read; waiting is the
 * change that keeps every rule of the mail as it is.
 */
import { amended, type Amendment, type Config } from '../design.js';
import type { NetfsState, Region } from './world.js';

export const DSYNC_WAITS_FOR_SERVER = 'dsync-waits-for-server';

export const regionsAmendments: Record<string, Amendment> = {
  [DSYNC_WAITS_FOR_SERVER]: {
    description: 'a DSYNC region (or a part the flusher splits off it) is written out to the server only: while disconnected it stays dirty, and its writer waits for reconnection and the upload',
    source: {
      kind: 'smallest-change',
      counterexample: 'counterexamples/netfs-regions/dsync: write(dsync), activate, copy, disconnect, complete, wbDone, complete: the DSYNC flush went to the cache only and the writer returned',
      precedent: 'NFS hard mounts: "Hard-mounted remote file systems cause programs to hang until the server responds" (IBM AIX, NFS troubleshooting, hard-mounted and soft-mounted file problems)',
    },
  },
};

/**
 * Under dsync-waits-for-server, a region the flusher may not write out now:
 * DSYNC data while the client is disconnected (SERVICES (7)'s cache-only
 * write-out does not answer (4)'s wait). Everything else, DSYNC data on a
 * connected client included, goes as the RFC has it.
 */
export function dsyncHeldBack(s: NetfsState, r: Region, cfg: Config): boolean {
  return amended(cfg, DSYNC_WAITS_FOR_SERVER) && !s.connected && r.type === 'dsync';
}
