/**
 * Plain text that survives a mail: at most 72 columns (a command line
 * excepted), no tabs, no colour codes. A long line is broken at spaces and carried on under its own
 * indentation plus four, so that a wrapped change (`ext: [[...], ...]`) still
 * reads as one item; a word longer than the line is cut.
 */
export const MAIL_WIDTH = 72;

/**
 * A command to paste into a shell (`reproduce: pagecheck check ...`, `$ npm
 * run proofs`): kept whole however long, since a broken one does not run.
 */
export function isCommandLine(line: string): boolean {
  return /^\s*(?:reproduce: |\$ )?(?:npx )?(?:pagecheck|npm run) /.test(line);
}

export function wrapLine(line: string, width = MAIL_WIDTH): string[] {
  const clean = line
    .replace(/\t/g, '    ')
    // eslint-disable-next-line no-control-regex -- \x1b starts the terminal colour codes that a mail must not carry
    .replace(/\x1b\[[0-9;]*m/g, '')
    .trimEnd();
  if (clean.length <= width || isCommandLine(clean)) return [clean];
  const indent = clean.match(/^ */)![0].length;
  const hang = ' '.repeat(Math.min(indent + 4, width / 2));
  const out: string[] = [];
  let rest = clean;
  let prefix = '';
  while ((prefix + rest).length > width) {
    const room = width - prefix.length;
    const text = prefix + rest;
    let cut = text.lastIndexOf(' ', width);
    if (cut <= prefix.length + (prefix ? 0 : indent)) cut = -1;
    if (cut < 0) {
      out.push(prefix + rest.slice(0, room));
      rest = rest.slice(room);
    } else {
      out.push(text.slice(0, cut).trimEnd());
      rest = text.slice(cut + 1).trimStart();
    }
    prefix = hang;
  }
  if (rest.length) out.push(prefix + rest);
  return out;
}

export function wrapText(text: string, width = MAIL_WIDTH): string {
  return text
    .split('\n')
    .flatMap((l) => wrapLine(l, width))
    .join('\n');
}
