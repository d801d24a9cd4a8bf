/**
 * What it takes for the i_mapping quick hack (issue 12 §1): under
 * follow-i_mapping the histories of its three counterexamples no longer
 * break, reflink write-protects the source's ptes whatever space its pages
 * are in, and at the default bound nothing claimed is violated.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../checker/check.js';
import { resolveConfig } from '../../../model/config.js';
import { claimsOf } from '../../../model/design.js';
import { findDesign } from '../../../model/designs/index.js';
import { instantiate } from '../../../model/instantiate.js';
import { viewOf } from '../../../engine/model.js';
import type { View } from '../../../model/world/view.js';
import { statesOf } from '../../fixtures/run.js';

interface S {
  fmap: number[];
  vmap: number[];
  imap: number[];
  pte: number[][];
  ptew: boolean[][];
}
const design = findDesign('imapping-redirect');
const modelOf = (amends: string[]) => instantiate(design, resolveConfig(design, {}, [], amends), 'immer');
const AMEND = ['follow-i_mapping'];

describe('imapping-redirect: what it takes', () => {
  it("an fd opened while the inode was shared writes into the inode's own i_data after the unshare", () => {
    const labels = ['reflink(s=0, d=1)', 'open(f=0)', 'write(f=0, i=0, v=2)'];
    const read = (amends: string[]) => {
      const m = modelOf(amends);
      return (viewOf(m, statesOf(m, labels).at(-1)) as View).read;
    };
    expect(read([])[0][0]).toBe(1);
    expect(read(AMEND)[0][0]).toBe(2);
    expect(read(AMEND)[1][0]).toBe(1);
  });

  it('a vma mmapped while shared follows the unshare: the write fault retries instead of mapping the shared page writable', () => {
    const labels = ['reflink(s=0, d=1)', 'mmap(f=0)', 'fault(f=0, i=0, write)', 'finish-fault'];
    const plain = statesOf(modelOf([]), labels).at(-1) as unknown as S;
    expect(plain.ptew[0][0]).toBe(true);
    const s = statesOf(modelOf(AMEND), labels).at(-1) as unknown as S;
    expect([s.vmap[0], s.imap[0], s.pte[0][0]]).toEqual([0, 0, -1]);
  });

  it("the source's vma moves with its pages to the shared space, whose i_mmap memory failure walks", () => {
    const labels = ['mmap(f=0)', 'fault(f=0, i=0, read)', 'finish-fault', 'reflink(s=0, d=1)'];
    const s = statesOf(modelOf(AMEND), labels).at(-1) as unknown as S;
    expect(s.vmap[0]).toBe(s.imap[0]);
    expect(s.imap[0]).toBeGreaterThanOrEqual(2);
    expect(s.pte[0][0]).not.toBe(-1);
    const r = check(design, { mode: 'exhaustive', properties: ['memfail-reach'], depth: 5, amends: AMEND });
    expect(r.properties[0].verdict).not.toBe('violated');
  });

  it("reflink write-protects the source's ptes also when its pages already sit in a space of their own (page_mkclean)", () => {
    const labels = ['open(f=0)', 'mmap(f=1)', 'reflink(s=0, d=1)', 'write(f=0, i=0, v=2)', 'fault(f=1, i=0, write)', 'finish-fault'];
    const before = statesOf(modelOf(AMEND), labels).at(-1) as unknown as S;
    expect(before.ptew[1][0]).toBe(true);
    const s = statesOf(modelOf(AMEND), [...labels, 'reflink(s=1, d=0)']).at(-1) as unknown as S;
    expect(s.ptew[1][0]).toBe(false);
  });

  it('at the default bound the proposal breaks three claimed properties; amended, every one holds, every goal reached', () => {
    const plain = check(design, { mode: 'exhaustive' });
    expect(
      plain.properties
        .filter((p) => p.claimed && p.verdict === 'violated')
        .map((p) => p.id)
        .sort(),
    ).toEqual(['cow-isolation', 'layout-pin', 'memfail-reach']);
    const r = check(design, { mode: 'exhaustive', amends: AMEND });
    expect(r.exhaustive!.complete).toBe(true);
    const claimed = r.properties.filter((p) => claimsOf(design).includes(p.id));
    expect(claimed.map((p) => [p.id, p.verdict])).toEqual(claimsOf(design).map((id) => [id, 'holds']));
    expect(r.goals.filter((g) => !g.reached).map((g) => g.id)).toEqual([]);
  });
});
