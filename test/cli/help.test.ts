// A conventional command line (issue 15 §2): help on every command,
// suggestions for what was misspelt, a version, and `designs NAME`.
import { describe, expect, it } from 'vitest';
import { commands } from '../../cli/commands/index.js';
import { cli } from './helpers.js';

const names = commands.map((c) => c.name);

describe('help', () => {
  it.each(
    names.flatMap((n) => [
      [n, '--help'],
      [n, '-h'],
    ]),
  )("%s %s prints the command's usage on stdout and exits 0", async (name, flag) => {
    const r = await cli(name, flag);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(new RegExp(`^Usage: pagecheck ${name} `));
    expect(r.stdout).toMatch(/\n {2}-h, --help +show help\n/);
  });

  it('help COMMAND is the same as COMMAND --help', async () => {
    expect((await cli('help', 'replay')).stdout).toBe((await cli('replay', '--help')).stdout);
  });

  it('lists every command on a line of its own, then the exit codes', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    const list = r.stdout.slice(r.stdout.indexOf('Commands:\n'), r.stdout.indexOf('\nExit codes'));
    for (const n of names) expect(list).toMatch(new RegExp(`\\n {2}${n} (\\[options\\] )?\\S`));
    // Each entry's summary stays in its own column: no paragraph runs into the list.
    for (const line of list.split('\n').slice(1).filter(Boolean)) expect(line).toMatch(/^ {2}\S| {20,}\S/);
    expect(r.stdout).toMatch(/Exit codes[^\n]*\n {2}0 {2}every claimed property holds/);
  });

  it('prints its version with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await cli(flag);
      expect([r.code, r.stdout.trim()]).toEqual([0, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
    }
  });
});

describe('suggestions, in the one line of a refusal', () => {
  const cases: [string, string[], RegExp][] = [
    ['a command to help with', ['help', 'chekc'], /^pagecheck: no command 'chekc' to help with \(did you mean check\? commands: check, replay, /],
    ['a command', ['chek', 'bench-reflink-cow'], /^pagecheck: unknown command 'chek' \(did you mean check\?\)$/],
    ['an option', ['check', 'bench-reflink-cow', '--dept', '3'], /^pagecheck check: unknown option '--dept' \(did you mean --depth\?\)$/],
    ['a design', ['check', 'fsdax-shraed'], /^pagecheck check: unknown design 'fsdax-shraed' \(did you mean fsdax-shared\? known: bench-reflink-cow, /],
    ['a design to show', ['designs', 'netfs-mainlin'], /^pagecheck designs: unknown design 'netfs-mainlin' \(did you mean netfs-mainline\? known: /],
    ['a property', ['check', 'bench-reflink-cow', '--property', 'acounting'], /no chosen design has property 'acounting' \(did you mean accounting\? known: accounting, free-zeroed\)$/],
    ['a bug toggle', ['check', 'bench-reflink-cow', '--bug', 'no-zero-on-fre'], /has no bug toggle 'no-zero-on-fre' \(did you mean no-zero-on-free\? it has leak-on-punch, no-zero-on-free\)$/],
    ['a parameter in the wrong case', ['check', 'bench-reflink-cow', '--param', 'f=3'], /has no parameter 'f' \(did you mean F\? it has F, B, P, V\)$/],
    ['a report bug toggle', ['report', 'bench-reflink-cow', '--bug', 'leak-on-pnch', '--out', '-', '--format', 'txt'], /has no bug toggle 'leak-on-pnch' \(did you mean leak-on-punch\?/],
  ];
  it.each(cases)('%s', async (_what, argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
    expect(r.stderr.trim()).toMatch(message);
  });

  it('guesses nothing when nothing is near', async () => {
    const r = await cli('check', 'bench-reflink-cow', '--param', 'Q=1');
    expect(r.stderr.trim()).toBe("pagecheck check: design bench-reflink-cow has no parameter 'Q' (it has F, B, P, V)");
  });
});

describe('designs NAME', () => {
  it('shows only the designs named', async () => {
    const r = await cli('designs', 'pmem-map-sync', 'bench-reflink-cow');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^\S+: /gm)).toEqual(['pmem-map-sync: ', 'bench-reflink-cow: ']);
    const json = JSON.parse((await cli('designs', 'bench-reflink-cow', '--json')).stdout);
    expect(json.map((d: { name: string }) => d.name)).toEqual(['bench-reflink-cow']);
  });

  it('refuses an unknown name with exit 2, showing nothing', async () => {
    const r = await cli('designs', 'bench-reflink-cow', 'nosuch');
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^pagecheck designs: unknown design 'nosuch' \(known: /);
  });
});
