/** `pagecheck designs`: what can be checked, with parameters, properties, goals and bug toggles. */
import { designs } from '../../model/designs/index.js';
import { propertyList, sourceText, type AnyDesign } from '../../model/design.js';
import { parse } from '../args.js';
import type { Command } from '../io.js';

const usage = 'pagecheck designs [--json]';

function describe(d: AnyDesign) {
  return {
    name: d.name,
    summary: d.summary,
    seed: d.seed,
    params: d.params,
    bounds: d.bounds ?? {},
    properties: propertyList(d),
    notApplicable: d.notApplicable ?? {},
    goals: d.sometimes.map((g) => ({ id: g.id, description: g.description })),
    bugs: d.bugs,
    amendments: d.amendments ?? {},
    actions: Object.keys(d.next),
  };
}

function text(d: AnyDesign): string {
  const lines = [`${d.name}: ${d.summary}`, `  models: ${d.seed}`];
  const params = Object.entries(d.params);
  if (params.length) {
    lines.push('  parameters:');
    for (const [k, p] of params) lines.push(`    ${k}=${p.default}  (${p.min}..${p.max}) ${p.description}`);
  }
  lines.push('  properties:');
  for (const p of propertyList(d)) lines.push(`    ${p.id}: ${p.description}`);
  for (const [id, why] of Object.entries(d.notApplicable ?? {})) lines.push(`    ${id}: not applicable: ${why}`);
  if (d.sometimes.length) {
    lines.push('  goals (sometimes):');
    for (const g of d.sometimes) lines.push(`    ${g.id}: ${g.description}`);
  }
  const bugs = Object.entries(d.bugs);
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

export const designsCommand: Command = {
  name: 'designs',
  usage,
  summary: 'list the designs, their parameters, properties, goals and bug toggles',
  run(args, io) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } }, usage);
    const chosen = positionals.length ? designs.filter((d) => positionals.includes(d.name)) : designs;
    if (values.json) io.stdout(JSON.stringify(chosen.map(describe), null, 2) + '\n');
    else io.stdout(chosen.map(text).join('\n\n') + '\n');
    return 0;
  },
};
