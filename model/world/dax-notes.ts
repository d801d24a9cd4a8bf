/**
 * What each action of the DAX world stands for in fs/dax.c and XFS, shown on
 * every step of a trace (Design.notes). A design overrides the kinds where it
 * departs from this code: its association and its memory-failure handler.
 */
import type { DaxAction } from './dax.js';

export const DAX_NOTES: { readonly [K in DaxAction['kind']]?: string } = {
  write: 'dax_iomap_rw -> xfs_direct_write_iomap_begin: in place, or CoW to a new block (IOMAP_F_SHARED)',
  fault: 'dax_iomap_pte_fault: grab_mapping_entry (entry locked), iomap_begin, dax_iomap_direct_access',
  iomap: 'iomap_begin once the walk has released the AGF (xfs_reflink_trim_around_shared), entry still locked',
  finish: 'dax_fault_iter: CoW copy if shared, dax_insert_entry (dis/associate), insert pfn, unlock entry',
  store: 'a CPU store through the writable pte: no kernel code runs',
  unmap: 'zap of that pte (munmap, zap_page_range_single)',
  reflink: 'xfs_reflink_remap_range after xfs_break_layouts (dax_break_layout), MMAPLOCK held',
  'reflink-range': 'FICLONERANGE: xfs_reflink_remap_prep (layouts broken, writeback), xfs_reflink_remap_blocks',
  dedupe: 'xfs_reflink_remap_prep: both IOLOCKs+MMAPLOCKs, layouts broken, dax_dedupe_file_range_compare',
  'dedupe-remap': 'xfs_file_remap_range: xfs_reflink_remap_blocks of the compared range, xfs_iunlock2_io_mmap',
  punch: 'xfs_free_file_space after xfs_break_layouts: truncate_pagecache_range, xfs_bunmapi',
  truncate: 'xfs_setattr_size after xfs_break_layouts: truncate_setsize, xfs_itruncate_extents',
  memfail: 'pmem ->memory_failure -> xfs_dax_notify_failure -> xfs_rmap_query_range, first owner',
  mce: '#MC on a load: kill_me_maybe -> memory_failure(MF_ACTION_REQUIRED) with current = f',
  'memfail-next': 'xfs_dax_failure_fn -> mf_dax_kill_procs: dax_lock_mapping_entry of the next owner',
  pin: 'pin_user_pages through the pte (FOLL_WRITE unless ro; FOLL_LONGTERM if longterm): a page reference',
  unpin: 'unpin_user_page: the reference goes',
  'unpin-longterm': 'unpin_user_page of a FOLL_LONGTERM pin, when userspace deregisters the memory (RDMA MR, vfio)',
  resume: 'the break wakes (wake_up_var) to idle pages: dax_break_layout rescans, nothing busy, the op goes on',
};
