/** Each world's scene builder, by the name a design gives in its PictureHints. */
import type { PictureWorld } from '../../model/picture.js';
import type { Scene } from '../scene.js';
import { daxScene } from './dax.js';
import { netfsScene } from './netfs.js';
import { pagecacheScene } from './pagecache.js';
import { pmemScene } from './pmem.js';

// The states come decoded from a trace, so each builder takes its world's state on trust.
const BUILDERS: Record<PictureWorld, (state: never) => Scene> = {
  dax: daxScene,
  pagecache: pagecacheScene,
  netfs: netfsScene,
  pmem: pmemScene,
};

export function worldScene(world: PictureWorld, state: Record<string, unknown>): Scene {
  return BUILDERS[world](state as never);
}
