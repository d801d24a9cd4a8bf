/**
 * Where a command writes: stdout carries only the result, stderr the progress
 * line and errors. Injected so that tests run commands in-process.
 */
import type { Command as Commander } from 'commander';
import type { Options } from './args.js';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (the progress line is drawn only there). */
  readonly stderrIsTTY: boolean;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: Boolean(process.stderr.isTTY),
};

/**
 * A subcommand, `pagecheck <name> ...`: it declares its operands, options and
 * help on commander's command, and runs with what commander parsed. Adding
 * one is a file in cli/commands/ and a line in cli/commands/index.ts.
 */
export interface Command {
  readonly name: string;
  /** One line, for the list of commands. */
  readonly summary: string;
  define(command: Commander): Commander;
  /** Returns the exit code; bad input is thrown as an InputError (cli/run.ts prints it in one line, exit 2). */
  run(operands: readonly string[], options: Options, io: Io): number | Promise<number>;
}

/**
 * A command still written against the parseArgs interface: it gets its
 * words as typed and parses them itself (`--help` included).
 * TODO(merge of the conform branch): none should remain.
 */
export interface RawCommand {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  run(args: readonly string[], io: Io): number | Promise<number>;
}
