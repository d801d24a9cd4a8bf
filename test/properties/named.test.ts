// Every property, goal and liveness property of properties/ has the id the
// command line and the corpus name it by, and a description of one line that
// `pagecheck designs` and the design-proof documents print beside it.
import { describe, expect, it } from 'vitest';
import * as netfs from '../../properties/netfs.js';
import { crashGoals, crashProperties } from '../../properties/pmem-crash.js';
import { accounting, freeZeroed } from '../../properties/bench-reflink-cow.js';
import { daxLiveness, mapSyncFaultCompletes } from '../../properties/liveness.js';
import { SHARING_PROPERTIES, sharingGoals, sharingProperties, type SharingPropertyId } from '../../properties/sharing.js';

type Named = { readonly id: string; readonly description: string };
const described = (xs: readonly Named[]) => xs.map((x) => [x.id, x.description.length > 20 && !x.description.includes('\n')]);
const all = (xs: readonly Named[]) => xs.map((x) => [x.id, true]);

describe('ids and descriptions', () => {
  it('netfs', () => {
    const goals = [...netfs.netfsGoals, netfs.redirtiedUnderWriteback];
    expect(described(netfs.netfsProperties)).toEqual(all(netfs.netfsProperties));
    expect(described(goals)).toEqual(all(goals));
    expect(goals.map((g) => g.id)).toEqual([
      'two-regions-on-a-page',
      'writer-waits-on-flush',
      'split-region',
      'flush-group-barrier',
      'invalidation-with-local-changes',
      'owed-after-disconnection',
      'redirtied-under-writeback',
    ]);
  });

  it('pmem crashes', () => {
    expect(described([...crashProperties, ...crashGoals])).toEqual(all([...crashProperties, ...crashGoals]));
  });

  it('the benchmark', () => {
    expect([accounting, freeZeroed].map((p) => p.id)).toEqual(['accounting', 'free-zeroed']);
    expect(described([accounting, freeZeroed])).toEqual(all([accounting, freeZeroed]));
  });

  it('liveness', () => {
    const live = [...daxLiveness(['layout-break-proceeds', 'memfail-finishes']), mapSyncFaultCompletes];
    expect(live.map((l) => l.id)).toEqual(['layout-break-proceeds', 'memfail-finishes', 'sync-fault-completes']);
    expect(described(live)).toEqual(all(live));
  });

  it('sharing', () => {
    const ids = Object.keys(SHARING_PROPERTIES) as SharingPropertyId[];
    const props = sharingProperties<unknown>(ids);
    const goals = sharingGoals<unknown>(['content-by-own-writes']);
    expect(described(props)).toEqual(all(props));
    expect(described(goals)).toEqual(all(goals));
  });
});
