/** `pagecheck check DESIGN... | --all`: search, print verdicts, optionally save counterexamples. */
import type { Command as Commander } from 'commander';
import { check } from '../../checker/check.js';
import { exitCode } from '../../checker/exit-code.js';
import type { Mode } from '../../checker/options.js';
import type { CheckResult } from '../../checker/result.js';
import { resolveConfig } from '../../model/config.js';
import { propertyList } from '../../model/design.js';
import { InputError } from '../../model/errors.js';
import { addSearchOptions, collect, integer, replayPath, searchValues, type Options } from '../args.js';
import { checkNames, chooseDesigns, hasProperty, propertyIds, type Chosen } from '../choose.js';
import { closingLine, formatResult, verdictTable } from '../format.js';
import type { Command, Io } from '../io.js';
import { progressLine } from '../progress.js';
import { checkSaveTargets, configKey, planSave, saveCounterexamples } from '../save.js';
import { knownNames } from '../suggest.js';
import { version } from '../version.js';
import { parseShard } from '../../engine/shard.js';
import { withoutTimings } from '../../checker/timings.js';
import { onInterrupt } from '../interrupt.js';
import { runInWorker } from '../run-check.js';
import { blamingModule } from '../load.js';
import { MAX_WORKERS } from '../../engine/workers.js';

const USAGE = 'pagecheck check DESIGN... | --all [options]';
const WORKER_MODEL = new URL('../worker-model.js', import.meta.url).href;

/** The configuration a run will record in its traces: parameters with their defaults, toggles, amendments. */
function resolveConfigShown(design: Chosen['design'], params: Readonly<Record<string, string>>, bugs: readonly string[], amends: readonly string[]) {
  const cfg = resolveConfig(design, params, bugs, amends);
  return { params: cfg.params, bugs: [...cfg.bugs], amends: [...(cfg.amends ?? [])] };
}

/** With --property, only the designs that have one of the properties, each checked for those it has. */
function selectProperties(chosen: readonly Chosen[], wanted: readonly string[] | undefined): [Chosen, string[] | undefined][] {
  if (!wanted) return chosen.map((c) => [c, undefined]);
  for (const id of wanted) {
    if (!chosen.some((c) => hasProperty(c.design, id))) {
      const known = [...new Set(chosen.flatMap((c) => propertyIds(c.design)))];
      throw new InputError(`no chosen design has property '${id}' ${knownNames(id, known)}`);
    }
  }
  return chosen.flatMap((c) => {
    const ids = wanted.filter((id) => hasProperty(c.design, id));
    return ids.length ? [[c, ids] as [Chosen, string[]]] : [];
  });
}

async function run(operands: readonly string[], o: Options, io: Io): Promise<number> {
  const mode = (o.mode as string | undefined) ?? 'both';
  if (!['exhaustive', 'random', 'both'].includes(mode)) throw new InputError(`--mode must be exhaustive, random or both, not '${mode}'`);
  const path = replayPath('--path', o.path as string | undefined);
  const search = searchValues(o);
  const crashCap = integer('--crash-cap', o.crashCap as string | undefined, 0, 20);
  const bugs = (o.bug as string[] | undefined) ?? [];
  const chosen = await chooseDesigns(Boolean(o.all), operands, USAGE);
  if (path !== undefined) {
    // A path is a place in one random search: one design's, from one seed.
    if (mode !== 'random') throw new InputError('--path replays a random search; give --mode random');
    if (o.seed === undefined) throw new InputError('--path needs --seed, the seed its counterexample reports');
    if (chosen.length !== 1) throw new InputError("--path replays one design's search; name one design");
  }
  const jobs = selectProperties(chosen, o.property as string[] | undefined);
  // Every design's configuration is checked before the first (long) search (a module's validate() is its own code).
  for (const [{ design, module }] of jobs) {
    checkNames(design, search.params, bugs);
    await blamingModule(module, () => resolveConfig(design, search.params, bugs, search.amends));
  }
  const shardText = o.shard as string | undefined;
  const shard = shardText === undefined ? undefined : parseShard(shardText);
  if (shardText !== undefined && shard === undefined) throw new InputError(`--shard takes K/N with 0 <= K < N, not '${shardText}'`);
  const omit =
    o.omit === undefined
      ? undefined
      : (o.omit as string)
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean);
  const maxMemoryMb = integer('--max-memory', o.maxMemory as string | undefined, 16);
  const workers = integer('--workers', o.workers as string | undefined, 1, MAX_WORKERS);
  if (workers !== undefined && mode === 'random') throw new InputError('--workers runs the exhaustive search in threads; give --mode exhaustive or both');
  const common = {
    mode: mode as Mode,
    ...search,
    ...(path !== undefined ? { path } : {}),
    bugs,
    crashCap,
    ...(shard ? { shard } : {}),
    ...(omit ? { omit } : {}),
    ...(maxMemoryMb !== undefined ? { maxMemoryMb } : {}),
    ...(o.symmetry ? { symmetry: true } : {}),
    ...(o.symmetryCheck ? { symmetryCheck: true } : {}),
    ...(o.learned === false ? { learned: false } : {}),
    // Each worker thread makes the model itself, by this module: a built-in design or the user's module.
    ...(workers !== undefined ? { workers, workerModel: WORKER_MODEL } : {}),
  };
  const saveDir = o.save as string | undefined;
  if (saveDir !== undefined) {
    checkSaveTargets(
      saveDir,
      jobs.flatMap(([{ design }, ids]) => {
        const config = configKey(resolveConfigShown(design, search.params, bugs, search.amends));
        return (ids ?? propertyList(design).map((p) => p.id)).map((property) => ({ design: design.name, property, config }));
      }),
      Boolean(o.force),
    );
  }
  const results: CheckResult[] = [];
  // The first Ctrl-C stops the search at its next state; what it had is printed and saved.
  const interrupt = onInterrupt(() => io.stderr('\npagecheck: stopping at the next state (Ctrl-C again to quit at once)\n'));
  try {
    for (const [{ design, module }, properties] of jobs) {
      if (interrupt.requested()) break;
      const progress = progressLine(io, design.name);
      let result: CheckResult;
      try {
        const options = { ...common, properties, ...(module !== undefined ? { module } : {}) };
        result = await blamingModule(
          module,
          async () => (await runInWorker(module ?? design.name, options, interrupt.stop, progress.update)) ?? check(design, { ...options, onProgress: progress.update }),
        );
      } finally {
        progress.done();
      }
      // The result is printed before any file is written, so a file that cannot be written loses nothing.
      if (saveDir !== undefined) planSave(saveDir, result);
      results.push(result);
      if (!o.json) io.stdout(formatResult(result) + '\n\n');
    }
  } finally {
    interrupt.dispose();
  }
  const code = exitCode(results);
  const shown = o.timings === false ? results.map(withoutTimings) : results;
  if (o.json) io.stdout(JSON.stringify({ pagecheck: version(), exitCode: code, results: shown }, null, 2) + '\n');
  else {
    if (results.length > 1) io.stdout(verdictTable(results) + '\n');
    io.stdout(closingLine(results, code) + '\n');
  }
  // Only now, once the result is printed: a file that cannot be written loses nothing of it.
  if (saveDir !== undefined) for (const r of results) saveCounterexamples(saveDir, r);
  return code;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'search designs for violations; print verdicts with their bounds',
  define: (c: Commander) =>
    addSearchOptions(c.usage('DESIGN... | --all [options]').argument('[design...]', 'built-in design names, or your own design modules: ./d.ts (its default export) or ./d.ts#name'))
      .option('--property <id>', 'only this property (repeatable)', collect)
      .option('--mode <mode>', 'exhaustive, random or both', 'both')
      .option('--path <path>', 'with --mode random and --seed: replay the fast-check path a random counterexample reports (12:3:0:1)')
      .option('--crash-cap <n>', 'consider at most N unflushed pieces at a crash point (a search the cap cut proves nothing)')
      .option('--json', 'print one JSON document on stdout')
      .option('--save <dir>', 'write counterexamples to DIR/<design>/<property>.itf.json, with a .txt rendering beside each')
      .option('--force', 'with --save: replace files there that pagecheck did not write as they are (edited, or of another configuration)')
      .option('--shard <K/N>', 'search shard K of N (docs/scale-out.md); fold the shards with pagecheck merge')
      .option('--omit <kinds>', 'random search: leave out these action kinds (comma-separated) where another is enabled')
      .option('--workers <n>', `run the exhaustive search in N worker threads (1..${MAX_WORKERS}): the same counts, verdicts and shortest counterexample lengths at a completed bound`)
      .option('--max-memory <MB>', 'stop (inconclusive) before the process passes MB of resident memory')
      .option('--symmetry', "keep one state per class of the design's declared symmetry (pagecheck designs lists it); off by default, so that a bound counts the design's own states")
      .option('--symmetry-check', "also check the design's symmetry declaration at the check's depth: reduced and unreduced searches side by side, and every state met renamed")
      .option(
        '--no-learned',
        'keep the states of a design without a fixed flat layout as objects (the generic path), not as words by the layout learned from them, to compare the two: the same verdicts and counts',
      )
      .option('--no-timings', 'leave the timing fields out of --json, so two runs of one seed compare byte for byte')
      .addHelpText(
        'after',
        `
A "holds" is always given with its bound; a search that stopped early, or a
"holds" whose guarding goal was never reached, is never called a proof.
Every check ends with one line for scripts: [ok], [violation] or [inconclusive].
Exit 0: every claimed property holds to a completed bound; 1: one is
violated; 2: bad input; 3: nothing violated, nothing proven.`,
      ),
  run,
};
