/**
 * What determines a design-proof document, as one hash: the source of the
 * design and of every module it imports (its properties, the model API),
 * the source of the checker and of the report code (everything report/
 * documents.ts imports, followed through relative imports), the versions of
 * the packages those import (fast-check drives the random search, Graphviz
 * draws the pictures), and the search settings. docs/proofs/ records it, and
 * a test recomputes it in milliseconds: a stale document is caught without
 * re-running searches that take up to a minute a design. Sources are hashed
 * as code, comments and layout aside (their syntax trees, syntaxOf), so that
 * a comment or a reformatting does not make every document stale.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

type Printer = { code(path: string, text: string): string };

// TypeScript is a development dependency: a checkout has it, an installed
// package (which hashes its dist/ only for ad hoc reports) may not, and there
// the text is hashed as it is.
function loadPrinter(): Printer | undefined {
  try {
    const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
    return { code: (path, text) => syntaxOf(ts, ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, path.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS)) };
  } catch {
    return undefined;
  }
}

/**
 * The syntax tree as text: each node's kind and the few properties that are
 * code rather than layout (a name's or literal's text, an operator, `const`
 * or `let`, `import type`), children in order. Layout is not in the tree
 * (whether an object spans lines, a trailing comma, quote style), and
 * parentheses are left out, their grouping being the tree's shape: so a
 * formatter that rewraps, or adds clarifying parentheses, changes nothing.
 * (TypeScript's printer, used before, keeps where a line breaks and which
 * parentheses were written.)
 */
function syntaxOf(ts: typeof import('typescript'), root: import('typescript').Node): string {
  const out: string[] = [];
  const binding = ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using;
  const visit = (node: import('typescript').Node): void => {
    if (ts.isParenthesizedExpression(node)) return visit(node.expression);
    if (ts.isParenthesizedTypeNode(node)) return visit(node.type);
    out.push(`(${node.kind}`);
    const n = node as unknown as Record<string, unknown>;
    // (A source file's `text` is the whole source, layout and all.)
    if (!ts.isSourceFile(node))
      for (const key of ['text', 'operator', 'token', 'keywordToken', 'isTypeOnly', 'isExportEquals', 'isTypeOf']) {
        if (typeof n[key] === 'string' || typeof n[key] === 'number' || typeof n[key] === 'boolean') out.push(`${key}=${JSON.stringify(n[key])}`);
      }
    if (node.flags & binding) out.push(`binding=${node.flags & binding}`);
    ts.forEachChild(node, visit, (nodes) => {
      out.push('[');
      nodes.forEach(visit);
      out.push(']');
    });
    out.push(')');
  };
  visit(root);
  return out.join(' ');
}
let printer: Printer | undefined | null = null;
const printed = new Map<string, string>();

/** A source as code: comments and layout aside, so they do not count as inputs. */
export function codeOf(path: string, text: string): string {
  if (printer === null) printer = loadPrinter();
  if (!printer) return text;
  const key = `${path}\0${text}`;
  let code = printed.get(key);
  if (code === undefined) printed.set(key, (code = printer.code(path, text)));
  return code;
}

/** The checkout (or installed package) this module belongs to: the nearest directory up with a package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('pagecheck: cannot find package.json above report/inputs');
    dir = up;
  }
  return dir;
}

const IMPORT = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g;

/** Sources are read as .ts when the checkout has them, else as the built .js under dist/. */
function sourceOf(root: string, rel: string): { path: string; text: string } | undefined {
  const ts = rel.replace(/\.js$/, '.ts');
  for (const cand of [ts, join('dist', rel.replace(/\.ts$/, '.js'))]) {
    const abs = join(root, cand);
    if (existsSync(abs)) return { path: ts, text: readFileSync(abs, 'utf8').replace(/\r\n/g, '\n') };
  }
  return undefined;
}

/** The files reached from `entries` through relative imports, and the packages they import. */
export function importClosure(root: string, entries: readonly string[]): { files: Map<string, string>; packages: Set<string> } {
  const files = new Map<string, string>();
  const packages = new Set<string>();
  const todo = [...entries];
  while (todo.length) {
    const rel = normalize(todo.pop()!).replace(/\.js$/, '.ts');
    if (files.has(rel)) continue;
    const src = sourceOf(root, rel);
    if (!src) throw new Error(`pagecheck: cannot read ${rel} to hash the report's inputs`);
    files.set(rel, src.text);
    for (const m of src.text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) todo.push(relative(root, join(root, dirname(rel), spec)));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return { files, packages };
}

function packageVersion(root: string, name: string): string {
  const file = join(root, 'node_modules', name, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : 'absent';
}

/** The design's own file when it follows the registry's naming, else every registered design. */
export function designEntry(root: string, design: string): string {
  const own = `model/designs/${design}.ts`;
  return sourceOf(root, own) ? own : 'model/designs/index.ts';
}

export function inputsHash(design: string, settings: unknown, root = packageRoot()): string {
  const { files, packages } = importClosure(root, [designEntry(root, design), 'report/documents.ts', 'report/generate.ts']);
  const h = createHash('sha256');
  for (const path of [...files.keys()].sort()) h.update(`file ${path}\0${codeOf(path, files.get(path)!)}\0`);
  for (const name of [...packages].sort()) h.update(`package ${name}@${packageVersion(root, name)}\0`);
  h.update(`settings ${JSON.stringify(settings)}\0`);
  // 160 bits tell documents apart as well as 256, and the line fits a mail.
  return `sha256:${h.digest('hex').slice(0, 40)}`;
}
