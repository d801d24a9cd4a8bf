/**
 * The DAX oracle (conform/vm): the Debian kernel in QEMU on an emulated
 * NVDIMM, XFS with reflink mounted -o dax=always. Two boots (about a minute
 * under TCG when the machine is idle): the MAP_SYNC flag matrix on a DAX
 * file and a crash after a MAP_SYNC write fault on a reflinked extent of a
 * clean inode; then the read-back (log recovery at mount). The dirty-inode
 * and fsync variants, and repeats, are `npm run dax-vm`. Runs as root where qemu, a kernel image
 * with its NVDIMM and XFS modules, busybox-static, ndctl and xfsprogs are
 * installed; skipped with the reason otherwise. CI does not install them
 * (a kernel and qemu are too heavy for .ci/run), so CI skips it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { crashRuns, makeVm, mmapRows, removeVm, unavailable, type Vm } from '../conform/vm/dax-vm.js';
import { FILES, mmapOutcome, TYPES } from '../model/designs/pmem-map-sync-flags.js';

const why = unavailable();
if (why) console.log(`dax-vm: skipped: ${why}`);

describe.skipIf(why !== undefined)('the DAX oracle in a VM', () => {
  let vm: Vm | undefined;
  afterAll(() => vm && removeVm(vm));

  it('holds pmem-map-sync-flags\' DAX rows and fsdax-reflink-sync\'s crash outcomes against the running kernel', async () => {
    vm = makeVm();
    const { runs, first } = await crashRuns(vm, ['clean'], ['matrix']);

    // Question B: the model's mmap outcomes for an XFS file on a synchronous DAX device.
    const file = FILES.findIndex((f) => f.name === 'xfs-dax');
    const model = TYPES.flatMap((type) => [false, true].map((sync) => ({ type, sync, ...mmapOutcome(file, type, sync) })));
    const seen = mmapRows(first).map((o) => ({ ...o, vmSync: o.result === 'ok' ? o.vmSync : false }));
    expect(seen).toEqual(model);
    expect(first).toContain('dax 1 mask 1');

    // Question A: each crash leaves file 1 untouched and file 0 either on the
    // old block (the remap lost) or on the new one with the store; where the
    // fault was synchronous (dax_finish_sync_fault ran) MAP_SYNC promises the
    // new one (and the model claims it whenever the inode was dirty).
    for (const r of runs) {
      console.log(`dax-vm ${r.mode}: f0 ${r.f0}; f1 ${r.f1}; dax_finish_sync_fault ${r.syncFault ? 'called' : 'not called'}`);
      expect(r.before, r.mode).toContain('dax 1 mask 1');
      expect(r.before.find((l) => l.startsWith('vmflags')), r.mode).toMatch(/ sf /);
      expect(r.f1, r.mode).toBe('size 4096 head AAAAAAAA');
      expect(r.f0, r.mode).toMatch(/^size (4096|8192) head (AAAAAAAA|UAAAAAAA)$/);
      if (r.syncFault || r.mode === 'dirty') expect(r.f0, r.mode).toMatch(/head UAAAAAAA$/);
    }
    expect(runs).toHaveLength(1);
  }, 600_000);
});
