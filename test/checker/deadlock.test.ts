/**
 * The built-in property `deadlock` (issue 14, section 1): a design that says
 * who waits in a state gets it, claims it, and the search reports a state in
 * which someone waits and nothing is enabled, with its shortest trace, as it
 * reports any violation.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { exitCode } from '../../checker/exit-code.js';
import { defineDesign } from '../../model/design.js';
import { replay } from '../../checker/replay.js';

type Step = { kind: 'take'; p: number } | { kind: 'drop'; p: number };
interface Locks {
  /** Per process: how many of its two locks it holds (it takes them in its order, then drops both). */
  held: number[];
  /** Per lock: the process holding it, or -1. */
  owner: number[];
}

// Two processes, two locks (an entry lock and the AGF, say). Process p takes
// lock order(p)[0], then order(p)[1]; with the toggle, process 1 takes them
// the other way round.
const abba = defineDesign<Locks, Step>({
  name: 'two-locks',
  summary: 'two processes taking two locks',
  seed: 'test fixture',
  params: {},
  bugs: { 'opposite-order': 'process 1 takes the locks in the opposite order' },
  init: () => ({ held: [0, 0], owner: [-1, -1] }),
  actions: (s, cfg) => {
    const out: Step[] = [];
    for (let p = 0; p < 2; p++) {
      const order = p === 1 && cfg.bugs.has('opposite-order') ? [1, 0] : [0, 1];
      if (s.held[p] < 2 && s.owner[order[s.held[p]]] === -1) out.push({ kind: 'take', p });
      if (s.held[p] === 2) out.push({ kind: 'drop', p });
    }
    return out;
  },
  next: {
    take:
      ({ p }, s, cfg) =>
      (d) => {
        const order = p === 1 && cfg.bugs.has('opposite-order') ? [1, 0] : [0, 1];
        d.owner[order[s.held[p]]] = p;
        d.held[p]++;
      },
    drop:
      ({ p }) =>
      (d) => {
        d.held[p] = 0;
        for (let l = 0; l < 2; l++) if (d.owner[l] === p) d.owner[l] = -1;
      },
  },
  waiting: (s) => {
    const p = s.held.findIndex((h) => h === 1);
    return p < 0 ? undefined : `process ${p} holds one lock and waits for the other`;
  },
  always: [],
  sometimes: [
    {
      id: 'one-waits',
      description: 'a process waits for a lock the other holds',
      reached: (s) => s.held.some((h, p) => h === 1 && s.owner.some((o) => o !== -1 && o !== p)) || s.held.some((h, p) => h === 0 && s.owner.some((o) => o !== -1 && o !== p)),
    },
  ],
});

describe('deadlock', () => {
  it('holds when both take the locks in one order', () => {
    const r = check(abba, { mode: 'exhaustive' });
    expect(r.properties).toMatchObject([{ id: 'deadlock', verdict: 'holds', claimed: true, bound: { complete: true } }]);
    expect(r.goals[0].reached).toBe(true);
    expect(exitCode([r])).toBe(0);
  });

  it('is found, with its shortest trace, when they take them in opposite orders', () => {
    const r = check(abba, { mode: 'exhaustive', bugs: ['opposite-order'] });
    expect(r.properties[0]).toMatchObject({ id: 'deadlock', verdict: 'violated', traceLength: 2, actions: ['take(p=0)', 'take(p=1)'] });
    expect(r.properties[0].message).toBe('deadlock: process 0 holds one lock and waits for the other, and no action is enabled');
    expect(exitCode([r])).toBe(1);
    expect(replay(r.counterexamples.deadlock, abba).reproduces).toBe(true);
  });

  it('is found by random search too', () => {
    const r = check(abba, { mode: 'random', bugs: ['opposite-order'], runs: 50, steps: 10, seed: 1 });
    expect(r.properties[0]).toMatchObject({ id: 'deadlock', verdict: 'violated', mode: 'random', traceLength: 2 });
  });

  it('a design that says nothing of waiting has no deadlock property', () => {
    const { waiting: _w, ...silent } = abba;
    expect(check(silent, { mode: 'exhaustive' }).properties).toEqual([]);
  });
});
