/**
 * Writes each scenario's `replay` field from a fresh replay: `agrees` where
 * the replay gives the expectation (or a fixed scenario-wrong, kept as such); elsewhere the reviewed status and note
 * already in the file are kept and `replayed` is brought up to date (a pair
 * not yet reviewed is marked so, and test/scenarios.test.ts fails on it).
 * Run: npx tsx scenarios/bind/record.ts [--design NAME] (with --design, only
 * that design's records are replayed; the others are kept as they are).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { replayPair } from './index.js';
import { loadScenario, scenarioFiles, type ReplayRecord } from './scenario.js';

const at = process.argv.indexOf('--design');
const only = at >= 0 ? process.argv[at + 1] : undefined;

for (const file of scenarioFiles()) {
  const s = loadScenario(file);
  const replay: Record<string, ReplayRecord> = {};
  for (const d of Object.keys(s.expect)) {
    if (only !== undefined && d !== only && s.replay?.[d]) {
      replay[d] = s.replay[d];
      continue;
    }
    const r = replayPair(s, d);
    const old = s.replay?.[d];
    if (r.result.failure?.reason.startsWith('no binding')) replay[d] = { status: 'unbound', note: r.result.failure.reason };
    else if (r.result.failure?.reason.startsWith('wrong world')) replay[d] = { status: 'inexpressible', note: 'wrong world' };
    // A scenario fixed against its source (scenario-wrong, no `replayed`) agrees now and keeps its note.
    else if (r.agrees) replay[d] = old?.status === 'scenario-wrong' ? { status: 'scenario-wrong', note: old.note } : { status: 'agrees', note: old?.status === 'agrees' ? old.note : '' };
    else replay[d] = { status: old && old.status !== 'agrees' ? old.status : 'model-differs', note: old && old.status !== 'agrees' ? old.note : 'UNREVIEWED', replayed: r.outcome };
  }
  // The field goes last, one line per design, so that the rest of the file keeps its layout.
  const text = readFileSync(file, 'utf8');
  const cut = text.indexOf(',\n  "replay": {');
  const head = (cut >= 0 ? text.slice(0, cut) : text.trimEnd().replace(/\n}$/, '')).trimEnd();
  const lines = Object.entries(replay).map(([d, r]) => `    ${JSON.stringify(d)}: ${JSON.stringify(r)}`);
  writeFileSync(file, `${head},\n  "replay": {\n${lines.join(',\n')}\n  }\n}\n`);
}
