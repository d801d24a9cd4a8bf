// The README's TypeScript snippets compile as printed (issue 15 §2): each
// ```ts block, named by its first line (`// lock.ts`), is type-checked
// against the public API, `pagecheck` and `pagecheck/vitest` mapped to the
// sources, with the project's own compiler options.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;

/** Each ```ts block as [file name, text]; a block without a name line is `snippet-N.ts`. */
export function snippets(markdown: string): [string, string][] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m, i) => {
    const name = /^\/\/ ([\w.-]+\.ts)\n/.exec(m[1])?.[1] ?? `snippet-${i + 1}.ts`;
    return [name, m[1]];
  });
}

// The sources the snippets import are the same each time: the next program reuses them.
let last: ts.Program | undefined;

/** The diagnostics of compiling these files together, one line each. */
export function typeErrors(files: readonly [string, string][], dir: string): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    declaration: false,
    rootDir: undefined,
    baseUrl: root,
    paths: { pagecheck: ['index.ts'], 'pagecheck/vitest': ['testing/vitest.ts'] },
  };
  const program = ts.createProgram(
    files.map(([name]) => join(dir, name)),
    options,
    undefined,
    last,
  );
  last = program;
  // Only the snippets' own diagnostics: the sources are type-checked by `npm test` already, and checking them again here takes long.
  const own = files.map(([name]) => program.getSourceFile(join(dir, name))!);
  const diagnostics = [...program.getOptionsDiagnostics(), ...own.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])];
  return diagnostics.map((d) => {
    const where = d.file ? `${d.file.fileName.replace(`${dir}/`, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe("the README's TypeScript", () => {
  const dir = join(root, 'scratch', `readme-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has snippets, each named', () => {
    const found = snippets(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(found.map(([name]) => name)).toEqual(['lock.ts', 'lock.test.ts']);
  });

  it('compiles as printed', () => {
    expect(typeErrors(snippets(readFileSync(join(root, 'README.md'), 'utf8')), dir)).toEqual([]);
  });

  it('would say which names a snippet leaves undefined (the README before issue 15 did)', () => {
    const errors = typeErrors([['bad.ts', "import { defineDesign } from 'pagecheck';\nexport const d = defineDesign<{ pc: Pc[] }, LockAction>(undefined!);\n"]], `${dir}-bad`);
    rmSync(`${dir}-bad`, { recursive: true, force: true });
    expect(errors).toEqual(["bad.ts:2: Cannot find name 'Pc'.", "bad.ts:2: Cannot find name 'LockAction'."]);
  });
});
