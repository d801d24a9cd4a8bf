/**
 * `npm run proofs`: regenerates docs/proofs/ (every built-in design, all
 * three formats, the design's default bound, seed 1).
 */
import { processIo } from '../cli/io.js';
import { reportCommand } from '../cli/commands/report.js';
import { PROOFS_DIR } from './documents.js';

process.exitCode = await reportCommand.run(['--all', '--format', 'all', '--out', PROOFS_DIR], processIo);
