/**
 * pagecheck's first trace format, which users' saved traces (and the
 * corpus until it is regenerated) are in: structured values straight in
 * `#meta` (`params`, `bugs`, `bound`, `shrink`; per state `args` and
 * `choice`), plain JSON integers, NULL as `None` beside bare values, and no
 * `mbt::` variables. itf-rs cannot read it (an object in `#meta` fails its
 * whole trace); pagecheck reads it and rewrites it in the current format.
 */
import type { StepRecord, TraceMeta } from './counterexample.js';
import { decodeValue, ItfError } from './itf.js';

interface LegacyDoc {
  readonly '#meta': Record<string, unknown>;
  readonly vars: string[];
  readonly states: Record<string, unknown>[];
}

/** The first format kept its parameters as an object in `#meta`, and had no `#meta.pagecheck`. */
export function isLegacyTrace(meta: Record<string, unknown>): boolean {
  return meta.pagecheck === undefined && typeof meta.params === 'object' && meta.params !== null;
}

/** The steps and metadata of a trace in the first format (its shape checked by the caller). */
export function legacySteps(doc: LegacyDoc): { records: StepRecord[]; meta: TraceMeta } {
  const records = doc.states.map((s, i): StepRecord => {
    const state: Record<string, unknown> = {};
    for (const v of doc.vars) state[v] = decodeValue(s[v], `state ${i}.${v}`);
    const m = (s['#meta'] ?? {}) as Record<string, unknown>;
    if (i === 0) return { state };
    if (typeof m.action !== 'string') throw new ItfError(`state ${i} does not name the action that led to it ('#meta.action')`);
    const args = Object.fromEntries(Object.entries((m.args ?? {}) as Record<string, unknown>).map(([k, x]) => [k, decodeValue(x, `state ${i} action.${k}`)]));
    const text = (k: string): Record<string, string> => (typeof m[k] === 'string' ? { [k]: m[k] as string } : {});
    return {
      state,
      action: {
        action: m.action,
        kind: typeof m.kind === 'string' ? m.kind : m.action.replace(/\(.*$/, ''),
        args,
        ...(Number.isInteger(m.choice) ? { choice: m.choice as number } : {}),
        ...text('outcome'),
        ...text('note'),
      },
    };
  });
  const m = doc['#meta'];
  const str = (k: string): string => (typeof m[k] === 'string' ? (m[k] as string) : '');
  const meta = {
    source: str('source'),
    description: str('description'),
    design: str('design'),
    params: m.params as Record<string, number>,
    bugs: (m.bugs as string[] | undefined) ?? [],
    property: str('property'),
    message: str('message'),
    mode: (str('mode') || 'exhaustive') as TraceMeta['mode'],
    bound: (m.bound ?? {}) as TraceMeta['bound'],
    reproduce: str('reproduce'),
    ...(m.seed !== undefined ? { seed: m.seed as number } : {}),
    ...(m.path !== undefined ? { path: m.path as string } : {}),
    ...(m.crashCap !== undefined ? { crashCap: m.crashCap as number } : {}),
    ...(m.shrink !== undefined ? { shrink: m.shrink as TraceMeta['shrink'] } : {}),
  };
  return { records, meta };
}
