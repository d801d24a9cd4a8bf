import { loadScenarios } from '/work/wt-scen/scenarios/bind/scenario.js';
import { replayPair } from '/work/wt-scen/scenarios/bind/index.js';
const only = process.argv[2];
const world = process.argv[3];
for (const s of loadScenarios()) {
  if (only && only !== '-' && !s.id.includes(only)) continue;
  if (world && s.world !== world) continue;
  for (const d of Object.keys(s.expect)) {
    const r = replayPair(s, d);
    if (r.result.failure?.reason.startsWith('wrong world')) continue;
    const e = s.expect[d] as any;
    const exp = 'inexpressible' in e ? 'inexpressible' : 'verdict' in e ? 'holds' + (e.contrast ? ' +' + e.contrast.map((c: any) => c.violated + '@' + c.after).join(',') : '') : `${e.violated}@${e.after}` + (e.also ? ' +' + e.also.map((c: any) => c.violated + '@' + c.after).join(',') : '');
    console.log(`${r.agrees ? 'OK  ' : 'DIFF'} ${s.id} / ${d}\n     expected: ${exp}\n     replayed: ${r.outcome}${r.agrees ? '' : '\n     why: ' + r.why}`);
    if (process.env.TRACE && !r.agrees) console.log('       ' + r.result.trace.join('\n       '));
  }
}
