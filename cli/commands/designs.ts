/** `pagecheck designs [DESIGN...]`: what can be checked, with parameters, properties, goals and bug toggles. */
import type { Command as Commander } from 'commander';
import { designs } from '../../model/designs/index.js';
import { propertyList, sourceText, type AnyDesign } from '../../model/design.js';
import type { Options } from '../args.js';
import { chooseOne, type Chosen } from '../choose.js';
import { blamingModule } from '../load.js';
import type { Command, Io } from '../io.js';

function describe({ design: d, module }: Chosen) {
  return {
    name: d.name,
    ...(module !== undefined ? { module } : {}),
    summary: d.summary,
    seed: d.seed,
    params: d.params,
    bounds: d.bounds ?? {},
    properties: propertyList(d),
    notApplicable: d.notApplicable ?? {},
    goals: d.sometimes.map((g: { id: string; description: string }) => ({ id: g.id, description: g.description })),
    bugs: d.bugs,
    amendments: d.amendments ?? {},
    actions: Object.keys(d.next),
    deadlock: deadlockText(d),
  };
}

/** Whether the built-in `deadlock` is checked: only where the design says who waits (Design.waiting). */
function deadlockText(d: AnyDesign): string {
  return d.waiting
    ? 'checked: the design says who waits, and a state where someone waits with no action enabled is a violation'
    : 'not checked: the design does not say who waits, so every state counts as quiescent';
}

function text({ design: d, module }: Chosen): string {
  const lines = [`${d.name}: ${d.summary}`, `  models: ${d.seed}`];
  if (module !== undefined) lines.push(`  module: ${module}`);
  const params = Object.entries(d.params as AnyDesign['params']);
  if (params.length) {
    lines.push('  parameters:');
    for (const [k, p] of params) lines.push(`    ${k}=${p.default}  (${p.min}..${p.max}) ${p.description}`);
  }
  lines.push('  properties:');
  for (const p of propertyList(d)) lines.push(`    ${p.id}: ${p.description}`);
  for (const [id, why] of Object.entries(d.notApplicable ?? {})) lines.push(`    ${id}: not applicable: ${why}`);
  lines.push(`  deadlock: ${deadlockText(d)}`);
  lines.push(`  symmetry: ${d.symmetry ? `${d.symmetry.description} (check --symmetry to reduce by it; --symmetry-check to test it)` : 'none declared'}`);
  if (d.sometimes.length) {
    lines.push('  goals (sometimes):');
    for (const g of d.sometimes as readonly { id: string; description: string }[]) lines.push(`    ${g.id}: ${g.description}`);
  }
  const bugs = Object.entries(d.bugs as AnyDesign['bugs']);
  if (bugs.length) {
    lines.push('  bug toggles:');
    for (const [k, why] of bugs) lines.push(`    ${k}: ${why}`);
  }
  const amendments = Object.entries(d.amendments ?? {});
  if (amendments.length) {
    lines.push('  amendments (off unless --amend):');
    for (const [k, a] of amendments) lines.push(`    ${k}: ${a.description} [${sourceText(a.source)}]`);
  }
  return lines.join('\n');
}

async function run(operands: readonly string[], o: Options, io: Io): Promise<number> {
  const chosen: Chosen[] = [];
  for (const spec of operands) chosen.push(await chooseOne(spec));
  const shown: Chosen[] = operands.length ? chosen : designs.map((design) => ({ design }));
  // A module's fields are read here for the first time past their shape: what fails is the module's.
  const each = <T>(f: (c: Chosen) => T) => Promise.all(shown.map((c) => blamingModule(c.module, () => f(c))));
  // Each description goes through JSON within blamingModule: the module's objects (a Proxy, a toJSON) are read there.
  if (o.json) io.stdout(JSON.stringify(await each((c) => JSON.parse(JSON.stringify(describe(c))) as unknown), null, 2) + '\n');
  else io.stdout((await each(text)).join('\n\n') + '\n');
  return 0;
}

export const designsCommand: Command = {
  name: 'designs',
  summary: 'list the designs (or show the ones named), with parameters, properties, goals and bug toggles',
  define: (c: Commander) => c.argument('[design...]', 'built-in design names or design modules (./d.ts, ./d.ts#name); all built-in designs when none').option('--json', 'print them as JSON'),
  run,
};
