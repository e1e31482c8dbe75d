import type { Page } from 'playwright-core';

/**
 * The web UI's steps as a person takes them (DESIGN §8), driven through labels and roles only, for
 * `npm run demo`. Each waits for the page to confirm and throws with the page's own message when
 * it refuses.
 */

async function refusal(page: Page): Promise<string> {
  const alert = page.getByRole('alert');
  return (await alert.count()) > 0 ? ` (${await alert.first().textContent()})` : '';
}

async function waitFor(page: Page, what: string, done: () => Promise<unknown>): Promise<void> {
  try {
    await done();
  } catch (error) {
    throw new Error(`${what} did not finish${await refusal(page)}: ${(error as Error).message}`);
  }
}

export async function signUp(
  page: Page,
  base: string,
  account: { displayName: string; email: string; password: string },
): Promise<void> {
  await page.goto(`${base}/sign-up`);
  await page.getByLabel('Your name').fill(account.displayName);
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await waitFor(page, 'sign-up', () => page.waitForURL('**/setup', { timeout: 60_000 }));
}

export async function licenceAndRegister(
  page: Page,
  base: string,
  options: { licensingZip: string; passphrase: string },
): Promise<void> {
  await page.goto(`${base}/register`);
  await page.getByLabel('Licensing ZIP').fill(options.licensingZip);
  await page.getByRole('button', { name: 'Apply for a licence' }).click();
  await waitFor(page, 'the licence', () =>
    page.getByLabel('Meter').locator('option').first().waitFor({ state: 'attached', timeout: 60_000 }),
  );
  await page.getByLabel('Companion passphrase').fill(options.passphrase);
  await page.getByLabel('Passphrase again').fill(options.passphrase);
  await page.getByRole('button', { name: 'Register this computer' }).click();
  await waitFor(page, 'registration', () =>
    page.getByText('This computer is registered for meter').waitFor({ timeout: 150_000 }),
  );
}

export async function buyPostage(page: Page, base: string, dollars: string): Promise<void> {
  await page.goto(`${base}/buy`);
  await page.getByLabel('Amount in dollars').fill(dollars);
  await page.getByRole('button', { name: 'Buy postage' }).click();
  await waitFor(page, 'buying postage', () => page.getByText(/^Bought \$/).waitFor({ timeout: 60_000 }));
}

export interface PrintedPiece {
  readonly indiciumHex: string;
  readonly indiciumId: string;
  readonly newBalance: string;
}

export async function printPiece(
  page: Page,
  base: string,
  piece: {
    from: string;
    to: string;
    destinationZip: string;
    classId: string;
    ounces: string;
    medium: string;
  },
): Promise<PrintedPiece> {
  await page.goto(`${base}/print`);
  await page.getByLabel('Sender address').fill(piece.from);
  await page.getByLabel('Recipient address').fill(piece.to);
  await page.getByLabel('Destination ZIP').fill(piece.destinationZip);
  await page.getByLabel('Mail class').selectOption(piece.classId);
  await page.getByLabel('Weight in ounces').fill(piece.ounces);
  await page.getByLabel('Medium').selectOption(piece.medium);
  // The origin ZIP comes from the meter's licence once the vault's answer is in.
  await waitFor(page, 'the meter', async () => {
    for (let i = 0; i < 60 && (await page.getByLabel('Origin ZIP').inputValue()) === ''; i++) {
      await page.waitForTimeout(500);
    }
  });
  await page.getByRole('button', { name: 'Print postage' }).click();
  await waitFor(page, 'printing', () => page.getByTestId('print-result').waitFor({ timeout: 150_000 }));
  return {
    indiciumHex: (await page.getByTestId('indicium-hex').textContent()) ?? '',
    indiciumId: (await page.getByTestId('indicium-id').textContent()) ?? '',
    newBalance: (await page.getByTestId('new-balance').textContent()) ?? '',
  };
}
