/**
 * `npm run proofs`: regenerates docs/proofs/ (every built-in design, all
 * three formats, the design's default bound, seed 1). Each design is proved
 * in a process of its own, as many at once as the machine has cores, since
 * the searches are independent and take up to minutes each; the documents
 * and the index are then written together. `npm run proofs -- NAME...`
 * proves only those designs and keeps the others' documents.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { designs, findDesign } from '../model/designs/index.js';
import { fileName, FORMATS, PROOFS_DIR, renderAll, writeAll } from './documents.js';
import { designInfo, prove } from './generate.js';
import type { Proof } from './proof.js';

type Proved = Omit<Proof, 'design'>;

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--one') {
  // A worker: prove one design and send back what is not in the registry.
  const { runs, inputs } = prove(findDesign(process.argv[3]), {
    onRun: (title) => process.stderr.write(`proofs: ${process.argv[3]}: ${title.toLowerCase()}\n`),
  });
  process.send!({ runs, ...(inputs ? { inputs } : {}) } satisfies Proved, () => process.exit(0));
} else {
  const wanted = process.argv.slice(2);
  for (const name of wanted) findDesign(name);
  const chosen = wanted.length ? wanted : designs.map((d) => d.name);
  const proved = new Map<string, Proved>();
  const queue = [...chosen];
  const one = (name: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = fork(self, ['--one', name], { execArgv: process.execArgv });
      child.on('message', (m) => proved.set(name, m as Proved));
      child.on('exit', (code) => (code === 0 && proved.has(name) ? resolve() : reject(new Error(`proving ${name} failed (exit ${code})`))));
    });
  const worker = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) await one(name);
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), chosen.length) }, worker));

  // The index lists every design: those not proved now keep their documents, read back as they are.
  const proofs: Proof[] = chosen.map((name) => ({ design: designInfo(findDesign(name)), ...proved.get(name)! }));
  const files = await renderAll(proofs, FORMATS, wanted.length === 0);
  if (wanted.length) {
    const missing = designs.filter((d) => !chosen.includes(d.name) && !existsSync(join(PROOFS_DIR, fileName(d.name, 'txt'))));
    if (missing.length) process.stderr.write(`proofs: no documents yet for ${missing.map((d) => d.name).join(', ')}; run without names to make the index\n`);
    else process.stderr.write('proofs: the index was left as it was; run without names to remake it\n');
  }
  for (const f of writeAll(PROOFS_DIR, files)) process.stdout.write(`${f}\n`);
}
