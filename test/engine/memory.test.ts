// engine/memory.ts: the process against the user's limit, the heap against its share of V8's.
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY, overLimit } from '../../engine/memory.js';

describe('overLimit', () => {
  it('a process of a few hundred MB is within the default limit, and within a generous resident one', () => {
    expect(DEFAULT_MEMORY).toEqual({ heapShare: 0.85 });
    expect(overLimit(DEFAULT_MEMORY)).toBe(false);
    expect(overLimit({ heapShare: 0.85, rssBytes: 2 ** 50 })).toBe(false);
  });

  it('is over a resident limit the process has passed, whatever the heap', () => {
    expect(overLimit({ heapShare: 1, rssBytes: 1024 })).toBe(true);
  });

  it('is over when the heap fills more than its share of the limit V8 set', () => {
    expect(overLimit({ heapShare: 0 })).toBe(true);
    const share = process.memoryUsage().heapUsed / getHeapStatistics().heap_size_limit;
    expect(overLimit({ heapShare: share / 4 })).toBe(true);
    expect(overLimit({ heapShare: Math.min(1, share * 4 + 0.05) })).toBe(false);
  });
});
