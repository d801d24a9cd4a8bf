/**
 * The explorer page in a real browser: Debian's chromium, driven by
 * playwright-core (no browser download), loads the page from a local file
 * and steps through a known counterexample with the keyboard. Skipped, with
 * the reason printed, where chromium is absent; in CI (.ci/install-chromium
 * installs it) its absence is a failure.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import bench from '../model/designs/bench-reflink-cow.js';
import { explorerPage } from '../report/explorer.js';
import { proofHtml } from '../report/html.js';
import { prove } from '../report/generate.js';
import { chromiumPresent, launchChromium } from './chromium.js';

const present = chromiumPresent('explorer browser test');

describe.runIf(present)('the explorer page in chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    ({ context, page, dir } = await launchChromium('pagecheck-explorer-'));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
  });

  const visible = (p: Page) => p.locator('.pc-step.pc-current');

  it('steps through a counterexample with the keyboard and jumps to the violation', async () => {
    const trace = check(bench, { mode: 'exhaustive', bugs: ['no-zero-on-free'], properties: ['free-zeroed'] }).counterexamples['free-zeroed'];
    const file = join(dir, 'free-zeroed.html');
    writeFileSync(file, await explorerPage(trace, bench.picture));
    await page.goto(pathToFileURL(file).href);

    await expect.poll(() => page.locator('.pc-pos').textContent()).toBe('initial state');
    expect(await page.locator('.pc-step:visible').count()).toBe(1);
    expect(await visible(page).locator('.pc-title').textContent()).toBe('state 0 (initial)');

    await page.keyboard.press('ArrowRight');
    expect(await page.locator('.pc-pos').textContent()).toBe('step 1 of 2');
    expect(await visible(page).locator('.pc-title').textContent()).toBe('step 1: write(f=0, b=0, v=1)');
    expect(await visible(page).locator('.pc-changes li').allTextContents()).toEqual(['ext[0][0]: -1 -> 0', 'ref[0]: 0 -> 1', 'data[0]: 0 -> 1']);
    expect(await visible(page).locator('svg g.node.changed').count()).toBe(2);
    expect(await visible(page).locator('.pc-violation').count()).toBe(0);

    await page.keyboard.press('End');
    expect(await page.locator('.pc-pos').textContent()).toBe('step 2 of 2 (violation)');
    expect(await visible(page).locator('.pc-title').textContent()).toBe('step 2: punch(f=0, b=0)');
    expect(await visible(page).locator('.pc-changes li').allTextContents()).toEqual(['ext[0][0]: 0 -> -1', 'ref[0]: 1 -> 0']);
    expect(await visible(page).locator('.pc-violation').textContent()).toBe('violated: free-zeroed: block 0 is free (ref 0) but holds value 1');
    expect(await visible(page).locator('svg g.node.violation').count()).toBe(1);
    expect(await visible(page).locator('svg').isVisible()).toBe(true);

    await page.keyboard.press('ArrowRight');
    expect(await page.locator('.pc-pos').textContent()).toBe('step 2 of 2 (violation)');
    await page.keyboard.press('p');
    expect(await page.locator('.pc-pos').textContent()).toBe('step 1 of 2');
    await page.keyboard.press('Home');
    expect(await page.locator('.pc-pos').textContent()).toBe('initial state');
    expect(await page.locator('.pc-step:visible').count()).toBe(1);
  });

  it('steps the counterexample that has the focus in an HTML report', async () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, await proofHtml(prove(bench, { bugs: ['no-zero-on-free'] })));
    await page.goto(pathToFileURL(file).href);
    const explorers = page.locator('.pc-explorer');
    expect(await explorers.count()).toBe(1);
    await explorers.first().focus();
    await page.keyboard.press('v');
    expect(await explorers.first().locator('.pc-pos').textContent()).toBe('step 2 of 2 (violation)');
    await explorers.first().locator('button[data-go="prev"]').click();
    expect(await explorers.first().locator('.pc-current .pc-title').textContent()).toBe('step 1: write(f=0, b=0, v=1)');
  });
});
