/**
 * The command line as a commander program: `--help`/`-h` on every command,
 * `help [command]`, `--version`/`-V`, and commander's own "did you mean" for
 * misspelt commands and options. Built afresh for every run (commander keeps
 * what it parsed on the program), with output through the injected Io and
 * errors thrown, not exited: cli/run.ts turns them into exit codes.
 */
import { Command as Commander, Help } from 'commander';
import { commands } from './commands/index.js';
import type { Command, Io, RawCommand } from './io.js';
import { version } from './version.js';

export const EXIT_CODES = `Exit codes (decided by the properties each design claims):
  0  every claimed property holds to a completed bound
  1  a claimed property is violated
  2  bad input (one line on stderr naming it)
  3  nothing claimed was violated, but nothing is proven (a bound not
     completed, a vacuous "holds", or random search alone)`;

const EXAMPLES = `Examples:
  pagecheck designs
  pagecheck check bench-reflink-cow --bug no-zero-on-free --save cx
  pagecheck replay cx/bench-reflink-cow/free-zeroed.itf.json
  pagecheck new my-design && pagecheck check ./my-design.ts`;

export const isRaw = (c: Command | RawCommand): c is RawCommand => !('define' in c);

export interface Ran {
  /** The exit code the command's action returned; undefined when commander stopped first (help, version, an error). */
  code?: number;
}

export function program(io: Io, ran: Ran): Commander {
  const p = new Commander('pagecheck')
    .description('A model checker for the page-sharing designs argued about on the Linux kernel lists.')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s), outputError: () => {} })
    .configureHelp({ sortSubcommands: false, helpWidth: 80 } as Partial<Help>)
    .addHelpText('after', `\n${EXIT_CODES}\n\n${EXAMPLES}\n`);
  for (const c of commands) {
    if (isRaw(c)) {
      // Listed in the help; cli/run.ts hands it its words before commander parses them.
      p.command(c.name).argument('[args...]').description(c.summary).helpOption(false).allowUnknownOption().allowExcessArguments();
      continue;
    }
    const sub = c.define(p.command(c.name).description(c.summary).allowExcessArguments(false));
    sub.action(async (...args: unknown[]) => {
      const self = args.at(-1) as Commander;
      ran.code = await c.run(self.args, self.opts(), io);
    });
  }
  return p;
}
