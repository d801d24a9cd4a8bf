/** The built-in designs, by CLI name. */
import type { AnyDesign } from '../design.js';
import { InputError } from '../errors.js';
import benchReflinkCow from './bench-reflink-cow.js';
import fsdax1to1 from './fsdax-1to1.js';
import fsdaxShared from './fsdax-shared.js';
import fragmentOwner from './fragment-owner.js';
import tmpfsCowflag from './tmpfs-cowflag.js';

export const designs: readonly AnyDesign[] = [benchReflinkCow, fsdax1to1, fsdaxShared, fragmentOwner, tmpfsCowflag];

export function findDesign(name: string): AnyDesign {
  const design = designs.find((d) => d.name === name);
  if (design === undefined) {
    throw new InputError(`unknown design '${name}' (known: ${designs.map((d) => d.name).join(', ')})`);
  }
  return design;
}
