/**
 * A design's symmetry declaration (model/design.ts) as the engine's group of
 * permutations (engine/symmetry.ts): every renaming of every declared domain,
 * the identity left out. The group is the product of the domains' symmetric
 * groups, so it grows as the product of their factorials: past MAX_GROUP the
 * domains declared last are left out (a subgroup is still sound), and the
 * description says which were kept.
 */
import type { Symmetry } from '../engine/symmetry.js';
import type { Config, Renaming, SymmetryDeclaration } from './design.js';

/** The most permutations a search applies to each state (4! x 3! = 144 fits). */
export const MAX_GROUP = 720;

/** Every permutation of 0..n-1, the identity first. */
export function permutations(n: number): number[][] {
  if (n <= 1) return [[...Array(n).keys()]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) {
    for (let at = rest.length; at >= 0; at--) out.push([...rest.slice(0, at), n - 1, ...rest.slice(at)]);
  }
  return out;
}

export function symmetryOf<S>(declaration: SymmetryDeclaration<S>, cfg: Config): Symmetry<S> | undefined {
  const domains = Object.entries(declaration.domains(cfg)).filter(([, n]) => n > 1);
  let kept = domains;
  const size = (ds: typeof domains) => ds.reduce((n, [, k]) => n * factorial(k), 1);
  while (kept.length > 0 && size(kept) > MAX_GROUP) kept = kept.slice(0, -1);
  if (kept.length === 0) return undefined;
  let renamings: Record<string, number[]>[] = [{}];
  for (const [name, n] of kept) renamings = renamings.flatMap((r) => permutations(n).map((p) => ({ ...r, [name]: p })));
  const identity = (r: Renaming) => Object.values(r).every((p) => p.every((x, i) => x === i));
  const left = domains.filter((d) => !kept.includes(d)).map(([name]) => name);
  // Which domains were renamed, and how many ways: `files: file 3! = 6 renamings`.
  const group = `${kept.map(([name, n]) => `${name} ${n}!`).join(' x ')} = ${size(kept)} renamings`;
  return {
    description: `${declaration.description}: ${group}` + (left.length ? ` (not ${left.join(', ')}: the group would pass ${MAX_GROUP})` : ''),
    permutations: renamings.filter((r) => !identity(r)).map((r) => (state: S) => declaration.permute(state, r, cfg)),
  };
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}
