/**
 * The worlds' own pictures (report/scene.ts, report/scenes/): every box keeps
 * its place from step to step, what a step changed is highlighted, and the
 * objects the violation names are marked; and every built-in design of a
 * world draws each of its corpus traces.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { designs } from '../../model/designs/index.js';
import { packageRoot } from '../../report/inputs.js';
import { sceneSvg, type Scene } from '../../report/scene.js';
import { traceScenes } from '../../report/trace-pictures.js';
import { parseItf } from '../../trace/counterexample.js';

const root = packageRoot();
const fixture = (world: string) => parseItf(JSON.parse(readFileSync(join(root, 'docs/pictures', `${world}.itf.json`), 'utf8')));

/** Each box's place in an SVG the scene renderer wrote. */
function places(svg: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of svg.matchAll(/<g class="pc-box[^"]*" data-box="([^"]+)">\n<rect x="([\d.]+)" y="([\d.]+)"/g)) out.set(m[1], `${m[2]},${m[3]}`);
  return out;
}

describe('world pictures', () => {
  it('keeps every box in its place from step to step', () => {
    for (const world of ['dax', 'pagecache', 'netfs', 'pmem'] as const) {
      const svgs = traceScenes(fixture(world), world);
      for (let i = 1; i < svgs.length; i++) {
        const [a, b] = [places(svgs[i - 1]), places(svgs[i])];
        for (const [box, at] of a) if (b.has(box)) expect(`${world} step ${i} ${box} at ${b.get(box)}`).toBe(`${world} step ${i} ${box} at ${at}`);
        expect(a.size, `${world}: every step draws boxes`).toBeGreaterThan(0);
      }
    }
  });

  it('marks the boxes the violation names: the pfn and the process that was not signalled', () => {
    const svgs = traceScenes(fixture('dax'), 'dax');
    const last = svgs[svgs.length - 1];
    const blamed = [...last.matchAll(/<g class="pc-box blamed" data-box="([^"]+)"/g)].map((m) => m[1]);
    expect(blamed.sort()).toEqual(['pfn 0', 'process 0']);
    expect(svgs[0]).not.toContain('blamed');
  });

  it('highlights the rows and arrows a step changed, and nothing on the initial state', () => {
    const scene = (count: number, to: string): Scene => ({
      columns: [
        { title: 'a', boxes: [{ id: 'file 0', title: 'file 0', rows: [{ id: '0', label: '[0]', text: 'x' }] }] },
        {
          title: 'b',
          boxes: [
            { id: 'pfn 0', title: 'pfn 0', rows: [{ id: 'count', label: 'count', text: String(count) }] },
            { id: 'pfn 1', title: 'pfn 1', rows: [] },
          ],
        },
      ],
      arrows: [{ from: 'file 0#0', to }],
    });
    expect(sceneSvg(scene(1, 'pfn 0'))).not.toContain('changed');
    const after = sceneSvg(scene(2, 'pfn 1'), { previous: scene(1, 'pfn 0') });
    expect(after.match(/class="pc-row changed"/g)).toHaveLength(1);
    expect(after.match(/class="pc-arrow changed"/g)).toHaveLength(1);
    expect(sceneSvg(scene(1, 'pfn 0'), { previous: scene(1, 'pfn 0') })).not.toContain('changed');
  });

  it('every built-in design of a world draws each of its corpus traces in that world', () => {
    let drawn = 0;
    // The benchmark, the MAP_SYNC flag matrix and the reflink sync fault are no world's: their states are drawn generically.
    const own = designs.filter((d) => !['bench-reflink-cow', 'pmem-map-sync-flags', 'fsdax-reflink-sync'].includes(d.name));
    for (const d of own) {
      const world = d.picture?.world;
      expect(world, `${d.name} names its world`).toBeDefined();
      const dir = join(root, 'counterexamples', d.name);
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.itf.json'))) {
        const svgs = traceScenes(parseItf(JSON.parse(readFileSync(join(dir, f), 'utf8'))), world!);
        expect(svgs.every((s) => s.startsWith('<svg') && s.includes('pc-box'))).toBe(true);
        drawn++;
      }
    }
    expect(drawn).toBeGreaterThan(10);
  });
});
