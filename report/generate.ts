/**
 * Runs the checks a design-proof document reports: the design's default
 * configuration, then each bug toggle on its own, so that the document shows
 * both what holds and that the checker catches each known mistake; then, for
 * a design with amendments, each amendment on its own and all of them
 * together (what it would take to make the design hold). Fixed
 * seed, the design's own default bound, and no time limit (a limit would
 * turn "holds" into "inconclusive" on a busy machine): the same inputs give
 * the same document on any machine.
 */
import { check } from '../checker/check.js';
import { DEFAULTS, type CheckOptions } from '../checker/options.js';
import type { AnyDesign } from '../model/design.js';
import { inputsHash } from './inputs.js';
import type { DesignInfo, Proof, ProofRun, RunSettings } from './proof.js';

/** The random search's seed in every design-proof run. */
export const PROOF_SEED = 1;

/** The search options of `check`, run once per configuration of a design. */
export interface ProveOptions extends Pick<CheckOptions, 'params' | 'depth' | 'maxStates' | 'runs' | 'steps' | 'seed'> {
  /** Only these bug toggles, in one run; when absent: the default run, then one run per toggle, then the amended runs. */
  readonly bugs?: readonly string[];
  /** Only these amendments, in one run (with `bugs`, or none). */
  readonly amends?: readonly string[];
  readonly onRun?: (title: string) => void;
}

export function designInfo(design: AnyDesign): DesignInfo {
  return {
    name: design.name,
    summary: design.summary,
    seed: design.seed,
    params: design.params,
    bugs: design.bugs,
    ...(design.amendments ? { amendments: design.amendments } : {}),
    ...(design.picture ? { picture: design.picture } : {}),
  };
}

/** The search settings of a design's proof runs: the design's default bound, the checker's defaults, a fixed seed. */
export function proofSettings(design: AnyDesign, options: ProveOptions = {}): RunSettings {
  return {
    ...((options.depth ?? design.bounds?.depth) !== undefined ? { depth: options.depth ?? design.bounds?.depth } : {}),
    maxStates: options.maxStates ?? design.bounds?.maxStates ?? DEFAULTS.maxStates,
    runs: options.runs ?? DEFAULTS.runs,
    steps: options.steps ?? DEFAULTS.steps,
    seed: options.seed ?? PROOF_SEED,
  };
}

/** One configuration a document checks. */
export interface ProofConfig {
  readonly title: string;
  readonly bugs: readonly string[];
  readonly amends: readonly string[];
}

/** The title of an amended run: `Amended: ordered-split`, or `Amended: a, b (all together)`. */
export function amendedTitle(amends: readonly string[], all: boolean): string {
  return `Amended: ${amends.join(', ')}${all ? ' (all together)' : ''}`;
}

/**
 * The configurations of a design's document, in order: the default, each
 * bug toggle alone, each amendment alone, and all amendments together where
 * there are more than one.
 */
export function proofConfigs(design: AnyDesign): ProofConfig[] {
  const amendments = Object.keys(design.amendments ?? {});
  return [
    { title: 'Default configuration', bugs: [], amends: [] },
    ...Object.keys(design.bugs).map((b) => ({ title: `With bug toggle ${b}`, bugs: [b], amends: [] })),
    ...amendments.map((a) => ({ title: amendedTitle([a], false), bugs: [], amends: [a] })),
    ...(amendments.length > 1 ? [{ title: amendedTitle(amendments, true), bugs: [], amends: amendments }] : []),
  ];
}

/** The one configuration of an ad hoc document (`report --bug`, `--amend`, `--param`). */
function adHocConfig(bugs: readonly string[], amends: readonly string[]): ProofConfig {
  const parts = [...(bugs.length ? [`bug toggles ${bugs.join(', ')}`] : []), ...(amends.length ? [`amendments ${amends.join(', ')}`] : [])];
  return { title: parts.length ? `With ${parts.join(' and ')}` : 'Default configuration', bugs, amends };
}

export function prove(design: AnyDesign, options: ProveOptions = {}): Proof {
  const settings = proofSettings(design, options);
  const adHoc = options.bugs !== undefined || (options.amends !== undefined && options.amends.length > 0);
  const configs = adHoc ? [adHocConfig(options.bugs ?? [], options.amends ?? [])] : proofConfigs(design);
  const runs: ProofRun[] = configs.map(({ title, bugs, amends }) => {
    options.onRun?.(title);
    const opts: CheckOptions = {
      mode: 'both',
      params: options.params ?? {},
      bugs,
      amends,
      depth: settings.depth,
      maxStates: settings.maxStates,
      timeSeconds: Infinity,
      runs: settings.runs,
      steps: settings.steps,
      seed: settings.seed,
    };
    return { title, settings, result: check(design, opts) };
  });
  return { design: designInfo(design), runs, ...inputsOf(design, settings, options) };
}

/** The inputs hash, for a proof made with the design's default configuration; none for ad hoc variations, nor where the sources cannot be read. */
function inputsOf(design: AnyDesign, settings: RunSettings, options: ProveOptions): { inputs?: string } {
  if (options.bugs !== undefined || options.amends?.length || (options.params && Object.keys(options.params).length > 0)) return {};
  try {
    return { inputs: inputsHash(design.name, settings) };
  } catch {
    return {};
  }
}

/** The inputs hash of a design's default proof (what `prove(design)` records). */
export function defaultInputs(design: AnyDesign): string | undefined {
  return inputsOf(design, proofSettings(design), {}).inputs;
}
