import { randomBytes } from 'node:crypto';
import { type CreateIndiciumRequest, parseIndicium, type Transaction, toBase64 } from '@indicium/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  indiciumVerifies,
  leasedMeter,
  ModuleTable,
  type PsdCard,
  type PsdHost,
  singleModule,
  TEST_LIMITS,
  type TestMeter,
  transaction,
} from '../../test/psd-harness.js';
import type { ManualClock } from '../testing/module-harness.js';
import type { MeterClient } from './client/meter-client.js';
import { signCreateIndiciumRequest, signUserAdminRequest } from './client/user-requests.js';

/**
 * DESIGN §4.3: the twelve checks and steps of Create Indicium in order — each check with its own
 * refusal, asserted by code and field, and shown to change nothing (no audit entry, the honest
 * request still works afterwards).
 */
let host: PsdHost;
let card: PsdCard;
let clock: ManualClock;
const table = new ModuleTable();
let meter: TestMeter;
let other: TestMeter;
let alice: { hmk: Uint8Array; client: MeterClient };
let otherHmk: Uint8Array;

function signed(
  who: { hmk: Uint8Array; client: MeterClient },
  fields: Partial<Omit<CreateIndiciumRequest, 'protocol' | 'hmac' | 'transaction'>> = {},
  tx: Partial<Transaction> = {},
): CreateIndiciumRequest {
  const { client } = who;
  return signCreateIndiciumRequest(who.hmk, {
    meterId: client.meterId,
    userId: client.userId,
    clientChallenge: toBase64(randomBytes(32)),
    moduleChallenge: client.moduleChallenge as string,
    ...client.registers,
    transaction: { ...transaction(730), ...tx },
    ...fields,
  });
}

/** The refusal, and proof it changed nothing: same package, no audit entry, the honest request works. */
async function refusedWith(
  request: CreateIndiciumRequest,
  code: string,
  field: string,
  command = 'create-indicium',
  target: TestMeter = meter,
): Promise<void> {
  const before = { package: target.package, audit: host.audit.length, checkpoint: table.get(host.serial) };
  expect(await target.refused(host, command, { request })).toEqual({ code, field });
  expect({ package: target.package, audit: host.audit.length, checkpoint: table.get(host.serial) }).toEqual(
    before,
  );
}

async function honestPrint(): Promise<void> {
  await meter.print(host, alice.client, 10);
}

beforeAll(async () => {
  ({ host, card, clock } = await singleModule());
  const made = await leasedMeter(host, table, card, 20_000);
  meter = made.meter;
  alice = { hmk: made.hmk, client: made.client };
  const second = await leasedMeter(host, table, card, 20_000);
  other = second.meter;
  otherHmk = second.hmk;
});

describe('Create Indicium (DESIGN §4.3)', () => {
  it('answers a signed indicium, the registers after it and the next challenge', async () => {
    const before = alice.client.registers;
    const indicium = await meter.print(host, alice.client, 730);
    expect(indiciumVerifies(indicium, meter.publicKey)).toBe(true);
    const { fields } = parseIndicium(indicium);
    expect(fields).toMatchObject({
      postageMills: 730,
      ascendingRegisterMills: before.ascendingRegisterMills + 730,
      descendingRegisterMills: before.descendingRegisterMills - 730,
      kind: 'postage',
      sample: true,
    });
    expect(alice.client.registers).toEqual({
      ascendingRegisterMills: before.ascendingRegisterMills + 730,
      descendingRegisterMills: before.descendingRegisterMills - 730,
    });
  });

  it('(1) refuses a package whose MAC does not verify: PACKAGE_INTEGRITY', async () => {
    const good = meter.package;
    const bytes = Buffer.from(good, 'base64');
    bytes[bytes.length - 40] = (bytes[bytes.length - 40] as number) ^ 1;
    meter.package = bytes.toString('base64');
    try {
      await refusedWith(signed(alice), 'PACKAGE_INTEGRITY', 'package');
    } finally {
      meter.package = good;
    }
    await honestPrint();
  });

  it('(3) refuses a request for another meter: METER_MISMATCH', async () => {
    await refusedWith(signed(alice, { meterId: other.meterId }), 'METER_MISMATCH', 'request.meterId');
  });

  it('(4) refuses a module challenge that is not the last one issued: CHALLENGE_INVALID', async () => {
    await refusedWith(
      signed(alice, { moduleChallenge: toBase64(randomBytes(32)) }),
      'CHALLENGE_INVALID',
      'request.moduleChallenge',
    );
    await refusedWith(signed(alice, { userId: 'mallory' }), 'CHALLENGE_INVALID', 'request.moduleChallenge');
  });

  it('(4) refuses a stale module challenge: CHALLENGE_EXPIRED', async () => {
    clock.advance(15 * 60_000 + 1);
    await refusedWith(signed(alice), 'CHALLENGE_EXPIRED', 'request.moduleChallenge');
    // A fresh handshake gives a fresh challenge.
    alice.client.acceptChallenge(
      (
        await meter.ok<{ answer: never }>(host, 'get-challenge', {
          request: alice.client.getChallengeRequest(),
        })
      ).answer,
    );
    await honestPrint();
  });

  it('(5) refuses a request MACed with another HMK, or altered after its MAC: MAC_INVALID', async () => {
    await refusedWith(signed({ hmk: otherHmk, client: alice.client }), 'MAC_INVALID', 'request.hmac');
    const altered = { ...signed(alice), transaction: { ...transaction(730), postageMills: 731 } };
    await refusedWith(altered, 'MAC_INVALID', 'request.hmac');
  });

  it('(5) refuses registers other than those last told to this user: REGISTER_MISMATCH', async () => {
    const { ascendingRegisterMills: ar, descendingRegisterMills: dr } = alice.client.registers;
    await refusedWith(
      signed(alice, { ascendingRegisterMills: ar - 10 }),
      'REGISTER_MISMATCH',
      'request.ascendingRegisterMills',
    );
    await refusedWith(
      signed(alice, { descendingRegisterMills: dr + 10 }),
      'REGISTER_MISMATCH',
      'request.ascendingRegisterMills',
    );
  });

  it('(5) refuses a user without the privilege, expired, or over their total', async () => {
    const admin = (action: 'add' | 'modify', privileges: string[], extra: Record<string, unknown> = {}) =>
      signUserAdminRequest(alice.hmk, {
        meterId: meter.meterId,
        userId: 'alice',
        clientChallenge: toBase64(randomBytes(32)),
        moduleChallenge: alice.client.moduleChallenge as string,
        action,
        targetUserId: 'bob',
        role: 'user',
        privileges: privileges as never,
        maximumTotalMills: 1_000,
        expiresAt: null,
        reregister: false,
        ...extra,
      });
    // Each administration request spends alice's challenge; she takes a fresh one before the next.
    const runAdmin = async (request: ReturnType<typeof admin>, command: string) => {
      await meter.ok(host, command, { request });
      alice.client = await meter.client(host, 'alice', alice.hmk);
    };
    alice.client = await meter.client(host, 'alice', alice.hmk);
    await runAdmin(admin('add', []), 'add-psd-user');
    const bob = await meter.register(host, 'register-psd-user', 'bob');
    const bobClient = await meter.client(host, 'bob', bob.hmk);
    await refusedWith(signed({ hmk: bob.hmk, client: bobClient }), 'PRIVILEGE_DENIED', 'request.userId');

    await runAdmin(
      admin('modify', ['create-indicia'], { expiresAt: new Date(clock.time - 1).toISOString() }),
      'modify-psd-user',
    );
    const bob2 = await meter.client(host, 'bob', bob.hmk).catch((e) => e);
    expect(bob2).toMatchObject({ code: 'METER_USER_EXPIRED' });
    await runAdmin(admin('modify', ['create-indicia']), 'modify-psd-user');
    const bob3 = await meter.client(host, 'bob', bob.hmk);
    await refusedWith(
      signed({ hmk: bob.hmk, client: bob3 }, {}, { postageMills: 1_001 }),
      'USER_TOTAL_EXCEEDED',
      'request.transaction.postageMills',
    );
    await meter.print(host, bob3, 1_000);
    await refusedWith(
      signed({ hmk: bob.hmk, client: bob3 }, {}, { postageMills: 10 }),
      'USER_TOTAL_EXCEEDED',
      'request.transaction.postageMills',
    );
  });

  it('(6) refuses postage outside the crypto-card limits: POSTAGE_OUT_OF_LIMITS', async () => {
    await refusedWith(
      signed(alice, {}, { postageMills: TEST_LIMITS.minPostage - 1 }),
      'POSTAGE_OUT_OF_LIMITS',
      'request.transaction.postageMills',
    );
    await refusedWith(
      signed(alice, {}, { postageMills: TEST_LIMITS.maxPostage + 1 }),
      'POSTAGE_OUT_OF_LIMITS',
      'request.transaction.postageMills',
    );
    await refusedWith(
      signed(alice, {}, { originZip: '10001' }),
      'INVALID_FIELD',
      'request.transaction.originZip',
    );
  });

  it('(7) refuses postage the DR does not cover: INSUFFICIENT_FUNDS', async () => {
    const dr = alice.client.registers.descendingRegisterMills;
    await refusedWith(
      signed(alice, {}, { postageMills: dr + 1 }),
      'INSUFFICIENT_FUNDS',
      'request.transaction.postageMills',
    );
    await honestPrint();
  });

  it('checks in order: a bad challenge is reported before a bad MAC, a bad MAC before bad registers', async () => {
    const both = {
      ...signed(alice, { moduleChallenge: toBase64(randomBytes(32)) }),
      hmac: toBase64(randomBytes(32)),
    };
    await refusedWith(both, 'CHALLENGE_INVALID', 'request.moduleChallenge');
    const macAndRegisters = {
      ...signed(alice, { ascendingRegisterMills: 1 }),
      hmac: toBase64(randomBytes(32)),
    };
    await refusedWith(macAndRegisters, 'MAC_INVALID', 'request.hmac');
    const registersAndFunds = signed(alice, { ascendingRegisterMills: 1 }, { postageMills: 10 ** 6 });
    await refusedWith(registersAndFunds, 'REGISTER_MISMATCH', 'request.ascendingRegisterMills');
  });

  it('refuses a replayed request (its module challenge is spent)', async () => {
    const request = alice.client.createIndiciumRequest(transaction(10));
    const { answer } = await meter.ok<{ answer: never }>(host, 'create-indicium', { request });
    alice.client.acceptIndicium(answer);
    await refusedWith(request, 'CHALLENGE_INVALID', 'request.moduleChallenge');
  });

  it('makes a correction only through Create Correction Indicium, and a postage piece only through Create Indicium', async () => {
    await refusedWith(signed(alice, {}, { kind: 'correction' }), 'INVALID_FIELD', 'request.transaction.kind');
    await refusedWith(
      signed(alice),
      'INVALID_FIELD',
      'request.transaction.kind',
      'create-correction-indicium',
    );
    const correction = await meter.print(host, alice.client, 20, 'correction');
    expect(parseIndicium(correction).fields.kind).toBe('correction');
  });

  it('(2) refuses a meter in the wrong PSD state: WRONG_STATE, PASSWORD_RESET_PENDING, METER_WITHDRAWN', async () => {
    await meter.ok(host, 'start-password-reset', { message: meter.resetMessage('alice') });
    await refusedWith(signed(alice), 'PASSWORD_RESET_PENDING', 'package');
    const { ascendingRegisterMills: ar, descendingRegisterMills: dr } = alice.client.registers;
    await meter.ok(host, 'create-refund-indicium', { message: meter.refundMessage(ar + dr) });
    await refusedWith(signed(alice), 'METER_WITHDRAWN', 'package');
  });
});
