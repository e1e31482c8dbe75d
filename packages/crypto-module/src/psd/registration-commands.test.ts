import { randomBytes } from 'node:crypto';
import { type RegistrationChallenge, toBase64 } from '@indicium/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CUSTOMER_ID,
  leasedMeter,
  ModuleTable,
  type PsdCard,
  type PsdHost,
  passphrase,
  singleModule,
  TestMeter,
} from '../../test/psd-harness.js';
import type { ManualClock } from '../testing/module-harness.js';
import { encryptClientSecrets, verifyConfigureAnswer } from './client/registration-client.js';
import { signUserAdminRequest } from './client/user-requests.js';

/**
 * Registration (DESIGN §4.2) and password reset (§3.3): the signed registration challenge, the
 * client secrets bound to mode, meter, customer, user and challenge, the receipt MACed with the new
 * HMK, the passphrase repetition list, and counted, locking passphrase failures.
 */
let host: PsdHost;
let card: PsdCard;
let clock: ManualClock;
let so: (command: string, body?: unknown) => Promise<unknown>;
const table = new ModuleTable();

beforeAll(async () => {
  ({ host, card, clock, so } = await singleModule());
});

async function challenge(meter: TestMeter): Promise<RegistrationChallenge> {
  const { answer } = await meter.ok<{ answer: RegistrationChallenge }>(host, 'registration-challenge', {
    request: { protocol: 1, meterId: meter.meterId, registrationToken: 'A'.repeat(43) },
  });
  return answer;
}

function configureBody(
  meter: TestMeter,
  answer: RegistrationChallenge,
  options: {
    mode?: string;
    sealedMode?: string;
    sealedMeter?: string;
    userId?: string;
    hmk?: Uint8Array;
  } = {},
) {
  const mode = options.mode ?? 'configure';
  const encryptedSecrets = encryptClientSecrets(card.clientSecretPublicKey, {
    mode: (options.sealedMode ?? mode) as 'configure',
    meterId: options.sealedMeter ?? meter.meterId,
    customerId: CUSTOMER_ID,
    userId: options.userId ?? 'alice',
    challenge: Buffer.from(answer.challenge, 'base64'),
    hmk: options.hmk ?? new Uint8Array(32).fill(7),
    passphraseHash: passphrase('alice'),
  });
  return {
    request: {
      protocol: 1,
      mode,
      meterId: meter.meterId,
      customerId: CUSTOMER_ID,
      userId: options.userId ?? 'alice',
      registrationToken: 'A'.repeat(43),
      challenge: answer.challenge,
      encryptedSecrets,
    },
  };
}

describe('Configure PSD (DESIGN §4.2)', () => {
  let meter: TestMeter;
  beforeAll(async () => {
    meter = await TestMeter.certified(host, table, card);
  });

  it('refuses a challenge it did not issue, or a stale one', async () => {
    const answer = await challenge(meter);
    const forged = { ...answer, challenge: toBase64(randomBytes(32)) };
    expect(await meter.refused(host, 'configure-psd', configureBody(meter, forged))).toEqual({
      code: 'CHALLENGE_INVALID',
      field: 'request.challenge',
    });
    clock.advance(15 * 60_000 + 1);
    expect(await meter.refused(host, 'configure-psd', configureBody(meter, answer))).toEqual({
      code: 'CHALLENGE_EXPIRED',
      field: 'request.challenge',
    });
  });

  it('refuses secrets sealed for another meter or mode, and ciphertext that does not decrypt', async () => {
    const answer = await challenge(meter);
    expect(
      await meter.refused(
        host,
        'configure-psd',
        configureBody(meter, answer, { sealedMeter: '00042-00001-0000000001' }),
      ),
    ).toEqual({ code: 'INVALID_FIELD', field: 'request.meterId' });
    expect(
      await meter.refused(host, 'configure-psd', configureBody(meter, answer, { sealedMode: 'reset' })),
    ).toEqual({
      code: 'INVALID_FIELD',
      field: 'request.mode',
    });
    const garbage = configureBody(meter, answer);
    garbage.request.encryptedSecrets = toBase64(randomBytes(384));
    expect(await meter.refused(host, 'configure-psd', garbage)).toEqual({
      code: 'MAC_INVALID',
      field: 'request.encryptedSecrets',
    });
    expect(
      await meter.refused(host, 'configure-psd', configureBody(meter, answer, { mode: 'add-user' })),
    ).toEqual({
      code: 'INVALID_FIELD',
      field: 'request.mode',
    });
  });

  it('answers a receipt only the new HMK verifies, and consumes the challenge', async () => {
    const answer = await challenge(meter);
    const hmk = new Uint8Array(randomBytes(32));
    const body = configureBody(meter, answer, { hmk });
    const result = await meter.ok<{ answer: Parameters<typeof verifyConfigureAnswer>[1]; state: string }>(
      host,
      'configure-psd',
      body,
    );
    expect(result.state).toBe('assigned');
    verifyConfigureAnswer(hmk, result.answer);
    expect(() => verifyConfigureAnswer(new Uint8Array(32), result.answer)).toThrow(
      expect.objectContaining({ code: 'MAC_INVALID' }),
    );
    expect(await meter.refused(host, 'configure-psd', body)).toMatchObject({ code: 'WRONG_STATE' });
  });
});

describe('users, re-registration and password reset', () => {
  let meter: TestMeter;
  let adminHmk: Uint8Array;

  async function adminRequest(
    action: 'add' | 'delete' | 'modify' | 'list',
    target: string | null,
    extra: Record<string, unknown> = {},
    hmk = adminHmk,
    userId = 'alice',
  ) {
    const client = await meter.client(host, userId, hmk);
    return signUserAdminRequest(hmk, {
      meterId: meter.meterId,
      userId,
      clientChallenge: toBase64(randomBytes(32)),
      moduleChallenge: client.moduleChallenge as string,
      action,
      targetUserId: target,
      role: action === 'add' || action === 'modify' ? 'user' : null,
      privileges: ['create-indicia', 'reset-password'],
      maximumTotalMills: null,
      expiresAt: null,
      reregister: false,
      ...extra,
    });
  }

  beforeAll(async () => {
    ({ meter, hmk: adminHmk } = await leasedMeter(host, table, card, 5_000));
    await so('set-psd-settings', { challengeLifetimeMs: 15 * 60_000, passphraseFailureLimit: 2 });
  });

  it('registers only users the Customer Administrator added, and only once', async () => {
    const stranger = await meter.register(host, 'register-psd-user', 'bob');
    expect(stranger.outcome).toMatchObject({
      ok: false,
      error: { code: 'INVALID_FIELD', field: 'request.userId' },
    });
    await meter.ok(host, 'add-psd-user', { request: await adminRequest('add', 'bob') });
    expect((await meter.register(host, 'register-psd-user', 'bob')).outcome.ok).toBe(true);
    const again = await meter.register(host, 'register-psd-user', 'bob');
    expect(again.outcome).toMatchObject({
      ok: false,
      error: { code: 'INVALID_FIELD', field: 'request.userId' },
    });
  });

  it('refuses a reused passphrase when a user registers again', async () => {
    await meter.ok(host, 'modify-psd-user', {
      request: await adminRequest('modify', 'bob', { reregister: true }),
    });
    const reused = await meter.register(host, 'register-psd-user', 'bob');
    expect(reused.outcome).toMatchObject({ ok: false, error: { code: 'PASSWORD_REUSED' } });
    const fresh = await meter.register(host, 'register-psd-user', 'bob', {
      passphraseHash: passphrase('bob-2'),
    });
    expect(fresh.outcome.ok).toBe(true);
  });

  it('counts wrong passphrases in a reset, locks at the limit, and a new Start unlocks', async () => {
    await meter.ok(host, 'start-password-reset', { message: meter.resetMessage('bob') });
    const wrong = () =>
      meter.register(host, 'complete-password-reset', 'bob', { passphraseHash: passphrase('guess') });
    expect((await wrong()).outcome).toMatchObject({ ok: true, result: { completed: false, answer: null } });
    expect((await wrong()).outcome).toMatchObject({ ok: true, result: { completed: false } });
    const locked = await meter.register(host, 'complete-password-reset', 'bob', {
      passphraseHash: passphrase('bob-2'),
    });
    expect(locked.outcome).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    // Only the user being reset may complete it.
    const alice = await meter.register(host, 'complete-password-reset', 'alice');
    expect(alice.outcome).toMatchObject({
      ok: false,
      error: { code: 'INVALID_FIELD', field: 'request.userId' },
    });
    await meter.ok(host, 'start-password-reset', { message: meter.resetMessage('bob') });
    const good = await meter.register(host, 'complete-password-reset', 'bob', {
      passphraseHash: passphrase('bob-2'),
    });
    expect(good.outcome).toMatchObject({ ok: true, result: { completed: true, state: 'leased' } });
    // The new HMK works; the old one no longer does.
    await meter.client(host, 'bob', good.hmk);
  });

  it('refuses a reset for a user without the privilege', async () => {
    const other = await leasedMeter(host, table, card, 0);
    meter = other.meter;
    adminHmk = other.hmk;
    await meter.ok(host, 'add-psd-user', { request: await adminRequest('add', 'carol', { privileges: [] }) });
    await meter.register(host, 'register-psd-user', 'carol');
    expect(
      await meter.refused(host, 'start-password-reset', { message: meter.resetMessage('carol') }),
    ).toEqual({
      code: 'PRIVILEGE_DENIED',
      field: 'message.userId',
    });
  });

  it('lets only a Customer Administrator administer, never against themself', async () => {
    const carol = await meter.register(host, 'register-psd-user', 'dave');
    expect(carol.outcome.ok).toBe(false);
    await meter.ok(host, 'add-psd-user', { request: await adminRequest('add', 'dave') });
    const dave = await meter.register(host, 'register-psd-user', 'dave');
    expect(
      await meter.refused(host, 'list-psd-users', {
        request: await adminRequest('list', null, {}, dave.hmk, 'dave'),
      }),
    ).toEqual({
      code: 'PRIVILEGE_DENIED',
      field: 'request.userId',
    });
    expect(
      await meter.refused(host, 'add-psd-user', { request: await adminRequest('add', 'dave') }),
    ).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'request.targetUserId',
    });
    expect(
      await meter.refused(host, 'delete-psd-user', { request: await adminRequest('delete', 'alice') }),
    ).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'request.targetUserId',
    });
    expect(
      await meter.refused(host, 'list-psd-users', { request: await adminRequest('add', 'erin') }),
    ).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'request.action',
    });
    await meter.ok(host, 'delete-psd-user', { request: await adminRequest('delete', 'dave') });
    const gone = await meter.client(host, 'dave', dave.hmk).catch((error: unknown) => error);
    expect(gone).toMatchObject({ code: 'MAC_INVALID' });
  });
});
