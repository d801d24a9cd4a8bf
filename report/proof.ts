/**
 * What a design-proof document is made of, and the sentences every format
 * shares, so that the text, Markdown and HTML documents never disagree on
 * what a result means. The rule they all keep: "holds" is only ever said
 * with its bound and whether the bound was completed; an incomplete search
 * is called what it is, never a proof.
 */
import type { CheckResult, PropertyResult } from '../checker/result.js';
import { sourceText, type Amendment, type ParamSpec } from '../model/design.js';
import type { PictureHints } from '../model/picture.js';
import { traceMeta } from '../trace/counterexample.js';

/** The design as the document introduces it (from the Design value). */
export interface DesignInfo {
  readonly name: string;
  readonly summary: string;
  readonly seed: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly bugs: Readonly<Record<string, string>>;
  readonly amendments?: Readonly<Record<string, Amendment>>;
  readonly picture?: PictureHints;
}

/** The search settings a run was made with, written into the document so a reader can repeat it. */
export interface RunSettings {
  readonly depth?: number;
  readonly maxStates: number;
  readonly runs: number;
  readonly steps: number;
  readonly seed: number;
}

/** One check of the design: the default configuration, or one with bug toggles or amendments on. */
export interface ProofRun {
  readonly title: string;
  readonly settings: RunSettings;
  readonly result: CheckResult;
}

export interface Proof {
  readonly design: DesignInfo;
  readonly runs: readonly ProofRun[];
  /** `sha256:...` of everything that determines the document (report/inputs.ts); absent for ad hoc reports. */
  readonly inputs?: string;
}

export const REGENERATE = 'npm run proofs';

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `F=2 B=2 P=3 V=2` */
export function paramsText(params: Readonly<Record<string, number>>): string {
  return (
    Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || '(none)'
  );
}

export function configText(result: CheckResult): string {
  const amends = result.amends ?? [];
  return `${paramsText(result.params)}; ${result.bugs.length ? `bugs: ${result.bugs.join(', ')}` : 'no bug toggles'}${amends.length ? `; amended: ${amends.join(', ')}` : ''}`;
}

/** The runs "What it takes" compares: the design as proposed and each amended run (no bug toggles in either). */
export interface WhatItTakes {
  readonly proposal: ProofRun;
  readonly amended: readonly ProofRun[];
}

const plainRun = (run: ProofRun) => run.result.bugs.length === 0;

/** For a document with amended runs, the proposal and those runs; otherwise undefined. */
export function whatItTakes(proof: Proof): WhatItTakes | undefined {
  const proposal = proof.runs.find((r) => plainRun(r) && (r.result.amends ?? []).length === 0);
  const amended = proof.runs.filter((r) => plainRun(r) && (r.result.amends ?? []).length > 0);
  return proposal && amended.length ? { proposal, amended } : undefined;
}

/** An amendment as a document lists it: what it changes, and who proposes it. */
export function amendmentText(a: Amendment): string {
  return `${a.description} (${sourceText(a.source)})`;
}

/**
 * What a run settles about the claimed properties, in one sentence. Only
 * "holds" to a completed bound counts: a vacuous or inconclusive one is
 * named as such, never as holding.
 */
export function claimedOutcome(run: ProofRun): string {
  const claimed = run.result.properties.filter((p) => p.claimed && p.verdict !== 'not-applicable');
  const violated = claimed.filter((p) => p.verdict === 'violated').map((p) => p.id);
  const unsettled = claimed.filter((p) => p.verdict === 'vacuous' || p.verdict === 'inconclusive').map((p) => `${p.id} (${p.verdict})`);
  if (violated.length) return `Claimed properties still violated: ${violated.join(', ')}${unsettled.length ? `; not settled: ${unsettled.join(', ')}` : ''}.`;
  if (unsettled.length) return `No claimed property violated, but not settled: ${unsettled.join(', ')}. This is not a proof.`;
  return `Every claimed property holds to the bound: ${boundText(run.result)}.`;
}

/** The run the index sets beside the proposal: all amendments together (or the only one). */
export function indexAmendedRun(proof: Proof): ProofRun | undefined {
  const w = whatItTakes(proof);
  if (!w) return undefined;
  return [...w.amended].sort((a, b) => (b.result.amends ?? []).length - (a.result.amends ?? []).length)[0];
}

/** One row of the index's matrix: a claimed property, as proposed and amended. */
export interface MatrixRow {
  readonly design: string;
  readonly property: string;
  readonly proposal: PropertyResult;
  /** Absent when the design has no amendments. */
  readonly amended?: PropertyResult;
  readonly amends: readonly string[];
}

/** Design x claimed property, from each document's default run and its all-together amended run. */
export function matrixRows(proofs: readonly Proof[]): MatrixRow[] {
  return proofs.flatMap((proof) => {
    const proposal = proof.runs.find((r) => plainRun(r) && (r.result.amends ?? []).length === 0);
    if (!proposal) return [];
    const amended = indexAmendedRun(proof);
    return proposal.result.properties
      .filter((p) => p.claimed)
      .map((p) => ({
        design: proof.design.name,
        property: p.id,
        proposal: p,
        ...(amended ? { amended: amended.result.properties.find((q) => q.id === p.id) } : {}),
        amends: amended?.result.amends ?? [],
      }));
  });
}

/** How the searches were run, in one sentence. */
export function searchText(run: ProofRun): string {
  const r = run.result;
  const s = run.settings;
  const parts: string[] = [];
  if (r.mode !== 'random') {
    parts.push(`exhaustive breadth-first search${s.depth !== undefined ? ` to depth ${s.depth}` : ' with no depth limit'}, at most ${count(s.maxStates)} states`);
  }
  if (r.random) parts.push(`random search, seed ${r.random.seed}, ${count(r.random.runs)} runs of up to ${r.random.steps} steps${r.random.interrupted ? ' (interrupted by the time limit)' : ''}`);
  else if (r.mode !== 'exhaustive') parts.push('no random search (every property was already violated)');
  return parts.join('; then ');
}

/** The exhaustive search's bound, as a clause: `121 states, 736 transitions, depth 5; complete (state space exhausted)`. */
export function boundText(r: CheckResult): string {
  const e = r.exhaustive;
  if (!e) return 'no exhaustive search';
  const done = e.exhausted
    ? 'complete (the whole reachable state space)'
    : e.complete
      ? `complete (every history of up to ${plural(e.maxDepth ?? e.depth ?? 0, 'action')})`
      : `NOT complete (stopped by ${stopText(e.stoppedBy)})`;
  return `${count(e.states)} states, ${count(e.transitions)} transitions, depth ${e.depth}; ${done}`;
}

function stopText(reason: string): string {
  switch (reason) {
    case 'states':
      return 'the state limit';
    case 'time':
      return 'the time limit';
    case 'all-violated':
      return 'finding a violation of every property';
    default:
      return reason;
  }
}

/** The time line. Documents keep timings on lines that start with `time:`, which the staleness check ignores. */
export function timeText(r: CheckResult): string {
  const parts: string[] = [];
  if (r.exhaustive) parts.push(`exhaustive ${r.exhaustive.seconds} s (${count(r.exhaustive.statesPerSecond)} states/s)`);
  if (r.random) parts.push(`random ${r.random.seconds} s`);
  return `time: ${parts.join(', ') || 'none'}`;
}

/** The verdict in a word or two, for summaries. */
export function verdictWord(p: PropertyResult): string {
  switch (p.verdict) {
    case 'holds':
      return 'holds (bound complete)';
    case 'vacuous':
      return `holds (vacuous: ${unreachedText(p)})`;
    case 'violated':
      return p.claimed ? `VIOLATED (${plural(p.traceLength ?? 0, 'action')})` : `not kept, not claimed (${plural(p.traceLength ?? 0, 'action')})`;
    case 'inconclusive':
      return 'inconclusive (bound not complete)';
    case 'not-applicable':
      return 'not applicable';
  }
}

/** The verdict as a sentence, always with its bound. */
export function verdictText(p: PropertyResult, r: CheckResult, shrink?: { from: number; to: number }): string {
  switch (p.verdict) {
    case 'holds': {
      const e = r.exhaustive!;
      const scope = e.exhausted ? 'in every reachable state' : `in every state reached by a history of up to ${plural(e.maxDepth ?? e.depth ?? 0, 'action')}`;
      return `holds ${scope} of this configuration, by exhaustive search: ${boundText(r)}.`;
    }
    case 'vacuous':
      return `holds, but vacuously: ${unreachedText(p)}, so the bound (${boundText(r)}) may never have exercised it. This is not a proof.`;
    case 'violated': {
      const how =
        p.mode === 'exhaustive'
          ? 'found by exhaustive breadth-first search, so no shorter history breaks it'
          : `found by random search${shrink ? `, shrunk from ${shrink.from} to ${plural(shrink.to, 'action')}` : ''}`;
      const what = p.claimed ? 'VIOLATED' : 'Not claimed by this design, and not kept: broken, as a contrast,';
      return `${what} by a history of ${plural(p.traceLength ?? 0, 'action')}, ${how}: ${p.message}.`;
    }
    case 'inconclusive': {
      const what = r.exhaustive ? `the exhaustive search did not complete its bound (${boundText(r)})` : 'only random search was run';
      return `no violation found, but ${what}${r.random ? `, nor in ${count(r.random.runs)} random runs of up to ${r.random.steps} steps` : ''}. This is not a proof.`;
    }
    case 'not-applicable':
      return `not applicable: ${p.reason ?? p.description}.`;
  }
}

/** `goal G not reached`, or `goals G, H not reached`. */
export function unreachedText(p: PropertyResult): string {
  const u = p.unreached ?? [];
  return `goal${u.length === 1 ? '' : 's'} ${u.join(', ')} not reached`;
}

/** The goals, each with where it was first reached. */
export function goalText(g: CheckResult['goals'][number]): string {
  return g.reached ? `reached at depth ${g.depth} (${g.mode} search)` : 'NOT reached within the bound: a "holds" above may be vacuous for this situation';
}

/** Action kinds that never fired: a part of the design the bound left unexercised. */
export function neverFired(r: CheckResult): string[] {
  return Object.entries(r.coverage)
    .filter(([, c]) => c.count === 0)
    .map(([k]) => k);
}

export function shrinkOf(r: CheckResult, property: string): { from: number; to: number } | undefined {
  const trace = r.counterexamples[property];
  const s = trace && traceMeta(trace).shrink;
  return s ? { from: s.from, to: s.to } : undefined;
}
