import { IndiciumError, toWireError, WEB_PATHS } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { fakeFetch } from './fake-fetch.js';
import { createVaultClient, meterPath, newIdempotencyKey } from './vault-client.js';

const csrfToken = 'A'.repeat(43);
const session = {
  protocol: 1,
  customer: {
    customerId: 'cust_1',
    email: 'alice@example.com',
    displayName: 'Alice',
    createdAt: '2026-03-01T10:00:00.000Z',
  },
  csrfToken,
};
const meterId = '00042-00001-0000001001';
const funds = {
  protocol: 1,
  meterId,
  state: 'leased',
  amountMills: 20_000,
  ascendingRegisterMills: 0,
  descendingRegisterMills: 20_000,
};

function vaultError(code: ConstructorParameters<typeof IndiciumError>[0], field?: string) {
  return { protocol: 1, error: toWireError(new IndiciumError(code, field === undefined ? {} : { field })) };
}

async function rejection(promise: Promise<unknown>): Promise<IndiciumError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IndiciumError);
    return error as IndiciumError;
  }
  throw new Error('expected a rejection');
}

describe('createVaultClient (DESIGN §6 account API)', () => {
  it('signs up with the protocol version, keeps the CSRF token and sends it on state changes only', async () => {
    const fetch = fakeFetch([
      { status: 201, json: session },
      { status: 200, json: { protocol: 1, meters: [] } },
      { status: 200, json: funds },
    ]);
    const vault = createVaultClient({ fetch });
    const answer = await vault.signUp({
      email: 'alice@example.com',
      password: 'p'.repeat(12),
      displayName: 'Alice',
    });
    expect(answer.customer.customerId).toBe('cust_1');
    await vault.meters();
    expect(await vault.purchase(meterId, 20_000)).toEqual(funds);
    const [signUp, meters, purchase] = fetch.seen;
    expect(signUp).toMatchObject({ url: WEB_PATHS.signUp, method: 'POST', body: { protocol: 1 } });
    expect(signUp?.headers['x-csrf-token']).toBeUndefined();
    expect(meters).toMatchObject({ url: WEB_PATHS.meters, method: 'GET' });
    expect(meters?.headers['x-csrf-token']).toBeUndefined();
    expect(purchase).toMatchObject({
      url: `/v1/meters/${meterId}/purchases`,
      method: 'POST',
      body: { protocol: 1, amountMills: 20_000 },
    });
    expect(purchase?.headers['x-csrf-token']).toBe(csrfToken);
    expect(purchase?.headers['content-type']).toBe('application/json');
    expect(purchase?.body).not.toHaveProperty('cardNumber');
  });

  it('sends a test card number only when one is given', async () => {
    const fetch = fakeFetch([{ status: 200, json: funds }]);
    await createVaultClient({ fetch }).purchase(meterId, 1_000, '4000000000000002');
    expect(fetch.seen[0]?.body).toMatchObject({ cardNumber: '4000000000000002' });
  });

  it('applies for a licence with the licensing ZIP and checks the answer', async () => {
    const licence = {
      protocol: 1,
      licenceId: 'lic_00000001',
      licensingZip: '62701',
      status: 'approved',
      meterId,
    };
    const fetch = fakeFetch([
      { status: 201, json: licence },
      { status: 201, json: { ...licence, meterId: 'x' } },
    ]);
    const vault = createVaultClient({ fetch });
    expect(await vault.applyLicence('62701')).toEqual(licence);
    expect(fetch.seen[0]).toMatchObject({
      url: WEB_PATHS.licences,
      method: 'POST',
      body: { licensingZip: '62701' },
    });
    expect(await rejection(vault.applyLicence('62701'))).toMatchObject({
      code: 'INTERNAL_ERROR',
      field: 'meterId',
    });
  });

  it('gives each purchase and refund a fresh idempotency key', async () => {
    const fetch = fakeFetch([
      { status: 200, json: funds },
      { status: 200, json: funds },
      { status: 200, json: funds },
    ]);
    const vault = createVaultClient({ fetch });
    await vault.purchase(meterId, 1_000);
    await vault.purchase(meterId, 1_000);
    await vault.refund(meterId, '2026-03-02');
    const keys = fetch.seen.map((r) => (r.body as { idempotencyKey: string }).idempotencyKey);
    expect(new Set(keys).size).toBe(3);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(fetch.seen[2]).toMatchObject({
      url: `/v1/meters/${meterId}/refund`,
      body: { mailingDate: '2026-03-02' },
    });
  });

  it("turns the vault's error body into an IndiciumError with its code and field", async () => {
    const vault = createVaultClient({
      fetch: fakeFetch([
        { status: 409, json: vaultError('ACCOUNT_EXISTS') },
        { status: 400, json: vaultError('INVALID_INPUT', 'body.password') },
      ]),
    });
    const input = { email: 'alice@example.com', password: 'p'.repeat(12), displayName: 'Alice' };
    expect((await rejection(vault.signUp(input))).code).toBe('ACCOUNT_EXISTS');
    const invalid = await rejection(vault.signUp(input));
    expect(invalid).toMatchObject({ code: 'INVALID_INPUT', field: 'body.password' });
  });

  it('resume gives null for an expired session and rethrows anything else', async () => {
    const vault = createVaultClient({
      fetch: fakeFetch([
        { status: 401, json: vaultError('WEB_SESSION_EXPIRED') },
        { status: 503, json: vaultError('VAULT_BUSY') },
        { status: 200, json: session },
      ]),
    });
    expect(await vault.resume()).toBeNull();
    expect((await rejection(vault.resume())).code).toBe('VAULT_BUSY');
    expect(await vault.resume()).toEqual(session);
  });

  it('refuses an answer the protocol does not allow, and an error without a JSON body', async () => {
    const vault = createVaultClient({
      fetch: fakeFetch([
        { status: 200, json: { ...session, csrfToken: 'short' } },
        { status: 502 },
        { status: 500, json: { something: 'else' } },
      ]),
    });
    const bad = await rejection(vault.login('alice@example.com', 'x'));
    expect(bad).toMatchObject({ code: 'INTERNAL_ERROR', field: 'csrfToken' });
    expect((await rejection(vault.meters())).code).toBe('VAULT_UNAVAILABLE');
    expect((await rejection(vault.meters())).code).toBe('INTERNAL_ERROR');
  });

  it('forgets the CSRF token on logout even when the call fails', async () => {
    const fetch = fakeFetch([{ status: 200, json: session }, { status: 500 }, { status: 200, json: funds }]);
    const vault = createVaultClient({ fetch });
    await vault.login('alice@example.com', 'x');
    await rejection(vault.logout());
    await vault.refund(meterId, '2026-03-02');
    expect(fetch.seen[1]?.headers['x-csrf-token']).toBe(csrfToken);
    expect(fetch.seen[2]?.headers['x-csrf-token']).toBeUndefined();
  });

  it('asks for a registration token and checks the answer', async () => {
    const token = {
      protocol: 1,
      meterId,
      userId: 'alice',
      mode: 'configure',
      registrationToken: `${'B'.repeat(42)}A`,
      expiresAt: '2026-03-01T10:10:00.000Z',
    };
    const fetch = fakeFetch([{ status: 201, json: token }]);
    const answer = await createVaultClient({ fetch }).registrationToken(meterId, {
      mode: 'configure',
      userId: 'alice',
    });
    expect(answer).toEqual(token);
    expect(fetch.seen[0]).toMatchObject({
      url: `/v1/meters/${meterId}/registration-tokens`,
      body: { protocol: 1, mode: 'configure', userId: 'alice' },
    });
  });

  it('a network failure stays a TypeError for the page to show as VAULT_UNAVAILABLE', async () => {
    await expect(createVaultClient({ fetch: fakeFetch([]) }).meters()).rejects.toBeInstanceOf(TypeError);
  });
});

describe('meterPath and newIdempotencyKey', () => {
  it('encodes the meter id into the template', () => {
    expect(meterPath(WEB_PATHS.history, meterId)).toBe(`/v1/meters/${meterId}/history`);
    expect(meterPath(WEB_PATHS.history, '../x')).toBe('/v1/meters/..%2Fx/history');
  });

  it('makes 128-bit hex keys', () => {
    expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{32}$/);
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });
});
