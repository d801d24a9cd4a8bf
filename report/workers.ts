/**
 * Runs independent jobs of a maintenance script (`npm run proofs`, `npm run
 * corpus`) in child processes of that same script, as many at once as the
 * machine has cores: each child gets its job as arguments after `--one`,
 * sends back one message, and exits 0.
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';

export async function inWorkers<J, M>(script: string, jobs: readonly J[], argsOf: (job: J) => string[], onMessage: (job: J, message: M) => void): Promise<void> {
  const queue = [...jobs];
  const one = (job: J): Promise<void> =>
    new Promise((resolve, reject) => {
      let answered = false;
      const child = fork(script, ['--one', ...argsOf(job)], { execArgv: process.execArgv });
      child.on('message', (m) => {
        answered = true;
        onMessage(job, m as M);
      });
      child.on('exit', (code) => (code === 0 && answered ? resolve() : reject(new Error(`${argsOf(job).join(' ')} failed (exit ${code})`))));
    });
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) await one(job);
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), jobs.length) }, worker));
}
