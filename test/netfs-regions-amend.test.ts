/**
 * What it takes for netfs-regions (issue 12, section 1): as proposed, a DSYNC
 * write made while disconnected returns with its data in the cache only (the
 * header's finding); under dsync-waits-for-server every claimed property
 * holds to the complete default bound, group-order vacuous there as it is
 * without the amendment (G=0), and holding with a barrier at a smaller bound.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { claimsOf, type Config } from '../model/design.js';
import rfc from '../model/designs/netfs-regions.js';
import { labels, run } from './netfs-regions-steps.js';
import { DSYNC_WAITS_FOR_SERVER } from '../model/netfs/regions-amendments.js';
import { proofRun } from './proof-run.js';

function config(params: Record<string, number> = {}, amends: string[] = []): Config {
  const defaults = Object.fromEntries(Object.entries(rfc.params).map(([k, p]) => [k, p.default]));
  return { params: { ...defaults, ...params }, bugs: new Set(), amends: new Set(amends) };
}

const FINDING = ['write(dsync, [0,2))', 'activate(write 1)', 'copy(write 1)', 'disconnect()', 'complete(write 1)', 'wbDone(region 0)', 'complete(write 1)'];
/** One crypto block, one write, no remote change or crash: the finding at a small bound. */
const SMALL = { P: 1, W: 1, dio: 0, remote: 0, crash: 0 };

describe('netfs-regions: what it takes', () => {
  it('declares dsync-waits-for-server, marked as proposed by nobody', () => {
    expect(rfc.amendments?.[DSYNC_WAITS_FOR_SERVER]?.source.kind).toBe('smallest-change');
  });

  it('as proposed, the DSYNC write returns while disconnected with its data in the cache only', () => {
    const s = run(config(), FINDING);
    expect(s.writers).toEqual([]);
    expect(s.ghost.durable.slice(0, 2)).toEqual([1, 1]);
    expect(s.server.slice(0, 2)).toEqual(['E0', 'E0']);
    expect(s.cache[0]).toEqual(['E1', 'E1']);
    const r = check(rfc, { mode: 'exhaustive', properties: ['dsync'], params: SMALL, depth: 8 });
    expect(r.properties.find((p) => p.id === 'dsync')).toMatchObject({ verdict: 'violated', traceLength: 7 });
  });

  it('amended, the DSYNC region stays dirty while disconnected; the writer returns after reconnection and the upload', () => {
    const cfg = config({}, [DSYNC_WAITS_FOR_SERVER]);
    const waiting = run(cfg, FINDING.slice(0, 5));
    expect(waiting.regions.map((r) => [r.type, r.state])).toEqual([['dsync', 'dirty']]);
    expect(waiting.writers[0].phase).toBe('syncing');
    expect(labels(waiting, cfg).filter((l) => l.startsWith('flush(') || l.startsWith('complete('))).toEqual([]);
    expect(rfc.waiting!(waiting, cfg)).toMatch(/dsync write 1 \[0,2\) waits for its DSYNC region to finish flushing/);
    const back = run(cfg, [...FINDING.slice(0, 5), 'reconnect()', 'flush(region 0, up to 2)', 'wbDone(region 0)', 'complete(write 1)']);
    expect(back.writers).toEqual([]);
    expect(back.server.slice(0, 2)).toEqual(['E1', 'E1']);
    const r = check(rfc, { mode: 'exhaustive', properties: ['dsync', 'deadlock'], params: SMALL, amends: [DSYNC_WAITS_FOR_SERVER], depth: 8 });
    expect(r.exhaustive?.complete).toBe(true);
    expect(r.properties.filter((p) => p.id === 'dsync' || p.id === 'deadlock').map((p) => p.verdict)).toEqual(['holds', 'holds']);
  });

  it('amended: every claimed safety property holds to the complete default bound; only group-order is vacuous (G=0 at the defaults)', () => {
    // The default bound is a depth (8), a search of minutes: npm run proofs makes it, for the current code.
    const r = proofRun(rfc, `Amended: ${DSYNC_WAITS_FOR_SERVER}`);
    expect(r.exhaustive?.complete).toBe(true);
    // The liveness claims are judged on a whole state space, which depth 8 is not (test/netfs-liveness.test.ts judges them).
    const live = new Set((rfc.liveness ?? []).map((l) => l.id));
    const claimed = r.properties.filter((p) => claimsOf(rfc).includes(p.id) && !live.has(p.id));
    expect(claimed.filter((p) => p.verdict !== 'holds').map((p) => [p.id, p.verdict])).toEqual([['group-order', 'vacuous']]);
    expect(r.properties.filter((p) => live.has(p.id)).every((p) => p.verdict === 'inconclusive')).toBe(true);
    expect(r.goals.filter((g) => !g.reached).map((g) => g.id)).toEqual(['flush-group-barrier']);
  });

  it('with a barrier (one folio, no crypto, to depth 9): as proposed dsync breaks; amended, group-order and dsync hold, the barrier goal reached', () => {
    const params = { P: 1, W: 2, C: 0, dio: 0, remote: 0, crash: 0, G: 1 };
    const plain = check(rfc, { mode: 'exhaustive', properties: ['dsync'], params, depth: 9 });
    expect(plain.properties.find((p) => p.id === 'dsync')?.verdict).toBe('violated');
    const r = check(rfc, { mode: 'exhaustive', properties: ['group-order', 'dsync'], params, amends: [DSYNC_WAITS_FOR_SERVER], depth: 9 });
    expect(r.exhaustive?.complete).toBe(true);
    expect(r.properties.filter((p) => p.id === 'group-order' || p.id === 'dsync').map((p) => p.verdict)).toEqual(['holds', 'holds']);
    expect(r.goals.find((g) => g.id === 'flush-group-barrier')?.reached).toBe(true);
  });
});
