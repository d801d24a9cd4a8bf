/**
 * A search stops before memory runs out rather than die in a V8 heap crash:
 * the heap against its own limit (the visited set and the frontier live
 * outside it, in array buffers), and the whole process against a limit the
 * user may set.
 */
import { getHeapStatistics } from 'node:v8';

export interface MemoryLimit {
  /** Resident set size in bytes; none when absent. */
  readonly rssBytes?: number;
  /** The share of V8's heap limit the heap may fill. */
  readonly heapShare: number;
}

export const DEFAULT_MEMORY: MemoryLimit = { heapShare: 0.85 };

export function overLimit(limit: MemoryLimit): boolean {
  const used = process.memoryUsage();
  if (limit.rssBytes !== undefined && used.rss > limit.rssBytes) return true;
  return used.heapUsed > limit.heapShare * getHeapStatistics().heap_size_limit;
}
