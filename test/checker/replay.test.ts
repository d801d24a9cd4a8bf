import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { replay } from '../../checker/replay.js';
import bench from '../../model/designs/bench-reflink-cow.js';
import { stepMeta, traceMeta, type ItfTrace } from '../../trace/counterexample.js';
import { editMeta } from '../trace/edit-meta.js';

function counterexample(): ItfTrace {
  const r = check(bench, { bugs: ['leak-on-punch'], mode: 'exhaustive', properties: ['accounting'], depth: 4 });
  return JSON.parse(JSON.stringify(r.counterexamples.accounting));
}

describe('replay', () => {
  it('reproduces a saved counterexample', () => {
    const outcome = replay(counterexample());
    expect(outcome).toMatchObject({ design: 'bench-reflink-cow', property: 'accounting', steps: 2, reproduces: true });
    expect(outcome.message).toBe(outcome.recordedMessage);
  });

  it('says when the design no longer shows the violation', () => {
    const trace = counterexample();
    editMeta(trace, (m) => (m.bugs = []));
    // Without the bug, punch releases the block: the recorded last state is no longer reached.
    expect(() => replay(trace)).toThrow(/step 2: punch\(f=0, b=0\) does not lead to the state the trace records/);
  });

  it('rejects a trace whose step is not enabled, naming the step', () => {
    const trace = counterexample();
    (trace.states[2]['#meta'] as { action: string }).action = 'punch(f=1, b=1)';
    expect(() => replay(trace)).toThrow(/step 2: punch\(f=1, b=1\) is not enabled/);
  });

  it('rejects a tampered state, naming the step', () => {
    const trace = counterexample();
    (trace.states[1] as unknown as { data: unknown[] }).data = [0, 0, 1].map((n) => ({ '#bigint': String(n) }));
    expect(() => replay(trace)).toThrow(/step 1: write\(f=0, b=0, v=1\) does not lead/);
  });

  it("rejects a trace that does not start in the design's initial state, or names unknown things", () => {
    const t1 = counterexample();
    (t1.states[0] as unknown as { ref: unknown[] }).ref = [1, 0, 0].map((n) => ({ '#bigint': String(n) }));
    expect(() => replay(t1)).toThrow(/state 0 is not the initial state/);
    const t2 = counterexample();
    (t2['#meta'] as { design: string }).design = 'no-such-design';
    expect(() => replay(t2)).toThrow(/unknown design 'no-such-design'/);
    const t3 = counterexample();
    editMeta(t3, (m) => ((m.params as Record<string, number>).F = 99));
    expect(() => replay(t3)).toThrow(/parameter F of bench-reflink-cow must be within/);
  });
});

describe('replay of a crash found under a crash cap', () => {
  it("uses the recorded cap, since a crash step's choice indexes the capped outcomes", async () => {
    const { findDesign } = await import('../../model/designs/index.js');
    const design = findDesign('pmem-nofsync-naive');
    const r = check(design, { mode: 'exhaustive', crashCap: 4, properties: ['crash-ordering'] });
    const trace: ItfTrace = JSON.parse(JSON.stringify(r.counterexamples['crash-ordering']));
    expect(traceMeta(trace).crashCap).toBe(4);
    const crash = trace.states.findIndex((s) => s['#meta'].kind === 'crash');
    expect(stepMeta(trace, crash)).toMatchObject({ choice: expect.any(Number), outcome: expect.stringMatching(/^reached the media: .*; lost: /) });
    expect(replay(trace).reproduces).toBe(true);
    editMeta(trace, (m) => (m.crashCap = 1));
    expect(() => replay(trace)).toThrow(/crash\(\) does not lead to the state the trace records/);
  });
});
