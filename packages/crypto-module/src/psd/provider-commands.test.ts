import { beforeAll, describe, expect, it } from 'vitest';
import {
  leasedMeter,
  ModuleTable,
  type PsdCard,
  type PsdHost,
  singleModule,
  TEST_LIMITS,
  TestMeter,
} from '../../test/psd-harness.js';

/** Provider commands (DESIGN §3.3, §4.4): control total, DR and AR limits, customer and licence. */
let host: PsdHost;
let card: PsdCard;
const table = new ModuleTable();

beforeAll(async () => {
  ({ host, card } = await singleModule());
});

describe('Value Download', () => {
  it('needs the control total to equal AR + DR', async () => {
    const { meter } = await leasedMeter(host, table, card, 1_000);
    expect(await meter.refused(host, 'value-download', { message: meter.downloadMessage(999, 10) })).toEqual({
      code: 'REGISTER_MISMATCH',
      field: 'message.controlTotalMills',
    });
    expect(
      await meter.ok(host, 'value-download', { message: meter.downloadMessage(1_000, 10) }),
    ).toMatchObject({
      descendingRegisterMills: 1_010,
    });
  });

  it('applies only to the package version it was issued for (an older copy that differs by printed pieces)', async () => {
    const { meter, client } = await leasedMeter(host, table, card, 1_000);
    const older = meter.package;
    await meter.print(host, client, 100);
    const current = meter.package;
    // AR + DR is the same in both copies: only the version tells them apart.
    const forCurrent = meter.downloadMessage(1_000, 10);
    meter.package = older;
    expect(await meter.refused(host, 'value-download', { message: forCurrent })).toEqual({
      code: 'STALE_PACKAGE',
      field: 'package',
    });
    // A message issued for the older copy, presented with the current package: ask again.
    const forOlder = meter.downloadMessage(1_000, 10);
    meter.package = current;
    expect(await meter.refused(host, 'value-download', { message: forOlder })).toEqual({
      code: 'MESSAGE_REPLAYED',
      field: 'message.packageVersion',
    });
    expect(meter.package).toBe(current);
    expect(await meter.ok(host, 'value-download', { message: forCurrent })).toMatchObject({
      ascendingRegisterMills: 100,
      descendingRegisterMills: 910,
    });
  });

  it('a refund or a password reset issued for the current package is refused on an older copy', async () => {
    const { meter, client } = await leasedMeter(host, table, card, 1_000);
    const older = meter.package;
    await meter.print(host, client, 100);
    const current = meter.package;
    // A refund of the older copy would pay back the 100 mills already printed.
    const refund = meter.refundMessage(1_000);
    const reset = meter.provider((await import('@indicium/protocol')).PasswordResetStartSig, {
      userId: 'alice',
    });
    meter.package = older;
    for (const [command, message] of [
      ['create-refund-indicium', refund],
      ['start-password-reset', reset],
    ] as const) {
      expect(await meter.refused(host, command, { message })).toEqual({
        code: 'STALE_PACKAGE',
        field: 'package',
      });
    }
    meter.package = current;
    expect(await meter.ok(host, 'create-refund-indicium', { message: refund })).toMatchObject({
      refundedMills: 900,
      state: 'withdrawn',
    });
  });

  it('keeps the DR within the meter maximum and the card limit', async () => {
    const meter = await TestMeter.certified(host, table, card);
    await meter.register(host, 'configure-psd', 'alice');
    await meter.ok(host, 'authorize-customer', { message: meter.authorizeCustomerMessage(50_000) });
    expect(
      await meter.refused(host, 'value-download', { message: meter.downloadMessage(0, 50_001) }),
    ).toEqual({
      code: 'LIMIT_EXCEEDED',
      field: 'message.amountMills',
    });
    await meter.ok(host, 'value-download', { message: meter.downloadMessage(0, 50_000) });
    expect(
      await meter.refused(host, 'value-download', { message: meter.downloadMessage(50_000, 1) }),
    ).toMatchObject({
      code: 'LIMIT_EXCEEDED',
    });
  });
});

describe('Authorize Customer', () => {
  it('needs the configured customer and a maximum DR within the card limit', async () => {
    const meter = await TestMeter.certified(host, table, card);
    await meter.register(host, 'configure-psd', 'alice');
    const wrongCustomer = meter.provider((await import('@indicium/protocol')).AuthorizeCustomerSig, {
      customerId: 'someone-else',
      licensingZip: '94107',
      maximumDescendingRegisterMills: 1_000,
    });
    expect(await meter.refused(host, 'authorize-customer', { message: wrongCustomer })).toEqual({
      code: 'INVALID_FIELD',
      field: 'message.customerId',
    });
    expect(
      await meter.refused(host, 'authorize-customer', {
        message: meter.authorizeCustomerMessage(TEST_LIMITS.maxDescendingRegister + 1),
      }),
    ).toEqual({ code: 'LIMIT_EXCEEDED', field: 'message.maximumDescendingRegisterMills' });
    expect(
      await meter.ok(host, 'authorize-customer', { message: meter.authorizeCustomerMessage() }),
    ).toMatchObject({
      state: 'leased',
    });
  });

  it('refuses a message for another meter', async () => {
    const a = await TestMeter.certified(host, table, card);
    const b = await TestMeter.certified(host, table, card);
    await a.register(host, 'configure-psd', 'alice');
    expect(await a.refused(host, 'authorize-customer', { message: b.authorizeCustomerMessage() })).toEqual({
      code: 'METER_MISMATCH',
      field: 'message.meterId',
    });
  });
});

describe('provider message times', () => {
  it('refuses a message issued ahead of the module clock (it would make every later one look old)', async () => {
    const { meter } = await leasedMeter(host, table, card, 1_000);
    const future = meter.provider((await import('@indicium/protocol')).ValueDownloadSig, {
      controlTotalMills: 1_000,
      amountMills: 10,
      issuedAt: '2099-01-01T00:00:00.000Z',
    });
    expect(await meter.refused(host, 'value-download', { message: future })).toEqual({
      code: 'INVALID_FIELD',
      field: 'message.issuedAt',
    });
  });
});

describe('Create Refund Indicium', () => {
  it('needs the control total, and leaves nothing to run', async () => {
    const { meter } = await leasedMeter(host, table, card, 3_000);
    expect(
      await meter.refused(host, 'create-refund-indicium', { message: meter.refundMessage(2_999) }),
    ).toEqual({
      code: 'REGISTER_MISMATCH',
      field: 'message.controlTotalMills',
    });
    expect(
      await meter.ok(host, 'create-refund-indicium', { message: meter.refundMessage(3_000) }),
    ).toMatchObject({
      state: 'withdrawn',
      refundedMills: 3_000,
      ascendingRegisterMills: 3_000,
      descendingRegisterMills: 0,
      pieceCount: 1,
    });
    expect(
      await meter.refused(host, 'create-refund-indicium', { message: meter.refundMessage(3_000) }),
    ).toEqual({
      code: 'METER_WITHDRAWN',
      field: 'package',
    });
  });
});
