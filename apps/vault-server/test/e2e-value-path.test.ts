import { randomBytes, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CreateIndiciumAnswer,
  fromBase64,
  type HistoryAnswer,
  type MetersAnswer,
  parseIndicium,
  toBase64,
  type VerifyAnswer,
} from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HttpAnswer,
  setCookie,
  startVaultProcess,
  type VaultProcess,
} from '../src/http/testing/vault-process.js';
import {
  configureUser,
  type MeterUser,
  registerMeter,
  registerUser,
  signUp,
  TRANSACTION,
  type WebCustomer,
} from './support/e2e-protocol-client.js';
import { type E2eStore, postgresE2eStore, sqliteE2eStore } from './support/e2e-store.js';

/**
 * The value path end to end (issue 5): the real vault (`src/main.ts`) in its own process over real
 * HTTPS, first-run ceremony included, driven by a web customer and by a protocol client written
 * from the protocol package alone. One vault for the whole file (the ceremony is the slow part);
 * the tests run in order and build on each other, the destructive ones (a package edited in the
 * database, the database replaced by an older copy) last. The same tests run twice (issue 8): on
 * the default SQLite store and on PostgreSQL (a throwaway cluster, `--database-url`), the direct
 * database edits done the honest way for each (`test/support/e2e-store.ts`).
 */

let dataDir: string;
let vault: VaultProcess;
let alice: WebCustomer;
let meterId: string;
let user: MeterUser;
let store: E2eStore;
const issued: { request: ReturnType<MeterUser['request']>; answer: CreateIndiciumAnswer }[] = [];

const errorOf = (answer: HttpAnswer) => answer.json<{ error: { code: string; field?: string } }>().error;
const key = () => randomBytes(12).toString('base64url');

async function start(): Promise<VaultProcess> {
  const started = await startVaultProcess(dataDir, [
    ...store.vaultArgs(),
    '--meter-stock',
    '1',
    '--audit-interval',
    '3600',
  ]);
  if (user !== undefined) user.vault = started;
  return started;
}

async function meters(customer: WebCustomer): Promise<MetersAnswer['meters']> {
  const answer = await customer.call('GET', '/v1/meters');
  expect(answer.status).toBe(200);
  return answer.json<MetersAnswer>().meters;
}

async function buy(amountMills: number, cardNumber?: string): Promise<HttpAnswer> {
  return alice.call('POST', `/v1/meters/${meterId}/purchases`, {
    protocol: 1,
    amountMills,
    idempotencyKey: key(),
    ...(cardNumber === undefined ? {} : { cardNumber }),
  });
}

async function print(
  postageMills = TRANSACTION.postageMills,
): Promise<{ answer: HttpAnswer; request: ReturnType<MeterUser['request']> }> {
  const request = user.request({ ...TRANSACTION, postageMills });
  const answer = await user.send(request);
  if (answer.status === 200) {
    const body = answer.json<CreateIndiciumAnswer>();
    user.accept(request, body);
    issued.push({ request, answer: body });
  }
  return { answer, request };
}

describe.each([sqliteE2eStore(), postgresE2eStore()])(
  'the value path over real HTTPS on $name',
  (variant) => {
    beforeAll(async () => {
      store = variant;
      issued.length = 0;
      dataDir = await mkdtemp(join(tmpdir(), 'indicium-e2e-'));
      await store.open(dataDir);
      vault = await start();
    }, 240_000);

    afterAll(async () => {
      await vault?.stop();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('sign-up → licence → registration → buy postage → indicium → POST /v1/verify; the signature verifies with the certificate by serial', async () => {
      alice = await signUp(vault, 'alice@example.test');
      ({ meterId, user } = await registerMeter(vault, alice));
      const [meter] = await meters(alice);
      expect(meter).toMatchObject({
        meterId,
        state: 'leased',
        licensingZip: '20260-0001',
        descendingRegisterMills: 0,
      });
      expect(meter?.users).toEqual([
        { userId: 'alice', role: 'customer-administrator', maximumTotalMills: null, expiresAt: null },
      ]);

      const bought = await buy(10_000);
      expect(bought.status).toBe(200);
      expect(bought.json()).toMatchObject({
        meterId,
        state: 'leased',
        amountMills: 10_000,
        descendingRegisterMills: 10_000,
      });

      await user.getChallenge();
      expect(user.descending).toBe(10_000);
      const { answer } = await print();
      expect(answer.status).toBe(200);
      const indicium = fromBase64(answer.json<CreateIndiciumAnswer>().indicium);
      const { fields, signedPart, signature } = parseIndicium(indicium);
      expect(fields).toMatchObject({
        postageMills: 730,
        ascendingRegisterMills: 730,
        descendingRegisterMills: 9_270,
        originZip: '20260-0001',
        sample: true,
        kind: 'postage',
      });

      const verified = await vault.request('POST', '/v1/verify', {
        body: { protocol: 1, indicium: toBase64(indicium) },
      });
      expect(verified.status).toBe(200);
      expect(verified.json<VerifyAnswer>()).toMatchObject({ valid: true, deviceId: meterId, reason: null });
      const pem = await vault.request('GET', `/v1/certificates/${fields.certificateSerial}`);
      const certificate = new X509Certificate(pem.text);
      expect(certificate.subject).toBe(`CN=${meterId}`);
      expect(
        certificate.verify(new X509Certificate((await vault.request('GET', '/v1/ca')).text).publicKey),
      ).toBe(true);
      expect(
        verify('sha256', signedPart, { key: certificate.publicKey, dsaEncoding: 'ieee-p1363' }, signature),
      ).toBe(true);

      // A consistent copy of the database as it is now, for the rollback test at the end.
      await store.snapshot();
    });

    it('a retry of a committed request returns the same indicium, and no second one is made', async () => {
      const last = issued.at(-1);
      if (last === undefined) throw new Error('no indicium yet');
      const again = await user.send(last.request);
      expect(again.status).toBe(200);
      expect(again.json()).toEqual(last.answer);
      const history = (await alice.call('GET', `/v1/meters/${meterId}/history`)).json<HistoryAnswer>();
      expect(history.items).toHaveLength(1);
    });

    it('200 concurrent requests on one module challenge: exactly one indicium; then exactly the affordable number; AR + DR = control total; audit verifies', async () => {
      const racing = Array.from({ length: 200 }, () => user.request(TRANSACTION));
      const answers = await Promise.all(racing.map((request) => user.send(request)));
      const won = answers.flatMap((a, i) => (a.status === 200 ? [i] : []));
      expect(won).toHaveLength(1);
      for (const a of answers.filter((x) => x.status !== 200))
        expect(errorOf(a).code).toBe('CHALLENGE_INVALID');
      const winner = won[0] as number;
      user.accept(
        racing[winner] as (typeof racing)[number],
        (answers[winner] as HttpAnswer).json<CreateIndiciumAnswer>(),
      );

      // DR 8 540 left: 11 pieces of 730 are affordable (8 030), the 12th is not.
      let printed = 0;
      for (;;) {
        const { answer } = await print();
        if (answer.status !== 200) {
          expect(errorOf(answer).code).toBe('INSUFFICIENT_FUNDS');
          break;
        }
        printed += 1;
      }
      expect(printed).toBe(11);
      const [meter] = await meters(alice);
      expect(meter?.ascendingRegisterMills).toBe(730 * 13);
      expect((meter?.ascendingRegisterMills ?? 0) + (meter?.descendingRegisterMills ?? 0)).toBe(10_000);
      expect(meter?.pieceCount).toBe(13);
      // The control total the provider asserts is still the module's AR + DR: another download works.
      const topUp = await buy(1_000);
      expect(topUp.status).toBe(200);
      expect(topUp.json()).toMatchObject({ descendingRegisterMills: 10_000 - 730 * 13 + 1_000 });

      const audit = await vault.request('POST', '/v1/auditor/verify');
      expect(audit.status).toBe(200);
      expect(audit.json<{ valid: boolean }>().valid).toBe(true);
    }, 120_000);

    it('a declined card changes nothing', async () => {
      const before = (await meters(alice))[0];
      const declined = await buy(1_000, '4000000000000002');
      expect(declined.status).toBe(422);
      expect(errorOf(declined)).toMatchObject({ code: 'PAYMENT_DECLINED', field: 'cardNumber' });
      expect((await meters(alice))[0]).toEqual(before);
    });

    it('a purchase retried with its idempotency key buys once; the stock gauge is on /metrics', async () => {
      const before = (await meters(alice))[0];
      const body = { protocol: 1, amountMills: 700, idempotencyKey: key() };
      const first = await alice.call('POST', `/v1/meters/${meterId}/purchases`, body);
      const again = await alice.call('POST', `/v1/meters/${meterId}/purchases`, body);
      expect(first.status).toBe(200);
      expect(again.json()).toEqual(first.json());
      expect((await meters(alice))[0]?.descendingRegisterMills).toBe(
        (before?.descendingRegisterMills ?? 0) + 700,
      );
      const changed = await alice.call('POST', `/v1/meters/${meterId}/purchases`, {
        ...body,
        amountMills: 701,
      });
      expect(errorOf(changed)).toMatchObject({ code: 'DUPLICATE_RECORD', field: 'idempotencyKey' });
      const metrics = await vault.request('GET', '/metrics');
      expect(metrics.text).toMatch(/^indicium_meter_stock_available \d+$/m);
    });

    it('eight users of one meter print at once, 200 requests in all: exactly the affordable number succeed; AR + DR = control total; audit verifies', async () => {
      const carol = await signUp(vault, 'carol@example.test');
      const admin = await registerMeter(vault, carol, 'carol');
      await admin.user.getChallenge();
      const users = [admin.user];
      for (let i = 1; i < 8; i++) {
        const added = await admin.user.addUser(`u${i}`);
        expect(added.users.map((u) => u.userId)).toContain(`u${i}`);
        users.push((await registerUser(vault, carol, admin.meterId, 'add-user', `u${i}`)).user);
      }
      const bought = await carol.call('POST', `/v1/meters/${admin.meterId}/purchases`, {
        protocol: 1,
        amountMills: 10_000,
        idempotencyKey: key(),
      });
      expect(bought.status).toBe(200);
      for (const u of users) await u.getChallenge();
      // Each user's requests chain on its own module challenge; the eight chains run at once and
      // the vault serialises them per meter. DR 10 000 buys exactly 20 pieces of 500.
      const results = await Promise.all(
        users.map(async (u) => {
          let ok = 0;
          const refused: string[] = [];
          for (let n = 0; n < 25; n += 1) {
            const request = u.request({ ...TRANSACTION, postageMills: 500 });
            const answer = await u.send(request);
            if (answer.status === 200) {
              u.accept(request, answer.json<CreateIndiciumAnswer>());
              ok += 1;
            } else {
              refused.push(errorOf(answer).code);
            }
          }
          return { ok, refused };
        }),
      );
      expect(results.reduce((sum, r) => sum + r.ok, 0)).toBe(20);
      expect(new Set(results.flatMap((r) => r.refused))).toEqual(new Set(['INSUFFICIENT_FUNDS']));
      const [meter] = await meters(carol);
      expect(meter).toMatchObject({
        ascendingRegisterMills: 10_000,
        descendingRegisterMills: 0,
        pieceCount: 20,
      });
      expect(meter?.users).toHaveLength(8);
      const history = (
        await carol.call('GET', `/v1/meters/${admin.meterId}/history?limit=100`)
      ).json<HistoryAnswer>();
      expect(history.items.map((i) => i.pieceCount).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      // Paged newest first: three pages of at most 8, no overlap, no gap.
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '' : `&before=${cursor}`;
        const page = (
          await carol.call('GET', `/v1/meters/${admin.meterId}/history?limit=8${query}`)
        ).json<HistoryAnswer>();
        expect(page.items.length).toBeLessThanOrEqual(8);
        seen.push(...page.items.map((i) => i.pieceCount));
        cursor = page.nextCursor;
      } while (cursor !== null);
      // Newest first by commit time (pieces committed in the same millisecond may tie).
      expect([...seen].sort((a, b) => b - a)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
      expect(seen[0]).toBeGreaterThan(seen.at(-1) ?? 0);
      const badCursor = await carol.call('GET', `/v1/meters/${admin.meterId}/history?before=AAAA`);
      expect(badCursor.status).toBe(400);
      const audit = await vault.request('POST', '/v1/auditor/verify');
      expect(audit.json<{ valid: boolean }>().valid).toBe(true);
    }, 180_000);

    it('a correction indicium on its route; a password reset started by the provider and completed by the user with the passphrase', async () => {
      const dave = await signUp(vault, 'dave@example.test');
      const { meterId: daveMeter, user: first } = await registerMeter(vault, dave, 'dave');
      const bought = await dave.call('POST', `/v1/meters/${daveMeter}/purchases`, {
        protocol: 1,
        amountMills: 2_000,
        idempotencyKey: key(),
      });
      expect(bought.status).toBe(200);
      await first.getChallenge();
      const correction = first.request({ ...TRANSACTION, kind: 'correction', postageMills: 120 });
      const made = await vault.request('POST', '/v1/psd/create-correction-indicium', { body: correction });
      expect(made.status).toBe(200);
      const bytes = first.accept(correction, made.json<CreateIndiciumAnswer>());
      expect(parseIndicium(bytes).fields.kind).toBe('correction');
      const checked = await vault.request('POST', '/v1/verify', {
        body: { protocol: 1, indicium: toBase64(bytes) },
      });
      expect(checked.json<VerifyAnswer>()).toMatchObject({ valid: true, fields: { kind: 'correction' } });

      const started = await dave.call('POST', `/v1/meters/${daveMeter}/password-reset`, {
        protocol: 1,
        userId: 'dave',
      });
      expect(started.status).toBe(200);
      expect(started.json()).toMatchObject({ state: 'pwreset', ascendingRegisterMills: 120 });
      const blocked = await first.send(first.request(TRANSACTION));
      expect(errorOf(blocked).code).toBe('PASSWORD_RESET_PENDING');

      const wrong = await configureUser(vault, dave, daveMeter, 'reset', 'dave', 'not the passphrase at all');
      expect(wrong.answer.status).toBe(422);
      expect(errorOf(wrong.answer)).toMatchObject({ code: 'PASSPHRASE_WRONG' });
      expect((await meters(dave))[0]?.state).toBe('pwreset');

      const { user: renewed } = await registerUser(vault, dave, daveMeter, 'reset', 'dave');
      expect((await meters(dave))[0]?.state).toBe('leased');
      await renewed.getChallenge();
      expect(renewed.ascending).toBe(120);
      const { status } = await renewed.send(renewed.request(TRANSACTION));
      expect(status).toBe(200);
      // The old HMK is gone with the reset.
      const stale = await vault.request('POST', '/v1/psd/get-challenge', { body: first.challengeRequest() });
      expect(errorOf(stale).code).toBe('MAC_INVALID');
    }, 120_000);

    it("another customer sees neither alice's meter nor its history and cannot move value in it", async () => {
      const mallory = await signUp(vault, 'mallory@example.test');
      expect(await meters(mallory)).toEqual([]);
      for (const [method, path, body] of [
        ['GET', `/v1/meters/${meterId}/history`, undefined],
        ['POST', `/v1/meters/${meterId}/purchases`, { protocol: 1, amountMills: 100, idempotencyKey: key() }],
        [
          'POST',
          `/v1/meters/${meterId}/refund`,
          { protocol: 1, mailingDate: '2026-11-27', idempotencyKey: key() },
        ],
        [
          'POST',
          `/v1/meters/${meterId}/registration-tokens`,
          { protocol: 1, mode: 'add-user', userId: 'mallory' },
        ],
        ['POST', `/v1/meters/${meterId}/password-reset`, { protocol: 1, userId: 'alice' }],
      ] as const) {
        const answer = await mallory.call(method, path, body);
        expect(answer.status, path).toBe(404);
        expect(errorOf(answer), path).toMatchObject({ code: 'NOT_FOUND', field: 'meterId' });
      }
      // A registration challenge needs a token the meter's owner asked for.
      const forged = await vault.request('POST', '/v1/registration/challenge', {
        body: { protocol: 1, meterId, registrationToken: randomBytes(32).toString('base64url') },
      });
      expect(forged.status).toBe(403);
      expect(errorOf(forged)).toMatchObject({ code: 'ROLE_DENIED', field: 'registrationToken' });
    });

    it('malformed bodies on every new route → 400 with a code', async () => {
      const psd = [
        '/v1/psd/users',
        '/v1/registration/challenge',
        '/v1/registration/configure',
        '/v1/psd/get-challenge',
        '/v1/psd/create-indicium',
        '/v1/psd/create-correction-indicium',
      ];
      for (const path of psd) {
        for (const body of [{ protocol: 1 }, { protocol: 1, meterId: 'nope' }, []]) {
          const answer = await vault.request('POST', path, { body });
          expect(answer.status, path).toBe(400);
          expect(errorOf(answer).code, path).toBe('MALFORMED_REQUEST');
        }
        const raw = await vault.request('POST', path, {
          raw: '{"protocol":1,',
          headers: { 'content-type': 'application/json' },
        });
        expect(raw.status, path).toBe(400);
      }
      const web = [
        `/v1/meters/${meterId}/purchases`,
        `/v1/meters/${meterId}/refund`,
        `/v1/meters/${meterId}/registration-tokens`,
        `/v1/meters/${meterId}/password-reset`,
        '/v1/licences',
      ];
      for (const path of web) {
        const answer = await alice.call('POST', path, { protocol: 1, amountMills: -1, extra: true });
        expect(answer.status, path).toBe(400);
        expect(errorOf(answer).code, path).toBe('MALFORMED_REQUEST');
      }
      const badMeter = await alice.call('GET', '/v1/meters/00042-00001-x/history');
      expect(badMeter.status).toBe(400);
      expect(errorOf(badMeter)).toMatchObject({ code: 'MALFORMED_REQUEST', field: 'params.meterId' });
      const badQuery = await alice.call('GET', `/v1/meters/${meterId}/history?limit=0`);
      expect(errorOf(badQuery)).toMatchObject({ code: 'MALFORMED_REQUEST', field: 'query.limit' });
    });

    it('a correction on the create-indicium route, or a tampered request MAC, is refused with nothing changed', async () => {
      const before = (await meters(alice))[0];
      const wrongRoute = await vault.request('POST', '/v1/psd/create-indicium', {
        body: user.request({ ...TRANSACTION, kind: 'correction' }),
      });
      expect(errorOf(wrongRoute)).toMatchObject({ code: 'INVALID_FIELD', field: 'transaction.kind' });
      const request = user.request(TRANSACTION);
      const tampered = { ...request, transaction: { ...request.transaction, postageMills: 1 } };
      const refused = await user.send(tampered);
      expect(errorOf(refused).code).toBe('MAC_INVALID');
      expect((await meters(alice))[0]).toEqual(before);
    });

    it('a restart keeps everything: meters, history, certificates and stored answers', async () => {
      const before = await meters(alice);
      const history = (
        await alice.call('GET', `/v1/meters/${meterId}/history?limit=100`)
      ).json<HistoryAnswer>();
      expect(history.items).toHaveLength(13);
      expect(await vault.stop()).toBe(0);
      vault = await start();
      alice = await signUpAgain();
      expect(await meters(alice)).toEqual(before);
      const after = (
        await alice.call('GET', `/v1/meters/${meterId}/history?limit=100`)
      ).json<HistoryAnswer>();
      expect(after).toEqual(history);
      const first = issued[0];
      if (first === undefined) throw new Error('no indicium');
      const retry = await user.send(first.request);
      expect(retry.json()).toEqual(first.answer);
      await user.getChallenge();
      const { answer } = await print();
      expect(answer.status).toBe(200);
    }, 120_000);

    it('a refund withdraws the meter, credits the ledger and makes a verifiable refund indicium; the meter then refuses postage', async () => {
      const refund = await alice.call('POST', `/v1/meters/${meterId}/refund`, {
        protocol: 1,
        mailingDate: '2026-11-27',
        idempotencyKey: key(),
      });
      expect(refund.status).toBe(200);
      const body = refund.json<{ state: string; amountMills: number; descendingRegisterMills: number }>();
      expect(body).toMatchObject({ state: 'withdrawn', descendingRegisterMills: 0 });
      expect(body.amountMills).toBe(11_700 - 730 * 14);
      const history = (await alice.call('GET', `/v1/meters/${meterId}/history`)).json<HistoryAnswer>();
      expect(history.items[0]).toMatchObject({
        kind: 'refund',
        postageMills: body.amountMills,
        descendingRegisterMills: 0,
      });
      const { answer } = await print();
      expect(errorOf(answer).code).toBe('METER_WITHDRAWN');
    });

    it('a package altered in the database is refused with a typed code, and nothing changes', async () => {
      // A second customer's fresh meter, so the withdrawn one does not hide the check.
      const bob = await signUp(vault, 'bob@example.test');
      const registered = await registerMeter(vault, bob, 'bob');
      expect(await vault.stop()).toBe(0);
      const row = await store.readPackage(registered.meterId);
      const altered = Buffer.from(row.bytes);
      altered[altered.length - 40] = (altered[altered.length - 40] ?? 0) ^ 0x01;
      await store.writePackageBytes(registered.meterId, altered);
      vault = await start();
      const refused = await vault.request('POST', '/v1/psd/get-challenge', {
        body: registered.user.challengeRequest(),
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(errorOf(refused).code).toBe('PACKAGE_INTEGRITY');
      expect(await vault.stop()).toBe(0);
      const now = await store.readPackage(registered.meterId);
      expect(now.version).toBe(row.version);
      expect(Buffer.compare(now.bytes, altered)).toBe(0);
      vault = await start();
    }, 120_000);

    it('the database replaced by an older copy: the modules refuse it and are inhibited, value work stops, nothing changes', async () => {
      expect(await vault.stop()).toBe(0);
      await store.restoreSnapshot();
      vault = await start();
      const table = await vault.request('GET', '/v1/module-table');
      expect(table.status).toBe(200);
      const rows = table.json<{ modules: { moduleSerial: string; inhibited: boolean }[] }>().modules;
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(rows.every((r) => r.inhibited)).toBe(true);
      const before = await store.readPackage(meterId);
      alice = await signUpAgain();
      const refused = await vault.request('POST', '/v1/psd/get-challenge', { body: user.challengeRequest() });
      expect(refused.status).toBe(503);
      expect(['VAULT_UNAVAILABLE', 'CHECKPOINT_MISMATCH']).toContain(errorOf(refused).code);
      const purchase = await buy(500);
      expect(purchase.status).toBe(503);
      const ready = await vault.request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(await vault.stop()).toBe(0);
      const now = await store.readPackage(meterId);
      expect(now.version).toBe(before.version);
    }, 120_000);
  },
);

/** Logs alice in again after a restart (sessions survive; this checks login too). */
async function signUpAgain(): Promise<WebCustomer> {
  const login = await vault.request('POST', '/v1/account/login', {
    body: { protocol: 1, email: 'alice@example.test', password: 'correct horse battery staple' },
  });
  expect(login.status).toBe(200);
  const cookie = setCookie(login, '__Host-indicium-session');
  const csrf = login.json<{ csrfToken: string; customer: { customerId: string } }>();
  return {
    customerId: csrf.customer.customerId,
    call: (method, path, body) =>
      vault.request(method, path, {
        ...(body === undefined ? {} : { body }),
        headers: {
          cookie: `__Host-indicium-session=${cookie?.value ?? ''}`,
          'x-csrf-token': csrf.csrfToken,
          origin: vault.url,
        },
      }),
  };
}
