/**
 * The CLI's entry, callable in-process: parses with commander and runs the
 * command, turning any bad input into one line on stderr and exit 2, never a
 * stack trace.
 */
import { CommanderError } from 'commander';
import { InputError } from '../model/errors.js';
import { commands } from './commands/index.js';
import type { Io } from './io.js';
import { isRaw, program, type Ran } from './program.js';
import { knownNames } from './suggest.js';

export const EXIT = { holds: 0, violated: 1, badInput: 2, inconclusive: 3, internal: 70 } as const;

/** An error message on one line: a line break inside one (a loader's, a design's) becomes `; `. */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('; ');
}

/** Commander's `error: unknown option '--frob'\n(Did you mean --from?)` as `unknown option '--frob' (did you mean --from?)`. */
function commanderText(e: CommanderError): string {
  const text = e.message.replace(/^error: /, '').replace(/\n\(Did you mean/, ' (did you mean');
  const missing = /^option '(--[\w-]+)(?: <[^>]+>)?' argument missing$/.exec(text);
  return missing ? `${missing[1]} needs a value` : text;
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  const command = commands.find((c) => c.name === name);
  const who = command ? `pagecheck ${command.name}` : 'pagecheck';
  if (name === undefined) {
    io.stderr(`pagecheck: name a command (${commands.map((c) => c.name).join(', ')}); pagecheck --help says more\n`);
    return EXIT.badInput;
  }
  if (name === 'help' && args.length && !commands.some((c) => c.name === args[0])) {
    // Commander would print the whole help on stderr here; say what is wrong instead.
    io.stderr(
      `pagecheck: no command '${args[0]}' to help with ${knownNames(
        args[0],
        commands.map((c) => c.name),
        'commands:',
      )}\n`,
    );
    return EXIT.badInput;
  }
  try {
    if (command && isRaw(command)) return await command.run(args, io);
    const ran: Ran = {};
    await program(io, ran).parseAsync([...argv], { from: 'user' });
    return ran.code ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are commander's way out with code 0; everything else it refuses is bad input.
      if (e.exitCode === 0) return 0;
      io.stderr(`${who}: ${oneLine(commanderText(e))}\n`);
      return EXIT.badInput;
    }
    if (e instanceof InputError) {
      io.stderr(`${who}: ${oneLine(e.message)}\n`);
      return EXIT.badInput;
    }
    // A bug of ours, not the user's: say so in a line; the stack only on request.
    io.stderr(`${who}: internal error: ${oneLine(e instanceof Error ? e.message : String(e))} (set PAGECHECK_DEBUG=1 for the stack)\n`);
    if (process.env.PAGECHECK_DEBUG) io.stderr(`${e instanceof Error ? e.stack : ''}\n`);
    return EXIT.internal;
  }
}
