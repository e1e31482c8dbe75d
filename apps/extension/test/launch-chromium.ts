import type { BrowserContext } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Debian's Chromium: browsers cannot be downloaded here (apt-get install chromium). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium with our unpacked extension (DESIGN §8). Extensions load in headless mode only
 * through a persistent context; the network flags keep Chromium off the (closed) network.
 */
export async function launchChromium(options: {
  readonly userDataDir: string;
  readonly extensionDir: string;
}): Promise<{ context: BrowserContext; extensionId: string }> {
  const context = await chromium.launchPersistentContext(options.userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    // The test site uses the vault's development CA, which this profile does not trust.
    ignoreHTTPSErrors: true,
    args: [
      `--disable-extensions-except=${options.extensionDir}`,
      `--load-extension=${options.extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const worker =
    context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;
  return { context, extensionId };
}
