// Traces users saved in the first format still read, replay and render as
// they did, and come out in the current format for the tools that read ITF.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../../checker/replay.js';
import { parseItf, traceMeta } from '../../trace/counterexample.js';
import { renderText } from '../../trace/render.js';
import { validateItf } from './itf-rules.js';

const dir = new URL('../fixtures/itf-first-format/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.itf.json'));

describe('traces in the first format', () => {
  it('are there to test', () => expect(files.length).toBe(2));

  it.each(files)('%s replays, reproduces and renders as it did', (file) => {
    const stored = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    expect(typeof stored['#meta'].params).toBe('object');
    const trace = parseItf(stored);
    const outcome = replay(trace);
    expect(outcome.reproduces).toBe(true);
    expect(outcome.message).toBe(stored['#meta'].message);
    expect(renderText(trace)).toBe(readFileSync(join(dir, file.replace(/\.itf\.json$/, '.txt')), 'utf8'));
    expect(traceMeta(trace)).toMatchObject({ params: stored['#meta'].params, bugs: stored['#meta'].bugs, bound: stored['#meta'].bound });
  });

  it.each(files)('%s breaks the rules itf-rs reads by, and its rewriting keeps them', (file) => {
    const stored = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const errs = validateItf(stored, { bigintOnly: true, typed: true });
    expect(errs).toContain('trace: #meta.params is not a string (itf-rs takes any other key as a string only)');
    expect(errs.join('\n')).toMatch(/is a plain JSON number, not #bigint/);
    expect(validateItf(JSON.parse(JSON.stringify(parseItf(stored))), { bigintOnly: true, typed: true })).toEqual([]);
  });
});
