/**
 * Debian's chromium for the browser tests, driven by playwright-core (no
 * browser download): where it is, whether it must be (in CI, where
 * .ci/install-chromium installs it, its absence is a failure), and one
 * headless launch in a throw-away profile.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether chromium is here; in CI its absence throws, elsewhere the test says it skipped. */
export function chromiumPresent(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: .ci/install-chromium should have installed it`);
  console.log(`${what} skipped: ${CHROMIUM} is absent (apt-get install chromium, or run .ci/install-chromium)`);
  return false;
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** A fresh folder for the test's own files, beside the profile. */
  readonly dir: string;
}

/** Headless chromium with a profile of its own; `viewport` and extra flags for tests that take screenshots. */
export async function launchChromium(prefix: string, options: { viewport?: { width: number; height: number }; args?: readonly string[] } = {}): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    ...(options.viewport ? { viewport: options.viewport, deviceScaleFactor: 1 } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.args ?? []),
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, dir };
}
