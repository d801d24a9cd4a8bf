// engine/minimise.ts on small models written here: single steps dropped by
// label, two steps that only go together dropped as a pair, a successor
// choice kept by its step, and a violation of the initial state.
import { describe, expect, it } from 'vitest';
import { minimise } from '../../engine/random.js';
import type { Model, Step } from '../../engine/model.js';
import { counter } from './toys.js';

/** Re-runs labels from the initial state, taking successor `choice` where given: the trace minimise is handed. */
function trace<S, A>(model: Model<S, A>, labels: readonly (string | [string, number])[]): Step<S, A>[] {
  const out: Step<S, A>[] = [{ state: model.initial }];
  for (const l of labels) {
    const [label, choice] = typeof l === 'string' ? [l, undefined] : l;
    const state = out[out.length - 1].state;
    const action = model.actions(state).find((a) => model.label(a) === label)!;
    const next = model.successors(state, action);
    out.push(choice === undefined ? { action, state: next[0] } : { action, choice, state: next[choice] });
  }
  return out;
}
const labels = <S, A>(model: Model<S, A>, t: readonly Step<S, A>[]) => t.slice(1).map((s) => model.label(s.action!));

describe('minimise', () => {
  it('drops every step the violation does not need', () => {
    const m = counter(5, 3);
    const t = trace(m, ['inc', 'inc', 'dec', 'inc', 'dec', 'inc', 'inc']);
    const small = minimise(m, t, (s) => s.n >= 3);
    expect(labels(m, small)).toEqual(['inc', 'inc', 'inc']);
    expect(small.map((s) => s.state.n)).toEqual([0, 1, 2, 3]);
  });

  it('keeps a trace that is already minimal, and a violation of the initial state is the initial state alone', () => {
    const m = counter(5, 3);
    expect(
      labels(
        m,
        minimise(m, trace(m, ['inc', 'inc', 'inc']), (s) => s.n >= 3),
      ),
    ).toEqual(['inc', 'inc', 'inc']);
    expect(minimise(m, trace(m, ['inc', 'dec']), () => true)).toEqual([{ state: { n: 0 } }]);
  });

  // A step of work can only be taken unlocked; lock and unlock only go together.
  type L = { held: boolean; n: number };
  type LA = 'lock' | 'unlock' | 'work';
  const locked: Model<L, LA> = {
    initial: { held: false, n: 0 },
    actions: (s) => (s.held ? ['unlock'] : ['lock', 'work']),
    successors: (s, a) => [a === 'work' ? { ...s, n: s.n + 1 } : { ...s, held: a === 'lock' }],
    label: (a) => a,
    kind: (a) => a,
    always: [],
    sometimes: [],
  };

  it('drops two steps that only go together as a pair, wherever they are', () => {
    const t = trace(locked, ['work', 'lock', 'unlock', 'lock', 'unlock', 'work']);
    expect(
      labels(
        locked,
        minimise(locked, t, (s) => s.n >= 2),
      ),
    ).toEqual(['work', 'work']);
    const apart = trace(locked, ['lock', 'unlock', 'work', 'work']);
    expect(
      labels(
        locked,
        minimise(locked, apart, (s) => s.n >= 2),
      ),
    ).toEqual(['work', 'work']);
  });

  // One action with three outcomes: the choice of a step is kept with it as earlier steps go.
  type C = { n: number; k: number };
  const choosy: Model<C, 'roll' | 'skip'> = {
    initial: { n: 0, k: 0 },
    actions: () => ['roll', 'skip'],
    successors: (s, a) => (a === 'roll' ? [0, 1, 2].map((k) => ({ n: s.n + 1, k })) : [{ ...s, n: s.n + 1 }]),
    label: (a) => a,
    kind: (a) => a,
    always: [],
    sometimes: [],
  };

  it('keeps the successor a step chose, and records it only for an action of several', () => {
    const t = trace(choosy, ['skip', ['roll', 2], 'skip']);
    const small = minimise(choosy, t, (s) => s.k === 2);
    expect(small).toEqual([{ state: { n: 0, k: 0 } }, { action: 'roll', choice: 2, state: { n: 1, k: 2 } }]);
    const plain = minimise(counter(3, 1), trace(counter(3, 1), ['inc']), (s) => s.n >= 1);
    expect(plain[1]).toEqual({ action: 'inc', state: { n: 1 } });
  });
});
