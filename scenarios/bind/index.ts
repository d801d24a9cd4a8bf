/** The replay of the corpus: which binder each world uses, and one (scenario, design) pair's result. */
import { findDesign } from '../../model/designs/index.js';
import { compare, Inexpressible, outcome, replay, type Binder, type ReplayResult } from './replay.js';
import { reflinkBinder } from './reflink.js';
import { pmemBinder } from './pmem.js';
import { netfsBinder } from './netfs.js';
import { pagecacheBinder } from './pagecache.js';
import type { Scenario, World } from './scenario.js';

export const binders: Record<World, Binder> = { reflink: reflinkBinder, pmem: pmemBinder, netfs: netfsBinder };

/** Designs of a world whose state is not the world's shared one, with a binder of their own. */
// shadow-pages-pagecache has pagecache-reflink's actions and state, with a buffer cache the binder need not drive.
export const designBinders: Readonly<Record<string, Binder>> = { 'pagecache-reflink': pagecacheBinder, 'shadow-pages-pagecache': pagecacheBinder };

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
 * Designs the binders cannot drive: their pairs are recorded `unbound`,
 * never counted as agreeing. pmem-map-sync-flags (the mmap flag matrix) and
 * fsdax-reflink-sync (one page's CoW sync fault) each have a state of their
 * own, which no world's binder builds; pagecache-reflink, whose state is not
 * the DAX world's either, has its own binder (scenarios/bind/pagecache.ts).
 */
export const UNBOUND: ReadonlySet<string> = new Set<string>(['pmem-map-sync-flags', 'fsdax-reflink-sync']);

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
      result = replay(scenario, findDesign(design), designBinders[design] ?? binders[world], bugs);
    } catch (e) {
      if (!(e instanceof Inexpressible)) throw e;
      result = { first: {}, claims, trace: [], branches: 0, failure: { step: 0, reason: e.message } };
    }
  }
  const { agrees, why } = compare(scenario.expect[design], result);
  return { result, outcome: outcome(result), agrees, why };
}
