/**
 * The live progress line on stderr: only when stderr is a terminal (the
 * engine reports no sooner than a second into a search), and erased when
 * the search ends, so stdout carries the result alone.
 */
import type { Progress } from '../engine/exhaustive.js';
import type { Io } from './io.js';

export function progressLine(io: Io, name: string): { update?: (p: Progress) => void; done: () => void } {
  if (!io.stderrIsTTY) return { done: () => {} };
  let shown = false;
  return {
    update: (p) => {
      shown = true;
      const rate = Math.round(p.states / Math.max(p.elapsedMs / 1000, 1e-3));
      io.stderr(`\r\x1b[K${name}: ${p.states.toLocaleString('en-US')} states, depth ${p.depth}, ${rate.toLocaleString('en-US')} states/s, queue ${p.queue.toLocaleString('en-US')}`);
    },
    done: () => {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}
