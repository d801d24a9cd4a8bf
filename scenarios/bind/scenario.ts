/**
 * The scenario corpus's file format (scenarios/README.md), as types, and its
 * loading. A scenario is written from a kernel test, commit or seed mail,
 * not from a model; `replay` records, per design, how its replay compares
 * with the expectation and why.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type World = 'reflink' | 'pmem' | 'netfs';

/** One kernel operation; its fields depend on `op` (scenarios/README.md, "Operation vocabulary"). */
export interface Op {
  readonly op: string;
  readonly step: number;
  readonly label?: string;
  readonly mayBlock?: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly [field: string]: any;
}

export interface Violation {
  readonly violated: string;
  readonly after: number;
  readonly why?: string;
}

export type Expectation =
  | { readonly verdict: 'holds'; readonly why: string; readonly assumes?: string; readonly contrast?: readonly (Violation & { claimed: false })[] }
  | { readonly violated: string; readonly after: number; readonly why: string; readonly assumes?: string; readonly also?: readonly Violation[] }
  | { readonly inexpressible: string };

/**
 * How the replay of a design compares with its expectation:
 * - agrees: the replay gives the expected outcome;
 * - model-differs: the model gives another outcome, and the scenario's
 *   source says the scenario is right (the model is to be fixed);
 * - scenario-wrong: the scenario misread its source (the note cites the line);
 * - inexpressible: an op has no binding in the design (the note says why).
 * `replayed` is the outcome the replay gave where it differs, so that a
 * change to the model shows as a failing test.
 */
export interface ReplayRecord {
  readonly status: 'agrees' | 'model-differs' | 'scenario-wrong' | 'inexpressible' | 'unbound';
  readonly note: string;
  readonly replayed?: string;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly source: Record<string, unknown>;
  readonly world: World;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly setup: Record<string, any>;
  readonly ops: readonly Op[];
  readonly observe?: readonly unknown[];
  readonly expect: Readonly<Record<string, Expectation>>;
  readonly notes?: string;
  readonly replay?: Readonly<Record<string, ReplayRecord>>;
}

export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

export function scenarioFiles(dir = SCENARIO_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

export function loadScenario(file: string): Scenario {
  return JSON.parse(readFileSync(file, 'utf8')) as Scenario;
}

export function loadScenarios(dir = SCENARIO_DIR): Scenario[] {
  return scenarioFiles(dir).map(loadScenario);
}
