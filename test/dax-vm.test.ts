/**
 * The DAX oracle (conform/vm): the Debian kernel in QEMU on an emulated
 * NVDIMM, XFS with reflink mounted -o dax=always. Two boots (about a minute
 * under TCG when the machine is idle, three under load): the MAP_SYNC flag
 * matrix on a DAX file, then fsdax-reflink-sync's question: a clean inode
 * whose two pages are shared with a reflink clone, MAP_SYNC write faults on
 * page 0 and then page 1, the kill; then the read-back (log recovery at
 * mount). The dirty-inode, fsync and one-page variants, and repeats, are
 * `npm run dax-vm`. Runs as root where qemu, a kernel image with its
 * NVDIMM and XFS modules, busybox-static, ndctl and xfsprogs are
 * installed; skipped with the reason otherwise. CI does not install them (a
 * kernel and qemu are too heavy for .ci/run).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { crashRuns, makeVm, mmapRows, removeVm, unavailable, type Vm } from '../conform/vm/dax-vm.js';
import { FILES, mmapOutcome, TYPES } from '../model/designs/pmem-map-sync-flags.js';

const why = unavailable();
if (why) console.log(`dax-vm: skipped: ${why}`);

describe.skipIf(why !== undefined)('the DAX oracle in a VM', () => {
  let vm: Vm | undefined;
  afterAll(() => vm && removeVm(vm));

  it("holds pmem-map-sync-flags' DAX rows and fsdax-reflink-sync's crash outcomes against the running kernel", async () => {
    vm = makeVm();
    const { runs, first } = await crashRuns(vm, ['second'], ['matrix']);

    // Question B: the model's mmap outcomes for an XFS file on a synchronous DAX device.
    const file = FILES.findIndex((f) => f.name === 'xfs-dax');
    const model = TYPES.flatMap((type) => [false, true].map((sync) => ({ type, sync, ...mmapOutcome(file, type, sync) })));
    const seen = mmapRows(first).map((o) => ({ ...o, vmSync: o.result === 'ok' ? o.vmSync : false }));
    expect(seen).toEqual(model);
    expect(first).toContain('dax 1 mask 1');

    // Question A: the crash leaves file 1 untouched, and each page of file 0
    // either on its old block (the remap lost) or on the new one with the
    // store ('U' on page 0, 'V' on page 1), as the model's crash states
    // allow; a page whose fault was synchronous (NEEDDSYNC: dax_finish_sync_fault
    // forced the log) must hold the store, as MAP_SYNC promises.
    expect(runs).toHaveLength(1);
    const [r] = runs;
    console.log(`dax-vm ${r.mode}: f0 ${r.f0}; f1 ${r.f1}; faults ${r.faults.map((f) => `page ${f.pgoff} ${f.result}`).join(', ')}`);
    expect(r.before).toContain('dax 1 mask 1');
    expect(r.before.find((l) => l.startsWith('vmflags'))).toMatch(/ sf /);
    expect(r.f1).toBe('size 8192 head AAAAAAAA head1 AAAAAAAA');
    const m = /^size 8192 head (AAAAAAAA|UAAAAAAA) head1 (AAAAAAAA|VAAAAAAA)$/.exec(r.f0);
    expect(m, r.f0).not.toBeNull();
    const pages = [m![1], m![2]];
    // One write fault per page reached the DAX code (dax_pte_fault_done), page 0's first.
    expect(r.faults.map((f) => f.pgoff)).toEqual([0, 1]);
    for (const f of r.faults) if (f.result.includes('NEEDDSYNC')) expect(pages[f.pgoff], `page ${f.pgoff}`).toMatch(/^[UV]/);
  }, 600_000);
});
