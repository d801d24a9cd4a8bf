/**
 * A layout break sleeps on one busy page at a time (fs/dax.c v6.15
 * dax_break_layout: dax_layout_busy_page_range unmaps and returns the first
 * busy page, wait_page_idle sleeps on it, and the loop rescans), so a pte
 * faulted in on another page during the sleep does not hold the break off:
 * the rescan unmaps it (model/world/layout-break.ts).
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../model/config.js';
import { findDesign } from '../model/designs/index.js';
import { instantiate } from '../model/instantiate.js';
import { NULL, type World } from '../model/world/state.js';
import { statesOf } from './fixtures/run.js';

const d = findDesign('fsdax-shared');
const m = instantiate(d, resolveConfig(d, {}, []), 'immer');
const run = (labels: readonly string[]) => statesOf(m, labels) as World[];
const enabled = (s: World) => m.actions(s).map((a) => m.label(a));
const MAPPED = ['fault(f=0, i=0, write)', 'finish-fault', 'fault(f=0, i=1, write)', 'finish-fault'];

describe('the layout break sleeps on one page, then rescans', () => {
  it('wakes when the page it sleeps on is idle, though a pte faulted in on another page meanwhile holds that page', () => {
    const asleep = run([...MAPPED, 'pin(f=0, i=0)', 'truncate(f=0, n=0)']).at(-1)!;
    const page0 = asleep.ext[0][0];
    expect(asleep.breaking).toMatchObject({ kind: 'truncate', on: page0 });
    const states = run([...MAPPED, 'pin(f=0, i=0)', 'truncate(f=0, n=0)', 'fault(f=0, i=1, read)', 'finish-fault', 'unpin(f=0, i=0)']);
    const woken = states.at(-1)!;
    expect(woken.pte[0][1]).not.toBe(NULL);
    expect(enabled(woken)).toContain('resume');
    const done = m.successors(
      woken,
      m.actions(woken).find((a) => m.label(a) === 'resume')!,
    )[0] as World;
    expect(done.breaking).toBeNull();
    expect(done.pte[0]).toEqual([NULL, NULL]);
    expect(done.ext[0].every((b) => b === -1)).toBe(true);
  });

  it('finds the next busy page on the rescan and sleeps on it, the files unmapped again', () => {
    const states = run([...MAPPED, 'pin(f=0, i=0)', 'pin(f=0, i=1)', 'truncate(f=0, n=0)', 'unpin(f=0, i=0)']);
    const s = states.at(-1)!;
    const [page0, page1] = s.ext[0];
    expect(s.breaking).toMatchObject({ on: page0 });
    expect(enabled(s)).toContain('resume');
    const again = m.successors(
      s,
      m.actions(s).find((a) => m.label(a) === 'resume')!,
    )[0] as World;
    expect(again.breaking).toMatchObject({ kind: 'truncate', on: page1 });
    expect(again.ext[0]).toEqual(s.ext[0]);
    expect(enabled(again)).not.toContain('resume');
  });
});
