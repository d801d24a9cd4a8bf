/**
 * A design written outside pagecheck, with the same API the built-in ones
 * use: two processes and a lock whose acquisition is split into a test and
 * a later set. The bug toggle `check-then-set` models the classic mistake:
 * `enter` does not test the lock again, so both processes can hold it.
 */
import { defineDesign, type Property } from '../../index.js';

type Pc = 'idle' | 'ready' | 'critical';

export interface LockState {
  pc: Pc[];
  locked: boolean;
}

export type LockAction = { readonly kind: 'try'; readonly p: number } | { readonly kind: 'enter'; readonly p: number } | { readonly kind: 'leave'; readonly p: number };

export const mutualExclusion: Property<LockState> = {
  id: 'mutual-exclusion',
  description: 'at most one process is in its critical section',
  check: (s) => {
    const inside = s.pc.flatMap((pc, p) => (pc === 'critical' ? [p] : []));
    return inside.length > 1 ? `processes ${inside.join(' and ')} are both in the critical section` : undefined;
  },
};

export const lock = defineDesign<LockState, LockAction>({
  name: 'example-lock',
  summary: 'Two processes and a test-then-set lock',
  seed: 'examples/lock (a textbook example, not a kernel design)',
  params: { N: { default: 2, min: 2, max: 4, description: 'processes' } },
  bugs: { 'check-then-set': 'enter takes the lock without testing it again' },
  init: ({ params }) => ({ pc: new Array<Pc>(params.N).fill('idle'), locked: false }),
  actions: (s, cfg) =>
    s.pc.flatMap((pc, p): LockAction[] => {
      if (pc === 'idle' && !s.locked) return [{ kind: 'try', p }];
      if (pc === 'ready' && (cfg.bugs.has('check-then-set') || !s.locked)) return [{ kind: 'enter', p }];
      if (pc === 'critical') return [{ kind: 'leave', p }];
      return [];
    }),
  next: {
    try:
      ({ p }) =>
      (d) => {
        d.pc[p] = 'ready';
      },
    enter:
      ({ p }) =>
      (d) => {
        d.pc[p] = 'critical';
        d.locked = true;
      },
    leave:
      ({ p }) =>
      (d) => {
        d.pc[p] = 'idle';
        d.locked = false;
      },
  },
  always: [mutualExclusion],
  sometimes: [{ id: 'someone-inside', description: 'a process holds the lock', reached: (s) => s.pc.includes('critical') }],
  claims: ['mutual-exclusion'],
  notes: { try: 'spin_trylock: look at the lock', enter: 'take the lock', leave: 'spin_unlock' },
});
