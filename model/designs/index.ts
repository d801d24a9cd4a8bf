/** The built-in designs, by CLI name. */
import type { AnyDesign } from '../design.js';
import { InputError } from '../errors.js';
import benchReflinkCow from './bench-reflink-cow.js';
import fragmentOwner from './fragment-owner.js';
import fsdax1to1 from './fsdax-1to1.js';
import fsdaxShared from './fsdax-shared.js';
import fsdaxReflinkSync from './fsdax-reflink-sync.js';
import imappingRedirect from './imapping-redirect.js';
import ownerList from './owner-list.js';
import pagecacheReflink from './pagecache-reflink.js';
import shadowPages from './shadow-pages.js';
import shadowPagesPagecache from './shadow-pages-pagecache.js';
import netfsMainline from './netfs-mainline.js';
import netfsRegions from './netfs-regions.js';
import pmemMapSync from './pmem-map-sync.js';
import pmemMapSyncFlags from './pmem-map-sync-flags.js';
import pmemNofsyncInvalidate from './pmem-nofsync-invalidate.js';
import pmemNofsyncNaive from './pmem-nofsync-naive.js';
import pmemStaticChunks from './pmem-static-chunks.js';
import tmpfsCowflag from './tmpfs-cowflag.js';

// In the order of the seeds: reflink and shared pages (000-002), pmem (003), netfs (004).
export const designs: readonly AnyDesign[] = [
  benchReflinkCow,
  fsdax1to1,
  fsdaxShared,
  fsdaxReflinkSync,
  fragmentOwner,
  tmpfsCowflag,
  shadowPages,
  imappingRedirect,
  ownerList,
  pagecacheReflink,
  shadowPagesPagecache,
  pmemNofsyncNaive,
  pmemNofsyncInvalidate,
  pmemMapSync,
  pmemMapSyncFlags,
  pmemStaticChunks,
  netfsRegions,
  netfsMainline,
];

export function findDesign(name: string): AnyDesign {
  const design = designs.find((d) => d.name === name);
  if (design === undefined) {
    throw new InputError(`unknown design '${name}' (known: ${designs.map((d) => d.name).join(', ')})`);
  }
  return design;
}
