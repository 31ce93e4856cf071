import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from './chainmail';

/**
 * Headless Chromium for the console's end-to-end tests: Debian's `chromium` package (no browser
 * download), driven by playwright-core from the console's own dependencies (web/node_modules).
 * `CHROMIUM_PATH` names another executable.
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where screenshots go (git-ignored): look at them after a run. */
export const ARTIFACTS = join(ROOT, 'web', 'test-artifacts');

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? CANDIDATES.find((candidate) => existsSync(candidate));
  if (path === undefined || !existsSync(path)) {
    throw new Error(
      `No Chromium at ${process.env.CHROMIUM_PATH ?? CANDIDATES.join(', ')}: install Debian's package ` +
        '(`apt-get install -y chromium`, as .ci/run does) or set CHROMIUM_PATH to a Chromium executable.',
    );
  }
  return path;
}

export async function launchChromium(): Promise<Browser> {
  const fromConsole = createRequire(join(ROOT, 'web', 'package.json'));
  const { chromium } = fromConsole('playwright-core') as typeof import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: FLAGS });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
