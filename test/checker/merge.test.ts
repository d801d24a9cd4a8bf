import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { exitCode } from '../../checker/exit-code.js';
import type { CheckOptions } from '../../checker/options.js';
import { merge } from '../../checker/merge.js';
import { replay } from '../../checker/replay.js';
import { findDesign } from '../../model/designs/index.js';
import { parseShard, swarmMember } from '../../engine/shard.js';

const bench = findDesign('bench-reflink-cow');

function shards(n: number, options: CheckOptions) {
  return [...Array(n).keys()].map((index) => check(bench, { ...options, shard: { index, count: n } }));
}

const verdicts = (r: ReturnType<typeof check>) => r.properties.map((p) => [p.id, p.verdict, p.traceLength ?? null]);

describe('exhaustive shards merge into the unsharded search', () => {
  for (const bugs of [[], ['no-zero-on-free']]) {
    it(`bench-reflink-cow small${bugs.length ? ` --bug ${bugs[0]}` : ''}, N=3: same verdicts and shortest lengths, states at least as many`, () => {
      // Depth-bounded: on a whole state space every shard re-reaches nearly every
      // state (commuting steps reconverge across subtrees; docs/scale-out.md).
      const options: CheckOptions = { mode: 'exhaustive', bugs, params: { F: 3, B: 2, P: 4, V: 3 }, depth: 5, seed: 1 };
      const whole = check(bench, options);
      const parts = shards(3, options);
      // Every shard did part of the work, not all of it.
      for (const p of parts) expect(p.exhaustive!.states).toBeLessThan(whole.exhaustive!.states);
      expect(parts[0].shard!.split).toBeGreaterThan(0);
      const merged = merge(parts);
      expect(verdicts(merged)).toEqual(verdicts(whole));
      expect(merged.exhaustive!.complete).toBe(true);
      expect(merged.exhaustive!.states).toBeGreaterThanOrEqual(whole.exhaustive!.states);
      expect(exitCode([merged])).toBe(exitCode([whole]));
      expect(merged.goals.map((g) => [g.id, g.reached])).toEqual(whole.goals.map((g) => [g.id, g.reached]));
    });
  }

  it('a missing shard leaves what held inconclusive; a violation found stays one', () => {
    const parts = shards(3, { mode: 'exhaustive', bugs: ['no-zero-on-free'], depth: 8, seed: 1 });
    const merged = merge(parts.slice(0, 2));
    expect(merged.merged.missing).toEqual([2]);
    expect(merged.exhaustive!.complete).toBe(false);
    for (const p of merged.properties) {
      if (p.verdict !== 'violated') expect(p.verdict).toBe('inconclusive');
    }
    const whole = check(bench, { mode: 'exhaustive', bugs: ['no-zero-on-free'], depth: 8, seed: 1 });
    const violated = whole.properties.filter((p) => p.verdict === 'violated').map((p) => p.id);
    expect(violated.length).toBeGreaterThan(0);
    expect(exitCode([merged])).toBe(merged.properties.some((p) => p.verdict === 'violated' && p.claimed) ? 1 : 3);
  });

  it('refuses shards of different designs, parameters, N, or the same shard twice', () => {
    const a = check(bench, { mode: 'exhaustive', depth: 2, shard: { index: 0, count: 2 } });
    const b = check(bench, { mode: 'exhaustive', depth: 2, params: { V: 3 }, shard: { index: 1, count: 2 } });
    const c = check(bench, { mode: 'exhaustive', depth: 2, shard: { index: 1, count: 3 } });
    const lock = check(findDesign('fsdax-1to1'), { mode: 'exhaustive', depth: 1, shard: { index: 1, count: 2 } });
    expect(() => merge([a, b])).toThrow(/differ in parameters/);
    expect(() => merge([a, c])).toThrow(/differ in shard count N/);
    expect(() => merge([a, lock])).toThrow(/differ in design/);
    expect(() => merge([a, a])).toThrow(/given twice/);
    expect(() => merge([check(bench, { mode: 'exhaustive', depth: 1 })])).toThrow(/not a shard/);
  });
});

describe('random shards are a swarm', () => {
  it('members differ in seed, history length and the kinds they leave out; member 0 is the plain search', () => {
    const kinds = Object.keys(bench.next);
    const members = [0, 1, 2, 3].map((index) => swarmMember({ index, count: 4 }, 7, 40, kinds));
    expect(members[0]).toEqual({ seed: 7, steps: 40, omit: [] });
    expect(new Set(members.map((m) => m.seed)).size).toBe(4);
    expect(new Set(members.map((m) => m.steps)).size).toBeGreaterThan(1);
    for (const m of members) expect(m.omit.length).toBeLessThan(kinds.length);
  });

  it("a swarm finds a toggle's violation and its trace replays without the swarm", () => {
    const parts = [0, 1, 2].map((index) => check(bench, { mode: 'random', bugs: ['no-zero-on-free'], runs: 50, steps: 20, seed: 3, shard: { index, count: 3 } }));
    const merged = merge(parts);
    const found = merged.properties.find((p) => p.verdict === 'violated');
    expect(found).toBeDefined();
    expect(replay(merged.counterexamples[found!.id], bench).reproduces).toBe(true);
    // Random search proves nothing, sharded or not.
    expect(merged.properties.filter((p) => p.verdict === 'holds')).toEqual([]);
  });

  it('parses K/N and refuses what is not one', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['4/4', '1/0', '-1/2', 'a/b', '1/2/3', '']) expect(parseShard(bad)).toBeUndefined();
  });
});
