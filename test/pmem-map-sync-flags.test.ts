/**
 * pmem-map-sync-flags: MAP_SYNC's promise holds on the mapping type that
 * validates it, each bug toggle breaks it, the two contrasts the kernel does
 * not promise are found; and the model's mmap outcomes for the page-cache
 * file systems are the running kernel's (loop devices, as root; skipped with
 * the reason elsewhere, a failure in CI).
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { KERNEL_FILES, observeKernel, unavailable } from '../conform/mmap-flags.js';
import design, { FILES, mmapOutcome, TYPES } from '../model/designs/pmem-map-sync-flags.js';

const steps = (trace: { states: readonly unknown[] } | undefined) => (trace ? trace.states.length - 1 : undefined);

describe('pmem-map-sync-flags', () => {
  it("keeps MAP_SYNC's promise on MAP_SHARED_VALIDATE over the whole state space, every goal reached", () => {
    const r = check(design, { mode: 'exhaustive' });
    const p = r.properties.find((x) => x.id === 'map-sync-honoured')!;
    expect(p.verdict).toBe('holds');
    expect(p.bound?.complete).toBe(true);
    expect(r.goals.every((g) => g.reached)).toBe(true);
  });

  it.each([
    ['validate-skips-mask', 'btrfs'],
    ['async-dax-allowed', 'xfs-dax-virtio-pmem'],
    ['no-sync-fault', 'xfs-dax'],
  ])('%s breaks it in four actions, on %s', (bug, file) => {
    const r = check(design, { mode: 'exhaustive', bugs: [bug], properties: ['map-sync-honoured'] });
    const trace = r.counterexamples['map-sync-honoured'];
    expect(steps(trace)).toBe(4);
    expect(trace.states[1]['#meta'].action).toBe(`open(${file})`);
  });

  it('finds what the kernel does not promise: MAP_SHARED drops MAP_SYNC on btrfs, and VM_SYNC on a private mapping', () => {
    const r = check(design, { mode: 'exhaustive' });
    expect(r.properties.find((p) => p.id === 'map-sync-never-weakened')?.verdict).toBe('violated');
    expect(r.counterexamples['map-sync-never-weakened'].states.map((s) => s['#meta'].action).slice(1)).toEqual(['open(btrfs)', 'mmap(MAP_SHARED|MAP_SYNC)', 'fault(map=0)', 'store-flush(map=0)']);
    expect(steps(r.counterexamples['vm-sync-truthful'])).toBe(2);
  });
});

const why = unavailable();
if (why && process.env.CI) throw new Error(`the MAP_SYNC oracle cannot run in CI: ${why}`);

describe.skipIf(why !== undefined)('pmem-map-sync-flags against the running kernel', () => {
  it('predicts what mmap(2) returns, and VM_SYNC, on XFS, ext4, btrfs and tmpfs', () => {
    const real = observeKernel();
    for (const kind of KERNEL_FILES) {
      const file = FILES.findIndex((f) => f.name === kind);
      const model = TYPES.flatMap((type) => [false, true].map((sync) => ({ type, sync, ...mmapOutcome(file, type, sync) })));
      const seen = real.get(kind)!.map((o) => ({ type: o.type, sync: o.sync, result: o.result, vmSync: o.result === 'ok' ? o.vmSync : false }));
      expect(seen, kind).toEqual(model);
    }
  }, 120_000);
});
