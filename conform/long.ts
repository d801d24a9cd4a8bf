/**
 * `npm run conform`: the long conformance pass of issue 11, every design
 * conform runs on XFS and on btrfs, 10,000 sequences of up to 30 steps each
 * (`npm run conform -- RUNS STEPS` for another size), one line of figures per
 * pair and the worst exit code (0 no mismatch, 1 a mismatch, 3 not runnable).
 */
import { run } from '../cli/run.js';
import { processIo } from '../cli/io.js';
import { adapters } from './adapters.js';

const [runs = '10000', steps = '30'] = process.argv.slice(2);
let worst = 0;
for (const { design } of adapters) {
  for (const fs of ['xfs', 'btrfs']) {
    const code = await run(['conform', design, '--fs', fs, '--runs', runs, '--steps', steps, '--seed', '1', '--save', 'conform-mismatches'], processIo);
    worst = Math.max(worst, code);
  }
}
process.exitCode = worst;
