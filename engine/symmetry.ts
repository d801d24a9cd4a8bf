/**
 * Symmetry reduction. A model may say which renamings of its states change
 * nothing that matters (in the reflink worlds: which file is which): a group
 * of permutations, each a function from a state to its renamed copy. With
 * it, the exhaustive search keys the visited set by the least fingerprint
 * over a state's orbit (the state and every renaming of it), so that it
 * keeps one state per class. It still expands the state it met, never a
 * renamed one: every state it keeps is a real successor of a real parent,
 * so its parent links rebuild a real history of the unreduced model, one
 * that the ordinary replay re-executes, and no permutation needs composing
 * back.
 *
 * Sound only where the declaration is a symmetry of the model: the
 * transitions commute with every permutation (the successors of a renamed
 * state are the renamed successors), and so does every property and goal
 * (a state and its renaming are judged alike). Then the reduced search
 * finds each class at the least depth of any of its states, so a verdict, a
 * goal and the length of a shortest counterexample are those of the
 * unreduced search (the initial state need not be symmetric itself). A
 * declaration that is not a symmetry gives wrong verdicts without a sound:
 * `selfCheck` is the guard, run in the tests of every design that declares
 * one and by `check --symmetry-check`.
 */
import { exhaustive, type ExhaustiveOptions } from './exhaustive.js';
import { propertiesOf, viewOf, type Model } from './model.js';
import { compileFingerprint, inferShape } from './shape.js';

export interface Symmetry<S> {
  /** What is interchangeable, in words, for the result: `files (each with the process that maps it)`. */
  readonly description: string;
  /** Every permutation of the group but the identity, each making a new state and leaving its argument alone. */
  readonly permutations: readonly ((state: S) => S)[];
}

/** Writes into `out` the least 64-bit fingerprint (hi, then lo) over the orbit of `state`. */
export type Canonical<S> = (state: S, out: Uint32Array) => void;

/**
 * The canonical fingerprint of a model's states: every member of an orbit
 * hashed by the same structural fingerprint, whatever representation the
 * search keeps it in, so that the least one is the orbit's alone.
 */
export function canonicalFingerprint<S>(sample: S, symmetry: Symmetry<S>): Canonical<S> {
  const fp = compileFingerprint(inferShape(sample));
  const other = new Uint32Array(2);
  const perms = symmetry.permutations;
  return (state, out) => {
    fp(state, out);
    for (let g = 0; g < perms.length; g++) {
      fp(perms[g](state), other);
      if (other[0] < out[0] || (other[0] === out[0] && other[1] < out[1])) {
        out[0] = other[0];
        out[1] = other[1];
      }
    }
  };
}

export interface SelfCheckResult {
  /** The declaration passed: no difference below. */
  readonly ok: boolean;
  /** Each difference found, in one line: `property refcount: violated at depth 4 reduced, holds unreduced`. */
  readonly differences: readonly string[];
  /** State counts of the two searches (their ratio is what the reduction saves). */
  readonly states: { readonly reduced: number; readonly unreduced: number };
  /** States the commutation check went through. */
  readonly statesChecked: number;
}

/** By default at most this many states are checked for commutation: the check is O(states x group x successors). */
export const COMMUTE_STATES = 20_000;

export interface SelfCheckOptions extends ExhaustiveOptions {
  /** Rename and compare at most this many states (COMMUTE_STATES when absent). */
  readonly commuteStates?: number;
}

/**
 * Holds a symmetry declaration against the model, at the bounds given (keep
 * them small), two ways:
 * - the outcomes: the reduced and the unreduced search side by side; every
 *   property's verdict and depth, every goal reached and its depth, and the
 *   completeness of the bound must be the same;
 * - the cause: in every state the unreduced search meets (up to
 *   COMMUTE_STATES), each permutation must leave every property's and
 *   goal's judgement as it was, and the successors of the renamed state must
 *   be the renamed successors. This finds an asymmetry the outcomes do not
 *   show at a small bound.
 */
export function selfCheck<S, A, V>(model: Model<S, A, V>, bounds: SelfCheckOptions = {}): SelfCheckResult {
  const symmetry = model.symmetry;
  if (symmetry === undefined) throw new Error('symmetry self-check: the model declares no symmetry');
  const differences: string[] = [];
  const { commuteStates: _, ...search } = bounds;
  const reduced = exhaustive(model, { ...search, symmetry: true });
  const unreduced = exhaustive(model, { ...search, symmetry: false });
  if (reduced.complete !== unreduced.complete) differences.push(`bound: complete ${reduced.complete} reduced, ${unreduced.complete} unreduced`);
  const depthOf = (m: ReadonlyMap<string, { depth: number }>, id: string) => m.get(id)?.depth;
  const say = (d: number | undefined, what: string) => (d === undefined ? `not ${what}` : `${what} at depth ${d}`);
  for (const p of propertiesOf(model)) {
    if (bounds.properties && !bounds.properties.includes(p.id)) continue;
    const r = depthOf(reduced.violations, p.id),
      u = depthOf(unreduced.violations, p.id);
    if (r !== u) differences.push(`property ${p.id}: ${say(r, 'violated')} reduced, ${say(u, 'violated')} unreduced`);
  }
  for (const g of model.sometimes) {
    const r = depthOf(reduced.goals, g.id),
      u = depthOf(unreduced.goals, g.id);
    if (r !== u) differences.push(`goal ${g.id}: ${say(r, 'reached')} reduced, ${say(u, 'reached')} unreduced`);
  }
  const statesChecked = commutes(model, symmetry, bounds.maxDepth ?? Infinity, bounds.commuteStates ?? COMMUTE_STATES, differences);
  return { ok: differences.length === 0, differences, states: { reduced: reduced.states, unreduced: unreduced.states }, statesChecked };
}

// Breadth first over the unreduced states, checking each against every
// permutation; stops at the first few differences.
function commutes<S, A, V>(model: Model<S, A, V>, symmetry: Symmetry<S>, maxDepth: number, most: number, differences: string[]): number {
  const fp = compileFingerprint(inferShape(model.initial));
  const out = new Uint32Array(2);
  const key = (s: S): string => {
    fp(s, out);
    return `${out[0]}:${out[1]}`;
  };
  const always = propertiesOf(model);
  const judge = (s: S): string => {
    const view = viewOf(model, s);
    return [...always.map((p) => (p.check(s, view) === undefined ? 0 : 1)), ...model.sometimes.map((g) => (g.reached(s, view) ? 1 : 0))].join('');
  };
  const names = [...always.map((p) => `property ${p.id}`), ...model.sometimes.map((g) => `goal ${g.id}`)];
  const successors = (s: S): string[] =>
    model
      .actions(s)
      .flatMap((a) => model.successors(s, a).map(key))
      .sort();
  const seen = new Set<string>([key(model.initial)]);
  let level: S[] = [model.initial];
  let checked = 0;
  for (let depth = 0; level.length > 0; depth++) {
    const next: S[] = [];
    for (const s of level) {
      if (checked >= most || differences.length >= 5) return checked;
      checked++;
      const mine = judge(s);
      const after = successors(s);
      symmetry.permutations.forEach((perm, g) => {
        const t = perm(s);
        const theirs = judge(t);
        if (theirs !== mine) {
          const i = [...mine].findIndex((c, k) => c !== theirs[k]);
          differences.push(`${names[i]} judges a state and its renaming ${g + 1} differently (depth ${depth}): ${JSON.stringify(s)}`);
        }
        const renamed = after.map(() => '');
        let k = 0;
        for (const a of model.actions(s)) for (const u of model.successors(s, a)) renamed[k++] = key(perm(u));
        renamed.sort();
        const direct = successors(t);
        if (direct.length !== renamed.length || direct.some((x, j) => x !== renamed[j])) {
          differences.push(`the successors of a state renamed by permutation ${g + 1} are not the renamed successors (depth ${depth}, ${direct.length} vs ${renamed.length}): ${JSON.stringify(s)}`);
        }
      });
      if (depth >= maxDepth) continue;
      for (const a of model.actions(s)) {
        for (const u of model.successors(s, a)) {
          const k = key(u);
          if (!seen.has(k)) {
            seen.add(k);
            next.push(u);
          }
        }
      }
    }
    level = next;
  }
  return checked;
}
