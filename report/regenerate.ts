/**
 * `npm run proofs`: regenerates docs/proofs/ (every built-in design, all
 * three formats, the design's default bound, seed 1). Each configuration of
 * each design (its default, each bug toggle) is proved in a process of its
 * own (and each amended configuration), as many at once as the machine has cores, since the searches are
 * independent and netfs-regions alone has sixteen of half a minute each; the
 * documents, their data (docs/proofs/NAME.json) and the index, made from
 * every design's data, are then written together. Only the designs whose
 * inputs hash changed are proved again (`--all` proves every one);
 * `npm run proofs -- NAME...` proves those designs. Every document is
 * rendered again from the data each time, which takes seconds: that is all
 * a new review needs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { designs, findDesign } from '../model/designs/index.js';
import { FORMATS, PROOFS_DIR, writeAll } from './documents.js';
import { dataFile, readProofData, renderFromData, writeProofData } from './proof-data.js';
import { defaultInputs, designInfo, proofConfigs, prove } from './generate.js';
import type { Proof, ProofRun } from './proof.js';
import { inWorkers } from './workers.js';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--one') {
  // A worker: one configuration of one design (by its place in proofConfigs), sent back as a run.
  const design = findDesign(process.argv[3]);
  const config = proofConfigs(design)[Number(process.argv[4])];
  process.stderr.write(`proofs: ${design.name}: ${config.title.toLowerCase()}\n`);
  const proof = prove(design, { bugs: config.bugs, amends: config.amends });
  const run = { ...proof.runs[0], title: config.title };
  process.send!(run, () => process.exit(0));
} else {
  const all = process.argv.includes('--all');
  const wanted = process.argv.slice(2).filter((a) => a !== '--all');
  for (const name of wanted) findDesign(name);
  // Without names, only the designs whose inputs changed since their data was made (all of them with --all).
  const fresh = (name: string): boolean => readProofData(PROOFS_DIR, name)?.inputs === defaultInputs(findDesign(name));
  const chosen = wanted.length ? wanted : designs.map((d) => d.name).filter((name) => all || !fresh(name));
  process.stderr.write(`proofs: proving ${chosen.length ? chosen.join(', ') : 'nothing: the data of every design is up to date'}\n`);
  // Every configuration is a job of its own, so that one design's many toggles share the cores.
  const jobs = chosen.flatMap((name) => proofConfigs(findDesign(name)).map((_c, at) => ({ name, at })));
  const runs = new Map<string, ProofRun>();
  await inWorkers<{ name: string; at: number }, ProofRun>(
    self,
    jobs,
    ({ name, at }) => [name, String(at)],
    ({ name, at }, run) => runs.set(`${name}\0${at}`, run),
  );

  const proofs: Proof[] = chosen.map((name) => {
    const design = findDesign(name);
    const ordered = proofConfigs(design).map((_c, at) => runs.get(`${name}\0${at}`)!);
    // The inputs hash is the default proof's (report/generate.ts), the same whichever process made it.
    const inputs = defaultInputs(design);
    return { design: designInfo(design), runs: ordered, ...(inputs ? { inputs } : {}) };
  });
  // The data first; then every design's documents and the index are rendered from the data, so that
  // reviews written since (which the documents show, and no search depends on) reach every document.
  for (const proof of proofs) process.stdout.write(`${writeProofData(PROOFS_DIR, proof)}\n`);
  const names = designs.map((d) => d.name);
  const missing = names.filter((n) => !existsSync(dataFile(PROOFS_DIR, n)));
  if (missing.length) process.stderr.write(`proofs: no data yet for ${missing.join(', ')}; the index lists the others\n`);
  const files = new Map<string, string>();
  for (const format of FORMATS) for (const [name, text] of await renderFromData(PROOFS_DIR, names, format)) files.set(name, text);
  for (const f of writeAll(PROOFS_DIR, files)) process.stdout.write(`${f}\n`);
}
