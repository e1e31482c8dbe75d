import { generateKeyPairSync, verify } from 'node:crypto';
import { fromBase64, layoutBytesOf, ValueDownloadSchema, ValueDownloadSig } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { signProviderMessage } from './provider-signer.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const fields = {
  meterId: '00042-00001-0000001001',
  packageVersion: 7,
  controlTotalMills: 1_000,
  amountMills: 5_000,
};

describe('provider messages (DESIGN §4.4)', () => {
  it('are schema-valid, signed over the canonical layout (raw r‖s) with a fresh nonce, and recorded as sent', () => {
    const now = new Date('2026-11-26T18:00:00.000Z');
    const signed = signProviderMessage(ValueDownloadSig, fields, privateKey, now);
    expect(ValueDownloadSchema.parse(signed.message)).toEqual(signed.message);
    expect(signed.message.issuedAt).toBe(now.toISOString());
    expect(signed.signature).toHaveLength(64);
    expect(fromBase64(signed.message.nonce)).toEqual(signed.nonce);
    const bytes = layoutBytesOf(ValueDownloadSig, signed.message);
    expect(verify('sha256', bytes, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signed.signature)).toBe(
      true,
    );
    expect(JSON.parse(new TextDecoder().decode(signed.payload))).toEqual(signed.message);
    expect(signProviderMessage(ValueDownloadSig, fields, privateKey, now).message.nonce).not.toBe(
      signed.message.nonce,
    );
  });

  it.each([
    ['amount', { amountMills: 50_000 }],
    ['package version', { packageVersion: 6 }],
  ])('a changed %s no longer verifies', (_name, change) => {
    const signed = signProviderMessage(ValueDownloadSig, fields, privateKey);
    const forged = layoutBytesOf(ValueDownloadSig, { ...signed.message, ...change });
    expect(verify('sha256', forged, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signed.signature)).toBe(
      false,
    );
  });
});
