import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { b64, expectInvalid, expectValid } from '../../test/support/schema-assertions.js';
import { layoutBytesOf } from './layout-bytes.js';
import {
  AuthorizeCustomerSchema,
  AuthorizeCustomerSig,
  PasswordResetStartSchema,
  PasswordResetStartSig,
  ProviderMeterAnswerSchema,
  RefundAnswerSchema,
  RefundSchema,
  RefundSig,
  ValueDownloadSchema,
  ValueDownloadSig,
} from './provider.js';

const provider = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const meterId = '00042-00001-0000001001';
const signedBase = {
  protocol: 1,
  meterId,
  nonce: b64(16, 4),
  issuedAt: '2026-11-26T17:00:00.000Z',
  packageVersion: 7,
};

/** Signs like the provider service does: ECDSA P-256 over the layout bytes, raw r‖s. */
function signWith<T extends object>(
  layout: Parameters<typeof layoutBytesOf>[0],
  unsigned: T,
): T & { signature: string } {
  const bytes = layoutBytesOf(layout, unsigned);
  const signature = sign('sha256', bytes, { key: provider.privateKey, dsaEncoding: 'ieee-p1363' });
  return { ...unsigned, signature: signature.toString('base64') };
}

function verifies<T extends { signature: string }>(
  layout: Parameters<typeof layoutBytesOf>[0],
  message: T,
): boolean {
  return verify(
    'sha256',
    layoutBytesOf(layout, message),
    { key: provider.publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(message.signature, 'base64'),
  );
}

describe('provider messages (DESIGN §4.4)', () => {
  const valueDownload = signWith(ValueDownloadSig, {
    ...signedBase,
    controlTotalMills: 500000,
    amountMills: 100000,
  });
  const authorize = signWith(AuthorizeCustomerSig, {
    ...signedBase,
    customerId: 'cus_1',
    licensingZip: '10001-1234',
    maximumDescendingRegisterMills: 500000,
  });
  const refund = signWith(RefundSig, { ...signedBase, controlTotalMills: 500000, mailingDate: '2026-11-26' });
  const reset = signWith(PasswordResetStartSig, { ...signedBase, userId: 'alice' });

  it('valid signed messages parse and verify over their layouts', () => {
    expectValid(ValueDownloadSchema, valueDownload);
    expectValid(AuthorizeCustomerSchema, authorize);
    expectValid(RefundSchema, refund);
    expectValid(PasswordResetStartSchema, reset);
    expect(verifies(ValueDownloadSig, ValueDownloadSchema.parse(valueDownload))).toBe(true);
    expect(verifies(AuthorizeCustomerSig, authorize)).toBe(true);
    expect(verifies(RefundSig, refund)).toBe(true);
    expect(verifies(PasswordResetStartSig, reset)).toBe(true);
  });

  it('a tampered amount, meter, nonce, package version or ZIP no longer verifies', () => {
    expect(verifies(ValueDownloadSig, { ...valueDownload, amountMills: 900000 })).toBe(false);
    expect(verifies(ValueDownloadSig, { ...valueDownload, meterId: '00042-00001-0000001002' })).toBe(false);
    expect(verifies(ValueDownloadSig, { ...valueDownload, nonce: b64(16, 5) })).toBe(false);
    expect(verifies(ValueDownloadSig, { ...valueDownload, packageVersion: 6 })).toBe(false);
    expect(verifies(AuthorizeCustomerSig, { ...authorize, licensingZip: '94507' })).toBe(false);
    expect(verifies(PasswordResetStartSig, { ...reset, userId: 'mallory' })).toBe(false);
    expect(verifies(RefundSig, { ...refund, packageVersion: 8 })).toBe(false);
  });

  it('a signature made for one provider command does not verify as another', () => {
    // Same meter, nonce and time: only the label and the remaining fields tell them apart.
    const asRefund = { ...refund, signature: valueDownload.signature };
    expect(verifies(RefundSig, asRefund)).toBe(false);
  });

  it.each([
    ['an unsigned value download', { ...valueDownload, signature: undefined }, ['signature']],
    ['a DER signature', { ...valueDownload, signature: b64(70) }, ['signature']],
    ['a 15-byte nonce', { ...valueDownload, nonce: b64(15) }, ['nonce']],
    ['a zero amount', { ...valueDownload, amountMills: 0 }, ['amountMills']],
    ['an amount above the 32-bit DR', { ...valueDownload, amountMills: 2 ** 32 }, ['amountMills']],
    ['no package version', { ...valueDownload, packageVersion: undefined }, ['packageVersion']],
    ['package version 0', { ...valueDownload, packageVersion: 0 }, ['packageVersion']],
    ['a fractional control total', { ...valueDownload, controlTotalMills: 1.5 }, ['controlTotalMills']],
    ['an extra key', { ...valueDownload, bonusMills: 1 }, ['']],
    ['a timestamp with an offset', { ...valueDownload, issuedAt: '2026-11-26T18:00:00+01:00' }, ['issuedAt']],
  ])('refuses %s', (_name, value, path) => {
    expectInvalid(ValueDownloadSchema, value, path);
  });

  it('refuses bad authorize, refund and reset fields', () => {
    expectInvalid(AuthorizeCustomerSchema, { ...authorize, licensingZip: '1000' }, ['licensingZip']);
    expectInvalid(AuthorizeCustomerSchema, { ...authorize, maximumDescendingRegisterMills: 0 }, [
      'maximumDescendingRegisterMills',
    ]);
    expectInvalid(RefundSchema, { ...refund, mailingDate: '2026-02-30' }, ['mailingDate']);
    expectInvalid(PasswordResetStartSchema, { ...reset, userId: 'Alice' }, ['userId']);
  });

  it('parses the vault’s answers', () => {
    const answer = {
      protocol: 1,
      meterId,
      state: 'leased',
      ascendingRegisterMills: 0,
      descendingRegisterMills: 100000,
    };
    expectValid(ProviderMeterAnswerSchema, answer);
    expectInvalid(ProviderMeterAnswerSchema, { ...answer, state: 'closed' }, ['state']);
    expectValid(RefundAnswerSchema, {
      ...answer,
      state: 'withdrawn',
      refundedMills: 100000,
      indicium: b64(114),
    });
  });
});
