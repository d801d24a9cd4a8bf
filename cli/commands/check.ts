/** `pagecheck check DESIGN... | --all`: search, print verdicts, optionally save counterexamples. */
import { check, exitCode, type CheckResult, type Mode } from '../../checker/check.js';
import { propertyList, type AnyDesign } from '../../model/design.js';
import { InputError } from '../../model/errors.js';
import { chooseDesigns, integer, parse, replayPath, searchOptions, searchValues } from '../args.js';
import { closingLine, formatResult, verdictTable } from '../format.js';
import type { Command, Io } from '../io.js';
import { progressLine } from '../progress.js';
import { checkSaveTargets, saveCounterexamples } from '../save.js';
import { version } from '../version.js';

const usage =
  'pagecheck check DESIGN... | --all [--property ID] [--mode exhaustive|random|both] [--depth N] [--max-states N] ' +
  '[--time S] [--runs N] [--steps N] [--seed N [--path P]] [--crash-cap N] [--param k=v] [--bug NAME] [--json] [--save DIR]';

const options = {
  ...searchOptions,
  property: { type: 'string', multiple: true },
  mode: { type: 'string' },
  path: { type: 'string' },
  'crash-cap': { type: 'string' },
  json: { type: 'boolean' },
  save: { type: 'string' },
} as const;

/** With --property, only the designs that have one of the properties, each checked for those it has. */
function selectProperties(chosen: AnyDesign[], wanted: readonly string[] | undefined): [AnyDesign, string[] | undefined][] {
  if (!wanted) return chosen.map((d) => [d, undefined]);
  const has = (d: AnyDesign, id: string) => propertyList(d).some((p) => p.id === id) || Object.hasOwn(d.notApplicable ?? {}, id);
  for (const id of wanted) {
    if (!chosen.some((d) => has(d, id))) {
      const known = [...new Set(chosen.flatMap((d) => [...propertyList(d).map((p) => p.id), ...Object.keys(d.notApplicable ?? {})]))];
      throw new InputError(`no chosen design has property '${id}' (known: ${known.join(', ')})`);
    }
  }
  return chosen.flatMap((d) => {
    const ids = wanted.filter((id) => has(d, id));
    return ids.length ? [[d, ids] as [AnyDesign, string[]]] : [];
  });
}

export const checkCommand: Command = {
  name: 'check',
  usage,
  summary: 'search designs for violations; print verdicts with their bounds',
  run(args, io: Io) {
    const { values: v, positionals } = parse(args, options, usage);
    const mode = (v.mode as string | undefined) ?? 'both';
    if (!['exhaustive', 'random', 'both'].includes(mode)) throw new InputError(`--mode must be exhaustive, random or both, not '${mode}'`);
    const path = replayPath('--path', v.path as string | undefined);
    const chosen = chooseDesigns(Boolean(v.all), positionals, usage);
    if (path !== undefined) {
      // A path is a place in one random search: one design's, from one seed.
      if (mode !== 'random') throw new InputError('--path replays a random search; give --mode random');
      if (v.seed === undefined) throw new InputError('--path needs --seed, the seed its counterexample reports');
      if (chosen.length !== 1) throw new InputError('--path replays one design\'s search; name one design');
    }
    const jobs = selectProperties(chosen, v.property as string[] | undefined);
    const common = {
      mode: mode as Mode,
      ...searchValues(v),
      ...(path !== undefined ? { path } : {}),
      bugs: (v.bug as string[] | undefined) ?? [],
      crashCap: integer('--crash-cap', v['crash-cap'] as string | undefined, 0, 20),
    };
    const saveDir = v.save as string | undefined;
    if (saveDir !== undefined) {
      checkSaveTargets(
        saveDir,
        jobs.flatMap(([d, ids]) => (ids ?? propertyList(d).map((p) => p.id)).map((property) => ({ design: d.name, property }))),
      );
    }
    const results: CheckResult[] = [];
    for (const [design, properties] of jobs) {
      const progress = progressLine(io, design.name);
      let result: CheckResult;
      try {
        result = check(design, { ...common, properties, onProgress: progress.update });
      } finally {
        progress.done();
      }
      if (saveDir !== undefined) saveCounterexamples(saveDir, result);
      results.push(result);
      if (!v.json) io.stdout(formatResult(result) + '\n\n');
    }
    const code = exitCode(results);
    if (v.json) io.stdout(JSON.stringify({ pagecheck: version(), exitCode: code, results }, null, 2) + '\n');
    else {
      if (results.length > 1) io.stdout(verdictTable(results) + '\n');
      io.stdout(closingLine(results, code) + '\n');
    }
    return code;
  },
};
