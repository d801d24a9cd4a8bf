/**
 * Prints the README's result sections (scenarios/README.md) from the replay
 * records in the scenario files: npx tsx scenarios/bind/report.ts
 */
import { loadScenarios } from './scenario.js';

const scenarios = loadScenarios();
const short = (e: Record<string, unknown>): string => {
  if ('inexpressible' in e) return 'inexpressible';
  const list = (xs: unknown): string => ((xs as { violated: string; after: number }[] | undefined) ?? []).map((x) => `${x.violated}@${x.after}`).join(', ');
  if ('verdict' in e) return e.contrast ? `holds (contrast ${list(e.contrast)})` : 'holds';
  return `${e.violated}@${e.after}${e.also ? ` + ${list(e.also)}` : ''}`;
};
const out: string[] = [];
out.push('## Results', '', '| scenario | world | agrees | differs (model) | wrong (scenario) | inexpressible | not replayed (no binding) |', '|---|---|---|---|---|---|---|');
for (const s of scenarios) {
  const by: Record<string, string[]> = { agrees: [], 'model-differs': [], 'scenario-wrong': [], inexpressible: [], unbound: [] };
  for (const [d, r] of Object.entries(s.replay ?? {})) if (r.note !== 'wrong world') by[r.status].push(d);
  out.push(
    `| \`${s.id}\` | ${s.world} | ${by.agrees.join(', ')} | ${by['model-differs'].join(', ')} | ${by['scenario-wrong'].join(', ')} | ${by.inexpressible.join(', ')} | ${by.unbound.join(', ')} |`,
  );
}
// Pairs with the same note are listed together under it.
const section = (title: string, status: string, intro: string): void => {
  out.push('', `## ${title}`, '', intro, '');
  const groups = new Map<string, string[]>();
  for (const s of scenarios) {
    for (const [d, r] of Object.entries(s.replay ?? {})) {
      if (r.status !== status || r.note === 'wrong world') continue;
      const got = r.replayed ? `, replayed ${r.replayed.startsWith('cannot bind') ? 'fails to bind' : r.replayed}` : '';
      const pairs = groups.get(r.note) ?? [];
      pairs.push(`\`${s.id}\` / ${d} (expected ${short(s.expect[d] as Record<string, unknown>)}${got})`);
      groups.set(r.note, pairs);
    }
  }
  for (const [note, pairs] of groups) out.push(`- ${note}.`, ...pairs.map((p) => `  - ${p}`));
};
section(
  'Inexpressible',
  'inexpressible',
  'Pairs the replay cannot bind, other than a design of another world, with the reason. Pairs the scenario itself expects to be inexpressible, and which fail to bind, count as agreeing and are listed after.',
);
const expected = new Map<string, string[]>();
for (const s of scenarios) {
  for (const [d, r] of Object.entries(s.replay ?? {})) {
    const e = s.expect[d] as Record<string, unknown>;
    if (r.status !== 'agrees' || !('inexpressible' in e) || String(e.inexpressible).startsWith('wrong world')) continue;
    const why = String(e.inexpressible);
    expected.set(why, [...(expected.get(why) ?? []), `\`${s.id}\` / ${d}`]);
  }
}
out.push('', "As the scenarios expect (the draft's reasons):", '');
for (const [why, pairs] of expected) out.push(`- ${why}: ${pairs.join(', ')}`);
section(
  'Where the model differs',
  'model-differs',
  'The replay gives another outcome than the scenario, and the source sides with the scenario (or leaves the point open; the note says which): the model is to be looked at. The test asserts the recorded outcome, so a fix shows as a failing test.',
);
const unbound = scenarios.some((s) => Object.values(s.replay ?? {}).some((r) => r.status === 'unbound'));
section(
  'Not replayed',
  'unbound',
  `Designs the binders cannot drive yet (scenarios/bind/index.ts, UNBOUND): their expectations are written, from the sources, and wait for a binder.${unbound ? '' : " None: every design has one (pagecache-reflink's is scenarios/bind/pagecache.ts)."}`,
);
section('Where the scenario was wrong', 'scenario-wrong', 'The scenario misread its source; where the note cites the line, the expectation was fixed and the pair now agrees.');
console.log(out.join('\n'));
