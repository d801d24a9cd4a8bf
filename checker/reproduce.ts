/** The one command line that runs a search again, printed with every result (as Quint does). */
import type { Config } from '../model/design.js';

export function reproduceCommand(
  design: string,
  cfg: Config,
  property: string,
  mode: 'exhaustive' | 'random',
  search: { depth?: number; seed?: number; path?: string; runs: number; steps: number; crashCap?: number; omit?: readonly string[]; symmetry?: boolean },
): string {
  const words = ['pagecheck', 'check', design, '--property', property, '--mode', mode];
  for (const [k, v] of Object.entries(cfg.params)) words.push('--param', `${k}=${v}`);
  for (const bug of cfg.bugs) words.push('--bug', bug);
  for (const name of cfg.amends ?? []) words.push('--amend', name);
  if (mode === 'exhaustive' && search.depth !== undefined) words.push('--depth', String(search.depth));
  // The reduced search finds its own (real) shortest history; the same flag finds it again.
  if (mode === 'exhaustive' && search.symmetry) words.push('--symmetry');
  if (mode === 'random') words.push('--seed', String(search.seed), '--runs', String(search.runs), '--steps', String(search.steps));
  // The path takes the replay straight to the shrunk counterexample instead of searching again.
  if (mode === 'random' && search.path) words.push('--path', search.path);
  if (mode === 'random' && search.omit?.length) words.push('--omit', search.omit.join(','));
  if (search.crashCap !== undefined) words.push('--crash-cap', String(search.crashCap));
  return words.map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back: as it is when it is plain, else in single quotes (a module path with a space). */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./#-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
