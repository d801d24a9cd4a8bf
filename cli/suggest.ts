/**
 * "Did you mean": the known name nearest a misspelt one, by edit distance
 * (adjacent transpositions count one, as in Damerau's), or none when every
 * known name is too far for the guess to help. Commander does this for
 * commands and options; this does it for designs, properties, parameters
 * and bug toggles, which commander does not know.
 */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The nearest of `known` to `word`: within a third of its length (at least one edit), or a name it is a prefix of. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const dist = distance(w, k.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [k, dist];
  }
  // A one- or two-letter name is one edit from every other: only a difference of case is worth a guess there.
  if (best !== undefined && best.toLowerCase() === w) return best;
  if (best !== undefined && word.length >= 3 && bestDistance <= Math.max(1, Math.floor(word.length / 3))) return best;
  const prefixed = known.filter((k) => w.length >= 3 && k.toLowerCase().startsWith(w));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `(did you mean X? known: a, b)`, or `(known: a, b)`, for the end of an error line. */
export function knownNames(word: string, known: readonly string[], what = 'known:'): string {
  const guess = closest(word, known);
  const list = `${what} ${known.length ? known.join(', ') : 'none'}`;
  return guess !== undefined && guess !== word ? `(did you mean ${guess}? ${list})` : `(${list})`;
}
