import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { replay } from '../../checker/replay.js';
import bench from '../../model/designs/bench-reflink-cow.js';
import type { ItfTrace } from '../../trace/counterexample.js';

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
    (trace['#meta'] as { bugs: string[] }).bugs = [];
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
    (trace.states[1] as unknown as { data: number[] }).data = [0, 0, 1];
    expect(() => replay(trace)).toThrow(/step 1: write\(f=0, b=0, v=1\) does not lead/);
  });

  it('rejects a trace that does not start in the design\'s initial state, or names unknown things', () => {
    const t1 = counterexample();
    (t1.states[0] as unknown as { ref: number[] }).ref = [1, 0, 0];
    expect(() => replay(t1)).toThrow(/state 0 is not the initial state/);
    const t2 = counterexample();
    (t2['#meta'] as { design: string }).design = 'no-such-design';
    expect(() => replay(t2)).toThrow(/unknown design 'no-such-design'/);
    const t3 = counterexample();
    (t3['#meta'] as { params: Record<string, number> }).params.F = 99;
    expect(() => replay(t3)).toThrow(/parameter F of bench-reflink-cow must be within/);
  });
});

describe('replay of a crash found under a crash cap', () => {
  it('uses the recorded cap, since a crash step\'s choice indexes the capped outcomes', async () => {
    const { findDesign } = await import('../../model/designs/index.js');
    const design = findDesign('pmem-nofsync-naive');
    const r = check(design, { mode: 'exhaustive', crashCap: 4, properties: ['crash-ordering'] });
    const trace: ItfTrace = JSON.parse(JSON.stringify(r.counterexamples['crash-ordering']));
    expect(trace['#meta'].crashCap).toBe(4);
    const crash = trace.states.find((s) => s['#meta'].kind === 'crash')!;
    expect(crash['#meta'].outcome).toMatch(/^reached the media: .*; lost: /);
    expect(replay(trace).reproduces).toBe(true);
    (trace['#meta'] as { crashCap: number }).crashCap = 1;
    expect(() => replay(trace)).toThrow(/crash\(\) does not lead to the state the trace records/);
  });
});
