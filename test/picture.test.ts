/** Pictures of states: generic over the state's shape, hints where the shape says too little. */
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import bench from '../model/designs/bench-reflink-cow.js';
import { stateDot } from '../report/picture.js';
import { dotToSvg } from '../report/svg.js';
import { traceDots, traceSvgs } from '../report/trace-pictures.js';
import toy from './fixtures/toy-pages.js';

const trace = check(bench, { mode: 'exhaustive', bugs: ['no-zero-on-free'], properties: ['free-zeroed'] }).counterexamples['free-zeroed'];

/** The DOT statement that declares node `title`'s box. */
function box(dot: string, title: string): string {
  return dot.split('\n').find((l) => l.includes(`<B>${title}</B>`)) ?? '';
}

describe('pictures of a counterexample', () => {
  const dots = traceDots(trace, bench.picture);

  it('draws files, blocks (ref and data as one box) and an arrow per mapped extent, none for a hole', () => {
    const step1 = dots[1];
    expect(box(step1, 'file 0')).toContain('PORT="p0"');
    expect(box(step1, 'block 0')).toMatch(/ref<\/FONT><\/TD><TD[^>]*>1<.*data<\/FONT><\/TD><TD[^>]*>1</);
    const arrows = step1.split('\n').filter((l) => /:p\d+:e -> /.test(l));
    expect(arrows).toHaveLength(1);
  });

  it('highlights what the step changed, and only that', () => {
    const step2 = dots[2];
    expect(box(step2, 'file 0')).toMatch(/BGCOLOR="#ffe08a"><FONT COLOR="#555555">0</);
    expect(box(step2, 'file 0')).toContain('class="changed"');
    expect(box(step2, 'block 0')).toMatch(/BGCOLOR="#ffe08a"><FONT COLOR="#555555">ref</);
    expect(box(step2, 'block 0')).not.toMatch(/BGCOLOR="#ffe08a"><FONT COLOR="#555555">data</);
    expect(box(step2, 'file 1')).not.toContain('#ffe08a');
    expect(box(step2, 'block 1')).not.toContain('changed');
    expect(dots[0]).not.toContain('#ffe08a');
  });

  it('marks the violated property on the last step, pointing at the block its message names', () => {
    expect(dots[2]).toContain('violated: free-zeroed');
    expect(box(dots[2], 'block 0')).toContain('class="changed blamed"');
    expect(dots[2]).toMatch(/violation -> n\d+ \[color="#c62828", style=dashed/);
    expect(dots[1]).not.toContain('violation');
  });

  it('renders to SVG with Graphviz in WebAssembly', async () => {
    const svgs = await traceSvgs(trace, bench.picture);
    expect(svgs).toHaveLength(3);
    expect(svgs[2]).toMatch(/^<svg/);
    expect(svgs[2]).toContain('violated: free&#45;zeroed');
    expect(svgs[2]).toMatch(/class="node changed blamed"/);
  });
});

describe('the generic picture', () => {
  it('follows a field named after a variable (folio.mapping -> mapping), and draws no arrow for NULL', () => {
    const t = check(toy, { mode: 'exhaustive', bugs: ['no-count'] }).counterexamples['nrpages'];
    const dot = traceDots(t)[1];
    const arrows = dot.split('\n').filter((l) => /:p\d+:e -> /.test(l));
    expect(arrows).toHaveLength(1);
    const folio0 = /(n\d+) \[label=<.*<B>folio 0<\/B>/.exec(dot)![1];
    const mapping0 = /(n\d+) \[label=<.*<B>mapping 0<\/B>/.exec(dot)![1];
    expect(arrows[0]).toMatch(new RegExp(`^  ${folio0}:p0:e -> ${mapping0} `));
  });

  it('draws maps, sets and scalars, with new boxes marked', async () => {
    const before = { pages: new Map([[7, { owner: 'a' }]]), dirty: new Set([7]), clock: 1 };
    const after = {
      pages: new Map([
        [7, { owner: 'a' }],
        [9, { owner: 'b' }],
      ]),
      dirty: new Set([7, 9]),
      clock: 2,
    };
    const dot = stateDot(after, { previous: before, changed: ['pages[9].owner', 'dirty', 'clock'] });
    expect(box(dot, 'pages 9')).toContain('BGCOLOR="#c9e7c2"');
    expect(box(dot, 'pages 7')).not.toContain('changed');
    expect(box(dot, 'dirty')).toContain('class="changed"');
    expect(box(dot, 'state')).toMatch(/clock<\/FONT><\/TD><TD BGCOLOR="#ffe08a">2</);
    expect(await dotToSvg(dot)).toMatch(/^<svg/);
  });
});
