/**
 * Where a command writes: stdout carries only the result, stderr the progress
 * line and errors. Injected so that tests run commands in-process.
 */
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

/** A subcommand: `pagecheck <name> ...`. It returns the exit code. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  run(args: readonly string[], io: Io): number | Promise<number>;
}
