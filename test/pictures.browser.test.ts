/**
 * Each world's picture of a counterexample, in Chromium, against the
 * screenshot committed in docs/pictures/ (the README shows the same files):
 * the violation step of one trace per world is screenshotted and compared
 * pixel by pixel in the browser's own canvas, so that a change to a picture
 * is seen and accepted by regenerating the references
 * (PAGECHECK_UPDATE_PICTURES=1 npx vitest run test/pictures.browser.test.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PictureWorld } from '../model/picture.js';
import { explorerPage } from '../report/explorer.js';
import { packageRoot } from '../report/inputs.js';
import { parseItf } from '../trace/counterexample.js';
import { chromiumPresent, launchChromium } from './chromium.js';

const present = chromiumPresent('world pictures browser test');
const update = process.env.PAGECHECK_UPDATE_PICTURES === '1';
const pictures = join(packageRoot(), 'docs/pictures');
const WORLDS: readonly PictureWorld[] = ['dax', 'pagecache', 'netfs', 'pmem'];

/** The share of pixels that differ between two PNGs (1 where the sizes differ), computed in the page. */
async function difference(page: Page, a: Buffer, b: Buffer): Promise<number> {
  // Runs in the page (the DOM's types are not the test's), so written as the page's own script.
  const script = `(async ([x, y]) => {
    const load = (src) => new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = reject;
      img.src = 'data:image/png;base64,' + src;
    });
    const [p, q] = await Promise.all([load(x), load(y)]);
    if (p.width !== q.width || p.height !== q.height) return 1;
    const pixels = (img) => {
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      return ctx.getImageData(0, 0, img.width, img.height).data;
    };
    const [d1, d2] = [pixels(p), pixels(q)];
    let differ = 0;
    for (let i = 0; i < d1.length; i += 4) {
      if (Math.abs(d1[i] - d2[i]) > 24 || Math.abs(d1[i + 1] - d2[i + 1]) > 24 || Math.abs(d1[i + 2] - d2[i + 2]) > 24) differ++;
    }
    return differ / (d1.length / 4);
  })(${JSON.stringify([a.toString('base64'), b.toString('base64')])})`;
  return (await page.evaluate(script)) as number;
}

describe.runIf(present)('world pictures in chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    ({ context, page, dir } = await launchChromium('pagecheck-pictures-', { viewport: { width: 1400, height: 1000 }, args: ['--font-render-hinting=none'] }));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
  });

  for (const world of WORLDS) {
    it(`${world}: the violation step looks as committed in docs/pictures/${world}.png`, async () => {
      const trace = parseItf(JSON.parse(readFileSync(join(pictures, `${world}.itf.json`), 'utf8')));
      const file = join(dir, `${world}.html`);
      writeFileSync(file, await explorerPage(trace, { world }));
      await page.goto(pathToFileURL(file).href);
      expect(await page.evaluate('window.scrollY'), 'the page opens at its title').toBe(0);
      await page.keyboard.press('End');
      const shot = await page.locator('.pc-step.pc-current .pc-picture svg').screenshot();
      const reference = join(pictures, `${world}.png`);
      if (update || (!existsSync(reference) && !process.env.CI)) {
        writeFileSync(reference, shot);
        return;
      }
      expect(existsSync(reference), `${reference} is missing: run with PAGECHECK_UPDATE_PICTURES=1`).toBe(true);
      const share = await difference(page, shot, readFileSync(reference));
      expect(share, `${world}: ${(share * 100).toFixed(2)}% of the pixels differ from ${reference} (PAGECHECK_UPDATE_PICTURES=1 accepts the new picture)`).toBeLessThan(0.005);
    }, 30_000);
  }

  it('prints every step, without the buttons', async () => {
    const file = join(dir, 'dax.html');
    await page.goto(pathToFileURL(file).href);
    await page.emulateMedia({ media: 'print' });
    const steps = await page.locator('.pc-step').count();
    expect(await page.locator('.pc-step:visible').count()).toBe(steps);
    expect(await page.locator('.pc-bar').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    expect(await page.locator('.pc-step:visible').count()).toBe(1);
  });
});
