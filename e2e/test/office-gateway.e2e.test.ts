import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequestContext, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeCheck } from '../src/harness/axe-check.js';
import { buildExtension } from '../src/harness/build-extension.js';
import { buildWeb } from '../src/harness/build-web.js';
import { decodePrintedPdf } from '../src/harness/decode-printed-pdf.js';
import { installCompanion } from '../src/harness/install-companion.js';
import { launchBrowser } from '../src/harness/launch-browser.js';
import { pairInterface, type RunningGateway, startGateway } from '../src/harness/office-gateway.js';
import { addOfficeQueue, type OfficeQueue } from '../src/harness/office-queue.js';
import { type RunningVault, startVault, vaultFetch } from '../src/harness/start-vault.js';

/**
 * Issue 10's office (DESIGN §9) in two real browsers: one vault; one gateway companion beside the
 * office's CUPS queue; two Chromium profiles, each with the extension and its own companion in
 * interface mode, paired with the gateway. Ada registers the meter as its customer administrator
 * and adds Bob from the web UI's users page; each prints through the web UI on `gateway:…`; both
 * PDFs land in the one queue's folder and decode to indicia the vault verifies.
 */

const OFFICE_QUEUE = `IndiciumOfficeE2e${process.pid}`;
const email = `office.${Date.now()}@example.com`;
const password = 'correct horse battery staple';
const passphrases = { ada: 'ada’s long office passphrase', bob: 'bob’s different office passphrase' };

let root: string;
let vault: RunningVault;
let gateway: RunningGateway;
let queue: OfficeQueue;
let meterId: string;
/** The office account's CSRF token in Ada's browser context (its cookies are the context's). */
let csrf: string;
const desks = {} as Record<'ada' | 'bob', { context: BrowserContext; page: Page; home: string }>;

/** The web API as the logged-in browser calls it: the context's cookies, our origin, the CSRF token. */
async function webCall<T>(api: APIRequestContext, csrf: string, path: string, body: unknown): Promise<T> {
  const answer = await api.post(`${vault.url}${path}`, {
    data: body,
    headers: { origin: vault.url, 'x-csrf-token': csrf },
  });
  if (!answer.ok()) throw new Error(`${path}: ${answer.status()} ${await answer.text()}`);
  return (await answer.json()) as T;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-e2e-office-'));
  await buildWeb();
  queue = await addOfficeQueue(OFFICE_QUEUE);
  vault = await startVault(join(root, 'vault'));
  const extensionDir = await buildExtension(join(root, 'extension'), [vault.url]);
  gateway = await startGateway(root, vault, OFFICE_QUEUE);
  // Two browser launches, one per colleague, each profile with its own companion install.
  for (const name of ['ada', 'bob'] as const) {
    const deskRoot = join(root, name);
    await mkdir(deskRoot);
    const userDataDir = join(deskRoot, 'profile');
    const context = await launchBrowser({ userDataDir, extensionDir });
    const installed = await installCompanion({
      root: deskRoot,
      userDataDir,
      origin: vault.url,
      vaultUrl: vault.url,
      postalCaFile: vault.postalCaFile,
      tlsCaFile: vault.tlsCaFile,
    });
    desks[name] = { context, page: await context.newPage(), home: installed.home };
  }
}, 600_000);

afterAll(async () => {
  for (const desk of Object.values(desks)) await desk.context.close();
  await gateway?.stop();
  await vault?.stop();
  await queue?.remove();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

async function savePrinter(page: Page): Promise<void> {
  await page.goto(`${vault.url}/settings`);
  const printer = page.getByLabel('Printer');
  const office = printer.locator(`option[value="gateway:cups:${OFFICE_QUEUE}"]`);
  await expect.poll(() => office.count(), { timeout: 120_000 }).toBe(1);
  await printer.selectOption(`gateway:cups:${OFFICE_QUEUE}`);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Settings saved for this browser.').waitFor();
}

async function register(page: Page, userId: 'ada' | 'bob'): Promise<void> {
  await page.goto(`${vault.url}/register`);
  await expect.poll(() => page.getByLabel('Meter').locator('option').count(), { timeout: 60_000 }).toBe(1);
  await page.getByLabel('Your meter user id').fill(userId);
  await page.getByLabel('Companion passphrase').fill(passphrases[userId]);
  await page.getByLabel('Passphrase again').fill(passphrases[userId]);
  await page.getByRole('button', { name: 'Register this computer' }).click();
  await page.getByText('This computer is registered for meter').waitFor({ timeout: 180_000 });
}

/** Prints one first-class letter on the page's saved printer; returns the indicium's id and hex. */
async function printLetter(page: Page, sender: string): Promise<{ indiciumId: string; hex: string }> {
  await page.goto(`${vault.url}/print`);
  await page.getByLabel('Sender address').fill(`${sender}\n1 Main St\nSpringfield IL 62701`);
  await page.getByLabel('Recipient address').fill('Grace Hopper\n2 Elm St\nBoston MA 02108');
  await page.getByLabel('Destination ZIP').fill('02108');
  await page.getByLabel('Mail class').selectOption('first-class-letter');
  await page.getByLabel('Weight in ounces').fill('1');
  await page.getByLabel('Medium').selectOption('envelope-10');
  await expect.poll(() => page.getByLabel('Origin ZIP').inputValue()).toBe('62701');
  await page.getByRole('button', { name: 'Print postage' }).click();
  await page.getByTestId('print-result').waitFor({ timeout: 180_000 });
  expect(await page.getByTestId('print-result').textContent()).toContain('Printed $0.74 of postage.');
  return {
    indiciumId: (await page.getByTestId('indicium-id').textContent()) ?? '',
    hex: (await page.getByTestId('indicium-hex').textContent()) ?? '',
  };
}

/** The PDF cups-pdf wrote for one office job: its name starts with the job title, `indicium-<id>`. */
async function officePdf(indiciumId: string): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const name = (await readdir(queue.outputDir).catch(() => [] as string[])).find(
      (f) => f.startsWith(`indicium-${indiciumId}`) && f.endsWith('.pdf'),
    );
    if (name !== undefined) {
      const file = join(queue.outputDir, name);
      const first = (await readFile(file)).length;
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (first > 0 && (await readFile(file)).length === first) return file;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no PDF for indicium ${indiciumId} in ${queue.outputDir}`);
}

async function decodesAndVerifies(printed: { indiciumId: string; hex: string }, work: string) {
  await mkdir(work, { recursive: true });
  const decoded = await decodePrintedPdf(await officePdf(printed.indiciumId), work);
  expect(decoded.toString('hex')).toBe(printed.hex);
  const verified = await vaultFetch(vault.url, vault.tlsCaPem, '/v1/verify', {
    body: { protocol: 1, indicium: decoded.toString('base64') },
  });
  expect(verified.status).toBe(200);
  const answer = verified.json<{ valid: boolean; deviceId: string; fields: { postageMills: number } }>();
  expect(answer).toMatchObject({ valid: true, deviceId: meterId, fields: { postageMills: 740 } });
}

describe('a small office in two browsers: one gateway, one meter, one CUPS queue (issue 10)', () => {
  it('the office signs up and gets a meter; both desks pair with the gateway before their browsers ask anything', async () => {
    const api = desks.ada.context.request;
    const signUp = await api.post(`${vault.url}/v1/account/sign-up`, {
      data: { protocol: 1, email, password, displayName: 'Small Office' },
      headers: { origin: vault.url },
    });
    expect(signUp.status()).toBe(201);
    const { csrfToken } = (await signUp.json()) as { csrfToken: string };
    const licence = await webCall<{ meterId: string | null }>(api, csrfToken, '/v1/licences', {
      protocol: 1,
      licensingZip: '62701',
      idempotencyKey: 'office-licence-0001',
    });
    expect(licence.meterId).not.toBeNull();
    meterId = licence.meterId as string;
    csrf = csrfToken;
    // Each desk's companion becomes an interface for its own colleague, paired once by code.
    for (const name of ['ada', 'bob'] as const) {
      const pairingId = await pairInterface(gateway, desks[name].home, {
        meterId,
        userId: name,
        name: `${name} desk`,
      });
      expect(pairingId).toMatch(/^[0-9a-f]+$/);
    }
  });

  it('Ada registers through the gateway as the customer administrator and adds Bob from the users page', async () => {
    const { page } = desks.ada;
    await register(page, 'ada');
    // A configured meter takes postage: $20.00 for the office.
    await webCall(desks.ada.context.request, csrf, `/v1/meters/${meterId}/purchases`, {
      protocol: 1,
      amountMills: 20_000,
      idempotencyKey: 'office-purchase-0001',
    });
    await page.goto(`${vault.url}/users`);
    await page.getByRole('button', { name: 'Load the users from the meter' }).click();
    const table = page.getByRole('table', { name: 'Users as the meter reports them' });
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 120_000 }).toBe(1);
    await page.getByLabel('Meter user id', { exact: true }).fill('bob');
    await page.getByLabel('Maximum total (dollars)').fill('5');
    await page.getByRole('button', { name: 'Add user' }).click();
    const bob = table.locator('tbody tr', { hasText: 'bob' });
    await bob.waitFor({ timeout: 120_000 });
    expect(await bob.textContent()).toContain('$5.00');
    await page.getByRole('button', { name: 'Change bob' }).click();
    await page.getByLabel('Maximum total (dollars)').fill('3');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => bob.textContent(), { timeout: 120_000 }).toContain('$3.00');
    expect(await axeCheck(page, 'office-users')).toEqual([]);
  });

  it('Bob, in his own browser, logs in to the office account and registers with his own passphrase', async () => {
    const { page } = desks.bob;
    await page.goto(`${vault.url}/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/setup');
    await register(page, 'bob');
    // Each HMK is sealed on the gateway under its own user's passphrase; no desk holds a secret.
    expect((await readdir(join(gateway.home, 'gateway', 'users'))).sort()).toEqual([
      `${meterId}~ada.secrets.json`,
      `${meterId}~bob.secrets.json`,
    ]);
    for (const desk of Object.values(desks)) expect(await readdir(desk.home)).not.toContain('secrets.json');
  });

  it('Bob is no administrator: the users page shows the module’s PRIVILEGE_DENIED', async () => {
    const { page } = desks.bob;
    await page.goto(`${vault.url}/users`);
    await page.getByRole('button', { name: 'Load the users from the meter' }).click();
    await expect
      .poll(() => page.getByRole('alert').getAttribute('data-code'), { timeout: 120_000 })
      .toBe('PRIVILEGE_DENIED');
    expect(await page.getByRole('table', { name: 'Users as the meter reports them' }).count()).toBe(0);
  });

  it('each colleague prints through the web UI on the office printer; both PDFs decode to indicia that verify', async () => {
    await savePrinter(desks.ada.page);
    await savePrinter(desks.bob.page);
    const fromAda = await printLetter(desks.ada.page, 'Ada Lovelace');
    const fromBob = await printLetter(desks.bob.page, 'Bob Smith');
    expect(fromAda.indiciumId).not.toBe(fromBob.indiciumId);
    await decodesAndVerifies(fromAda, join(root, 'decode-ada'));
    await decodesAndVerifies(fromBob, join(root, 'decode-bob'));
    // The module's per-user totals: each colleague's one letter, Bob's under his maximum.
    const { page } = desks.ada;
    await page.goto(`${vault.url}/users`);
    await page.getByRole('button', { name: 'Load the users from the meter' }).click();
    const table = page.getByRole('table', { name: 'Users as the meter reports them' });
    const bob = table.locator('tbody tr', { hasText: 'bob' });
    await expect.poll(() => bob.textContent(), { timeout: 120_000 }).toContain('$0.74');
    expect(await bob.textContent()).toContain('Registered');
    expect(await table.locator('tbody tr', { hasText: 'ada' }).textContent()).toContain('$0.74');
  });

  it('a piece beyond Bob’s maximum total is refused with USER_TOTAL_EXCEEDED; the office queue gets nothing', async () => {
    const { page } = desks.bob;
    const before = await queue.jobs();
    expect(before).toBe(2);
    await page.goto(`${vault.url}/print`);
    await page.getByLabel('Sender address').fill('Bob Smith\n1 Main St\nSpringfield IL 62701');
    await page.getByLabel('Recipient address').fill('Grace Hopper\n2 Elm St\nBoston MA 02108');
    await page.getByLabel('Destination ZIP').fill('02108');
    await page.getByLabel('Mail class').selectOption('priority');
    await page.getByLabel('Weight in ounces').fill('17');
    await page.getByLabel('Medium').selectOption('label-4x6');
    expect(await page.getByTestId('price').textContent()).toBe('$11.20');
    await page.getByRole('button', { name: 'Print postage' }).click();
    await expect
      .poll(() => page.getByRole('alert').getAttribute('data-code'), { timeout: 180_000 })
      .toBe('USER_TOTAL_EXCEEDED');
    expect(await page.getByTestId('print-result').count()).toBe(0);
    expect(await queue.jobs()).toBe(before);
  });
});
