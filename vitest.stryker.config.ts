import { defineConfig } from 'vitest/config';

// The tests Stryker runs against its mutants (`npm run mutation`), by scope:
// engine/'s mutants against test/engine (every design test runs the engine
// too, and would run against each of its mutants for hours on two cores),
// properties/' mutants against test/properties, each property on states built
// by hand (the design tests search whole designs: under Stryker's
// instrumentation they time out). The CLI and
// bin tests run the built dist/ in child processes or workers, so a mutant of
// the sources is invisible to them.
const scopes: Record<string, string[]> = {
  engine: ['test/engine/**/*.test.ts'],
  // engine/ less the two slowest files (word-path and shape, minutes on a busy machine, and
  // they compare two paths of the engine with each other, each design and toggle in turn).
  'engine-fast': ['test/engine/**/*.test.ts', '!test/engine/word-path.test.ts', '!test/engine/shape.test.ts'],
  properties: ['test/properties/**/*.test.ts'],
  // The design tests that check the properties by search: hours under instrumentation, kept for a run by hand.
  'properties-designs': ['test/model/**/*.test.ts', 'test/sharing*.test.ts', 'test/netfs*.test.ts'],
};
const scope = process.env.STRYKER_SCOPE ?? 'engine';
if (!(scope in scopes)) throw new Error(`STRYKER_SCOPE must be ${Object.keys(scopes).join(' or ')}, not '${scope}'`);

export default defineConfig({
  test: {
    include: scopes[scope].filter((g) => !g.startsWith('!')),
    exclude: scopes[scope].filter((g) => g.startsWith('!')).map((g) => g.slice(1)),
    maxWorkers: 1,
    testTimeout: 300_000,
  },
});
