#!/usr/bin/env node
/** The `pagecheck` executable. */
import { processIo } from './io.js';
import { run } from './run.js';

// `pagecheck designs | head`: the reader went away; what was left to say has no one to read it.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await run(process.argv.slice(2), processIo);
