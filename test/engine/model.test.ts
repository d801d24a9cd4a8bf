// engine/model.ts: a model's view, and the built-in deadlock property a model
// gets by saying who waits.
import { describe, expect, it } from 'vitest';
import { DEADLOCK, propertiesOf, viewOf, type Model } from '../../engine/model.js';
import { counter } from './toys.js';

describe('viewOf', () => {
  it("is the model's view of the state, or undefined where the model has none", () => {
    expect(viewOf({ view: (s: { n: number }) => s.n * 2 }, { n: 3 })).toBe(6);
    expect(viewOf({}, { n: 3 })).toBeUndefined();
  });
});

describe('propertiesOf', () => {
  it("is the model's own properties where it does not say who waits", () => {
    const m = counter(2, 2);
    expect(propertiesOf(m)).toBe(m.always);
  });

  it('adds deadlock after them where it does: someone waits and no action is enabled', () => {
    // The counter 0..2 with inc only: at 2 nothing is enabled, and "the writer" waits from 1 on.
    const m: Model<{ n: number }, 'inc' | 'dec'> = {
      ...counter(2, 5),
      actions: (s) => (s.n < 2 ? ['inc'] : []),
      waiting: (s) => (s.n >= 1 ? 'the writer waits for n to reach 3' : undefined),
    };
    const props = propertiesOf(m);
    expect(props.map((p) => [p.id, p.description])).toEqual([
      ['below', 'n < 5'],
      [DEADLOCK.id, DEADLOCK.description],
    ]);
    expect(DEADLOCK).toEqual({ id: 'deadlock', description: 'nobody waits for ever: a state in which someone waits has an enabled action' });
    const deadlock = props[1];
    expect(deadlock.check({ n: 2 }, undefined)).toBe('deadlock: the writer waits for n to reach 3, and no action is enabled');
    expect(deadlock.check({ n: 1 }, undefined)).toBeUndefined();
    // Nobody waits at 2 in this one: no deadlock, though nothing is enabled.
    const idle = propertiesOf({ ...m, waiting: (s: { n: number }) => (s.n === 1 ? 'someone' : undefined) });
    expect(idle[1].check({ n: 2 }, undefined)).toBeUndefined();
  });

  it('asks who waits as a method of the model', () => {
    const m = {
      ...counter(1),
      actions: () => [],
      who: 'the reader',
      waiting(this: { who: string }) {
        return this.who;
      },
    } as Model<{ n: number }, 'inc' | 'dec'> & { who: string };
    expect(propertiesOf(m).at(-1)!.check({ n: 0 }, undefined)).toBe('deadlock: the reader, and no action is enabled');
  });
});
