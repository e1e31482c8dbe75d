import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { companionPaths, SecretStore } from '@indicium/companion';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtension } from '../build/build-extension.js';
import { DEVELOPMENT_EXTENSION_ID } from '../build/development-key.js';
import { type CompanionInstall, installCompanion } from './companion-install.js';
import { launchChromium } from './launch-chromium.js';
import { callFromPage, postRawFromPage } from './page-calls.js';
import { startTestSite, type TestSite } from './test-site.js';

/**
 * The real chain in real Chromium (DESIGN §4.1): test page (page client) → content script →
 * background → native messaging → the real companion host → back. One browser for the file.
 */
let root: string;
let site: TestSite;
let context: BrowserContext;
let extensionId: string;
let companion: CompanionInstall;
let page: Page;

/** The companion's log lines (pino JSON): what the companion saw. */
async function companionLog(): Promise<Record<string, unknown>[]> {
  const text = await readFile(companion.log, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
const requestsSeen = async () => (await companionLog()).filter((line) => line.msg === 'request');

async function open(url: string): Promise<Page> {
  const opened = await context.newPage();
  await opened.goto(url);
  await opened.waitForFunction(() => 'indiciumCreatePageClient' in window);
  return opened;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-ext-'));
  site = await startTestSite(join(root, 'tls'));
  const built = await buildExtension({ outDir: join(root, 'extension'), allowedOrigins: [site.allowed] });
  const userDataDir = join(root, 'profile');
  companion = await installCompanion({
    root,
    userDataDir,
    extensionId: DEVELOPMENT_EXTENSION_ID,
    // The companion would allow the other port too: the extension alone must refuse it.
    origins: [site.allowed, site.otherPort],
  });
  ({ context, extensionId } = await launchChromium({ userDataDir, extensionDir: built.chrome }));
  page = await open(`${site.allowed}/`);
});

afterAll(async () => {
  await context?.close();
  await site?.close();
  await rm(root, { recursive: true, force: true });
});

describe('extension in Chromium with the real companion (DESIGN §4.1, §8)', () => {
  it('loads under the development id that the manifest key pins', () => {
    expect(extensionId).toBe(DEVELOPMENT_EXTENSION_ID);
  });

  it('status: page → extension → companion → page, after a hello', async () => {
    const result = await callFromPage(page, 'status', {});
    expect(result).toMatchObject({
      ok: true,
      answer: { companionVersion: '0.1.0', locked: true, registrations: [], vault: 'not-configured' },
    });
    const log = await companionLog();
    expect(log.some((line) => line.msg === 'hello' && line.extensionVersion === '0.1.0')).toBe(true);
    const seen = await requestsSeen();
    expect(seen.at(-1)).toMatchObject({ type: 'status', origin: site.allowed });
  });

  it('detect() tells the wizard this computer is not registered', async () => {
    const state = await page.evaluate(async () => {
      const create = (
        window as unknown as {
          indiciumCreatePageClient: (o: object) => { detect(): Promise<{ state: string }> };
        }
      ).indiciumCreatePageClient;
      return (await create({}).detect()).state;
    });
    expect(state).toBe('not-registered');
  });

  it('refuses a page on another port of the same host with ORIGIN_NOT_ALLOWED; the companion never sees it', async () => {
    const before = (await requestsSeen()).length;
    const other = await open(`${site.otherPort}/`);
    const result = await callFromPage(other, 'status', {});
    expect(result).toMatchObject({ ok: false, code: 'ORIGIN_NOT_ALLOWED', field: 'origin' });
    expect((await requestsSeen()).length).toBe(before);
    await other.close();
  });

  it('a forged origin in the message gains nothing: the strict envelope refuses it before the companion', async () => {
    const before = (await requestsSeen()).length;
    const other = await open(`${site.otherPort}/`);
    const base = { source: 'indicium-page', protocol: 1, type: 'status', payload: {} };
    const inPayload = await postRawFromPage(
      other,
      { ...base, requestId: 'forged-payload-1', payload: { origin: site.allowed } },
      1500,
    );
    expect(inPayload).toEqual([
      expect.objectContaining({
        type: 'error',
        error: expect.objectContaining({ code: 'MALFORMED_REQUEST' }),
      }),
    ]);
    const inEnvelope = await postRawFromPage(
      other,
      { ...base, requestId: 'forged-envelope-1', origin: site.allowed },
      1500,
    );
    expect(inEnvelope).toEqual([
      expect.objectContaining({
        type: 'error',
        error: expect.objectContaining({ code: 'MALFORMED_REQUEST' }),
      }),
    ]);
    // A well-formed request from that page is still judged by its real origin.
    const honest = await postRawFromPage(other, { ...base, requestId: 'honest-other-1' }, 3000);
    expect(honest.map((m) => (m as { type: string }).type)).toEqual(['ack', 'error']);
    expect(honest[1]).toMatchObject({ error: { code: 'ORIGIN_NOT_ALLOWED' } });
    expect((await requestsSeen()).length).toBe(before);
    await other.close();
  });

  it('refuses frames: no content script in an iframe, and the top frame ignores what a frame posts', async () => {
    const before = (await requestsSeen()).length;
    const host = await open(`${site.allowed}/frame-host`);
    const inner = host.frame({ url: `${site.allowed}/` }) ?? host.frames()[1];
    if (inner === undefined) throw new Error('no iframe');
    await inner.waitForFunction(() => 'indiciumCreatePageClient' in window);
    const fromFrame = await callFromPage(inner, 'status', {});
    expect(fromFrame).toMatchObject({ ok: false, code: 'EXTENSION_UNAVAILABLE' });
    // The frame posts a request to the top window: the content script there reads only messages
    // the top window posted itself (event.source === window), so nothing answers.
    const answers = await inner.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let count = 0;
          window.parent.addEventListener('message', (event) => {
            if ((event.data as { source?: string })?.source === 'indicium-extension') count += 1;
          });
          window.parent.postMessage(
            { source: 'indicium-page', protocol: 1, requestId: 'from-iframe-1', type: 'status', payload: {} },
            window.location.origin,
          );
          setTimeout(() => resolve(count), 1500);
        }),
    );
    expect(answers).toBe(0);
    expect((await requestsSeen()).length).toBe(before);
    await host.close();
  });

  it('no extension on the page (a host outside the match patterns): EXTENSION_UNAVAILABLE within the ack budget', async () => {
    const bare = await open(`${site.noExtension}/`);
    const result = await callFromPage(bare, 'status', {});
    expect(result).toMatchObject({ ok: false, code: 'EXTENSION_UNAVAILABLE' });
    expect(result.ms).toBeGreaterThanOrEqual(990);
    expect(result.ms).toBeLessThan(2000);
    await bare.close();
  });

  it('a plain http page cannot reach the companion', async () => {
    const before = (await requestsSeen()).length;
    const plain = await open(`${site.plainHttp}/`);
    expect(await callFromPage(plain, 'status', {})).toMatchObject({
      ok: false,
      code: 'EXTENSION_UNAVAILABLE',
    });
    expect((await requestsSeen()).length).toBe(before);
    await plain.close();
  });

  it('reconnects after the companion exits', async () => {
    const started = (await companionLog()).filter((line) => line.msg === 'host started');
    const pid = started.at(-1)?.pid;
    if (typeof pid !== 'number') throw new Error('no companion pid in its log');
    process.kill(pid, 'SIGTERM');
    await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);
    const result = await callFromPage(page, 'status', {});
    expect(result).toMatchObject({ ok: true, answer: { companionVersion: '0.1.0' } });
    const restarted = (await companionLog()).filter((line) => line.msg === 'host started');
    expect(restarted.length).toBe(started.length + 1);
    expect(restarted.at(-1)?.pid).not.toBe(pid);
  });

  it('the popup shows companion, vault and meter status', async () => {
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await expect.poll(() => popup.textContent('#summary'), { timeout: 20_000 }).toBe('Not registered');
    expect(await popup.textContent('#companion')).toBe('Connected, version 0.1.0');
    expect(await popup.textContent('#vault')).toMatch(/^Not configured/);
    expect(await popup.textContent('#meters')).toBe('None registered on this computer');
    expect(await popup.isVisible('#next-step')).toBe(true);
    await popup.close();
  });
});

describe('a registered companion: locked, unlock through the page, ready, lock (DESIGN §4.2, §8)', () => {
  const passphrase = 'correct horse battery staple';
  const meterId = '00042-00001-0000001001';
  const detect = (target: Page) =>
    target.evaluate(async () => {
      const create = (
        window as unknown as {
          indiciumCreatePageClient: (o: object) => { detect(): Promise<{ state: string }> };
        }
      ).indiciumCreatePageClient;
      return (await create({}).detect()).state;
    });

  beforeAll(async () => {
    // A registration as `register` leaves it (DESIGN §4.2 step 4), made with the companion's own
    // store; cheap scrypt parameters keep the test fast (the file records its parameters).
    const store = new SecretStore({
      file: companionPaths(companion.dataDir).secrets,
      idleTimeoutMs: 60_000,
      scrypt: { N: 2 ** 14, r: 8, p: 1 },
    });
    await store.create(passphrase, {
      meterId,
      userId: 'ada',
      customerId: 'cust-1',
      hmk: new Uint8Array(randomBytes(32)),
      moduleChallenge: null,
      ascendingRegisterMills: 0,
      descendingRegisterMills: 500_000,
      registeredAt: '2026-11-26T17:00:00.000Z',
    });
    store.lock();
  });

  it('detect() says locked, and the popup shows the meter and the unlock step', async () => {
    expect(await detect(page)).toBe('locked');
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await expect.poll(() => popup.textContent('#summary'), { timeout: 20_000 }).toBe('Locked');
    expect(await popup.textContent('#meters')).toBe(`${meterId} (ada)`);
    await popup.close();
  });

  it('a wrong passphrase is PASSPHRASE_WRONG; the right one unlocks and the wizard is ready', async () => {
    expect(await callFromPage(page, 'unlock', { passphrase: 'not the passphrase' })).toMatchObject({
      ok: false,
      code: 'PASSPHRASE_WRONG',
    });
    expect(await callFromPage(page, 'unlock', { passphrase })).toMatchObject({
      ok: true,
      answer: { locked: false },
    });
    expect(await detect(page)).toBe('ready');
    // The passphrase never appears in the companion's log.
    expect(await readFile(companion.log, 'utf8')).not.toContain(passphrase);
  });

  it('a page on another port cannot lock or unlock it', async () => {
    const other = await open(`${site.otherPort}/`);
    expect(await callFromPage(other, 'lock', {})).toMatchObject({ ok: false, code: 'ORIGIN_NOT_ALLOWED' });
    expect(await detect(page)).toBe('ready');
    await other.close();
  });

  it('lock locks it again', async () => {
    expect(await callFromPage(page, 'lock', {})).toMatchObject({ ok: true, answer: { locked: true } });
    expect(await detect(page)).toBe('locked');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
