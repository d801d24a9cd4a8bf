/**
 * DOT to SVG with Graphviz compiled to WebAssembly (@viz-js/viz): nothing
 * to install on the system, and the same output on every machine, so that
 * the generated documents are reproducible. The instance is made once.
 */
import { instance, type Viz } from '@viz-js/viz';

let viz: Promise<Viz> | undefined;

export async function dotToSvg(dot: string): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    throw new Error(`graphviz failed: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  // Inline in HTML: no XML prolog, doctype or generator comment.
  return result.output
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/<!DOCTYPE[^>]*>\s*/, '')
    .replace(/<!--[\s\S]*?-->\s*/g, '')
    .trim();
}
