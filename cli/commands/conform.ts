/**
 * `pagecheck conform DESIGN [--fs xfs|btrfs] [--runs N] [--steps N] [--seed N]
 * [--param k=v] [--bug NAME] [--save DIR] [--json]`: the design against the
 * running kernel (conform/). Exit 0: no mismatch; 1: a mismatch, shrunk and
 * saved as an ITF trace and an xfs_io script; 2: bad input; 3: the
 * filesystem could not be made here (not root, no loop device, no mkfs).
 * Option handling stays in this file, on the helpers of cli/args.ts.
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adapters, noAdapterReason } from '../../conform/adapters.js';
import { makeFilesystem, unavailable, type FsType } from '../../conform/fs.js';
import { buildHelper, Helper } from '../../conform/helper.js';
import { conform, type ConformResult } from '../../conform/runner.js';
import { writeScript } from '../../conform/script.js';
import type { AnyDesign } from '../../model/design.js';
import { findDesign } from '../../model/designs/index.js';
import { describeConfig, resolveConfig } from '../../model/config.js';
import { InputError } from '../../model/errors.js';
import { instantiate } from '../../model/instantiate.js';
import { toItf } from '../../trace/counterexample.js';
import { renderText } from '../../trace/render.js';
import { integer, keyValues, parse } from '../args.js';
import type { RawCommand } from '../io.js';
import { EXIT } from '../run.js';
import { version } from '../version.js';

const CONFORM_SUMMARY = "Runs random sequences of a design's actions on a real XFS or btrfs and compares every step with the model.";
const usage = 'pagecheck conform DESIGN [--fs xfs|btrfs] [--runs N] [--steps N] [--seed N] [--param k=v] [--bug NAME] [--save DIR] [--json]';

const options = {
  fs: { type: 'string' },
  runs: { type: 'string' },
  steps: { type: 'string' },
  seed: { type: 'string' },
  param: { type: 'string', multiple: true },
  bug: { type: 'string', multiple: true },
  save: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function reproduceLine(design: string, fs: string, runs: number, steps: number, seed: number, params: Record<string, string>, bugs: readonly string[]): string {
  const p = Object.entries(params)
    .map(([k, v]) => ` --param ${k}=${v}`)
    .join('');
  const b = bugs.map((x) => ` --bug ${x}`).join('');
  return `pagecheck conform ${design} --fs ${fs} --runs ${runs} --steps ${steps} --seed ${seed}${p}${b}`;
}

export const conformCommand: RawCommand = {
  name: 'conform',
  usage,
  summary: "run random sequences of a design's actions on a real XFS or btrfs and compare every step with the model",
  async run(args, io) {
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout(
        `Usage: ${usage}\n\n${CONFORM_SUMMARY}\n\nOptions:\n  --fs <xfs|btrfs>  the filesystem to make on a loop device (default xfs)\n  --runs <n>        sequences (default 200)\n  --steps <n>       actions per sequence (default 20)\n  --seed <n>        fast-check seed\n  --param <k=v>     set a parameter (repeatable)\n  --bug <name>      turn a bug toggle on (repeatable)\n  --save <dir>      where mismatches go (default conform-mismatches/)\n  --json            print the result as JSON\n  -h, --help        show help\n\nExit 0: no mismatch; 1: a mismatch; 2: bad input; 3: the filesystem cannot be made here (not root, no loop device).\n`,
      );
      return 0;
    }
    const { values: v, positionals } = parse(args, options, usage);
    if (positionals.length !== 1) throw new InputError(`conform takes one design (usage: ${usage})`);
    const design: AnyDesign = findDesign(positionals[0]);
    const adapter = adapters.find((a) => a.design === design.name);
    if (!adapter) throw new InputError(`conform cannot run ${design.name}: ${noAdapterReason(design)} (it runs ${adapters.map((a) => a.design).join(', ')})`);
    const fs = ((v.fs as string | undefined) ?? 'xfs') as FsType;
    if (fs !== 'xfs' && fs !== 'btrfs') throw new InputError(`--fs must be xfs or btrfs, not '${fs}'`);
    const runs = integer('--runs', v.runs as string | undefined, 1) ?? 200;
    const steps = integer('--steps', v.steps as string | undefined, 1, 1000) ?? 20;
    const seed = integer('--seed', v.seed as string | undefined, -(2 ** 31), 2 ** 31 - 1) ?? (Math.random() * 2 ** 31) | 0;
    const params = keyValues(v.param as string[] | undefined);
    const bugs = (v.bug as string[] | undefined) ?? [];
    const cfg = resolveConfig(design, params, bugs);
    const saveDir = (v.save as string | undefined) ?? 'conform-mismatches';
    if (existsSync(saveDir) && !statSync(saveDir).isDirectory()) throw new InputError(`--save ${saveDir}: exists and is not a directory`);

    const why = unavailable(fs);
    if (why) {
      io.stderr(`pagecheck conform: ${why}\n`);
      return EXIT.inconclusive;
    }
    const built = buildHelper();
    if ('error' in built) {
      io.stderr(`pagecheck conform: ${built.error}\n`);
      return EXIT.inconclusive;
    }
    let filesystem;
    try {
      filesystem = makeFilesystem(fs);
    } catch (e) {
      io.stderr(`pagecheck conform: cannot make the ${fs} filesystem: ${e instanceof Error ? e.message : String(e)}\n`);
      return EXIT.inconclusive;
    }
    const helper = new Helper(built.path);
    let result: ConformResult;
    try {
      result = await conform(design, cfg, adapter, filesystem, helper, {
        runs,
        steps,
        seed,
        onProgress: io.stderrIsTTY ? (n) => io.stderr(`\r${design.name} on ${fs}: ${n} sequences`) : undefined,
      });
    } finally {
      helper.close();
      filesystem.cleanup();
      if (io.stderrIsTTY) io.stderr('\r\x1b[K');
    }

    const reproduce = reproduceLine(design.name, fs, runs, steps, seed, params, bugs);
    const rate = result.elapsedMs > 0 ? Math.round((result.operations * 1000) / result.elapsedMs) : 0;
    const files: Record<string, string> = {};
    if (result.mismatch) {
      const m = result.mismatch;
      const model = instantiate(design, cfg, 'immer');
      const base = join(saveDir, `${design.name}-${fs}`);
      mkdirSync(saveDir, { recursive: true });
      const trace = toItf(
        m.trace,
        model.label,
        {
          source: 'pagecheck conform',
          description: `${design.name} differs from the running kernel (${fs}): ${m.message}`,
          design: design.name,
          params: { ...cfg.params },
          bugs: [...cfg.bugs],
          property: `conform-${fs}`,
          message: m.message,
          mode: 'random',
          bound: { runs, steps },
          reproduce,
          seed,
          path: m.path,
          shrink: { from: m.originalLength, to: m.steps.length, steps: m.shrinks },
        },
        model.describeChoice,
        (kind) => (design.notes as Record<string, string | undefined> | undefined)?.[kind],
      );
      files.trace = `${base}.itf.json`;
      files.text = `${base}.txt`;
      files.script = `${base}.sh`;
      writeFileSync(files.trace, JSON.stringify(trace, null, 2) + '\n');
      writeFileSync(files.text, renderText(trace));
      writeFileSync(
        files.script,
        writeScript({
          title: `${design.name} (${describeConfig(cfg)}) on ${fs}: ${reproduce}`,
          fs,
          files: adapter.files(cfg).count,
          bytes: adapter.files(cfg).bytes,
          steps: m.steps.map((s) => ({ label: s.label, lines: s.lines, note: (design.notes as Record<string, string | undefined> | undefined)?.[s.kind] })),
          mismatch: m.message,
          expected: m.expected,
          got: m.got,
        }),
      );
      chmodSync(files.script, 0o755);
    }
    const code = result.mismatch ? EXIT.violated : EXIT.holds;
    if (v.json) {
      io.stdout(
        JSON.stringify(
          {
            pagecheck: version(),
            exitCode: code,
            design: design.name,
            fs,
            params: cfg.params,
            bugs: [...cfg.bugs],
            runs,
            steps,
            seed,
            sequences: result.sequences,
            shrinking: result.shrinking,
            operations: result.operations,
            elapsedMs: result.elapsedMs,
            operationsPerSecond: rate,
            ...(result.mismatch
              ? {
                  mismatch: {
                    message: result.mismatch.message,
                    steps: result.mismatch.steps.map((s) => s.label),
                    expected: result.mismatch.expected,
                    got: result.mismatch.got,
                    shrinks: result.mismatch.shrinks,
                    path: result.mismatch.path,
                  },
                  files,
                }
              : {}),
            reproduce,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      io.stdout(`${design.name}  (${describeConfig(cfg)})  on ${fs}, seed ${seed}\n`);
      const runsText = result.shrinking ? `${result.sequences - result.shrinking} sequences (then ${result.shrinking} while shrinking)` : `${result.sequences} sequences`;
      io.stdout(`  ${runsText} of up to ${steps} steps, ${result.operations} operations on the kernel, ${(result.elapsedMs / 1000).toFixed(1)} s (${rate} operations/s)\n`);
      if (result.mismatch) {
        const m = result.mismatch;
        io.stdout(`  MISMATCH after ${m.steps.length} steps (shrunk from ${m.originalLength} in ${m.shrinks} shrinks): ${m.message}\n`);
        m.steps.forEach((s, i) => io.stdout(`    ${i + 1}. ${s.label}\n`));
        io.stdout(`  model:  ${m.expected}\n  kernel: ${m.got}\n`);
        io.stdout(`  saved: ${files.trace}, ${files.text}, ${files.script} (run it as root to see the kernel do it)\n`);
        io.stdout(`  reproduce: ${reproduce}\n`);
      }
      io.stdout(result.mismatch ? `[mismatch] ${design.name} on ${fs}: ${result.mismatch.message}\n` : `[ok] ${design.name} on ${fs}: no mismatch in ${result.sequences} sequences\n`);
    }
    return code;
  },
};
