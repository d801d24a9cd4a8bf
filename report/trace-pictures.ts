/**
 * The pictures of a trace, one per state: each with the paths its step
 * changed highlighted, and the violated property marked on the last one.
 */
import type { PictureHints, PictureWorld } from '../model/picture.js';
import type { ItfTrace } from '../trace/counterexample.js';
import { stateAt, stepMeta } from '../trace/counterexample.js';
import { diffStates, outcomeNote, type Change } from '../trace/render.js';
import { stateDot } from './picture.js';
import { sceneFrame, sceneSvg } from './scene.js';
import { worldScene } from './scenes/index.js';
import { dotToSvg } from './svg.js';

export interface TraceStep {
  readonly index: number;
  /** `write(f=0, b=0, v=1)`; absent on the initial state. */
  readonly action?: string;
  readonly choice?: number;
  readonly outcome?: string;
  /** The kernel function the step stands for. */
  readonly note?: string;
  readonly changes: readonly Change[];
  readonly state: Record<string, unknown>;
}

/** The states of a trace decoded, each with what its step changed. */
export function traceSteps(trace: ItfTrace): TraceStep[] {
  const out: TraceStep[] = [];
  let prev: Record<string, unknown> | undefined;
  trace.states.forEach((_, i) => {
    const state = stateAt(trace, i) as Record<string, unknown>;
    const m = stepMeta(trace, i);
    out.push({
      index: i,
      ...(m?.action !== undefined ? { action: m.action } : {}),
      ...(m?.choice !== undefined ? { choice: m.choice } : {}),
      ...(m?.outcome !== undefined ? { outcome: m.outcome } : {}),
      ...(m?.note !== undefined ? { note: m.note } : {}),
      changes: prev ? diffStates(prev, state) : [],
      state,
    });
    prev = state;
  });
  return out;
}

export function stepCaption(step: TraceStep): string {
  return step.action === undefined ? 'state 0 (initial)' : `step ${step.index}: ${step.action}`;
}

/** The DOT of every state of the trace. */
export function traceDots(trace: ItfTrace, hints?: PictureHints): string[] {
  const steps = traceSteps(trace);
  const meta = trace['#meta'];
  return steps.map((step, i) =>
    stateDot(step.state, {
      hints,
      changed: step.changes.map((c) => c.path),
      previous: i > 0 ? steps[i - 1].state : undefined,
      caption: stepCaption(step),
      violation: i === steps.length - 1 && meta.message !== undefined ? { property: meta.property, message: meta.message } : undefined,
    }),
  );
}

export async function traceSvgs(trace: ItfTrace, hints?: PictureHints): Promise<string[]> {
  if (hints?.world) {
    // A world's scene takes its states on trust (scenes/index.ts). A trace edited by hand need not
    // hold states of that shape: it is drawn as the generic table then, rather than not at all.
    try {
      return traceScenes(trace, hints.world);
    } catch {
      // fall through to the generic picture
    }
  }
  const out: string[] = [];
  for (const dot of traceDots(trace, hints)) out.push(await dotToSvg(dot));
  return out;
}

/** A world's own picture of every state: the same boxes in the same places at every step, what changed highlighted. */
export function traceScenes(trace: ItfTrace, world: PictureWorld): string[] {
  const steps = traceSteps(trace);
  const meta = trace['#meta'];
  const scenes = steps.map((step) => worldScene(world, step.state));
  const frame = sceneFrame(scenes);
  return steps.map((step, i) =>
    sceneSvg(scenes[i], {
      frame,
      caption: stepCaption(step) + outcomeNote(step),
      ...(i > 0 ? { previous: scenes[i - 1] } : {}),
      ...(i === steps.length - 1 && meta.message !== undefined ? { violation: { property: meta.property, message: meta.message } } : {}),
    }),
  );
}
