// properties/liveness.ts: the kernel's fairness as the header lists it, and
// each liveness property's p and q on states built by hand (only the fields
// they read).
import { describe, expect, it } from 'vitest';
import { daxLiveness, mapSyncFaultCompletes } from '../../properties/liveness.js';
import type { World } from '../../model/world/state.js';
import type { View } from '../../model/world/view.js';
import type { PmemState } from '../../model/pmem.js';

const cfg = { params: {}, bugs: new Set<string>() };
const world = (w: Partial<World>) => w as World;
const v = undefined as unknown as View;
const kernelFinishes = { weak: ['unpin', 'finish', 'iomap', 'dedupe-remap'], strong: ['resume', 'memfail-next'] };

describe('daxLiveness', () => {
  it('gives the properties asked for, in that order, each under the fairness of what the kernel finishes by itself', () => {
    const props = daxLiveness(['memfail-finishes', 'layout-break-proceeds']);
    expect(props.map((p) => p.id)).toEqual(['memfail-finishes', 'layout-break-proceeds']);
    for (const p of props) expect(p.fairness, p.id).toEqual(kernelFinishes);
    expect(daxLiveness([])).toEqual([]);
  });

  it('layout-break-proceeds: p while a layout break sleeps, q once none does', () => {
    const [l] = daxLiveness(['layout-break-proceeds']);
    const asleep = world({ breaking: { kind: 'punch' } as unknown as World['breaking'] });
    for (const [s, p] of [
      [asleep, true],
      [world({ breaking: null }), false],
      [world({}), false],
    ] as const) {
      expect(l.p!(s, cfg, v)).toBe(p);
      expect(l.q(s, cfg, v)).toBe(!p);
    }
  });

  it('memfail-finishes: p while a failure is being handled, q when there is none or it is done', () => {
    const [l] = daxLiveness(['memfail-finishes']);
    const mf = (done: boolean) => world({ mf: { done } as World['mf'] });
    for (const [s, p] of [
      [mf(false), true],
      [mf(true), false],
      [world({ mf: null }), false],
    ] as const) {
      expect(l.p!(s, cfg, v)).toBe(p);
      expect(l.q(s, cfg, v)).toBe(!p);
    }
  });
});

describe('sync-fault-completes', () => {
  const pm = (p: Partial<PmemState>) => p as PmemState;
  const l = mapSyncFaultCompletes;

  it("is fair to the fault's second half only", () => {
    expect(l.fairness).toEqual({ weak: ['fault-done'] });
  });

  it('p: a write fault in flight on a MAP_SYNC mapping; q: no fault in flight', () => {
    const fault = { off: 0, write: true };
    expect(l.p!(pm({ fault, vma: 'sync' }), cfg, undefined)).toBe(true);
    expect(l.p!(pm({ fault: { ...fault, write: false }, vma: 'sync' }), cfg, undefined)).toBe(false);
    expect(l.p!(pm({ fault, vma: 'shared' }), cfg, undefined)).toBe(false);
    expect(l.p!(pm({ fault: null, vma: 'sync' }), cfg, undefined)).toBe(false);
    expect(l.q(pm({ fault: null }), cfg, undefined)).toBe(true);
    expect(l.q(pm({ fault }), cfg, undefined)).toBe(false);
  });
});
