/**
 * `pagecheck replay FILE [--json]`: exit 1 when the recorded violation
 * reproduces (as `check` exits 1 on a violation), 0 when the trace replays
 * but the property holds at its end, 2 when the trace is rejected. A trace
 * of a user's design names its module (`#meta.module`) and is replayed
 * against it; `--design` gives the module when it has moved.
 */
import type { Command as Commander } from 'commander';
import { replay } from '../../checker/replay.js';
import { InputError } from '../../model/errors.js';
import { renderText } from '../../trace/render.js';
import { wrapText } from '../../report/wrap.js';
import type { Options } from '../args.js';
import { designOfTrace } from '../trace-design.js';
import type { Command, Io } from '../io.js';
import { readTrace } from '../trace-file.js';
import { blamingModule } from '../load.js';
import { traceMeta } from '../../trace/counterexample.js';

async function run(operands: readonly string[], o: Options, io: Io): Promise<number> {
  const [file] = operands;
  const trace = readTrace(file);
  const design = await designOfTrace(trace, file, o.design as string | undefined);
  // A user's design (--design, or the module the trace records) that fails while replayed is at fault, not pagecheck.
  const module = (o.design as string | undefined) ?? traceMeta(trace).module;
  let outcome;
  try {
    outcome = await blamingModule(module, () => replay(trace, design));
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
  if (o.json) {
    io.stdout(JSON.stringify({ file, ...outcome }, null, 2) + '\n');
  } else {
    if (!o.quiet) io.stdout(wrapText(renderText(trace)) + '\n');
    io.stdout(
      wrapText(
        outcome.reproduces
          ? `reproduces: ${outcome.design} violates ${outcome.property} after ${outcome.steps} actions: ${outcome.message}`
          : `does not reproduce: the trace replays, but ${outcome.property} holds in its last state`,
      ) + '\n',
    );
  }
  return outcome.reproduces ? 1 : 0;
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 're-execute a saved counterexample and say whether it reproduces',
  define: (c: Commander) =>
    c
      .argument('<file>', 'a trace pagecheck wrote (FILE.itf.json)')
      .option('--json', 'print the outcome as JSON')
      .option('--quiet', 'print only the outcome, not the trace')
      .option('--design <module>', "the design module to replay against, when the trace's recorded module has moved")
      .addHelpText('after', '\nExit 1 when the violation reproduces, 0 when the trace replays but the property\nholds at its end, 2 when the trace is rejected (naming the step).'),
  run,
};
