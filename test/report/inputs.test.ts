/** The inputs hash of a proof document (report/inputs.ts) counts code, not comments or layout. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeOf, inputsHash } from '../../report/inputs.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pagecheck-inputs-'));
  writeFileSync(join(root, 'package.json'), '{}');
  for (const [path, text] of Object.entries({ 'report/documents.ts': 'export const d = 1;\n', 'report/generate.ts': 'export const g = 2;\n', ...files })) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('inputsHash', () => {
  const design = "import { step } from '../../engine/step.js';\nexport const toy = step(1);\n";
  const engine = 'export function step(n: number): number {\n  return n + 1;\n}\n';

  it('is the same when only a comment or the layout of an imported file changes', () => {
    const before = inputsHash('toy', {}, tree({ 'model/designs/toy.ts': design, 'engine/step.ts': engine }));
    const commented = tree({
      'model/designs/toy.ts': design,
      'engine/step.ts': '/** Why it adds one. */\nexport function step(n: number): number {\n    // one\n    return n   +   1;\n}\n',
    });
    expect(inputsHash('toy', {}, commented)).toBe(before);
  });

  it('changes when the code of an imported file changes', () => {
    const before = inputsHash('toy', {}, tree({ 'model/designs/toy.ts': design, 'engine/step.ts': engine }));
    const changed = tree({ 'model/designs/toy.ts': design, 'engine/step.ts': engine.replace('n + 1', 'n + 2') });
    expect(inputsHash('toy', {}, changed)).not.toBe(before);
  });

  it('keeps strings and template literals that look like comments', () => {
    expect(codeOf('a.ts', "const s = '// not a comment';\n")).toContain('// not a comment');
    expect(codeOf('a.ts', 'const t = `/* kept */`;\n')).toContain('/* kept */');
    expect(codeOf('a.ts', 'const r = /a\\/\\/b/;\n')).toContain(JSON.stringify('/a\\/\\/b/'));
  });

  // What prettier changes: line breaks, trailing commas, quotes, clarifying parentheses.
  it('is the same when a formatter rewraps, adds trailing commas and parentheses, or changes quotes', () => {
    const before = "const o = { a: 1, b: [2, 3] };\nconst x = a && b || c;\nexport const f = (d) => (d.v = 1, d.w = 'x');\n";
    const after = 'const o = {\n  a: 1,\n  b: [\n    2,\n    3,\n  ],\n};\nconst x = (a && b) || c;\nexport const f = (d) => ((d.v = 1), (d.w = "x"));\n';
    expect(codeOf('a.ts', after)).toBe(codeOf('a.ts', before));
  });

  it('changes with what the code does: operators, const or let, optional chains, type-only imports, literals', () => {
    const pairs: [string, string][] = [
      ['x++;', 'x--;'],
      ['const a = 1;', 'let a = 1;'],
      ['f(a.b);', 'f(a?.b);'],
      ["import type { T } from './t.js';", "import { T } from './t.js';"],
      ["f('a');", "f('b');"],
      ['f(a + b * c);', 'f((a + b) * c);'],
      ['f(!a);', 'f(-a);'],
    ];
    for (const [a, b] of pairs) expect(codeOf('a.ts', a), `${a} vs ${b}`).not.toBe(codeOf('a.ts', b));
  });
});
