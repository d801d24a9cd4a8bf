// A user's own implementation tested against a pagecheck design with designCommands (fast-check model-based testing).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { designCommands, designSetup, findDesign, resolveConfig, type ImplementationAdapter } from '../../index.js';
import type { BenchAction } from '../../model/designs/bench-reflink-cow.js';
import { BlockStore } from './blockstore.js';

type BenchState = { ext: number[][]; data: number[] };
const design = findDesign('bench-reflink-cow');
const cfg = resolveConfig(design, { F: 2, B: 2, P: 4, V: 3 }, []);

const adapter = (shareOnWrite: boolean): ImplementationAdapter<BenchState, BenchAction, BlockStore, number[][]> => ({
  create: () => new BlockStore(cfg.params.F, cfg.params.B, shareOnWrite),
  run: (store, a) => {
    if (a.kind === 'write') store.write(a.f, a.b, a.v);
    else if (a.kind === 'reflink') store.reflink(a.s, a.d);
    else store.punch(a.f, a.b);
  },
  observe: (store) => store.read(),
  expected: (s) => s.ext.map((row) => row.map((p) => (p < 0 ? 0 : s.data[p]))),
});

const property = (shareOnWrite: boolean) => fc.property(designCommands(design, adapter(shareOnWrite), { cfg }), (cmds) => fc.modelRun(designSetup(design, adapter(shareOnWrite), cfg), cmds));

describe('designCommands: a user implementation driven by bench-reflink-cow', () => {
  it('the store that copies on write agrees with the design', () => {
    expect(fc.check(property(false), { numRuns: 300, seed: 1 }).failed).toBe(false);
  });

  it('the store that writes shared blocks in place is caught: a write after a reflink shows through the other file', () => {
    const out = fc.check(property(true), { numRuns: 300, seed: 1 });
    expect(out.failed).toBe(true);
    // The error names the history that was run (a command's toString is that of its latest run, which shrinking reuses).
    const message = String(out.errorInstance);
    const history = /after (.*): the implementation/.exec(message)![1].split('; ');
    expect(history.length).toBeLessThanOrEqual(4);
    expect(history.some((a) => a.startsWith('reflink'))).toBe(true);
    expect(history[history.length - 1]).toMatch(/^write/);
    expect(message).toMatch(/the implementation shows .* the design says/);
  });
});
