import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CATALOG } from '@indicium/protocol';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtension } from '../build/build-extension.js';
import { launchChromium } from './launch-chromium.js';
import { callFromPage } from './page-calls.js';
import { startTestSite, type TestSite } from './test-site.js';

/** The extension is installed, the companion is not: no native-messaging manifest in the profile. */
let root: string;
let site: TestSite;
let context: BrowserContext;
let extensionId: string;
let page: Page;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-ext-nocomp-'));
  site = await startTestSite(join(root, 'tls'));
  const built = await buildExtension({ outDir: join(root, 'extension'), allowedOrigins: [site.allowed] });
  ({ context, extensionId } = await launchChromium({
    userDataDir: join(root, 'profile'),
    extensionDir: built.chrome,
  }));
  page = await context.newPage();
  await page.goto(`${site.allowed}/`);
  await page.waitForFunction(() => 'indiciumCreatePageClient' in window);
});

afterAll(async () => {
  await context?.close();
  await site?.close();
  await rm(root, { recursive: true, force: true });
});

describe('companion not installed (DESIGN §4.1)', () => {
  it('a call fails at once with COMPANION_UNAVAILABLE, and again on retry (the port is reopened)', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const result = await callFromPage(page, 'status', {});
      // The browser's own reason travels with the code, for `companion doctor` and bug reports.
      expect(result).toMatchObject({
        ok: false,
        code: 'COMPANION_UNAVAILABLE',
        details: { reason: expect.stringMatching(/native messaging host not found/i) },
      });
      expect(result.ms).toBeLessThan(5000);
    }
  });

  it('detect() gives the wizard "no-companion" with the install step', async () => {
    const setup = await page.evaluate(async () => {
      const create = (
        window as unknown as {
          indiciumCreatePageClient: (o: object) => { detect(): Promise<{ state: string; nextStep: string }> };
        }
      ).indiciumCreatePageClient;
      const { state, nextStep } = await create({}).detect();
      return { state, nextStep };
    });
    expect(setup).toEqual({ state: 'no-companion', nextStep: ERROR_CATALOG.COMPANION_UNAVAILABLE.nextStep });
  });

  it('the popup says the companion is not available and what to do', async () => {
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await expect.poll(() => popup.textContent('#companion'), { timeout: 20_000 }).toBe('Not available');
    expect(await popup.textContent('#summary')).toContain('COMPANION_UNAVAILABLE');
    expect(await popup.textContent('#next-step')).toBe(ERROR_CATALOG.COMPANION_UNAVAILABLE.nextStep);
    await popup.close();
  });
});
