import type { ModuleOutcome } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { MemoryNvmStore } from '../nvm/memory-nvm-store.js';
import {
  bootHarness,
  expectOk,
  initializedHarness,
  logon,
  OFFICERS,
  officerClient,
  operationalHarness,
  password,
  startInitialization,
  status,
} from '../testing/module-harness.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

function code(outcome: ModuleOutcome): string {
  return outcome.ok ? 'ok' : outcome.error.code;
}

type Operational = Awaited<ReturnType<typeof operationalHarness>>;

/** SO opens Administrative state, hands over to the Administrator (dual control, DESIGN §3.2). */
async function asAdministrator(h: Operational): Promise<void> {
  await logon(h.client, OFFICERS.so);
  await h.client.call('begin-admin');
  await h.client.call('logoff');
  await logon(h.client, OFFICERS.admin);
}

async function leaveAdmin(h: Operational): Promise<void> {
  await h.client.call('end-admin');
  await h.client.call('logoff');
}

describe('Initialize Access Control (DESIGN §3.2)', () => {
  const { admin, so, kc1, kc2, auditor } = OFFICERS;
  const cases: [string, unknown[]][] = [
    ['no Administrator', [so, kc1, kc2, auditor]],
    ['two Security Officers', [admin, so, { ...so, userId: 'so2' }, kc1, kc2]],
    ['one Key Custodian', [admin, so, kc1, auditor]],
    ['a duplicate user id', [admin, so, kc1, { ...kc2, userId: 'kc1' }]],
  ];
  it.each(cases)('refuses %s', async (_name, accounts) => {
    const h = await bootHarness();
    const client = officerClient(h, await startInitialization(h));
    await client.openSession();
    expect(await client.send('initialize-access-control', { accounts })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'accounts' },
    });
  });

  it('needs a session, runs once, and stores no password in the clear', async () => {
    const nvm = new MemoryNvmStore();
    const h = await bootHarness({ nvm });
    const key = await startInitialization(h);
    const plain = await h.dispatch({
      command: 'initialize-access-control',
      body: { accounts: Object.values(OFFICERS) },
    });
    expect(code(plain)).toBe('NO_SESSION');
    const client = officerClient(h, key);
    await client.openSession();
    const first = await client.send('initialize-access-control', { accounts: Object.values(OFFICERS) });
    expect(first.ok).toBe(true);
    expect(first.audit).toMatchObject({ command: 'initialize-access-control', signatureRequired: true });
    expect(code(await client.send('initialize-access-control', { accounts: Object.values(OFFICERS) }))).toBe(
      'WRONG_STATE',
    );
    for (const officer of Object.values(OFFICERS)) expect(nvm.text).not.toContain(officer.password);
  });
});

describe('Logon (DESIGN §3.2)', () => {
  it('counts failures, locks at the limit, audits each failure, and an Administrator unlocks', async () => {
    const h = await operationalHarness();
    const wrong = { userId: 'kc1', password: password('not it') };
    const first = await h.client.send('logon', wrong);
    expect(first).toMatchObject({ ok: false, error: { code: 'LOGON_FAILED', field: 'password' } });
    expect(first.audit).toMatchObject({
      command: 'logon',
      reasonCode: 'LOGON_FAILED',
      data: { userId: 'kc1' },
    });
    expect(code(await h.client.send('logon', wrong))).toBe('LOGON_FAILED');
    expect(code(await h.client.send('logon', wrong))).toBe('ACCOUNT_LOCKED');
    const right = { userId: 'kc1', password: OFFICERS.kc1.password };
    expect(code(await h.client.send('logon', right))).toBe('ACCOUNT_LOCKED');
    await asAdministrator(h);
    const view = (await h.client.call('view-access-control')) as {
      accounts: { userId: string; locked: boolean }[];
    };
    expect(view.accounts.find((a) => a.userId === 'kc1')?.locked).toBe(true);
    await h.client.call('modify-account', { userId: 'kc1', unlock: true });
    await leaveAdmin(h);
    expect(code(await h.client.send('logon', right))).toBe('ok');
  });

  it('a good logon clears the failure count', async () => {
    const h = await operationalHarness();
    for (let i = 0; i < 2; i++) await h.client.send('logon', { userId: 'kc1', password: password('x') });
    await logon(h.client, OFFICERS.kc1);
    await h.client.call('logoff');
    for (let i = 0; i < 2; i++) await h.client.send('logon', { userId: 'kc1', password: password('x') });
    await logon(h.client, OFFICERS.kc1);
  });

  it('answers an unknown user like a wrong password', async () => {
    const h = await initializedHarness();
    const unknown = await h.client.send('logon', { userId: 'nobody', password: password('x') });
    const wrong = await h.client.send('logon', { userId: 'kc1', password: password('x') });
    expect(unknown.ok ? null : unknown.error).toEqual(wrong.ok ? null : wrong.error);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'LOGON_FAILED', field: 'password' } });
  });

  it('one officer at a time', async () => {
    const h = await initializedHarness();
    await logon(h.client, OFFICERS.so);
    expect(code(await h.client.send('logon', { userId: 'kc1', password: OFFICERS.kc1.password }))).toBe(
      'ALREADY_LOGGED_ON',
    );
    expect(await h.client.call('query-user')).toEqual({ userId: 'so' });
    expect(await h.client.call('query-role')).toEqual({ role: 'security-officer' });
  });

  it('logs an idle officer off after the time-out, but not an active one', async () => {
    const h = await initializedHarness();
    await logon(h.client, OFFICERS.so);
    h.clock.advance(10 * MINUTE);
    expect(await h.client.call('query-role')).toEqual({ role: 'security-officer' });
    h.clock.advance(10 * MINUTE);
    expect(await h.client.call('query-role')).toEqual({ role: 'security-officer' });
    h.clock.advance(15 * MINUTE + 1);
    expect(await h.client.call('query-role')).toEqual({ role: null });
    expect(code(await h.client.send('logoff'))).toBe('NOT_LOGGED_ON');
  });

  it('refuses an expired account', async () => {
    const h = await operationalHarness();
    await asAdministrator(h);
    await h.client.call('modify-account', {
      userId: 'kc2',
      profile: { accountExpiresAt: h.clock.time + DAY },
    });
    await leaveAdmin(h);
    h.clock.advance(DAY);
    expect(code(await h.client.send('logon', { userId: 'kc2', password: OFFICERS.kc2.password }))).toBe(
      'ACCOUNT_EXPIRED',
    );
  });

  it('an expired password must be changed at logon, never to a recent one', async () => {
    const h = await operationalHarness();
    h.clock.advance(91 * DAY);
    const old = { userId: 'kc1', password: OFFICERS.kc1.password };
    expect(await h.client.send('logon', old)).toMatchObject({
      ok: false,
      error: { code: 'PASSWORD_EXPIRED', field: 'newPassword' },
    });
    expect(await h.client.send('logon', { ...old, newPassword: old.password })).toMatchObject({
      ok: false,
      error: { code: 'PASSWORD_REUSED', field: 'newPassword' },
    });
    await h.client.call('logon', { ...old, newPassword: password('kc1-2') });
    await h.client.call('logoff');
    expect(code(await h.client.send('logon', old))).toBe('LOGON_FAILED');
    await h.client.call('logon', { userId: 'kc1', password: password('kc1-2') });
  });
});

describe('Change Password (DESIGN §3.2: password period, no reuse)', () => {
  it('enforces the minimum period and the history of recent passwords', async () => {
    const h = await operationalHarness();
    await logon(h.client, OFFICERS.kc1);
    const change = (from: string, to: string) =>
      h.client.send('change-password', { oldPassword: from, newPassword: to });
    expect(await change(OFFICERS.kc1.password, password('a'))).toMatchObject({
      ok: false,
      error: { code: 'PASSWORD_TOO_SOON', field: 'newPassword' },
    });
    // A day idle logs the officer off (time-out); log on again before each change.
    const later = async (pw: string) => {
      h.clock.advance(DAY);
      await h.client.call('logon', { userId: 'kc1', password: pw });
    };
    await later(OFFICERS.kc1.password);
    expect(code(await change(password('wrong'), password('a')))).toBe('LOGON_FAILED');
    expect(code(await change(OFFICERS.kc1.password, OFFICERS.kc1.password))).toBe('PASSWORD_REUSED');
    let current = OFFICERS.kc1.password;
    for (const next of ['a', 'b', 'c', 'd', 'e']) {
      await h.client.call('logoff');
      await later(current);
      const outcome = await change(current, password(next));
      expect(code(outcome)).toBe('ok');
      expect(outcome.audit?.data).toEqual({ userId: 'kc1' });
      current = password(next);
    }
    await h.client.call('logoff');
    await later(current);
    expect(code(await change(current, password('a')))).toBe('PASSWORD_REUSED');
    // The original is still one of the last five previous passwords…
    expect(code(await change(current, OFFICERS.kc1.password))).toBe('PASSWORD_REUSED');
    expect(code(await change(current, password('f')))).toBe('ok');
    await h.client.call('logoff');
    await later(password('f'));
    // …and one change later it has left the history.
    expect(code(await change(password('f'), OFFICERS.kc1.password))).toBe('ok');
  });
});

describe('Administrative state (DESIGN §3.2, §3.3)', () => {
  it('creates an account whose first password must be changed; refuses a duplicate id', async () => {
    const h = await operationalHarness();
    await asAdministrator(h);
    const fresh = { userId: 'auditor2', role: 'auditor', password: password('auditor2') };
    const created = await h.client.send('create-account', fresh);
    expect(created.audit).toMatchObject({
      command: 'create-account',
      userId: 'admin',
      role: 'administrator',
      signatureRequired: true,
      data: { userId: 'auditor2', role: 'auditor' },
    });
    expect(await h.client.send('create-account', fresh)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'userId' },
    });
    await leaveAdmin(h);
    expect(code(await h.client.send('logon', { userId: 'auditor2', password: fresh.password }))).toBe(
      'PASSWORD_EXPIRED',
    );
    await h.client.call('logon', {
      userId: 'auditor2',
      password: fresh.password,
      newPassword: password('z'),
    });
  });

  it('never deletes the caller or the minimum set, but deletes others', async () => {
    const h = await operationalHarness();
    await asAdministrator(h);
    const del = (userId: string) => h.client.send('delete-account', { userId });
    expect(await del('admin')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'userId' },
    });
    expect(await del('kc1')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'userId' } });
    expect(await del('so')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'userId' } });
    expect(await del('ghost')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'userId' },
    });
    expect(code(await del('auditor'))).toBe('ok');
    const view = (await h.client.call('view-access-control')) as { accounts: { userId: string }[] };
    expect(view.accounts.map((a) => a.userId)).toEqual(['admin', 'so', 'kc1', 'kc2']);
  });

  it('View Access Control lists profiles and never a password, salt or verifier', async () => {
    const h = await operationalHarness();
    await asAdministrator(h);
    const view = (await h.client.call('view-access-control')) as { accounts: Record<string, unknown>[] };
    expect(view.accounts).toHaveLength(5);
    expect(Object.keys(view.accounts[0] ?? {}).sort()).toEqual(
      [
        'accountExpiresAt',
        'failureCount',
        'failureLimit',
        'lastAccessAt',
        'locked',
        'logonTimeoutMs',
        'passwordExpiresAt',
        'passwordLifetimeMs',
        'passwordPeriodMs',
        'role',
        'userId',
      ].sort(),
    );
    expect(JSON.stringify(view)).not.toMatch(/salt|verifier|password"/);
  });

  it('Set Clock moves module time; Administrative commands need Administrative state', async () => {
    const h = await operationalHarness();
    await logon(h.client, OFFICERS.admin);
    expect(code(await h.client.send('set-clock', { time: 1 }))).toBe('WRONG_STATE');
    await h.client.call('logoff');
    await asAdministrator(h);
    const target = h.clock.time + 3 * DAY;
    const outcome = await h.client.send('set-clock', { time: target });
    expect(outcome.audit).toMatchObject({ command: 'set-clock', time: target, signatureRequired: true });
    expect((await status(h)).time).toBe(target);
    await leaveAdmin(h);
    expect(await status(h)).toMatchObject({ currentState: 'O', persistentState: 'O' });
  });

  it('an administrator password reset is expired at once', async () => {
    const h = await operationalHarness();
    await asAdministrator(h);
    expectOk(await h.client.send('modify-account', { userId: 'kc2', resetPassword: password('temp') }));
    await leaveAdmin(h);
    expect(code(await h.client.send('logon', { userId: 'kc2', password: password('temp') }))).toBe(
      'PASSWORD_EXPIRED',
    );
  });
});
