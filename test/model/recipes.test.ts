// The exhaustive search applies recipes to plain copies; everything else uses
// immer. For every design, both must give the same successors.
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../engine/fingerprint.js';
import { defaultConfig, resolveConfig } from '../../model/config.js';
import { designs } from '../../model/designs/index.js';
import { instantiate } from '../../model/instantiate.js';

describe.each(designs.map((d) => [d.name, d] as const))('%s: immer and plain-copy recipes', (_name, design) => {
  const configs = [defaultConfig(design), ...Object.keys(design.bugs).map((bug) => resolveConfig(design, {}, [bug]))];
  it.each(configs.map((cfg, i) => [i === 0 ? 'no bug' : [...cfg.bugs].join(','), cfg] as const))('give identical successors (%s)', (_bug, cfg) => {
    const viaImmer = instantiate(design, cfg, 'immer');
    const viaCopy = instantiate(design, cfg, 'copy');
    const seen = new Set<string>([fingerprint(viaImmer.initial)]);
    const queue: unknown[] = [viaImmer.initial];
    let compared = 0;
    while (queue.length && compared < 400) {
      const s = queue.shift();
      for (const a of viaImmer.actions(s)) {
        const before = fingerprint(s);
        const x = viaImmer.successors(s, a);
        const y = viaCopy.successors(s, a);
        expect(y.map(fingerprint)).toEqual(x.map(fingerprint));
        expect(y).toEqual(x);
        // A recipe must not write through to the state it started from.
        expect(fingerprint(s)).toBe(before);
        compared++;
        for (const t of x) {
          const k = fingerprint(t);
          if (!seen.has(k)) {
            seen.add(k);
            queue.push(t);
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});
