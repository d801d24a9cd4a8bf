/**
 * `npm run proofs:html`: renders docs/proofs/*.html from the committed proof
 * data (report/proof-data.ts), without searching: the HTML documents are
 * built, not kept in git.
 */
import { designs } from '../model/designs/index.js';
import { PROOFS_DIR, writeAll } from './documents.js';
import { renderFromData } from './proof-data.js';

const files = await renderFromData(
  PROOFS_DIR,
  designs.map((d) => d.name),
  'html',
);
for (const f of writeAll(PROOFS_DIR, files)) process.stdout.write(`${f}\n`);
