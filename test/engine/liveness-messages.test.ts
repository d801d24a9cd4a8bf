// checkLiveness (engine/liveness.ts): what a verdict says. The messages of a
// stutter and of a cycle name what the history does, the step numbers agree
// with the lasso, the prefix is a shortest one, an unexplored state is never
// a place to stop, and the limit of 31 action kinds.
import { describe, expect, it } from 'vitest';
import type { Model } from '../../engine/model.js';
import { checkLiveness, eventually, leadsTo, type Liveness } from '../../engine/liveness.js';

/** 0 -> 1 -> ... -> max by inc, then nothing is enabled. */
const chain = (max: number): Model<{ n: number }, 'inc'> => ({
  initial: { n: 0 },
  actions: (s) => (s.n < max ? ['inc'] : []),
  successors: (s) => [{ n: s.n + 1 }],
  label: (a) => a,
  kind: (a) => a,
  always: [],
  sometimes: [],
});

// A ring 0 -> 1 -> 2 -> 0 by inc; set raises x, only at 0; peek, at 1, changes nothing.
type Ring = { n: number; x: boolean };
type RingAct = 'inc' | 'set' | 'peek';
const ring: Model<Ring, RingAct> = {
  initial: { n: 0, x: false },
  actions: (s) => ['inc', ...(s.n === 0 && !s.x ? (['set'] as const) : []), ...(s.n === 1 ? (['peek'] as const) : [])],
  successors: (s, a) => [a === 'inc' ? { ...s, n: (s.n + 1) % 3 } : a === 'set' ? { ...s, x: true } : s],
  label: (a) => a,
  kind: (a) => a,
  always: [],
  sometimes: [],
};

function verdict<S, A>(model: Model<S, A>, l: Liveness<S>, maxStates?: number) {
  const v = checkLiveness(model, [l], maxStates === undefined ? {} : { maxStates }).results.get(l.id)!;
  return v;
}
function lasso<S, A>(model: Model<S, A>, l: Liveness<S>) {
  const v = verdict(model, l);
  if (v.verdict !== 'violated') throw new Error(`expected a violation, got ${v.verdict}`);
  return v.lasso;
}
const never = (fairness?: { weak?: string[]; strong?: string[] }) => eventually<{ n: number }>('five', 'n = 5', (s) => s.n === 5, fairness);

describe('a history that stops', () => {
  it('where no fair action is enabled, naming what is', () => {
    const l = lasso(chain(2), never());
    expect(l.trace).toHaveLength(1);
    expect(l.loop).toBe(0);
    expect(l.message).toBe('q never holds: after step 0 no fair action is enabled (enabled: inc), so the history may stop there');
  });

  it('where no action is enabled at all, after the shortest way there', () => {
    const l = lasso(chain(2), never({ weak: ['inc'] }));
    expect(l.trace.map((s) => s.state.n)).toEqual([0, 1, 2]);
    expect(l.loop).toBe(2);
    expect(l.message).toBe('q never holds: after step 2 no action is enabled, so the history may stop there');
  });

  it('leadsTo: from the first state of p in breadth-first order, the initial state or a later one', () => {
    const fromOne = lasso(
      chain(2),
      leadsTo<{ n: number }>(
        'one',
        'n = 1 leads to n = 5',
        (s) => s.n === 1,
        (s) => s.n === 5,
        { weak: ['inc'] },
      ),
    );
    expect(fromOne.message).toBe('the state after step 1 has p, and q never holds from there: after step 2 no action is enabled, so the history may stop there');
    const fromAll = lasso(
      chain(2),
      leadsTo<{ n: number }>(
        'all',
        'always leads to n = 5',
        () => true,
        (s) => s.n === 5,
        { weak: ['inc'] },
      ),
    );
    expect(fromAll.message).toBe('the initial state has p, and q never holds from there: after step 2 no action is enabled, so the history may stop there');
  });

  it('eventually(q) is judged from the initial state only: q there is enough, whatever follows', () => {
    expect(
      verdict(
        chain(2),
        eventually<{ n: number }>('zero', 'n = 0', (s) => s.n === 0),
      ).verdict,
    ).toBe('holds');
  });

  it('a state known but not expanded is no place to stop: the verdict is inconclusive', () => {
    expect(verdict(chain(5), never({ weak: ['inc'] }), 3)).toEqual({
      verdict: 'inconclusive',
      reason: 'the state space was not explored to the end (3 states known): only a whole state space proves a liveness property',
    });
    expect(
      verdict(
        chain(5),
        eventually<{ n: number }>('four', 'n = 4', (s) => s.n === 4, { weak: ['inc'] }),
      ).verdict,
    ).toBe('holds');
  });
});

describe('a history that cycles', () => {
  const raised = (fairness: { weak?: string[]; strong?: string[] }) => eventually<Ring>('raised', 'x is raised', (s) => s.x, fairness);
  const steps = (l: ReturnType<typeof lasso<Ring, RingAct>>) => `steps ${l.loop + 1}-${l.trace.length - 1} repeat for ever`;

  it('names what is enabled on the cycle and never taken, not being under fairness', () => {
    const l = lasso(ring, raised({ weak: ['inc'] }));
    expect(l.loop).toBe(0);
    expect(l.trace.slice(1).map((s) => s.action)).toEqual(['inc', 'inc', 'inc']);
    expect(l.message).toBe(`q never holds: ${steps(l)}; enabled on the cycle but never taken: set, peek (not under fairness)`);
    expect(steps(l)).toBe('steps 1-3 repeat for ever');
  });

  it('names a weakly fair kind the cycle passes a state without, so owes nothing', () => {
    const l = lasso(ring, raised({ weak: ['inc', 'set'] }));
    expect(l.trace.slice(1).every((s) => s.action === 'inc')).toBe(true);
    expect(l.message).toBe(`q never holds: ${steps(l)}; enabled on the cycle but never taken: peek (not under fairness); set weakly fair but not enabled throughout the cycle, so never owed a turn`);
  });

  it('strong fairness of a kind enabled on the cycle removes it: what is left has no fair cycle', () => {
    expect(verdict(ring, raised({ weak: ['inc'], strong: ['set'] })).verdict).toBe('holds');
  });
});

describe('the number of action kinds', () => {
  const kinds = (k: number): Model<{ n: number }, number> => ({
    initial: { n: 0 },
    actions: () => [...Array(k).keys()],
    successors: (s) => [s],
    label: (a) => `a${a}`,
    kind: (a) => `a${a}`,
    always: [],
    sometimes: [],
  });

  it('any number is judged: a kind past the 32nd owed fairness is taken on the cycle', () => {
    expect(verdict(kinds(31), never({ weak: ['a30'] })).verdict).toBe('violated');
    const l = lasso(kinds(40), never({ weak: ['a39'] }));
    expect(l.trace.slice(l.loop + 1).map((s) => s.action)).toContain(39);
    expect(l.message).toMatch(/enabled on the cycle but never taken: a0, .*a38 \(not under fairness\)$/);
  });
});
