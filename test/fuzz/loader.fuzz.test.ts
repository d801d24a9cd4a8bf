// Fuzzing the design loader (issue 16 §5): users' modules (`check ./d.ts`,
// `./d.ts#name`) built from a working design (examples/lock) with a field
// replaced by something odd, a module that throws or does not compile, and
// export names from Object's prototype; each loaded by jiti and checked,
// listed or reported in-process. The invariants are in harness.ts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzParams, PROTOTYPE_NAMES, runs, runWellBehaved, timeout } from './harness.js';

const repo = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pagecheck-fuzz-loader-'));
const lock = readFileSync(join(repo, 'examples/lock/lock.ts'), 'utf8').replace("from '../../index.js'", "from 'pagecheck'");
writeFileSync(join(dir, 'lock.ts'), lock);

const throwing = (what: string) => `() => { throw ${what}; }`;
/** What a field of the design may be instead: every type, functions that throw (an Error with two lines, a number, null) or return nonsense, a Proxy that throws on every read. */
const value = fc.constantFrom(
  'undefined',
  'null',
  '0',
  '-1',
  '"x"',
  '""',
  '"a b"',
  '"__proto__"',
  '"\u00e9t\u00e9"',
  '[]',
  '{}',
  '[null]',
  '[{}]',
  'Object.create(null)',
  throwing('new Error("boom\\nsecond line")'),
  throwing('5'),
  throwing('null'),
  throwing('new RangeError("x".repeat(500))'),
  '() => undefined',
  '() => null',
  '() => 5',
  '() => [{ kind: "nope" }]',
  '() => [null]',
  '() => [{}]',
  '(s) => s',
  '() => ({})',
  '[{ id: "p", description: "d", check: ' + throwing('new Error("in a property")') + ' }]',
  '[{ id: "toString", description: "d", check: () => undefined }]',
  '[{ id: "g", description: "d", reached: ' + throwing('new Error("in a goal")') + ' }]',
  '[{ id: 5, check: () => "always violated" }]',
  '{ N: { default: 3, min: 5, max: 1, description: "d" } }',
  '{ N: { default: 9, min: 1, max: 3, description: "d" } }',
  '{ N: null }',
  '{ N: { default: 1.5, min: 1, max: 3, description: "d" } }',
  '{ try: 5, enter: null, leave: ' + throwing('new Error("in next")') + ' }',
  '{ try: () => () => { throw new Error("in a transition"); } }',
  'new Proxy({}, { get() { throw new Error("a trap"); } })',
);
const field = fc.constantFrom('name', 'init', 'actions', 'next', 'always', 'sometimes', 'params', 'bugs', 'claims', 'notes', 'amendments', 'liveness', 'validate', 'label', 'kind', ...PROTOTYPE_NAMES);
const exportName = fc.constantFrom('default', 'lock', 'toString', 'constructor', '__proto__', 'then', 'x y', '');

/** A module's text, and the export the spec names (undefined: none, so `default`). */
const moduleText = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 3 }), exportName).map(([fields, name]) => {
      const body = `{ ...lock, ${fields.map(([f, v]) => `[${JSON.stringify(f)}]: ${v}`).join(', ')} }`;
      return { text: `import { lock } from './lock.ts';\nconst d = ${body};\nexport { d as ${JSON.stringify(name)} };\n`, name };
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          'export default {',
          'throw new Error("at the top\\nof the module");',
          'throw 5;',
          'export default 5;',
          'export default null;',
          'export default undefined;',
          'export default Promise.resolve(1);',
          'export default function () {}',
          'module.exports = { name: 1 };',
          'import { nothing } from "./absent.ts";\nexport default nothing;',
          'import x from "no-such-package";\nexport default x;',
          'export default new Proxy({}, { get() { throw new Error("a trap"); }, has() { throw new Error("a trap"); } });',
          'export const a = 1;',
          'await new Promise((r) => setTimeout(r, 1));\nexport { lock as default } from "./lock.ts";',
          'export { lock as default } from "./lock.ts";',
          'export { lock as "__proto__" } from "./lock.ts";',
          'const t = "\u{1F600}";\nexport default { name: t };',
        ),
        exportName,
      )
      .map(([text, name]) => ({ text, name })),
  },
);
const hash = fc.constantFrom('', '#', '#a#b', '#/x');
const command = fc.constantFrom(
  ['check', '--depth', '2', '--runs', '2', '--steps', '3'],
  ['check', '--mode', 'random', '--runs', '1', '--steps', '3'],
  ['check', '--mode', 'exhaustive', '--depth', '3', '--bug', 'check-then-set'],
  ['designs'],
  ['designs', '--json'],
  ['report', '--depth', '1', '--runs', '1', '--steps', '2', '--out', '-', '--format', 'txt'],
);

const CASES = runs(120, 1_000);
let n = 0;

describe('fuzzed design modules', () => {
  it(
    `${CASES} runs: exit 0-3, no stack trace, a refused module in one line`,
    async () => {
      await fc.assert(
        fc.asyncProperty(moduleText, fc.boolean(), hash, command, async ({ text, name }, named, odd, words) => {
          // A fresh file each time: jiti keeps every module it loaded.
          const file = join(dir, `m${n++}.ts`);
          writeFileSync(file, text);
          const spec = named ? `${file}#${name}` : `${file}${odd}`;
          await runWellBehaved([words[0], spec, ...words.slice(1)]);
        }),
        fuzzParams(CASES),
      );
    },
    timeout(CASES),
  );
});
