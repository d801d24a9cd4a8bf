/**
 * The CLI's entry, callable in-process: dispatches a subcommand and turns
 * any bad input into one line on stderr and exit 2, never a stack trace.
 */
import { InputError } from '../model/errors.js';
import { commands } from './commands/index.js';
import type { Io } from './io.js';
import { version } from './version.js';

export const EXIT = { holds: 0, violated: 1, badInput: 2, inconclusive: 3, internal: 70 } as const;

function help(): string {
  const lines = [
    'pagecheck: a model checker for page-sharing designs',
    '',
    ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`),
    '',
    'exit codes: 0 every checked property holds to a completed bound; 1 a violation was found;',
    '            2 bad input; 3 nothing violated but a bound was not completed (inconclusive)',
  ];
  return lines.join('\n') + '\n';
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(help());
    return name === undefined ? EXIT.badInput : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(version() + '\n');
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`pagecheck: unknown command '${name}' (known: ${commands.map((c) => c.name).join(', ')})\n`);
    return EXIT.badInput;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`pagecheck ${name}: ${e.message}\n`);
      return EXIT.badInput;
    }
    // A bug of ours, not the user's: say so in a line; the stack only on request.
    io.stderr(`pagecheck ${name}: internal error: ${e instanceof Error ? e.message : String(e)} (set PAGECHECK_DEBUG=1 for the stack)\n`);
    if (process.env.PAGECHECK_DEBUG) io.stderr(`${e instanceof Error ? e.stack : ''}\n`);
    return EXIT.internal;
  }
}
