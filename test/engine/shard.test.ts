// engine/shard.ts on its own: K/N parsed exactly, and a swarm member's seed,
// length and left-out kinds as the header defines them, against FNV-1a
// written out here from its definition (offset 2166136261, prime 16777619).
import { describe, expect, it } from 'vitest';
import { parseShard, swarmMember } from '../../engine/shard.js';

function fnv1a(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Number((BigInt(h ^ c.charCodeAt(0)) * 16777619n) & 0xffffffffn) >>> 0;
  return h;
}
const leftOut = (index: number, kind: string) => (fnv1a(`${index}:${kind}`) & 3) === 0;

describe('parseShard', () => {
  it('takes K/N with 0 <= K < N, up to six digits each', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('999998/999999')).toEqual({ index: 999998, count: 999999 });
    expect(parseShard('007/010')).toEqual({ index: 7, count: 10 });
  });

  it('refuses anything else', () => {
    for (const bad of ['1/1', '4/4', '5/4', '0/0', '1/0', '-1/2', 'a/b', '1/2/3', '', '/', '1/', '/2', ' 1/2', '1/2 ', 'x1/2', '1/2x', '1234567/9999999', '0/1234567', '1.0/2']) {
      expect(parseShard(bad), bad).toBeUndefined();
    }
  });
});

describe('swarmMember', () => {
  const kinds = ['reflink', 'write', 'punch', 'free', 'fault', 'truncate', 'read', 'fsync'];

  it('member 0 is the search as given', () => {
    expect(swarmMember({ index: 0, count: 3 }, 7, 40, kinds)).toEqual({ seed: 7, steps: 40, omit: [] });
  });

  it('member k: seed + k * 0x9e3779b1 in 32-bit arithmetic, steps scaled by 1, 0.5, 2, 1.5, 0.75, 3 in turn', () => {
    const scale = [1, 0.5, 2, 1.5, 0.75, 3];
    for (const index of [1, 2, 3, 4, 5, 6, 7, 13]) {
      const m = swarmMember({ index, count: 20 }, 7, 40, kinds);
      expect(m.seed, `seed of member ${index}`).toBe(Number(BigInt.asIntN(32, 7n + BigInt(index) * 0x9e3779b1n)));
      expect(m.steps, `steps of member ${index}`).toBe(Math.round(40 * scale[index % 6]));
    }
    expect(swarmMember({ index: 1, count: 2 }, -5, 41, kinds).steps).toBe(21);
    expect(swarmMember({ index: 1, count: 2 }, 2 ** 31 - 1, 3, kinds).seed).toBe(Number(BigInt.asIntN(32, 2n ** 31n - 1n + 0x9e3779b1n)));
  });

  it('never walks histories of no step', () => {
    expect(swarmMember({ index: 1, count: 2 }, 0, 0, kinds).steps).toBe(1);
    expect(swarmMember({ index: 4, count: 5 }, 0, 1, kinds).steps).toBe(1);
  });

  it('leaves out the kinds whose FNV-1a hash of "K:kind" is 0 mod 4, in the order given', () => {
    for (const index of [1, 2, 3, 5, 8]) {
      expect(swarmMember({ index, count: 9 }, 1, 10, kinds).omit, `member ${index}`).toEqual(kinds.filter((k) => leftOut(index, k)));
    }
    // Some member leaves something out, and members differ in what.
    const omits = [1, 2, 3, 4, 5, 6, 7, 8].map((index) => swarmMember({ index, count: 9 }, 1, 10, kinds).omit.join());
    expect(omits.some((o) => o !== '')).toBe(true);
    expect(new Set(omits).size).toBeGreaterThan(1);
  });

  it('never leaves out every kind: the first is kept back', () => {
    const kind = [...Array(200).keys()].map((i) => `k${i}`).find((k) => leftOut(1, k))!;
    expect(kind).toBeDefined();
    expect(swarmMember({ index: 1, count: 2 }, 1, 10, [kind]).omit).toEqual([]);
    const both = [kind, [...Array(200).keys()].map((i) => `j${i}`).find((k) => leftOut(1, k))!];
    expect(swarmMember({ index: 1, count: 2 }, 1, 10, both).omit).toEqual([both[1]]);
  });
});
