/**
 * fsdax-reflink-sync: what the search finds of a MAP_SYNC write fault on a
 * reflinked extent, as the source orders it; what each amendment takes away;
 * and each property caught by a toggle and holding where the fault is made
 * synchronous and its copy durable.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import design from '../model/designs/fsdax-reflink-sync.js';

const steps = (r: ReturnType<typeof check>, p: string) => r.counterexamples[p]?.states.slice(1).map((s) => s['#meta'].action);

describe('fsdax-reflink-sync', () => {
  it('loses the remap of a fault that was not synchronous: its CoW block was already in the fork, so nothing pinned the clean inode (as the VM showed on 6.1)', () => {
    const r = check(design, { mode: 'exhaustive' });
    expect(steps(r, 'sync-write-durable')).toEqual(['neighbour()', 'begin()', 'copy()', 'end()', 'store()', 'flush()', 'crash()']);
    expect(r.properties.find((p) => p.id === 'clone-intact')?.verdict).toBe('holds');
  });

  it('with the fault made synchronous, loses the copied line the fsync did not write back', () => {
    const r = check(design, { mode: 'exhaustive', amends: ['cow-sets-dirty'] });
    expect(steps(r, 'sync-write-durable')).toEqual(['begin()', 'copy()', 'end()', 'sync()', 'store()', 'flush()', 'crash()']);
    expect(r.counterexamples['sync-write-durable'].states.at(-1)!['#meta'].outcome).toMatch(/lost: .*line b1\.1=A/);
  });

  it('holds over the whole state space with both amendments, every goal reached', () => {
    const r = check(design, { mode: 'exhaustive', amends: ['cow-sets-dirty', 'flush-copy'] });
    for (const p of r.properties) {
      expect(p.verdict, p.id).toBe('holds');
      expect(p.bound?.complete).toBe(true);
    }
    expect(r.goals.every((g) => g.reached)).toBe(true);
  });

  it.each([
    ['no-sync-fault', 'sync-write-durable', 6],
    ['sync-before-end-cow', 'sync-write-durable', 7],
    ['write-in-place-shared', 'clone-intact', 6],
  ])('%s breaks %s (amended design) in %i actions', (bug, property, length) => {
    const r = check(design, { mode: 'exhaustive', bugs: [bug], amends: ['cow-sets-dirty', 'flush-copy'], properties: [property] });
    expect(steps(r, property)).toHaveLength(length);
  });
});
