// `check --path`: a random counterexample's reproduce command carries its
// fast-check path, and running that command gives the same trace back.
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/check.js';
import { findDesign } from '../../model/designs/index.js';
import { InputError } from '../../model/errors.js';
import { cli } from './helpers.js';
import { traceMeta } from '../../trace/counterexample.js';

const search = ['check', 'bench-reflink-cow', '--bug', 'leak-on-punch', '--property', 'accounting', '--mode', 'random', '--runs', '300', '--steps', '30'];

async function found() {
  const r = await cli(...search, '--seed', '1', '--json');
  expect(r.code).toBe(1);
  const [result] = JSON.parse(r.stdout).results;
  const meta = traceMeta(result.counterexamples.accounting);
  return { actions: result.properties[0].actions as string[], meta };
}

describe('check --path', () => {
  it('prints a reproduce command with the path, and that command gives the same trace', async () => {
    const { actions, meta } = await found();
    expect(meta.path).toMatch(/^\d+(:\d+)+$/);
    expect(meta.reproduce).toContain(` --seed ${meta.seed} `);
    expect(meta.reproduce).toMatch(new RegExp(` --path ${meta.path}$`));
    const [, ...argv] = (meta.reproduce as string).split(' ');
    const again = await cli(...argv, '--json');
    expect(again.code).toBe(1);
    const [result] = JSON.parse(again.stdout).results;
    expect(result.random).toMatchObject({ seed: meta.seed, path: meta.path, runs: 1 });
    expect(result.properties[0].actions).toEqual(actions);
    expect(traceMeta(result.counterexamples.accounting)).toMatchObject({ path: meta.path, shrink: { steps: 0 } });
  });

  it('a path whose case passes ends inconclusive, with no violation made up', async () => {
    const { meta } = await found();
    // Every shrink of the shrunk case passes: that is where fast-check stopped.
    const r = await cli(...search, '--seed', String(meta.seed), '--path', `${meta.path}:0`);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/accounting\s+inconclusive: nothing found in \d+ random runs/);
  });

  const bad: [string, string[], RegExp][] = [
    ['a malformed path', [...search, '--seed', '1', '--path', '12:x'], /--path takes .* like 12:3:0:1, not '12:x'/],
    ['an empty step in a path', [...search, '--seed', '1', '--path', '12::3'], /--path takes .*, not '12::3'/],
    ['a path without --seed', [...search, '--path', '0:1'], /--path needs --seed/],
    ['a path with --mode both', ['check', 'bench-reflink-cow', '--seed', '1', '--path', '0:1'], /--path replays a random search; give --mode random/],
    ['a path with --mode exhaustive', ['check', 'bench-reflink-cow', '--mode', 'exhaustive', '--seed', '1', '--path', '0:1'], /give --mode random/],
    ['a path for two designs', ['check', 'bench-reflink-cow', 'fsdax-1to1', '--mode', 'random', '--seed', '1', '--path', '0'], /name one design/],
    ['a path past the runs', [...search, '--seed', '1', '--path', '300'], /path '300' starts at walk 300, but the search makes only 300 walks/],
    ['a path to no case', [...search, '--seed', '1', '--path', '0:99999:0'], /path '0:99999:0' leads to no case of the search with seed 1/],
  ];
  it.each(bad)('%s: one line, exit 2', async (_what, argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('check() refuses a path without mode random and a seed, as the library', () => {
    const design = findDesign('bench-reflink-cow');
    expect(() => check(design, { mode: 'both', seed: 1, path: '0' })).toThrow(InputError);
    expect(() => check(design, { mode: 'random', path: '0' })).toThrow(/needs mode random and the seed/);
  });
});
