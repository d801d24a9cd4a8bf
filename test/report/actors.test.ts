/** The lifelines of the sequence diagram (report/actors.ts), on traces the search finds. */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import fsdax1to1 from '../../model/designs/fsdax-1to1.js';
import netfsRegions from '../../model/designs/netfs-regions.js';
import { stepActors } from '../../report/actors.js';
import { sequenceDiagram } from '../../report/mermaid.js';
import { stepMeta, type ItfTrace } from '../../trace/counterexample.js';

function steps(trace: ItfTrace) {
  return trace.states.slice(1).map((_, k) => stepMeta(trace, k + 1));
}

describe('stepActors', () => {
  it('DAX: a step on file f is process f; finish-fault is the process whose fault it finishes; memfail is the handler', () => {
    const r = check(fsdax1to1, { mode: 'exhaustive', properties: ['memfail-reach'], depth: 6 });
    const trace = r.counterexamples['memfail-reach'];
    expect(trace).toBeDefined();
    const actors = stepActors(trace, 'dax');
    let faulting: string | undefined;
    steps(trace).forEach((m, k) => {
      const who = actors[k + 1];
      const f = (m.args as Record<string, unknown>).f;
      if (typeof f === 'number') expect(who).toBe(`process ${f}`);
      if (m.kind === 'fault') faulting = who;
      if (m.kind === 'finish') expect(who).toBe(faulting);
      if (m.kind === 'memfail') expect(who).toBe('memory failure');
    });
    expect(steps(trace).some((m) => m.kind === 'memfail')).toBe(true);
    // The diagram's lifelines are exactly these actors.
    const lifelines = sequenceDiagram(trace, { world: 'dax' })
      .match(/participant \S+ as (.*)/g)!
      .map((l) => l.replace(/.* as /, ''));
    expect(lifelines.sort()).toEqual([...new Set(actors.slice(1))].sort());
  });

  it('netfs: the n-th write(2) starts writer n, and steps naming a writer are on its lifeline', () => {
    const r = check(netfsRegions, { mode: 'exhaustive', properties: ['dsync'], depth: 8 });
    const trace = r.counterexamples['dsync'];
    expect(trace).toBeDefined();
    const actors = stepActors(trace, 'netfs');
    let n = 0;
    steps(trace).forEach((m, k) => {
      const args = m.args as Record<string, unknown>;
      if (m.kind === 'write') expect(actors[k + 1]).toBe(`writer ${++n}`);
      if (typeof args.w === 'number') expect(actors[k + 1]).toBe(`writer ${args.w}`);
      if (m.kind === 'wbDone') expect(actors[k + 1]).toBe('writeback');
    });
    // A step that names writer w comes after the w-th write(2): the numbering is the design's own.
    steps(trace).forEach((m, k) => {
      const w = (m.args as Record<string, unknown>).w;
      if (typeof w === 'number')
        expect(
          steps(trace)
            .slice(0, k)
            .filter((x) => x.kind === 'write').length,
        ).toBeGreaterThanOrEqual(w);
    });
  });
});
