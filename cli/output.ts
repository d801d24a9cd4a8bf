/**
 * Where a command may write, decided before any search: not a pseudo-
 * filesystem (a recursive mkdir under /proc spins for ever), and a directory
 * that exists or can be made in one the user may write to.
 */
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../model/errors.js';

const PSEUDO = ['/proc', '/sys', '/dev'];

export function checkOutputDir(flag: string, dir: string): void {
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  const real = realpathSync(at);
  const pseudo = PSEUDO.find((p) => real === p || real.startsWith(`${p}/`));
  if (pseudo) throw new InputError(`${flag} ${dir}: ${pseudo} is a pseudo-filesystem; give a directory on a real one`);
  if (!statSync(real).isDirectory()) throw new InputError(`${flag} ${dir}: ${real} is not a directory`);
  try {
    accessSync(real, constants.W_OK);
  } catch (e) {
    throw new InputError(`${flag} ${dir}: ${real} cannot be written (${(e as NodeJS.ErrnoException).code ?? 'EACCES'})`);
  }
}
