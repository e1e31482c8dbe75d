import { verify } from 'node:crypto';
import { parseIndicium } from '@indicium/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MeterClient } from '../src/psd/client/meter-client.js';
import { signUserAdminRequest, verifyUserAdminAnswer } from '../src/psd/client/user-requests.js';
import { verifyMeterRegisters } from '../src/psd/verify-meter-registers.js';
import {
  ModuleTable,
  type PsdCard,
  type PsdHost,
  passphrase,
  singleModule,
  TestMeter,
  transaction,
} from './psd-harness.js';

/**
 * A meter's whole life through `dispatch` (issue 4 "a full life"): initialize, authorize,
 * configure, authorize customer, download, many indicia, a correction, a second user, a password
 * reset, refund → withdrawn, then every PSD command refused.
 */
let host: PsdHost;
let card: PsdCard;
const table = new ModuleTable();

beforeAll(async () => {
  ({ host, card } = await singleModule());
});

function verifies(indicium: Uint8Array, publicKey: string): boolean {
  const { signedPart, signature } = parseIndicium(indicium);
  return verify(
    'sha256',
    signedPart,
    { key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki', dsaEncoding: 'ieee-p1363' },
    signature,
  );
}

describe('a meter from Initialize PSD to withdrawn', () => {
  it('lives and dies as DESIGN §3.3 says', async () => {
    const meter = new TestMeter('00042-00001-0000000777', table, card);
    const made = await meter.ok<{ publicKey: string; state: string; packageVersion: number }>(
      host,
      'initialize-psd',
      {
        meterId: meter.meterId,
      },
    );
    expect(made).toMatchObject({
      state: 'raw',
      packageVersion: 1,
      ascendingRegisterMills: 0,
      descendingRegisterMills: 0,
    });
    const certificate = await card.ca.issue(meter.meterId, made.publicKey, 777);
    expect(await meter.ok(host, 'authorize-psd', { certificate })).toMatchObject({
      state: 'unleased',
      certificateSerial: 777,
    });

    const alice = await meter.register(host, 'configure-psd', 'alice');
    expect(alice.outcome).toMatchObject({ ok: true });
    expect((alice.outcome as { result: { state: string } }).result.state).toBe('assigned');
    expect(
      await meter.ok(host, 'authorize-customer', { message: meter.authorizeCustomerMessage() }),
    ).toMatchObject({
      state: 'leased',
    });
    expect(
      await meter.ok(host, 'value-download', { message: meter.downloadMessage(0, 50_000) }),
    ).toMatchObject({
      descendingRegisterMills: 50_000,
    });

    const client: MeterClient = await meter.client(host, 'alice', alice.hmk);
    expect(client.registers).toEqual({ ascendingRegisterMills: 0, descendingRegisterMills: 50_000 });
    const indicia: Uint8Array[] = [];
    for (let i = 0; i < 10; i++) indicia.push(await meter.print(host, client, 730));
    indicia.push(await meter.print(host, client, 120, 'correction'));
    expect(client.registers).toEqual({ ascendingRegisterMills: 7_420, descendingRegisterMills: 42_580 });
    for (const [i, indicium] of indicia.entries()) {
      expect(verifies(indicium, made.publicKey)).toBe(true);
      const { fields } = parseIndicium(indicium);
      expect(fields).toMatchObject({
        pieceCount: i + 1,
        sample: true,
        certificateSerial: 777,
        originZip: '94107',
      });
    }
    expect(parseIndicium(indicia[10] as Uint8Array).fields.kind).toBe('correction');

    // Alice adds bob, who registers from his own companion and prints.
    const add = signUserAdminRequest(alice.hmk, {
      meterId: meter.meterId,
      userId: 'alice',
      clientChallenge: Buffer.alloc(32, 7).toString('base64'),
      moduleChallenge: client.moduleChallenge as string,
      action: 'add',
      targetUserId: 'bob',
      role: 'user',
      privileges: ['create-indicia', 'reset-password'],
      maximumTotalMills: 5_000,
      expiresAt: null,
      reregister: false,
    });
    const added = await meter.ok<{ answer: Parameters<typeof verifyUserAdminAnswer>[2] }>(
      host,
      'add-psd-user',
      { request: add },
    );
    verifyUserAdminAnswer(alice.hmk, add, added.answer);
    expect(added.answer.users.map((u) => [u.userId, u.registered])).toEqual([
      ['alice', true],
      ['bob', false],
    ]);
    const bob = await meter.register(host, 'register-psd-user', 'bob');
    expect(bob.outcome.ok).toBe(true);
    const bobClient = await meter.client(host, 'bob', bob.hmk);
    await meter.print(host, bobClient, 1_000);

    // Bob lost his HMK: the provider starts a reset, a wrong passphrase counts, the right one re-keys.
    expect(
      await meter.ok(host, 'start-password-reset', { message: meter.resetMessage('bob') }),
    ).toMatchObject({ state: 'pwreset' });
    const wrong = await meter.register(host, 'complete-password-reset', 'bob', {
      passphraseHash: passphrase('guess'),
    });
    expect(wrong.outcome).toMatchObject({ ok: true, result: { completed: false, state: 'pwreset' } });
    const reset = await meter.register(host, 'complete-password-reset', 'bob');
    expect(reset.outcome).toMatchObject({ ok: true, result: { completed: true, state: 'leased' } });
    const bobAgain = await meter.client(host, 'bob', reset.hmk);
    await meter.print(host, bobAgain, 500);

    // Refund: the whole DR in one refund indicium, then withdrawn.
    const before = bobAgain.registers;
    const control = before.ascendingRegisterMills + before.descendingRegisterMills;
    const refund = await meter.ok<{ indicium: string; refundedMills: number; state: string }>(
      host,
      'create-refund-indicium',
      {
        message: meter.refundMessage(control),
      },
    );
    expect(refund).toMatchObject({
      state: 'withdrawn',
      refundedMills: before.descendingRegisterMills,
      descendingRegisterMills: 0,
    });
    const refundIndicium = Buffer.from(refund.indicium, 'base64');
    expect(verifies(refundIndicium, made.publicKey)).toBe(true);
    expect(parseIndicium(refundIndicium).fields).toMatchObject({
      kind: 'refund',
      postageMills: before.descendingRegisterMills,
    });

    // Withdrawn: every PSD command is refused, whoever signs it.
    const refusedAll = [
      ['get-challenge', { request: bobAgain.getChallengeRequest() }],
      ['create-indicium', { request: bobAgain.createIndiciumRequest(transaction(10)) }],
      ['value-download', { message: meter.downloadMessage(control, 10) }],
      ['create-refund-indicium', { message: meter.refundMessage(control) }],
      ['start-password-reset', { message: meter.resetMessage('bob') }],
      [
        'registration-challenge',
        { request: { protocol: 1, meterId: meter.meterId, registrationToken: 'A'.repeat(43) } },
      ],
    ] as const;
    for (const [command, body] of refusedAll) {
      expect(await meter.refused(host, command, body), command).toMatchObject({ code: 'METER_WITHDRAWN' });
    }

    // Every package change was audited naming meter, user, AR and DR (DESIGN §3.5).
    const changes = host.audit.filter((e) => e.data.meterId === meter.meterId);
    expect(changes.length).toBeGreaterThan(20);
    for (const entry of changes) {
      expect(Object.keys(entry.data)).toEqual(
        expect.arrayContaining([
          'meterId',
          'meterUserId',
          'ascendingRegisterMills',
          'descendingRegisterMills',
        ]),
      );
    }
    const printed = changes.filter((e) => e.command === 'create-indicium');
    expect(new Set(printed.map((e) => e.data.meterUserId))).toEqual(new Set(['alice', 'bob']));
    expect(verifyMeterRegisters([{ moduleSerial: host.serial, entries: host.audit }]).meters).toEqual([]);
  });
});
