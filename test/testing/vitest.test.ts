// pagecheck/vitest: the assertions pass when they should, and fail with what
// a reader needs (the verdicts, the counterexample step by step, the command
// that reproduces it, the saved trace), not with "expected 'violated' to be 'holds'".
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lock } from '../../examples/lock/lock.js';
import { findDesign } from '../../model/designs/index.js';
import { expectHolds, expectViolation, PagecheckAssertionError } from '../../testing/vitest.js';

const module = new URL('../../examples/lock/lock.ts', import.meta.url);
const failure = (f: () => unknown): PagecheckAssertionError => {
  try {
    f();
  } catch (e) {
    if (e instanceof PagecheckAssertionError) return e;
    throw e;
  }
  throw new Error('expected the assertion to fail');
};

describe('expectHolds', () => {
  it('passes on a design whose claims hold to a completed bound, and returns the result', () => {
    const r = expectHolds(lock);
    expect(r.properties[0]).toMatchObject({ id: 'mutual-exclusion', verdict: 'holds' });
  });

  it('fails with the rendered counterexample, its reproduce command and the saved trace', () => {
    const save = mkdtempSync(join(tmpdir(), 'pagecheck-vitest-'));
    const e = failure(() => expectHolds(lock, { bugs: ['check-then-set'], module: `${module.pathname}#lock`, save }));
    expect(e.name).toBe('AssertionError');
    expect(e.message).toMatch(/^example-lock: mutual-exclusion not proven to hold \(violated\)\n/);
    expect(e.message).toContain('mutual-exclusion  VIOLATED   after 4 actions');
    expect(e.message).toContain('\nstep 4: enter(p=1)\n  kernel: take the lock\n  pc[1]: "ready" -> "critical"\n');
    expect(e.message).toContain(`  reproduce: pagecheck check ${module.pathname}#lock --property mutual-exclusion --mode exhaustive --param N=2 --bug check-then-set\n`);
    const saved = join(save, 'example-lock', 'mutual-exclusion.itf.json');
    expect(e.message).toContain(`saved: ${saved}`);
    expect(existsSync(saved)).toBe(true);
    expect(e.result.properties[0].verdict).toBe('violated');
  });

  it('fails on a search its timeout cut short: that proves nothing', () => {
    const e = failure(() => expectHolds(findDesign('bench-reflink-cow'), { params: { F: 3, B: 3 }, timeoutMs: 0, save: false }));
    expect(e.message).toMatch(/^bench-reflink-cow: accounting, free-zeroed not proven to hold \(inconclusive, inconclusive\)\n/);
    expect(e.message).toMatch(/stopped by the time bound/);
  });
});

describe('expectViolation', () => {
  it('passes on a violation within maxLength, and returns its trace', () => {
    const v = expectViolation(lock, 'mutual-exclusion', { bugs: ['check-then-set'], maxLength: 4 });
    expect(v.property.traceLength).toBe(4);
    expect(v.trace.states).toHaveLength(5);
  });

  it('fails on a longer one with the trace', () => {
    const e = failure(() => expectViolation(lock, 'mutual-exclusion', { bugs: ['check-then-set'], maxLength: 3, save: false }));
    expect(e.message).toMatch(/^example-lock: mutual-exclusion is violated, but after 4 actions, more than 3\n/);
    expect(e.message).toContain('step 3: enter(p=0)');
  });

  it('fails when the property holds, saying to what bound', () => {
    const e = failure(() => expectViolation(lock, 'mutual-exclusion'));
    expect(e.message).toMatch(/^example-lock: expected mutual-exclusion to be violated, but it is holds\n/);
    expect(e.message).toMatch(/whole state space: \d+ states/);
  });

  it('refuses a property the design does not have', () => {
    expect(() => expectViolation(lock, 'toString')).toThrow(/has no property 'toString'/);
  });
});
