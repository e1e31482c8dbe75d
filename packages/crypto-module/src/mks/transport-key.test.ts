import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyFingerprint } from './key-fingerprint.js';
import type { TransportKeyPair } from './mks-section.js';
import { standaloneModuleKey } from './module-signature.js';
import {
  generateTransportKeyPair,
  type SignedTransportKey,
  signTransportKey,
  verifyTransportKey,
} from './transport-key.js';

const cloneKey = standaloneModuleKey();
let tpk: TransportKeyPair;
let signed: SignedTransportKey;

beforeAll(async () => {
  tpk = await generateTransportKeyPair(42);
  signed = signTransportKey(tpk, cloneKey);
});

const flip = (b64: string, at = 10) => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[at] = (bytes[at] as number) ^ 1;
  return bytes.toString('base64');
};

describe('transport key pair (DESIGN §3.4)', () => {
  it('is RSA-3072 stored as PKCS#8 and SPKI DER with its fingerprint', () => {
    const priv = createPrivateKey({
      key: Buffer.from(tpk.privateKeyPkcs8, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    const pub = createPublicKey({
      key: Buffer.from(tpk.publicKeySpki, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(priv.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(tpk.fingerprint).toBe(keyFingerprint(Buffer.from(tpk.publicKeySpki, 'base64')));
    expect(tpk.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(tpk.createdAt).toBe(42);
  });

  it('verifies when signed by the clone and confirmed by fingerprint', () => {
    const verified = verifyTransportKey(signed, tpk.fingerprint);
    expect(verified.fingerprint).toBe(tpk.fingerprint);
    expect(verified.moduleKeyFingerprint).toBe(keyFingerprint(cloneKey.publicKeySpki));
  });

  it('refuses a TPK the custodian did not confirm', () => {
    expect(() => verifyTransportKey(signed, 'ab'.repeat(32))).toThrow(
      expect.objectContaining({ code: 'SHARE_WRONG_DESTINATION', field: 'destinationFingerprint' }),
    );
  });

  it('refuses a malformed fingerprint', () => {
    expect(() => verifyTransportKey(signed, tpk.fingerprint.toUpperCase())).toThrow(
      expect.objectContaining({ code: 'INVALID_FIELD', field: 'destinationFingerprint' }),
    );
  });

  it('refuses a changed signature, TPK or module key', () => {
    expect(() =>
      verifyTransportKey({ ...signed, signature: flip(signed.signature) }, tpk.fingerprint),
    ).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
    const otherModule = standaloneModuleKey();
    const swapped = { ...signed, moduleKey: Buffer.from(otherModule.publicKeySpki).toString('base64') };
    expect(() => verifyTransportKey(swapped, tpk.fingerprint)).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
    );
    const tampered = { ...signed, transportPublicKey: flip(signed.transportPublicKey, 100) };
    expect(() =>
      verifyTransportKey(tampered, keyFingerprint(Buffer.from(tampered.transportPublicKey, 'base64'))),
    ).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^(SIGNATURE_INVALID|INVALID_FIELD)$/) }),
    );
  });

  it('refuses a transport key that is not RSA-3072, even when properly signed', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const small: TransportKeyPair = {
      ...tpk,
      publicKeySpki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    };
    const weak = signTransportKey(small, cloneKey);
    expect(() =>
      verifyTransportKey(weak, keyFingerprint(Buffer.from(small.publicKeySpki, 'base64'))),
    ).toThrow(expect.objectContaining({ code: 'INVALID_FIELD', field: 'transportPublicKey' }));
  });

  it('refuses non-canonical base64', () => {
    expect(() =>
      verifyTransportKey({ ...signed, signature: `${signed.signature}\n` }, tpk.fingerprint),
    ).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID', field: 'signature' }));
  });
});
