/** The replay of the corpus: which binder each world uses, and one (scenario, design) pair's result. */
import { findDesign } from '../../model/designs/index.js';
import { compare, Inexpressible, outcome, replay, type Binder, type ReplayResult } from './replay.js';
import { reflinkBinder } from './reflink.js';
import { pmemBinder } from './pmem.js';
import { netfsBinder } from './netfs.js';
import type { Scenario, World } from './scenario.js';

export const binders: Record<World, Binder> = { reflink: reflinkBinder, pmem: pmemBinder, netfs: netfsBinder };

/** The world each design lives in. */
export function worldOf(design: string): World {
  if (design.startsWith('pmem-')) return 'pmem';
  if (design.startsWith('netfs-')) return 'netfs';
  return 'reflink';
}

export interface PairResult {
  readonly result: ReplayResult;
  readonly outcome: string;
  readonly agrees: boolean;
  readonly why: string;
}

/**
 * Designs the binders cannot drive yet: pagecache-reflink's state (a page
 * cache per file) is not the DAX world's that reflink.ts binds. Their pairs
 * are recorded `unbound`, never counted as agreeing.
 */
export const UNBOUND: ReadonlySet<string> = new Set(['pagecache-reflink']);

export function replayPair(scenario: Scenario, design: string, bugs: readonly string[] = []): PairResult {
  const world = worldOf(design);
  const claims = findDesign(design).claims ?? [];
  let result: ReplayResult;
  if (UNBOUND.has(design)) {
    const reason = `no binding: scenarios/bind has no binder for ${design} yet`;
    return { result: { first: {}, claims, trace: [], branches: 0, failure: { step: 0, reason } }, outcome: 'not replayed', agrees: false, why: reason };
  } else if (world !== scenario.world) {
    const reason = `wrong world: ${design} models the ${world} world, the scenario the ${scenario.world} world`;
    result = { first: {}, claims, trace: [], branches: 0, failure: { step: 0, reason } };
  } else {
    try {
      result = replay(scenario, findDesign(design), binders[world], bugs);
    } catch (e) {
      if (!(e instanceof Inexpressible)) throw e;
      result = { first: {}, claims, trace: [], branches: 0, failure: { step: 0, reason: e.message } };
    }
  }
  const { agrees, why } = compare(scenario.expect[design], result);
  return { result, outcome: outcome(result), agrees, why };
}
