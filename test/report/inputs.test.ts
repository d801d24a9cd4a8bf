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
    expect(codeOf('a.ts', 'const r = /a\\/\\/b/;\n')).toContain('/a\\/\\/b/');
  });
});
