/**
 * Ctrl-C (SIGINT) and SIGTERM during `check`: the first asks the search to
 * stop at its next state, so that its partial result is printed and saved
 * (verdicts inconclusive, exit 3); a second SIGINT exits at once (130).
 */
export interface Interrupt {
  /** Shared with the worker that runs the search. */
  readonly stop: SharedArrayBuffer;
  readonly requested: () => boolean;
  readonly dispose: () => void;
}

export function onInterrupt(onFirst: () => void): Interrupt {
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  let count = 0;
  const handler = (signal: NodeJS.Signals): void => {
    count++;
    if (count > 1 && signal === 'SIGINT') process.exit(130);
    Atomics.store(flag, 0, 1);
    onFirst();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stop,
    requested: () => Atomics.load(flag, 0) === 1,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
