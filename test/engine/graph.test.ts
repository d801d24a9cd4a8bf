// engine/graph.ts on the counter toy: the kinds in order of first use, the
// state cap counted in known states, and a replay that refuses a model
// whose successors changed.
import { describe, expect, it } from 'vitest';
import { edgeSource, exploreGraph, pathTo, replayEdges } from '../../engine/graph.js';
import type { Model } from '../../engine/model.js';
import { counter } from './toys.js';

describe('exploreGraph', () => {
  it('the whole counter 0..2: states, edges in breadth-first order, kinds in order of first use', () => {
    const g = exploreGraph(counter(2), [(s) => s.n === 2]);
    expect(g).toMatchObject({ size: 3, complete: true, expanded: 3, kinds: ['inc', 'dec'] });
    expect([...g.start]).toEqual([0, 1, 3, 4]);
    expect([...g.target]).toEqual([1, 2, 0, 1]);
    expect([...g.kind]).toEqual([0, 0, 1, 1]);
    expect([...g.ordinal]).toEqual([0, 0, 1, 0]);
    expect([...g.parentEdge]).toEqual([-1, 0, 1]);
    expect(g.marks.map((m) => [...m])).toEqual([[0, 0, 1]]);
    expect([0, 1, 2, 3].map((e) => edgeSource(g, e))).toEqual([0, 1, 1, 2]);
    expect(pathTo(g, 2)).toEqual([0, 1]);
  });

  // Past the state numbering's first table (1,024 slots, grown at four fifths): states whose hashes
  // probe into one another's slots, and a table rebuilt three times, must still number each state once.
  it('numbers each of 3,001 states once, through the growth of its table, and wires every edge to its state', () => {
    const max = 3000;
    const g = exploreGraph(counter(max), [(s) => s.n % 7 === 0]);
    expect(g).toMatchObject({ size: max + 1, complete: true, expanded: max + 1 });
    // Breadth first from 0 along a line: state n is numbered n, and its edges go to n + 1 (inc) and n - 1 (dec).
    const expected = Array.from({ length: max + 1 }, (_, n) => [...(n < max ? [n + 1] : []), ...(n > 0 ? [n - 1] : [])]).flat();
    expect([...g.target]).toEqual(expected);
    expect([...g.marks[0]]).toEqual(Array.from({ length: max + 1 }, (_, n) => (n % 7 === 0 ? 1 : 0)));
    expect(pathTo(g, max)).toHaveLength(max);
  });

  it('stops once maxStates states are known, with only those before them expanded', () => {
    const g = exploreGraph(counter(5), [], { maxStates: 3 });
    expect(g).toMatchObject({ size: 3, complete: false, expanded: 2 });
    expect([...g.start]).toEqual([0, 1, 3]);
  });
});

describe('replayEdges', () => {
  it('rebuilds the steps of a path', () => {
    const g = exploreGraph(counter(2), []);
    expect(replayEdges(counter(2), g, [0, 1, 3]).map((s) => [s.action, s.state.n])).toEqual([
      [undefined, 0],
      ['inc', 1],
      ['inc', 2],
      ['dec', 1],
    ]);
  });

  it('refuses a model that does not give the same successors twice', () => {
    const g = exploreGraph(counter(2), []);
    // The same counter, now without dec: edge 2 (the dec out of 1) is no longer there.
    const changed: Model<{ n: number }, 'inc' | 'dec'> = { ...counter(2), actions: (s) => (s.n < 2 ? ['inc'] : []) };
    expect(() => replayEdges(changed, g, [0, 2])).toThrow('lasso rebuild: the model does not give the same successors twice');
  });
});
