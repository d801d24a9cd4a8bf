/**
 * What it would take to make the in-place "no fsync" designs keep their
 * promise: two ways of writing the extent tree so that a crash cannot tear
 * a split, each an amendment (model/design.ts) of pmem-nofsync-naive and
 * pmem-nofsync-invalidate. Their counterexamples all tear one split: the
 * new root reaches the media before the leaf it names, and a record made
 * durable (by the promise, or by fsync) is gone after mount.
 */
import { amended, type Amendment, type Config } from '../design.js';
import type { Metadata } from './world.js';

export const ORDERED_SPLIT = 'ordered-split';
export const JOURNALLED_SPLIT = 'journalled-split';

/** An in-place design's metadata under its amendments; with both, the journal wins (no in-place writes are left to order). */
export function inPlaceMetadata(cfg: Config): Metadata {
  if (amended(cfg, JOURNALLED_SPLIT)) return 'journal';
  return amended(cfg, ORDERED_SPLIT) ? 'ordered' : 'in-place';
}

/** The two amendments, citing the design's own counterexamples. */
export function treeAmendments(design: string): Record<string, Amendment> {
  return {
    [ORDERED_SPLIT]: {
      description:
        "the tree is still written in place, but one change's blocks go out in order: new leaves, then the root naming them, then the old leaf without the records that moved (model/pmem/world.ts issueOrdered)",
      source: {
        kind: 'smallest-change',
        counterexample: `counterexamples/${design}/: in every trace the new root reaches the media before the leaves it names`,
        precedent: 'soft updates (McKusick and Ganger, USENIX 1999): never point to a structure before it has been initialised',
      },
    },
    [JOURNALLED_SPLIT]: {
      description: 'the tree change, the split included, is one transaction in the log, forced by the promising fault and by fsync; mount replays the newest committed record',
      source: {
        kind: 'cited',
        cites:
          'XFS, the file system Dave Chinner argues from in seeds/003: xfs_iomap_write_direct allocates in one transaction (xfs_trans_alloc_inode, then xfs_bmapi_write, whose extents-to-btree conversion and bmbt splits, xfs_bmap_extents_to_btree and xfs_btree_split, join it, then xfs_trans_commit), and dax_finish_sync_fault -> vfs_fsync_range -> xfs_file_fsync forces the log (xfs_log_force_seq); what MAP_SYNC merged in v4.15 (pmem-map-sync)',
      },
    },
  };
}
