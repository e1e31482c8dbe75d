import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionAnswer } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStore, postgresE2eStore, sqliteE2eStore } from '../../test/support/e2e-store.js';
import {
  type HttpAnswer,
  setCookie,
  startVaultProcess,
  type VaultProcess,
} from '../http/testing/vault-process.js';
import { CSRF_COOKIE, SESSION_COOKIE } from './session-tokens.js';

/**
 * Web accounts against the real vault process over HTTPS, as a browser page drives them. On both
 * stores (issue 8): accounts, the case-folded e-mail key and sessions are rows of each dialect.
 */

let dataDir: string;
let vault: VaultProcess;
let origin: string;

const PASSWORD = 'correct horse battery staple';

function errorOf(answer: HttpAnswer): { code: string; field?: string; details?: Record<string, unknown> } {
  return answer.json<{ error: { code: string; field?: string; details?: Record<string, unknown> } }>().error;
}

/** The same text with its last character changed (never equal to the input). */
function altered(text: string): string {
  return `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}`;
}

interface Browser {
  cookie: string;
  csrf: string;
  answer: SessionAnswer;
}

function browserFrom(answer: HttpAnswer): Browser {
  const session = setCookie(answer, SESSION_COOKIE);
  if (session === undefined) throw new Error('no session cookie');
  const body = answer.json<SessionAnswer>();
  return { cookie: `${SESSION_COOKIE}=${session.value}`, csrf: body.csrfToken, answer: body };
}

async function signUp(email: string, from: string = origin): Promise<HttpAnswer> {
  return vault.request('POST', '/v1/account/sign-up', {
    body: { protocol: 1, email, password: PASSWORD, displayName: 'Ada Lovelace' },
    headers: { origin: from },
  });
}

async function login(
  email: string,
  password: string,
  extra: Record<string, string> = {},
): Promise<HttpAnswer> {
  return vault.request('POST', '/v1/account/login', {
    body: { protocol: 1, email, password },
    headers: { origin, ...extra },
  });
}

describe.each([sqliteE2eStore(), postgresE2eStore()])('web accounts on $name', (store: E2eStore) => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'indicium-accounts-'));
    await store.open(dataDir);
    vault = await startVaultProcess(dataDir, store.vaultArgs());
    origin = `https://localhost:${vault.port}`;
  }, 120_000);

  afterAll(async () => {
    await vault?.stop();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('sign-up → me → logout → me refused, with httpOnly Secure SameSite=Strict cookies', async () => {
    const created = await signUp('ada@example.com');
    expect(created.status).toBe(201);
    const session = setCookie(created, SESSION_COOKIE);
    expect(session?.attributes).toMatch(/; HttpOnly/);
    expect(session?.attributes).toMatch(/; Secure/);
    expect(session?.attributes).toMatch(/; SameSite=Strict/);
    expect(session?.attributes).toMatch(/; Path=\//);
    expect(session?.attributes).not.toMatch(/Domain=/i);
    const csrfCookie = setCookie(created, CSRF_COOKIE);
    expect(csrfCookie?.attributes).not.toMatch(/HttpOnly/);
    expect(csrfCookie?.attributes).toMatch(/; Secure/);
    const browser = browserFrom(created);
    expect(csrfCookie?.value).toBe(browser.csrf);
    expect(browser.answer.customer).toMatchObject({ email: 'ada@example.com', displayName: 'Ada Lovelace' });
    expect(JSON.stringify(browser.answer)).not.toContain(PASSWORD);

    const me = await vault.request('GET', '/v1/account', { headers: { cookie: browser.cookie } });
    expect(me.status).toBe(200);
    expect(me.json<SessionAnswer>()).toEqual(browser.answer);

    const out = await vault.request('POST', '/v1/account/logout', {
      headers: { cookie: browser.cookie, origin, 'x-csrf-token': browser.csrf },
    });
    expect(out.status).toBe(204);
    expect(setCookie(out, SESSION_COOKIE)?.attributes).toMatch(/Expires=Thu, 01 Jan 1970/);
    const after = await vault.request('GET', '/v1/account', { headers: { cookie: browser.cookie } });
    expect(after.status).toBe(401);
    expect(errorOf(after).code).toBe('WEB_SESSION_EXPIRED');
  });

  it('login gives a new session each time; a wrong password or unknown e-mail is LOGON_FAILED', async () => {
    const first = browserFrom(await signUp('grace@example.com'));
    const again = await login('GRACE@example.com', PASSWORD);
    expect(again.status).toBe(200);
    const second = browserFrom(again);
    expect(second.cookie).not.toBe(first.cookie);
    expect(second.csrf).not.toBe(first.csrf);
    expect(second.answer.customer).toEqual(first.answer.customer);
    // Both sessions live; each has its own CSRF token.
    const crossed = await vault.request('POST', '/v1/account/logout', {
      headers: { cookie: second.cookie, origin, 'x-csrf-token': first.csrf },
    });
    expect(crossed.status).toBe(403);
    expect(errorOf(crossed)).toMatchObject({ code: 'CSRF_REJECTED', field: 'x-csrf-token' });

    const wrong = await login('grace@example.com', `${PASSWORD}!`);
    expect(wrong.status).toBe(401);
    expect(errorOf(wrong).code).toBe('LOGON_FAILED');
    expect(setCookie(wrong, SESSION_COOKIE)).toBeUndefined();
    const unknown = await login('nobody@example.com', PASSWORD);
    expect(unknown.status).toBe(401);
    expect(errorOf(unknown)).toEqual(errorOf(wrong));
  });

  it('refuses a second account for the same e-mail in any case (409)', async () => {
    await signUp('dup@example.com');
    const again = await signUp('DUP@example.com');
    expect(again.status).toBe(409);
    expect(errorOf(again)).toMatchObject({ code: 'ACCOUNT_EXISTS', field: 'email' });
  });

  it('refuses state-changing requests without the CSRF token, with a wrong one, or from another origin', async () => {
    const browser = browserFrom(await signUp('csrf@example.com'));
    const attempts: { headers: Record<string, string>; field: string }[] = [
      { headers: { cookie: browser.cookie, origin }, field: 'x-csrf-token' },
      {
        headers: { cookie: browser.cookie, origin, 'x-csrf-token': altered(browser.csrf) },
        field: 'x-csrf-token',
      },
      { headers: { cookie: browser.cookie, origin, 'x-csrf-token': '' }, field: 'x-csrf-token' },
      {
        headers: { cookie: browser.cookie, origin: 'https://evil.example', 'x-csrf-token': browser.csrf },
        field: 'origin',
      },
      { headers: { cookie: browser.cookie, 'x-csrf-token': browser.csrf }, field: 'origin' },
      {
        headers: {
          cookie: browser.cookie,
          origin,
          'sec-fetch-site': 'cross-site',
          'x-csrf-token': browser.csrf,
        },
        field: 'origin',
      },
    ];
    for (const attempt of attempts) {
      const answer = await vault.request('POST', '/v1/account/logout', { headers: attempt.headers });
      expect({ status: answer.status, ...errorOf(answer) }).toMatchObject({
        status: 403,
        code: 'CSRF_REJECTED',
        field: attempt.field,
      });
    }
    // None of them ended the session.
    expect((await vault.request('GET', '/v1/account', { headers: { cookie: browser.cookie } })).status).toBe(
      200,
    );
  });

  it('refuses a login or sign-up posted from another site (login CSRF)', async () => {
    const answer = await login('csrf@example.com', PASSWORD, { origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect(errorOf(answer)).toMatchObject({ code: 'CSRF_REJECTED', details: { reason: 'foreign-origin' } });
    const signUpAnswer = await signUp('evil@example.com', 'https://evil.example');
    expect(errorOf(signUpAnswer).code).toBe('CSRF_REJECTED');
  });

  it('refuses a missing, malformed or forged session cookie with 401', async () => {
    for (const cookie of [
      undefined,
      `${SESSION_COOKIE}=short`,
      `${SESSION_COOKIE}=${'A'.repeat(43)}`,
      `other=${'A'.repeat(43)}`,
    ]) {
      const answer = await vault.request('GET', '/v1/account', {
        headers: cookie === undefined ? {} : { cookie },
      });
      expect(answer.status).toBe(401);
      expect(errorOf(answer).code).toBe('WEB_SESSION_EXPIRED');
    }
  });

  it('throttles failed logins per account with 429 and Retry-After, even for the right password', async () => {
    await signUp('throttle@example.com');
    for (let i = 0; i < 5; i++) {
      expect(errorOf(await login('throttle@example.com', `wrong password ${i}`)).code).toBe('LOGON_FAILED');
    }
    const blocked = await login('throttle@example.com', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(errorOf(blocked)).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', field: 'email' });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(errorOf(blocked).details?.retryAfterSeconds).toBe(retryAfter);
    // Another account from the same address still logs in (the per-IP limit is higher).
    expect((await login('grace@example.com', PASSWORD)).status).toBe(200);
  });
});
