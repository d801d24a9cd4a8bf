/** Driving netfs-regions by action label, for the tests that replay a history step by step. */
import { produce } from 'immer';
import type { Config } from '../model/design.js';
import rfc from '../model/designs/netfs-regions.js';
import type { NetfsState } from '../model/netfs/world.js';

export function labels(s: NetfsState, cfg: Config): string[] {
  return rfc.actions(s, cfg).map((a) => rfc.label!(a));
}

/** The state after taking each labelled step in turn; throws, naming what is enabled, when one is not. */
export function run(cfg: Config, steps: string[]): NetfsState {
  let s = rfc.init(cfg);
  for (const label of steps) {
    const a = rfc.actions(s, cfg).find((x) => rfc.label!(x) === label);
    if (!a) throw new Error(`${label} not enabled; enabled: ${labels(s, cfg).join('; ')}`);
    s = produce(s, rfc.next[a.kind](a as never, s, cfg) as (d: NetfsState) => void);
  }
  return s;
}
