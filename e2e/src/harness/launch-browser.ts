import { mkdir } from 'node:fs/promises';
import { type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM } from './repo-paths.js';

/**
 * Headless Debian Chromium with the unpacked extension (DESIGN §8). Extensions load headless only
 * in a persistent context; the network flags keep Chromium off the (closed) network. The vault's
 * development CA is not in this profile's trust store, hence `ignoreHTTPSErrors`.
 */
export async function launchBrowser(options: {
  readonly userDataDir: string;
  readonly extensionDir: string;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<BrowserContext> {
  await mkdir(options.userDataDir, { recursive: true });
  const context = await chromium.launchPersistentContext(options.userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    ignoreHTTPSErrors: true,
    ...(options.env === undefined ? {} : { env: options.env as Record<string, string> }),
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
  if (context.serviceWorkers().length === 0) await context.waitForEvent('serviceworker', { timeout: 30_000 });
  return context;
}
