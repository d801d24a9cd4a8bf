/** The design-proof documents: what they must say, in each format. */
import { describe, expect, it } from 'vitest';
import bench from '../model/designs/bench-reflink-cow.js';
import { proofHtml } from '../report/html.js';
import { proofMarkdown } from '../report/md.js';
import { prove } from '../report/generate.js';
import { proofText } from '../report/txt.js';
import { isCommandLine, MAIL_WIDTH, wrapText } from '../report/wrap.js';
import toy from './fixtures/toy-pages.js';

const noZero = prove(bench, { bugs: ['no-zero-on-free'] });
const toyProof = prove(toy, {});
const toySmall = prove(toy, { bugs: [], maxStates: 3 });

describe('text document', () => {
  const text = proofText(noZero);

  it('fits a mail: at most 72 columns (a command kept whole), no colour codes, no tabs', () => {
    for (const line of text.split('\n')) if (!isCommandLine(line)) expect(line.length, line).toBeLessThanOrEqual(MAIL_WIDTH);
    // The reproduce command is one line, to paste into a shell.
    expect(
      text
        .split('\n')
        .filter((l) => /^ *reproduce: /.test(l))
        .every((l) => / --depth \d+$/.test(l)),
    ).toBe(true);
    // eslint-disable-next-line no-control-regex -- a terminal colour code starts with \x1b
    expect(text).not.toMatch(/\x1b|\t/);
  });

  it('gives the design, its seed, params and bug toggles', () => {
    expect(text).toContain('Design proof: bench-reflink-cow');
    expect(text).toContain('Seed: shared/bench/reflink-cow.md');
    expect(text).toMatch(/P {2}default 3 \(1\.\.12\): physical blocks/);
    expect(text).toContain('no-zero-on-free: a block whose last reference goes keeps its data');
  });

  it('states "holds" with its bound and that it completed', () => {
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(
      'accounting: ref[p] equals the number of (file, block) whose extent maps to p holds in every reachable state of this configuration, by exhaustive search: 164 states, 992 transitions, depth 6; complete (the whole reachable state space).',
    );
  });

  it('shows the minimal counterexample step by step, only what changed', () => {
    expect(text).toContain('VIOLATED by a history of 2 actions');
    const ce = text.slice(text.indexOf('Counterexample to free-zeroed:'));
    expect(ce).toContain('step 1: write(f=0, b=0, v=1)');
    expect(ce).toContain('step 2: punch(f=0, b=0)');
    const step2 = ce.slice(ce.indexOf('step 2:'), ce.indexOf('violated: free-zeroed'));
    // The step names the rule it stands for, then only what changed.
    const lines = step2
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    expect(lines[0]).toMatch(/^kernel: spec punch\(f, b\): fallocate\(PUNCH_HOLE\)/);
    expect(lines.filter((l) => /^\w+\[\d/.test(l))).toEqual(['ext[0][0]: 0 -> -1', 'ref[0]: 1 -> 0']);
  });

  it('reports goals with their depth, and action kinds that never fired', () => {
    const t = proofText(toyProof);
    expect(t).toMatch(/two-in-one: two folios in one mapping\n {4}reached at depth 2/);
    expect(t).toMatch(/never: a folio at index 5\n {4}NOT reached within the bound/);
    expect(t).toContain('truncate: never fired');
    expect(t).toContain('Never fired within the bound: truncate.');
  });

  it('calls an incomplete search inconclusive, not a proof, and never "verified"', () => {
    const t = proofText(toySmall).replace(/\s+/g, ' ');
    expect(t).toContain('nrpages: inconclusive (bound not complete)');
    expect(t).toContain('NOT complete (stopped by the state limit)');
    expect(t).toContain('This is not a proof.');
    expect(t).not.toMatch(/nrpages: holds|holds in every|verified/i);
  });

  it('wraps long lines under their own indentation', () => {
    expect(
      wrapText(`  ${'word '.repeat(30)}`, 20)
        .split('\n')
        .every((l, i) => l.length <= 20 && l.startsWith(i === 0 ? '  w' : '      w')),
    ).toBe(true);
    expect(
      wrapText('x'.repeat(50), 20)
        .split('\n')
        .map((l) => l.length),
    ).toEqual([20, 20, 18]);
  });
});

describe('markdown document', () => {
  const md = proofMarkdown(noZero);

  it('draws each counterexample as a Mermaid sequence diagram, a lifeline per actor and a note per step', () => {
    const diagram = md.slice(md.indexOf('```mermaid'), md.indexOf('```', md.indexOf('```mermaid') + 3));
    expect(diagram).toContain('sequenceDiagram');
    // The actors, not the state's variables, are the lifelines.
    expect(diagram.match(/participant .*/g)).toEqual(['participant process_0 as process 0']);
    expect(diagram).toContain('process_0->>process_0: 2. punch(f=0, b=0)');
    expect(diagram).toMatch(/Note right of process_0: [^\n]*ref\[0\]: 1 -> 0/);
    expect(diagram).toContain('violated free-zeroed: block 0 is free (ref 0) but holds value 1');
    expect(diagram).not.toMatch(/;(?!\d)/);
  });

  it('has the verdict table with bounds, and coverage', () => {
    expect(md).toContain('| `accounting` | holds (bound complete) | exhaustive | 164 | 992 | 6 | yes |');
    expect(proofMarkdown(toyProof)).toContain('| `truncate` | **never** | - |');
  });
});

describe('html document', () => {
  it('is one self-contained file with a picture of every counterexample step', async () => {
    const html = await proofHtml(noZero);
    expect(html).not.toMatch(/<(script|img|link)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const explorer = html.slice(html.indexOf('<div class="pc-explorer"'));
    expect(explorer.match(/<section class="pc-step"/g)).toHaveLength(3);
    expect(explorer.match(/<svg/g)!.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('violated: free-zeroed: block 0 is free (ref 0) but holds value 1');
    expect(html).not.toMatch(/verified/i);
  });
});

describe('documents do not depend on the machine', () => {
  // A machine so loaded that every reading of the clock is a minute later:
  // a search with a time limit would stop at once and prove nothing.
  it('a proof is bounded by states and depth only, never by time', async () => {
    const { vi } = await import('vitest');
    let t = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => (t += 60_000));
    try {
      const proof = prove(bench, { bugs: [] });
      const r = proof.runs[0].result;
      expect(r.exhaustive?.complete).toBe(true);
      expect(r.properties.map((p) => p.verdict)).toEqual(['holds', 'holds']);
      expect(r.random?.interrupted).toBe(false);
    } finally {
      clock.mockRestore();
    }
  });
});
