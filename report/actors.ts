/**
 * Who takes each step of a trace, for the sequence diagram's lifelines: a
 * process (in the reflink and DAX worlds process i is the one that uses file
 * i), a netfs writer, writeback, the memory-failure handler, a crash. Read
 * from the step's kind and arguments, so that a design declares nothing.
 */
import type { PictureWorld } from '../model/picture.js';
import { stepMeta, type ItfTrace } from '../trace/counterexample.js';

const WRITEBACK = new Set(['flush', 'wbDone', 'writepages', 'writeback']);

/** The actor of each step (index 1..n; index 0, the initial state, has none). */
export function stepActors(trace: ItfTrace, world?: PictureWorld): string[] {
  const out: string[] = [''];
  let writers = 0;
  let faulting: string | undefined;
  for (let i = 1; i < trace.states.length; i++) {
    const m = stepMeta(trace, i);
    const kind = m.kind ?? '';
    const args = (m.args ?? {}) as Record<string, unknown>;
    const actor = ((): string => {
      if (kind === 'crash') return 'crash';
      if (kind.startsWith('memfail') || kind === 'mce') return 'memory failure';
      if (typeof args.f === 'number') return `process ${args.f}`;
      if (typeof args.w === 'number') return `writer ${args.w}`;
      // A netfs write(2) starts the next writer, numbered from 1 as its steps' labels are.
      if (kind === 'write' && 'start' in args) return `writer ${++writers}`;
      if ((kind === 'finish' || kind === 'fault-done') && faulting !== undefined) return faulting;
      if (WRITEBACK.has(kind)) return 'writeback';
      if (kind === 'reclaim') return 'reclaim';
      if (kind === 'disconnect' || kind === 'reconnect') return 'network';
      if (typeof args.d === 'number') return `process ${args.d}`;
      // The pmem and single-file DAX worlds have one process; a design of no world is told by kind.
      return world === undefined ? kind : 'process';
    })();
    if (kind === 'fault') faulting = actor;
    out.push(actor);
  }
  return out;
}
