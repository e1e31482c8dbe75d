import { constants, createHmac, generateKeyPairSync, privateDecrypt, randomBytes, sign } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClientSecretsPlaintext,
  type ConfigureAnswer,
  ConfigureAnswerMac,
  type ConfigureRequest,
  IndiciumError,
  layoutBytesOf,
  type RegistrationChallenge,
  RegistrationChallengeSig,
  type RegistrationKeyBundle,
  RegistrationKeyBundleSig,
  toBase64,
} from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRegistrationKeyBundle } from './registration-bundle.js';
import {
  encryptClientSecrets,
  verifyConfigureAnswer,
  verifyRegistrationChallenge,
} from './registration-secrets.js';
import { makeCa, makeLeaf, type TestCa, type TestLeaf } from './test-pki.fixture.js';

const METER = '00042-00001-0000001001';
// One RSA-3072 key per file (≈1 s), as the crypto-card's client-secret key.
const clientSecret = generateKeyPairSync('rsa', { modulusLength: 3072 });
const registration = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let dir: string;
let postal: TestCa;
let signer: TestLeaf;
let foreignSigner: TestLeaf;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'companion-bundle-'));
  postal = await makeCa(dir, 'postal');
  const other = await makeCa(dir, 'other');
  [signer, foreignSigner] = await Promise.all([
    makeLeaf(dir, postal, { name: 'signer', cn: 'bundle signer', serial: 7 }),
    makeLeaf(dir, other, { name: 'foreign', cn: 'bundle signer', serial: 7 }),
  ]);
}, 60_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

function bundle(by: TestLeaf = signer, keys = { clientSecret, registration }): RegistrationKeyBundle {
  const fields = {
    clientSecretPublicKey: toBase64(keys.clientSecret.publicKey.export({ format: 'der', type: 'spki' })),
    registrationSigningPublicKey: toBase64(
      keys.registration.publicKey.export({ format: 'der', type: 'spki' }),
    ),
    issuedAt: new Date().toISOString(),
    signerCertificate: toBase64(by.der),
  };
  const signature = sign('sha256', layoutBytesOf(RegistrationKeyBundleSig, fields), {
    key: by.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return { protocol: 1, ...fields, signature: toBase64(signature) };
}

function refusal(run: () => unknown): IndiciumError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IndiciumError);
    return error as IndiciumError;
  }
  throw new Error('expected a refusal');
}

describe('registration key bundle (DESIGN §4.2 step 1)', () => {
  it('a bundle signed by a signer the pinned postal CA certified gives its two keys', () => {
    const keys = verifyRegistrationKeyBundle(bundle(), postal.pem, new Date());
    expect(keys.clientSecretKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(keys.registrationKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('a signer from another CA is CERTIFICATE_INVALID: a swapped key would read the HMK', () => {
    expect(
      refusal(() => verifyRegistrationKeyBundle(bundle(foreignSigner), postal.pem, new Date())),
    ).toMatchObject({
      code: 'CERTIFICATE_INVALID',
      field: 'signerCertificate',
    });
  });

  it('a swapped client-secret key under the original signature is SIGNATURE_INVALID', () => {
    const good = bundle();
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const swapped = {
      ...good,
      clientSecretPublicKey: toBase64(attacker.publicKey.export({ format: 'der', type: 'spki' })),
    };
    expect(refusal(() => verifyRegistrationKeyBundle(swapped, postal.pem, new Date()))).toMatchObject({
      code: 'SIGNATURE_INVALID',
      field: 'bundle.signature',
    });
  });

  it('keys of the wrong kind, even correctly signed, are INVALID_FIELD', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(
      refusal(() =>
        verifyRegistrationKeyBundle(
          bundle(signer, { clientSecret: weak, registration }),
          postal.pem,
          new Date(),
        ),
      ),
    ).toMatchObject({ code: 'INVALID_FIELD', field: 'clientSecretPublicKey' });
  });
});

describe('registration challenge, client secrets and receipt (DESIGN §4.2 steps 2–3)', () => {
  const challengeBody = (expiresInMs: number) => {
    const now = Date.now();
    const fields = {
      meterId: METER,
      challenge: toBase64(randomBytes(32)),
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + expiresInMs).toISOString(),
    };
    const signature = sign('sha256', layoutBytesOf(RegistrationChallengeSig, fields), {
      key: registration.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return { protocol: 1, ...fields, signature: toBase64(signature) } as RegistrationChallenge;
  };

  it('a challenge the registration key signed passes; altered, expired or for another meter does not', () => {
    const good = challengeBody(60_000);
    verifyRegistrationChallenge(registration.publicKey, good, { meterId: METER, at: new Date() });
    const altered = { ...good, meterId: '00042-00001-0000001002' };
    expect(
      refusal(() =>
        verifyRegistrationChallenge(registration.publicKey, altered, { meterId: METER, at: new Date() }),
      ),
    ).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(
      refusal(() =>
        verifyRegistrationChallenge(registration.publicKey, good, {
          meterId: '00042-00001-0000001002',
          at: new Date(),
        }),
      ).code,
    ).toBe('METER_MISMATCH');
    expect(
      refusal(() =>
        verifyRegistrationChallenge(registration.publicKey, challengeBody(-1), {
          meterId: METER,
          at: new Date(),
        }),
      ).code,
    ).toBe('CHALLENGE_EXPIRED');
  });

  it('the client secrets decrypt (RSA-OAEP-SHA-256) to exactly the protocol layout of what was sent', () => {
    const fields = {
      mode: 'configure' as const,
      meterId: METER,
      customerId: 'cust-1',
      userId: 'ada',
      challenge: new Uint8Array(randomBytes(32)),
      hmk: new Uint8Array(randomBytes(32)),
      passphraseHash: new Uint8Array(randomBytes(32)),
    };
    const ciphertext = Buffer.from(encryptClientSecrets(clientSecret.publicKey, fields), 'base64');
    expect(ciphertext.length).toBe(384);
    const plaintext = privateDecrypt(
      { key: clientSecret.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      ciphertext,
    );
    expect(new Uint8Array(plaintext)).toEqual(ClientSecretsPlaintext.encode(fields));
  });

  it('the receipt must be MACed with the new HMK and name what was asked', () => {
    const hmk = new Uint8Array(randomBytes(32));
    const request: ConfigureRequest = {
      protocol: 1,
      mode: 'configure',
      meterId: METER,
      customerId: 'cust-1',
      userId: 'ada',
      registrationToken: Buffer.from(randomBytes(32)).toString('base64url'),
      challenge: toBase64(randomBytes(32)),
      encryptedSecrets: toBase64(randomBytes(384)),
    };
    const receipt = (changes: Partial<ConfigureAnswer> = {}, key: Uint8Array = hmk): ConfigureAnswer => {
      const body = {
        protocol: 1 as const,
        mode: request.mode,
        meterId: METER,
        customerId: 'cust-1',
        userId: 'ada',
        challenge: request.challenge,
        ascendingRegisterMills: 0,
        descendingRegisterMills: 0,
        ...changes,
      };
      const mac = createHmac('sha256', key).update(layoutBytesOf(ConfigureAnswerMac, body)).digest();
      return { ...body, mac: toBase64(mac) };
    };
    verifyConfigureAnswer(hmk, request, receipt());
    expect(refusal(() => verifyConfigureAnswer(hmk, request, receipt({}, new Uint8Array(32)))).code).toBe(
      'MAC_INVALID',
    );
    expect(
      refusal(() => verifyConfigureAnswer(hmk, request, { ...receipt(), descendingRegisterMills: 1 })).code,
    ).toBe('MAC_INVALID');
    expect(refusal(() => verifyConfigureAnswer(hmk, request, receipt({ userId: 'bob' })))).toMatchObject({
      code: 'METER_MISMATCH',
      field: 'answer.userId',
    });
  });
});
