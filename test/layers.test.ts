/**
 * The layers point one way (ARCHITECTURE.md): the engine knows nothing of
 * pages; properties read the world's vocabulary and designs import them;
 * nothing below the command line imports cli/. Read from the sources' import
 * lines, type imports included, since a type import is a dependency too.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../report/inputs.js';

const root = packageRoot();
const sources = execSync('git ls-files "*.ts"', { cwd: root })
  .toString()
  .trim()
  .split('\n')
  .filter((f) => !/^(test|scratch|examples)\//.test(f) && !f.endsWith('.config.ts'));

const IMPORT = /\bfrom\s*['"](\.[^'"]+)['"]|\bimport\s*\(\s*['"](\.[^'"]+)['"]/g;
const imports = new Map(sources.map((f) => [f, [...readFileSync(join(root, f), 'utf8').matchAll(IMPORT)].map((m) => normalize(join(dirname(f), m[1] ?? m[2])).replace(/\.js$/, '.ts'))]));
const layer = (file: string): string => (file.includes('/') ? file.split('/')[0] : file.replace(/\.ts$/, ''));

// What each folder may import besides itself. Entry points of maintenance scripts sit above everything.
const ALLOWED: Record<string, readonly string[]> = {
  engine: [],
  model: ['engine', 'properties'],
  properties: ['engine', 'model'],
  trace: ['engine', 'model'],
  checker: ['engine', 'model', 'properties', 'trace'],
  report: ['engine', 'model', 'properties', 'trace', 'checker'],
  scenarios: ['engine', 'model', 'properties', 'trace', 'checker'],
  bench: ['engine', 'model', 'properties', 'trace', 'checker'],
  conform: ['engine', 'model', 'properties', 'trace', 'checker'],
};
const ENTRY_POINTS = new Set(['conform/long.ts']);

describe('layers', () => {
  it('every folder imports only the layers below it', () => {
    const wrong: string[] = [];
    for (const [file, deps] of imports) {
      const allowed = ALLOWED[layer(file)];
      if (!allowed || ENTRY_POINTS.has(file)) continue;
      for (const dep of deps) if (layer(dep) !== layer(file) && !allowed.includes(layer(dep))) wrong.push(`${file} imports ${dep}`);
    }
    expect(wrong).toEqual([]);
  });

  it('what properties read of model/ never imports properties/ back (the world vocabulary sits below the properties)', () => {
    const reached = new Set<string>();
    const todo = [...imports].filter(([f]) => layer(f) === 'properties').flatMap(([, deps]) => deps.filter((d) => layer(d) === 'model'));
    while (todo.length) {
      const f = todo.pop()!;
      if (reached.has(f)) continue;
      reached.add(f);
      todo.push(...(imports.get(f) ?? []).filter((d) => layer(d) === 'model'));
    }
    const back = [...reached].flatMap((f) => (imports.get(f) ?? []).filter((d) => layer(d) === 'properties').map((d) => `${f} imports ${d}`));
    expect(back).toEqual([]);
  });

  it('no source file outside the command line imports cli/, and none imports testing/', () => {
    const wrong = [...imports].flatMap(([f, deps]) =>
      deps
        .filter((d) => (layer(d) === 'cli' && !['cli', 'testing', 'index'].includes(layer(f)) && !ENTRY_POINTS.has(f)) || (layer(d) === 'testing' && layer(f) !== 'testing'))
        .map((d) => `${f} imports ${d}`),
    );
    expect(wrong).toEqual([]);
  });
});
