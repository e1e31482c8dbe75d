import { generateKeyPairSync, verify, X509Certificate } from 'node:crypto';
import {
  fromBase64,
  layoutBytesOf,
  RegistrationKeyBundleSchema,
  RegistrationKeyBundleSig,
} from '@indicium/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import type { CertificateAuthority } from '../ca/certificate-authority.js';
import { createPostalCa } from '../ca/create-postal-ca.js';
import { makeRegistrationKeyBundle } from './registration-key-bundle.js';

const spki = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) =>
  key.export({ type: 'spki', format: 'der' }).toString('base64');
const keys = {
  registration: spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey),
  clientSecret: spki(generateKeyPairSync('rsa', { modulusLength: 3072 }).publicKey),
};

let ca: CertificateAuthority;
beforeAll(async () => {
  ca = await createPostalCa();
});

describe('the registration key bundle (DESIGN §4.2 step 1)', () => {
  it('carries the crypto-card keys, signed by an end-entity key the postal CA certified', async () => {
    const bundle = await makeRegistrationKeyBundle(ca, keys);
    expect(RegistrationKeyBundleSchema.parse(bundle)).toEqual(bundle);
    expect(bundle).toMatchObject({
      clientSecretPublicKey: keys.clientSecret,
      registrationSigningPublicKey: keys.registration,
    });
    const signer = new X509Certificate(Buffer.from(fromBase64(bundle.signerCertificate)));
    expect(signer.checkIssued(ca.certificate)).toBe(true);
    expect(signer.verify(ca.certificate.publicKey)).toBe(true);
    expect(signer.ca).toBe(false);
    const bytes = layoutBytesOf(RegistrationKeyBundleSig, bundle);
    const signature = fromBase64(bundle.signature);
    expect(verify('sha256', bytes, { key: signer.publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(
      true,
    );
    // Neither the CA key itself nor a swapped client-secret key passes.
    expect(
      verify('sha256', bytes, { key: ca.certificate.publicKey, dsaEncoding: 'ieee-p1363' }, signature),
    ).toBe(false);
    const swapped = layoutBytesOf(RegistrationKeyBundleSig, {
      ...bundle,
      clientSecretPublicKey: keys.registration,
    });
    expect(verify('sha256', swapped, { key: signer.publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(
      false,
    );
  });

  it('a vault.json without the card keys cannot make one: VAULT_UNAVAILABLE', async () => {
    await expectIndiciumRejection(() => makeRegistrationKeyBundle(ca, undefined), {
      code: 'VAULT_UNAVAILABLE',
    });
  });
});
