// `npm run bench -- --vs-spin CONFIG` (bench/spin.ts): pan's report read
// right, and without spin or gcc it installs nothing, says how, and exits 3.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePan } from '../../bench/spin.js';

// pan's report on small, as Spin 6.5.2 prints it, then the shell's `times`.
const report = `
State-vector 28 byte, depth reached 29994, errors: 0
    38753 states, stored
   601436 states, matched
   640189 transitions (= stored+matched)
        0 atomic steps

pan: elapsed time 0.77 seconds
pan: rate 50328.571 states/second
0m0.010000s 0m0.000000s
1m2.190000s 0m0.340000s
`;

describe('bench --vs-spin', () => {
  it("reads pan's states and transitions, and its CPU seconds from the shell's times", () => {
    expect(parsePan(report)).toEqual({ states: 38_753, transitions: 640_189, cpuSeconds: 62.53, wallStatesPerSecond: 50_328.571 });
  });

  it('reads counts pan writes in e-notation, as it does on medium', () => {
    const medium = report.replace('   640189 transitions', '1.1915291e+08 transitions').replace('    38753 states, stored', '  5887651 states, stored');
    expect(parsePan(medium)).toMatchObject({ states: 5_887_651, transitions: 119_152_910 });
  });

  it('says what is missing when pan did not report', () => {
    expect(() => parsePan('pan: out of memory\n')).toThrow(/no CPU times|states, stored/);
  });

  it('without spin or gcc on the PATH, says how to install them and exits 3', () => {
    const main = fileURLToPath(new URL('../../dist/bench/main.js', import.meta.url));
    const r = spawnSync(process.execPath, [main, '--vs-spin', 'tiny'], { env: { ...process.env, PATH: '' }, encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/needs spin and gcc, not found; on Debian: sudo apt-get install spin gcc/);
  });

  it('takes one known configuration: anything else is bad input, exit 2', () => {
    const main = fileURLToPath(new URL('../../dist/bench/main.js', import.meta.url));
    for (const args of [['--vs-spin', 'huge'], ['--vs-spin'], ['--vs-spin', 'tiny', 'small']]) {
      const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
