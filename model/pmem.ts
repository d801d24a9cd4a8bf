/**
 * The world of seed 003: one file on pmem, mapped with DAX, its block map an
 * extent tree (model/pmem/tree.ts). Stores reach the media through CPU cache
 * lines; metadata writes are pieces too (model/pmem/pieces.ts). A ghost
 * records what a correct file system owes: each offset's newest value made
 * durable, the block the design promised durable, the mapping fsync or a
 * promise made durable, and what fsync or the promise made durable
 * (model/pmem/state.ts). Faults, the user's actions and the crash are in
 * model/pmem/world.ts.
 *
 * The designs (model/designs/pmem-*.ts) differ in how a fault completes and
 * how metadata is written: in place, through a log, or never (static
 * chunks). Modelling choices the seed leaves open:
 * - a block is one cache line, and a later store replaces an earlier one in
 *   the line (no eviction of intermediate values: values only grow, and the
 *   properties accept "or newer");
 * - a block is zeroed when a write fault allocates it, and the zeroing is a
 *   piece the metadata naming the block is ordered after (all real DAX file
 *   systems zero before exposing a block; the `unordered-zeroing` toggle
 *   breaks it); the zeroing and the user's stores to the block stay
 *   separate pieces, so a metadata sync never makes a user store durable;
 * - a read fault allocates nothing (the zero page on a hole, the block
 *   read-only otherwise), as dax_iomap_pte_fault does;
 * - a lookup after a crash finds a record in any leaf the root points at,
 *   which is kinder to a torn split than a keyed btree walk: any loss it
 *   reports is a real one;
 * - a fault runs in two steps, `fault` and `fault-done`, so a crash can fall
 *   inside it, as in Nick's "concurrently, fault in block 1".
 *
 * model/pmem/amendments.ts holds what it would take to make the in-place
 * designs keep their promise (an ordered or a journalled tree change).
 */
export * from './pmem/tree.js';
export * from './pmem/state.js';
export * from './pmem/pieces.js';
export * from './pmem/world.js';
export * from './pmem/amendments.js';
