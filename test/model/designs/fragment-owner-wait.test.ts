/**
 * fragment-owner: a fault holds the page it found locked, with a reference,
 * so nothing takes that page out of a cache or frees it before the fault's
 * finish_fault (reviews counterexamples/fragment-owner/bugs/
 * {fragment-put-per-block,fragment-reclaimable}.{entry-lock,layout-pin}
 * .review.md: "not realisable: step N: punch"). Removing a folio from a page
 * cache needs its lock (filemap_remove_folio: BUG_ON(!folio_test_locked)),
 * so truncate_inode_pages_range waits in folio_lock; the fault's reference
 * keeps the page allocated.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.js';
import { resolveConfig } from '../../../model/config.js';
import { findDesign } from '../../../model/designs/index.js';
import { instantiate } from '../../../model/instantiate.js';
import { statesOf } from '../../fixtures/run.js';
import type { World } from '../../../model/world/state.js';

const design = findDesign('fragment-owner');
const modelOf = (bugs: string[]) => instantiate(design, resolveConfig(design, {}, bugs), 'immer');
const labelsOf = (bugs: string[], s: World): string[] => {
  const m = modelOf(bugs);
  return m.actions(s).map((a) => m.label(a));
};

describe('fragment-owner: punch waits for a fault that holds the page it would remove', () => {
  it("a punch that drops a fragment's last count waits for the fault on its page, then leaves the page to the pte (fragment-put-per-block)", () => {
    const bugs = ['fragment-put-per-block'];
    const labels = ['write(f=0, i=1, v=1)', 'reflink(s=0, d=1)', 'write(f=0, i=0, v=2)', 'fault(f=1, i=0, read)'];
    const states = statesOf(modelOf(bugs), labels) as World[];
    expect(labelsOf(bugs, states[4])).not.toContain('punch(f=0, i=1)');
    // Once the fault has installed its pte and unlocked, truncate runs: the page leaves the
    // fragment's cache (mapping NULL) and lives on under process 1's pte.
    const after = statesOf(modelOf(bugs), [...labels, 'finish-fault', 'punch(f=0, i=1)']) as World[];
    const p = states[4].fault!.pfn;
    expect(after[6].frame[p]).toMatchObject({ free: false, mapping: -1 });
    expect(after[6].pte[1][0]).toBe(p);
  });

  it("a punch of a file's own page waits for another file's fault holding it (fragment-reclaimable's reused frame)", () => {
    const bugs = ['fragment-reclaimable'];
    const labels = ['read(f=0, i=0)', 'reflink-range(s=0, si=0, d=1, di=1)', 'reclaim(pfn=0)', 'read(f=1, i=0)', 'fault(f=0, i=0, read)'];
    const states = statesOf(modelOf(bugs), labels) as World[];
    expect(states[5].fault!.pfn).toBe(states[5].entry[1][0]);
    expect(labelsOf(bugs, states[5])).not.toContain('punch(f=1, i=0)');
    expect(labelsOf(bugs, statesOf(modelOf(bugs), [...labels, 'finish-fault']).at(-1) as World)).toContain('punch(f=1, i=0)');
  });

  it("under fragment-put-per-block no fault's page is freed under it: entry-lock holds to depth 5 (the review's 5-action trace is gone)", () => {
    const r = check(design, { mode: 'exhaustive', properties: ['entry-lock'], depth: 5, bugs: ['fragment-put-per-block'] });
    expect(r.exhaustive!.complete).toBe(true);
    expect(r.properties[0].verdict).toBe('holds');
  });
});
