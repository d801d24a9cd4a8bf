/**
 * How a design would like its states drawn, as data: the report's picture of
 * a state is generic over the state's shape (records, lists, maps), and these
 * hints only say what the shape alone cannot: which parallel lists describe
 * one entity (`ref[p]` and `data[p]` are block p), and which places hold the
 * name of another entity (`ext[f][b]` holds a block number), so that the
 * picture draws an arrow instead of a number. A design knows nothing of
 * drawing; it gives these names, the report does the rest.
 */

/** A place in the state written as a trace path, `*` standing for any one index or key: `ext[*][*]`, `folio[*].mapping`. */
export type PathPattern = string;

export interface PictureRef {
  /** Where the reference is held. */
  readonly at: PathPattern;
  /** The variable or group (see `groups`) whose element it names. */
  readonly to: string;
  /** Values that name nothing (a hole, NULL): no arrow. `null` is always one. */
  readonly none?: readonly (number | string)[];
}

/** The worlds whose pictures the report draws in their own terms (report/scenes/), rather than as generic tables. */
export type PictureWorld = 'dax' | 'pagecache' | 'netfs' | 'pmem';

export interface PictureHints {
  /** The world the design lives in: its states are drawn as that world's picture. */
  readonly world?: PictureWorld;
  /** Parallel lists or maps indexed by one key, drawn as one box per key: `{ block: ['ref', 'data'] }`. */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  readonly refs?: readonly PictureRef[];
  /** What one element of a variable is called: `{ ext: 'file' }` titles `ext[0]` as "file 0". */
  readonly names?: Readonly<Record<string, string>>;
}
