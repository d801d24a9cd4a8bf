// judgeLasso (engine/judge-lasso.ts) on lassos written by hand, each verdict of
// its header in turn: q on the loop, no p before the loop, a stutter where a
// fair action is or is not enabled, and a cycle that neglects a weak kind
// enabled throughout, or a strong kind enabled somewhere.
import { describe, expect, it } from 'vitest';
import type { Model } from '../../engine/model.js';
import { judgeLasso } from '../../engine/judge-lasso.js';
import { eventually, leadsTo, type Fairness } from '../../engine/liveness.js';
import { counter } from './toys.js';

// A bit n that `flip` turns over, a bit t that `tick` turns over, and a flag x
// that `set` raises, only while n is 0: the property is that x is raised.
interface Flags {
  readonly n: 0 | 1;
  readonly t: boolean;
  readonly x: boolean;
}
type FlagAct = 'flip' | 'tick' | 'set';
const flags: Model<Flags, FlagAct> = {
  initial: { n: 0, t: false, x: false },
  actions: (s) => ['flip', 'tick', ...(s.n === 0 && !s.x ? (['set'] as const) : [])],
  successors: (s, a) => [a === 'flip' ? { ...s, n: s.n === 0 ? 1 : 0 } : a === 'tick' ? { ...s, t: !s.t } : { ...s, x: true }],
  label: (a) => a,
  kind: (a) => a,
  always: [],
  sometimes: [],
};
const raised = (fairness?: Fairness) => eventually<Flags>('raised', 'x is raised', (s) => s.x, fairness);

const s0: Flags = { n: 0, t: false, x: false };
const s1: Flags = { n: 0, t: true, x: false };
const s2: Flags = { n: 1, t: true, x: false };

describe('judgeLasso: a stutter', () => {
  const counted = (fairness?: Fairness) => eventually<{ n: number }>('two', 'n = 2', (s) => s.n === 2, fairness);

  it('violates where no fair action is enabled: none is fair, or the fair one is disabled there', () => {
    const stuck = { violated: true, message: 'q never holds, and the history stops where no fair action is enabled' };
    expect(judgeLasso(counter(2), counted(), [{ n: 0 }], [undefined], 0)).toEqual(stuck);
    expect(judgeLasso(counter(2), counted({ weak: ['dec'] }), [{ n: 0 }], [undefined], 0)).toEqual(stuck);
  });

  it('is no fair history where a weakly or a strongly fair action is enabled', () => {
    expect(judgeLasso(counter(2), counted({ weak: ['inc'] }), [{ n: 0 }], [undefined], 0)).toEqual({
      violated: false,
      message: 'the history stops where inc is enabled and fair',
    });
    expect(judgeLasso(counter(2), counted({ strong: ['dec', 'inc'] }), [{ n: 0 }, { n: 1 }], [undefined, 'inc'], 1)).toEqual({
      violated: false,
      message: 'the history stops where inc, dec is enabled and fair',
    });
  });
});

describe('judgeLasso: where q holds, and where p does not lead into the loop', () => {
  const two = eventually<{ n: number }>('two', 'n = 2', (s) => s.n === 2);

  it('q on the last state, or on the loop after the last state of q', () => {
    const q = { violated: false, message: 'q holds on the loop' };
    expect(judgeLasso(counter(2), two, [{ n: 0 }, { n: 1 }, { n: 2 }], [undefined, 'inc', 'inc'], 2)).toEqual(q);
    // 0 1 2 1, looping back to 0 by dec: q holds at step 2, inside the loop.
    expect(judgeLasso(counter(2), two, [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 1 }], [undefined, 'inc', 'inc', 'dec'], 0, 'dec')).toEqual(q);
  });

  it('eventually(q) counts only a loop without q from the initial state; q once before the loop is q', () => {
    // 0 1 2 1, stuttering in 1: q held at step 2.
    expect(judgeLasso(counter(2), two, [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 1 }], [undefined, 'inc', 'inc', 'dec'], 3)).toEqual({
      violated: false,
      message: 'no state of p is followed by a loop without q',
    });
  });

  it('leadsTo(p, q) needs a state of p after the last q', () => {
    const p1 = leadsTo<{ n: number }>(
      'p1',
      'n = 1 leads to n = 2',
      (s) => s.n === 1,
      (s) => s.n === 2,
    );
    const p0 = leadsTo<{ n: number }>(
      'p0',
      'n = 0 leads to n = 2',
      (s) => s.n === 0,
      (s) => s.n === 2,
    );
    // 0 1 2 1 0, stuttering in 0 (nothing is fair): p1 held at step 3, after q; p0 at step 4.
    const states = [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 1 }, { n: 0 }];
    const actions = [undefined, 'inc', 'inc', 'dec', 'dec'] as const;
    expect(judgeLasso(counter(2), p1, states, actions, 4).violated).toBe(true);
    expect(judgeLasso(counter(2), p0, states, actions, 4).violated).toBe(true);
    // 0 1 2 then 1 for ever: p0 held only before q.
    expect(judgeLasso(counter(2), p0, states.slice(0, 4), actions.slice(0, 4), 3)).toEqual({
      violated: false,
      message: 'no state of p is followed by a loop without q',
    });
    // p without q never after: a cycle 0 1 0 without p.
    const p2 = leadsTo<{ n: number }>(
      'p2',
      'n = 2 leads to n = 3',
      (s) => s.n === 2,
      (s) => s.n === 3,
    );
    expect(judgeLasso(counter(2), p2, [{ n: 0 }, { n: 1 }], [undefined, 'inc'], 0, 'dec').message).toBe('no state of p is followed by a loop without q');
  });
});

describe('judgeLasso: a cycle', () => {
  // s0 -tick-> s1 -flip-> s2 -flip-> s1: set is enabled in s1, not in s2, and tick only before the cycle.
  const states = [s0, s1, s2];
  const actions = [undefined, 'tick', 'flip'] as const;

  it('is a fair violation when every fair kind is taken on it, or is weak and disabled somewhere on it', () => {
    const fair = { violated: true, message: 'q never holds on a fair cycle' };
    expect(judgeLasso(flags, raised(), states, actions, 1, 'flip')).toEqual(fair);
    expect(judgeLasso(flags, raised({ weak: ['flip', 'set'] }), states, actions, 1, 'flip')).toEqual(fair);
  });

  it('is not fair to a weak kind enabled throughout and never taken: the step into the loop is not on it', () => {
    expect(judgeLasso(flags, raised({ weak: ['tick'] }), states, actions, 1, 'flip')).toEqual({
      violated: false,
      message: 'the cycle is not fair to tick',
    });
    // With tick taken on the cycle (s1 -flip-> s2 -tick-> s3 -flip-> s4 -tick-> s1), it is.
    const s3: Flags = { n: 1, t: false, x: false };
    const long = [s0, s1, s2, s3, s0];
    expect(judgeLasso(flags, raised({ weak: ['tick'] }), long, [undefined, 'tick', 'flip', 'tick', 'flip'], 1, 'tick').violated).toBe(true);
  });

  it('is not fair to a strong kind enabled somewhere on it and never taken, named once when weak too', () => {
    expect(judgeLasso(flags, raised({ strong: ['set'] }), states, actions, 1, 'flip')).toEqual({
      violated: false,
      message: 'the cycle is not fair to set',
    });
    expect(judgeLasso(flags, raised({ weak: ['tick'], strong: ['tick', 'set'] }), states, actions, 1, 'flip')).toEqual({
      violated: false,
      message: 'the cycle is not fair to tick, set',
    });
  });
});

describe('judgeLasso: corners', () => {
  it("reads p and q through the model's view", () => {
    const viewed: Model<{ n: number }, 'inc' | 'dec', { twice: number }> = { ...counter(2), view: (s) => ({ twice: 2 * s.n }) };
    const four = eventually<{ n: number }, { twice: number }>('four', 'twice n = 4', (_s, v) => v.twice === 4);
    expect(judgeLasso(viewed, four, [{ n: 0 }, { n: 1 }, { n: 2 }], [undefined, 'inc', 'inc'], 2).message).toBe('q holds on the loop');
    expect(judgeLasso(viewed, four, [{ n: 0 }, { n: 1 }], [undefined, 'inc'], 1).violated).toBe(true);
  });

  it('leadsTo: a state of p before the last state of q does not count', () => {
    // 0 1 2 0, stuttering in 0: p (n = 1) held only before q (n = 2).
    const l = leadsTo<{ n: number }>(
      'p1',
      'n = 1 leads to n = 2',
      (s) => s.n === 1,
      (s) => s.n === 2,
    );
    expect(judgeLasso(counter(2), l, [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 0 }], [undefined, 'inc', 'inc', 'dec'], 3).message).toBe('no state of p is followed by a loop without q');
  });

  it('a stutter where a fair kind is enabled earlier in the history but not there violates', () => {
    // 0 1 0, stuttering in 0: dec was enabled in 1, not in 0.
    expect(
      judgeLasso(
        counter(2),
        eventually<{ n: number }>('two', 'n = 2', (s) => s.n === 2, { weak: ['dec'] }),
        [{ n: 0 }, { n: 1 }, { n: 0 }],
        [undefined, 'inc', 'dec'],
        2,
      ).violated,
    ).toBe(true);
  });

  it('weak fairness is judged on the cycle alone: a kind disabled before the loop and enabled throughout it is owed', () => {
    // s0 -flip-> (n 1) -flip-> s0 -tick-> s1 -tick-> s0: set is enabled all round the cycle, not in the prefix.
    const states = [s0, { ...s0, n: 1 as const }, s0, s1];
    expect(judgeLasso(flags, raised({ weak: ['set'] }), states, [undefined, 'flip', 'flip', 'tick'], 2, 'tick')).toEqual({ violated: false, message: 'the cycle is not fair to set' });
  });

  it('a strongly fair kind taken on the cycle is served', () => {
    expect(judgeLasso(flags, raised({ strong: ['flip'] }), [s0, s1, s2], [undefined, 'tick', 'flip'], 1, 'flip')).toEqual({ violated: true, message: 'q never holds on a fair cycle' });
  });
});
