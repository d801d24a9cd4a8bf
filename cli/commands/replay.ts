/**
 * `pagecheck replay FILE [--json]`: exit 1 when the recorded violation
 * reproduces (as `check` exits 1 on a violation), 0 when the trace replays
 * but the property holds at its end, 2 when the trace is rejected.
 */
import { replay } from '../../checker/replay.js';
import { InputError } from '../../model/errors.js';
import { renderText } from '../../trace/render.js';
import { parse } from '../args.js';
import type { Command } from '../io.js';
import { readTrace } from '../trace-file.js';

const usage = 'pagecheck replay FILE [--json] [--quiet]';

export const replayCommand: Command = {
  name: 'replay',
  usage,
  summary: 're-execute a saved counterexample and say whether it reproduces',
  run(args, io) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' }, quiet: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new InputError(`replay takes one trace file (usage: ${usage})`);
    const file = positionals[0];
    const trace = readTrace(file);
    let outcome;
    try {
      outcome = replay(trace);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${file}: ${e.message}`);
      throw e;
    }
    if (values.json) {
      io.stdout(JSON.stringify({ file, ...outcome }, null, 2) + '\n');
    } else {
      if (!values.quiet) io.stdout(renderText(trace) + '\n');
      io.stdout(
        outcome.reproduces
          ? `reproduces: ${outcome.design} violates ${outcome.property} after ${outcome.steps} actions: ${outcome.message}\n`
          : `does not reproduce: the trace replays, but ${outcome.property} holds in its last state\n`,
      );
    }
    return outcome.reproduces ? 1 : 0;
  },
};
