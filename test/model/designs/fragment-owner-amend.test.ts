/**
 * What it takes for fragment-owner to reach the files behind a shared page
 * (issue 12 §1): under fragment-rmap memory failure finds every (file,
 * offset) through the filesystem's reverse map; as proposed it finds only
 * page->mapping, the fragment's, which no file is behind.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.js';
import { resolveConfig } from '../../../model/config.js';
import { findDesign } from '../../../model/designs/index.js';
import { instantiate } from '../../../model/instantiate.js';
import type { World } from '../../../model/world/state.js';
import { statesOf } from '../../fixtures/run.js';

const design = findDesign('fragment-owner');
const modelOf = (amends: string[]) => instantiate(design, resolveConfig(design, {}, [], amends), 'immer');

describe('fragment-owner: what it takes (fragment-rmap)', () => {
  it('the filesystem learns every (file, offset) of a failing fragment page', () => {
    const labels = ['read(f=0, i=0)', 'reflink(s=0, d=1)', 'memfail(pfn=0)'];
    expect((statesOf(modelOf([]), labels).at(-1) as World).mf!.told).toEqual([]);
    expect((statesOf(modelOf(['fragment-rmap']), labels).at(-1) as World).mf!.told).toEqual([0, 2]);
  });

  it("the process that maps a fragment page through its file's PFN entry is signalled (early kill)", () => {
    const labels = ['fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)', 'memfail(pfn=0)'];
    expect((statesOf(modelOf([]), labels).at(-1) as World).mf!.killed).toEqual([]);
    const s = statesOf(modelOf(['fragment-rmap']), labels).at(-1) as World;
    expect(s.mf!.killed).toEqual([0]);
    expect(s.pte[0][0]).toBe(-1);
  });

  it('memfail-reach and memfail-notify break within 4 actions as proposed; amended, every property holds to depth 5', () => {
    const verdict = (r: ReturnType<typeof check>, id: string) => r.properties.find((p) => p.id === id)!.verdict;
    const plain = check(design, { mode: 'exhaustive', properties: ['memfail-reach', 'memfail-notify'], depth: 4 });
    expect([verdict(plain, 'memfail-reach'), verdict(plain, 'memfail-notify')]).toEqual(['violated', 'violated']);
    const r = check(design, { mode: 'exhaustive', depth: 5, amends: ['fragment-rmap'] });
    expect(r.exhaustive!.complete).toBe(true);
    expect(r.properties.map((p) => [p.id, p.verdict])).toEqual(r.properties.map((p) => [p.id, 'holds']));
  });
});
