import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { exitCode } from '../../checker/exit-code.js';
import { replay } from '../../checker/replay.js';
import { defineDesign } from '../../model/design.js';
import { renderText } from '../../trace/render.js';
import { explorerHtml } from '../../report/explorer.js';
import { traceMeta, type ItfTrace } from '../../trace/counterexample.js';
import { editMeta } from '../trace/edit-meta.js';

// A waiter and a competitor share a lock. The waiter requests and is granted
// the lock when it is free; the competitor grabs it whenever it is free, and drops it.
interface Lock {
  waiter: 'idle' | 'waiting' | 'holding';
  competitor: boolean;
}
type Act = { kind: 'request' } | { kind: 'grant' } | { kind: 'release' } | { kind: 'grab' } | { kind: 'drop' };

const waiting = (s: Lock) => s.waiter === 'waiting';
const holding = (s: Lock) => s.waiter === 'holding';

const design = defineDesign<Lock, Act>({
  name: 'test-served',
  summary: 'a waiter and a competitor on one lock',
  seed: 'test',
  params: {},
  bugs: {},
  init: () => ({ waiter: 'idle', competitor: false }),
  actions: (s) => {
    const free = s.waiter !== 'holding' && !s.competitor;
    const out: Act[] = [];
    if (s.waiter === 'idle') out.push({ kind: 'request' });
    if (s.waiter === 'waiting' && free) out.push({ kind: 'grant' });
    if (s.waiter === 'holding') out.push({ kind: 'release' });
    if (free) out.push({ kind: 'grab' });
    if (s.competitor) out.push({ kind: 'drop' });
    return out;
  },
  next: {
    request: () => (d) => void (d.waiter = 'waiting'),
    grant: () => (d) => void (d.waiter = 'holding'),
    release: () => (d) => void (d.waiter = 'idle'),
    grab: () => (d) => void (d.competitor = true),
    drop: () => (d) => void (d.competitor = false),
  },
  always: [],
  sometimes: [],
  liveness: [
    { id: 'served-weak', description: 'a waiter is served, grant weakly fair', p: waiting, q: holding, fairness: { weak: ['grant', 'drop'] } },
    { id: 'served-strong', description: 'a waiter is served, grant strongly fair', p: waiting, q: holding, fairness: { strong: ['grant'], weak: ['drop'] } },
  ],
});

describe('liveness through check and replay', () => {
  const result = check(design, { mode: 'exhaustive', seed: 1 });
  const weak = result.properties.find((p) => p.id === 'served-weak')!;
  const strong = result.properties.find((p) => p.id === 'served-strong')!;

  it('weak fairness of grant lets the competitor starve the waiter; strong fairness does not', () => {
    expect(weak.verdict).toBe('violated');
    expect(weak.loop).toBeDefined();
    expect(weak.actions!.slice(weak.loop)).toContain('grab()');
    expect(weak.actions!.slice(weak.loop)).not.toContain('grant()');
    expect(strong.verdict).toBe('holds');
    expect(strong.fairness).toEqual({ weak: ['drop'], strong: ['grant'] });
    expect(exitCode([result])).toBe(1);
  });

  it('writes the lasso as ITF (loop, and the action that closes the cycle) and replays it', () => {
    const trace = result.counterexamples['served-weak'];
    expect(trace.loop).toBe(weak.loop);
    expect(traceMeta(trace).closing?.action).toBeDefined();
    expect(trace.states.length).toBe(weak.traceLength!); // the repeated state is not written
    const out = replay(trace, design);
    expect(out.reproduces).toBe(true);
    const text = renderText(trace);
    expect(text).toMatch(/-- the cycle starts here --/);
    expect(text).toMatch(/back to the state after step \d+; from there the cycle repeats for ever/);
  });

  it('replay rejects a lasso whose cycle does not close, or is not fair', () => {
    const trace = result.counterexamples['served-weak'];
    const open: ItfTrace = JSON.parse(JSON.stringify(trace));
    editMeta(open, (m) => delete m.closing);
    // Without the closing step the history would stop where drop is enabled and fair.
    expect(replay(open, design).reproduces).toBe(false);
    const wrongLoop = { ...trace, loop: 0 };
    expect(() => replay(wrongLoop, design)).toThrow(/does not lead to the state the trace records/);
  });

  it('a search that stops before the whole state space leaves liveness inconclusive', () => {
    const bounded = check(design, { mode: 'exhaustive', depth: 1 });
    for (const id of ['served-weak', 'served-strong']) {
      const p = bounded.properties.find((x) => x.id === id)!;
      expect(p.verdict).toBe('inconclusive');
      expect(p.reason).toMatch(/whole state space/);
    }
    expect(exitCode([bounded])).toBe(3);
    const rnd = check(design, { mode: 'random', runs: 5, steps: 5, seed: 1 });
    expect(rnd.properties.find((x) => x.id === 'served-strong')!.verdict).toBe('inconclusive');
  });
});

describe('liveness with every invariant violated', () => {
  it('the search goes on to the whole state space: an invariant found broken is no reason to leave liveness unjudged', () => {
    const broken = defineDesign<Lock, Act>({
      ...design,
      name: 'test-served-broken',
      always: [{ id: 'never-waits', description: 'nobody waits', check: (s) => (s.waiter === 'waiting' ? 'a waiter' : undefined) }],
    });
    const r = check(broken, { mode: 'exhaustive', seed: 1 });
    expect(r.properties.find((p) => p.id === 'never-waits')!.verdict).toBe('violated');
    expect(r.properties.find((p) => p.id === 'served-strong')!.verdict).toBe('holds');
    expect(r.properties.find((p) => p.id === 'served-weak')!.verdict).toBe('violated');
  });
});

describe('the explorer shows the lasso', () => {
  it('marks where the cycle starts and which action closes it', async () => {
    const result = check(design, { mode: 'exhaustive', seed: 1, properties: ['served-weak'] });
    const trace = result.counterexamples['served-weak'];
    const html = await explorerHtml(trace);
    expect(html).toMatch(/the cycle starts in this state/);
    expect(html).toContain(`<code>${traceMeta(trace).closing!.action}</code> leads back to the state after step ${trace.loop}`);
  });
});
