/**
 * The data of the repository's design proofs: docs/proofs/NAME.json holds the
 * Proof each document is rendered from. The text and Markdown documents are
 * committed beside it; the HTML ones (80 MB of pictures) are rendered from it
 * on demand (`npm run proofs:html`, and by CI as an artifact) instead of being
 * committed, and the tests check that the committed documents are what the
 * data renders to.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderIndex, renderProof, type Format } from './documents.js';
import type { Proof } from './proof.js';

export const dataFile = (dir: string, design: string): string => join(dir, `${design}.json`);

// One run per line keeps a regeneration's diff to the runs that changed.
export function proofData(proof: Proof): string {
  const runs = proof.runs.map((r) => `  ${JSON.stringify(r)}`).join(',\n');
  return `{"design": ${JSON.stringify(proof.design)},${proof.inputs ? ` "inputs": ${JSON.stringify(proof.inputs)},` : ''} "runs": [\n${runs}\n]}\n`;
}

export function writeProofData(dir: string, proof: Proof): string {
  const file = dataFile(dir, proof.design.name);
  writeFileSync(file, proofData(proof));
  return file;
}

export function readProofData(dir: string, design: string): Proof | undefined {
  const file = dataFile(dir, design);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Proof) : undefined;
}

const proofsOf = (dir: string, names: readonly string[]): Proof[] => names.map((n) => readProofData(dir, n)).filter((p): p is Proof => p !== undefined);

/** The index in `format` of the designs among `names` that have data. */
export function indexFromData(dir: string, names: readonly string[], format: Format): string {
  return renderIndex(
    proofsOf(dir, names).map((proof) => ({ proof, file: `${proof.design.name}.${format}` })),
    format,
  );
}

/** Each design's document in `format` and the index, rendered from the data of `names` (those that have data). */
export async function renderFromData(dir: string, names: readonly string[], format: Format): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const proof of proofsOf(dir, names)) out.set(`${proof.design.name}.${format}`, await renderProof(proof, format));
  out.set(`index.${format}`, indexFromData(dir, names, format));
  return out;
}
