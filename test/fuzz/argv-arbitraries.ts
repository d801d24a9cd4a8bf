/**
 * The arbitraries of test/fuzz/argv.fuzz.test.ts, and the files its argument
 * vectors name (made by `setUpFiles` in the folder the commands run in).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { cli } from '../cli/helpers.js';
import { ODD_WORDS, PROTOTYPE_NAMES, vocabulary } from './harness.js';

const repo = new URL('../../', import.meta.url).pathname;

/** Every file a fuzzed command may name, in the current folder (`new`, `report` and `--save` write relative to it too). */
export async function setUpFiles(): Promise<void> {
  const saved = await cli('check', 'bench-reflink-cow', '--bug', 'no-zero-on-free', '--mode', 'exhaustive', '--save', 'first');
  if (saved.code !== 1) throw new Error(`the trace to fuzz with was not saved: ${saved.stderr}`);
  copyFileSync(join('first', 'bench-reflink-cow', 'free-zeroed.itf.json'), 'cx.itf.json');
  copyFileSync(join(repo, 'counterexamples/fsdax-1to1/memfail-notify.itf.json'), 'fsdax.itf.json');
  writeFileSync('bad.json', '{ not json');
  writeFileSync('null.json', 'null');
  writeFileSync('list.json', '[1, 2]');
  writeFileSync('empty.json', '');
  mkdirSync('folder');
  const lock = readFileSync(join(repo, 'examples/lock/lock.ts'), 'utf8').replace("from '../../index.js'", "from 'pagecheck'");
  writeFileSync('lock.ts', `${lock}\nexport default lock;\n`);
  writeFileSync('notdesign.ts', 'export default { name: 3 };\nexport const x = 1;\n');
  for (const k of [0, 1]) {
    const r = await cli('check', 'bench-reflink-cow', '--mode', 'exhaustive', '--depth', '3', '--shard', `${k}/2`, '--json');
    writeFileSync(`shard${k}.json`, r.stdout);
  }
  writeFileSync('shard-odd.json', JSON.stringify({ results: [{ design: 'bench-reflink-cow' }] }));
}

const odd = fc.constantFrom(...ODD_WORDS, ...PROTOTYPE_NAMES);
const text = fc.oneof(odd, fc.string({ unit: 'grapheme', maxLength: 6 }), fc.integer({ min: -9, max: 9 }).map(String));
const pick = (xs: readonly string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...xs) }, { weight: 1, arbitrary: text });
const files = pick([
  'cx.itf.json',
  'fsdax.itf.json',
  'bad.json',
  'null.json',
  'list.json',
  'empty.json',
  'folder',
  'absent.json',
  'shard0.json',
  'shard1.json',
  'shard-odd.json',
  'lock.ts',
  '/proc/x',
  '/',
]);
const designSpec = pick([
  ...vocabulary.designs,
  './lock.ts',
  './lock.ts#lock',
  './lock.ts#toString',
  './lock.ts#',
  './notdesign.ts',
  './notdesign.ts#x',
  './absent.ts',
  'folder/',
  'cx.itf.json',
  ...PROTOTYPE_NAMES,
]);
/** Bounds that keep every search small when valid, and anything odd when not: a valid large one would search for minutes. */
const bound = fc.oneof(fc.constantFrom('0', '1', '2', '3', '+2', ' 2', '02'), fc.constantFrom('-1', '-0', '99999999999999999999', '1.5', '1e2', '0x2', 'two', '', '--json', '-5', '2 3'), odd);
const anyNumber = fc.oneof(fc.integer().map(String), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String), fc.double().map(String), odd);
const param = fc.tuple(pick([...vocabulary.params, ...PROTOTYPE_NAMES]), fc.oneof(fc.integer({ min: -3, max: 12 }).map(String), text)).map(([k, v]) => `${k}=${v}`);
const pairs = (name: string, value: fc.Arbitrary<string>) =>
  fc.oneof(
    value.map((v) => [name, v]),
    value.map((v) => [`${name}=${v}`]),
  );

const searchOptions = [
  pairs('--param', fc.oneof(param, text)),
  pairs('--bug', pick(vocabulary.bugs)),
  pairs('--amend', pick(vocabulary.amends)),
  pairs('--depth', bound),
  pairs('--max-states', anyNumber),
  pairs('--time', anyNumber),
  pairs('--runs', bound),
  pairs('--steps', bound),
  pairs('--seed', anyNumber),
];
const flag = (...names: string[]) => fc.constantFrom(...names.map((n) => [n]));
const unknown = fc.oneof(
  flag('--dept', '--frob', '-x', '--', '-', '--toString', '--__proto__', '--JSON', '---depth'),
  text.map((t) => [`--${t}`]),
);

const checkOption = fc.oneof(
  ...searchOptions,
  pairs('--property', pick(vocabulary.properties)),
  pairs('--mode', pick(['exhaustive', 'random', 'both'])),
  pairs(
    '--path',
    fc.oneof(
      fc.array(fc.nat(20), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(':')),
      text,
    ),
  ),
  pairs('--crash-cap', bound),
  pairs('--save', pick(['cx', 'saved/deeper', '/proc/x', 'cx.itf.json', 'folder'])),
  pairs('--shard', pick(['0/2', '1/2', '2/2', '0/0', '-1/2', '1/1', '0/3', '1/99999999999999999999'])),
  pairs('--omit', pick(['reflink', 'write,punch', ',', 'reflink,,'])),
  pairs('--max-memory', anyNumber),
  flag('--json', '--force', '--no-timings', '--help', '-h'),
  // Every design at once: rare, since each is a search.
  { weight: 1, arbitrary: flag('--all') },
  designSpec.map((d) => [d]),
  unknown,
);

export const argv = fc
  .oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constant('check'), fc.array(checkOption, { maxLength: 6 })) },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.constant('report'),
        fc.array(
          fc.oneof(
            ...searchOptions,
            pairs('--format', pick(['txt', 'md', 'html', 'all', 'txt,md', 'pdf'])),
            pairs('--out', pick(['-', 'docs', '/proc/x', 'cx.itf.json'])),
            flag('--force'),
            designSpec.map((d) => [d]),
            unknown,
          ),
          { maxLength: 5 },
        ),
      ),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(
        fc.constant('replay'),
        fc.array(
          fc.oneof(
            files.map((f) => [f]),
            flag('--json', '--quiet'),
            pairs('--design', designSpec),
            unknown,
          ),
          { maxLength: 4 },
        ),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.constant('explore'),
        fc.array(
          fc.oneof(
            files.map((f) => [f]),
            pairs('--out', pick(['page.html', 'cx.itf.json', './cx.itf.json', '/proc/x', 'folder'])),
            flag('--force'),
            pairs('--design', designSpec),
            unknown,
          ),
          { maxLength: 4 },
        ),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.constant('designs'),
        fc.array(
          fc.oneof(
            designSpec.map((d) => [d]),
            flag('--json'),
            unknown,
          ),
          { maxLength: 3 },
        ),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.constant('merge'),
        fc.array(
          fc.oneof(
            files.map((f) => [f]),
            flag('--json', '--no-timings'),
            unknown,
          ),
          { maxLength: 4 },
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constant('new'),
        fc.array(
          fc.oneof(
            pick(['my-design', 'sub/my-design', 'Bad', 'a/../b', '/proc/x/d', 'cx.itf.json/d', 'folder/d']).map((n) => [n]),
            flag('--force'),
            unknown,
          ),
          { maxLength: 3 },
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        pick(['help', '--help', '-h', '-V', '--version', 'chek', 'Check', 'toString', '__proto__', '']),
        fc.array(
          fc.oneof(
            pick(['check', 'replay', 'conform']).map((w) => [w]),
            unknown,
          ),
          { maxLength: 2 },
        ),
      ),
    },
  )
  .map(([command, options]) => [command, ...options.flat()]);

/** The search bounds every check and report starts from; a fuzzed bound after them replaces them (commander keeps the last). */
const SMALL = ['--depth', '2', '--runs', '2', '--steps', '3'];
export const bounded = (words: string[]) => (words[0] === 'check' || words[0] === 'report' ? [words[0], ...SMALL, ...words.slice(1)] : words);

/** The value commander keeps for `--mode`: the last one given. */
export function modeOf(words: readonly string[]): string | undefined {
  let mode: string | undefined;
  words.forEach((w, i) => {
    if (w === '--mode') mode = words[i + 1];
    else if (w.startsWith('--mode=')) mode = w.slice('--mode='.length);
  });
  return mode;
}
