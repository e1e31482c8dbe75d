import { beforeAll, describe, expect, it } from 'vitest';
import { CERT_NOT_AFTER, TestPostalCa } from '../../test/postal-ca.js';
import {
  leasedMeter,
  ModuleTable,
  type PsdCard,
  type PsdHost,
  singleModule,
  TestMeter,
  transaction,
} from '../../test/psd-harness.js';
import type { ManualClock } from '../testing/module-harness.js';

/**
 * Authorize PSD (DESIGN §3.3, Certificate Authority role): the meter certificate must verify under
 * the crypto-card's postal CA and name this device id and this key; checked with node:crypto's
 * X509Certificate alone. Every refusal is CERTIFICATE_INVALID with the field at fault, and changes
 * nothing: the package stays raw.
 */
let host: PsdHost;
let card: PsdCard;
let clock: ManualClock;
const table = new ModuleTable();
let meter: TestMeter;
let publicKey: string;
let strangerCa: TestPostalCa;

beforeAll(async () => {
  ({ host, card, clock } = await singleModule());
  strangerCa = await TestPostalCa.create('CN=Not The Postal CA');
  meter = new TestMeter('00042-00001-0000004242', table, card);
  ({ publicKey } = await meter.ok<{ publicKey: string }>(host, 'initialize-psd', { meterId: meter.meterId }));
});

async function refused(certificate: string) {
  const before = meter.package;
  const outcome = await meter.refused(host, 'authorize-psd', { certificate });
  expect(meter.package).toBe(before);
  return outcome;
}

describe('Authorize PSD', () => {
  it('refuses a certificate from another CA', async () => {
    expect(await refused(await strangerCa.issue(meter.meterId, publicKey, 4242))).toEqual({
      code: 'CERTIFICATE_INVALID',
      field: 'certificate',
    });
  });

  it('refuses a certificate for another device or another key', async () => {
    expect(await refused(await card.ca.issue('00042-00001-0000004243', publicKey, 4242))).toEqual({
      code: 'CERTIFICATE_INVALID',
      field: 'deviceId',
    });
    const other = await TestMeter.certified(host, table, card);
    expect(await refused(await card.ca.issue(meter.meterId, other.publicKey, 4242))).toEqual({
      code: 'CERTIFICATE_INVALID',
      field: 'publicKey',
    });
  });

  it('refuses an expired or not yet valid certificate, and a CA certificate', async () => {
    const expired = await card.ca.issue(meter.meterId, publicKey, 4242, {
      notBefore: new Date(Date.UTC(2020, 0, 1)),
      notAfter: new Date(Date.UTC(2021, 0, 1)),
    });
    expect(await refused(expired)).toEqual({ code: 'CERTIFICATE_INVALID', field: 'certificate' });
    const future = await card.ca.issue(meter.meterId, publicKey, 4242, {
      notBefore: new Date(Date.UTC(2030, 0, 1)),
      notAfter: new Date(Date.UTC(2031, 0, 1)),
    });
    expect(await refused(future)).toEqual({ code: 'CERTIFICATE_INVALID', field: 'certificate' });
    const ca = await card.ca.issue(meter.meterId, publicKey, 4242, { ca: true });
    expect(await refused(ca)).toEqual({ code: 'CERTIFICATE_INVALID', field: 'certificate' });
  });

  it('refuses bytes that are not a certificate, and a certificate with a flipped signature byte', async () => {
    expect(await refused(Buffer.alloc(100, 1).toString('base64'))).toEqual({
      code: 'CERTIFICATE_INVALID',
      field: 'certificate',
    });
    const der = Buffer.from(await card.ca.issue(meter.meterId, publicKey, 4242), 'base64');
    der[der.length - 5] = (der[der.length - 5] as number) ^ 1;
    expect((await refused(der.toString('base64'))).code).toBe('CERTIFICATE_INVALID');
  });

  it('takes the right certificate once: raw → unleased, serial stored', async () => {
    const certificate = await card.ca.issue(meter.meterId, publicKey, 4242);
    expect(await meter.ok(host, 'authorize-psd', { certificate })).toMatchObject({
      state: 'unleased',
      certificateSerial: 4242,
    });
    expect(await meter.refused(host, 'authorize-psd', { certificate })).toMatchObject({
      code: 'WRONG_STATE',
    });
  });

  it('signs nothing once the certificate has expired (the key expiry kept in the package)', async () => {
    const { meter, hmk } = await leasedMeter(host, table, card, 1_000);
    clock.time = CERT_NOT_AFTER.getTime() + 1;
    const client = await meter.client(host, 'alice', hmk);
    const request = client.createIndiciumRequest(transaction(10));
    expect(await meter.refused(host, 'create-indicium', { request })).toEqual({
      code: 'CERTIFICATE_INVALID',
      field: 'certificate',
    });
  });
});
