import {
  constants,
  createHmac,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { b64, expectInvalid, expectValid, withField } from '../../test/support/schema-assertions.js';
import { decodeCanonical } from '../canonical/canonical-encoding.js';
import { IndiciumError } from '../errors/indicium-error.js';
import { layoutBytesOf } from './layout-bytes.js';
import {
  CLIENT_SECRETS_CIPHERTEXT_BYTES,
  CLIENT_SECRETS_MAX_PLAINTEXT_BYTES,
  ClientSecretsPlaintext,
  ConfigureAnswerMac,
  ConfigureAnswerSchema,
  ConfigureRequestSchema,
  CreateIndiciumAnswerMac,
  CreateIndiciumAnswerSchema,
  CreateIndiciumRequestMac,
  CreateIndiciumRequestSchema,
  GetChallengeAnswerMac,
  GetChallengeAnswerSchema,
  GetChallengeRequestMac,
  GetChallengeRequestSchema,
  RegistrationChallengeRequestSchema,
  RegistrationChallengeSchema,
  RegistrationChallengeSig,
  RegistrationKeyBundleSchema,
  RegistrationKeyBundleSig,
  VaultErrorBodySchema,
  VerifyAnswerSchema,
  VerifyRequestSchema,
} from './vault-api.js';

const meterId = '00042-00001-0000001001';
const token = Buffer.alloc(32, 3).toString('base64url');
const hmk = randomBytes(32);
const mac = (bytes: Uint8Array) => createHmac('sha256', hmk).update(bytes).digest('base64');

const createRequest = {
  protocol: 1,
  meterId,
  userId: 'alice',
  clientChallenge: b64(32, 1),
  moduleChallenge: b64(32, 2),
  ascendingRegisterMills: 5000,
  descendingRegisterMills: 495000,
  transaction: {
    kind: 'postage',
    postageMills: 730,
    mailingDate: '2026-11-26',
    rateCategory: 'FCLT',
    originZip: '10001-1234',
    destinationZip: '94507',
    pageOrigin: 'https://meter.example',
  },
  hmac: b64(32, 0),
};

describe('create indicium (DESIGN §4.3)', () => {
  it('parses a valid request and answer', () => {
    expectValid(CreateIndiciumRequestSchema, createRequest);
    expectValid(CreateIndiciumRequestSchema, withField(createRequest, 'transaction.destinationZip', null));
    expectValid(CreateIndiciumRequestSchema, withField(createRequest, 'transaction.kind', 'correction'));
    expectValid(CreateIndiciumAnswerSchema, {
      protocol: 1,
      meterId,
      userId: 'alice',
      indicium: b64(114),
      clientChallenge: b64(32, 1),
      moduleChallenge: b64(32, 9),
      ascendingRegisterMills: 5730,
      descendingRegisterMills: 494270,
      mac: b64(32),
    });
  });

  it.each([
    ['an extra top-level key', 'extra', 1, ['']],
    ['an extra transaction key', 'transaction.weight', 28, ['transaction']],
    ['a 31-byte client challenge', 'clientChallenge', b64(31), ['clientChallenge']],
    ['a 33-byte HMAC', 'hmac', b64(33), ['hmac']],
    ['an http page origin', 'transaction.pageOrigin', 'http://meter.example', ['transaction', 'pageOrigin']],
    [
      'a page origin with a path',
      'transaction.pageOrigin',
      'https://meter.example/x',
      ['transaction', 'pageOrigin'],
    ],
    ['fractional postage', 'transaction.postageMills', 730.5, ['transaction', 'postageMills']],
    ['zero postage', 'transaction.postageMills', 0, ['transaction', 'postageMills']],
    ['postage as text', 'transaction.postageMills', '730', ['transaction', 'postageMills']],
    ['a refund kind (provider only)', 'transaction.kind', 'refund', ['transaction', 'kind']],
    [
      'a missing destination (must be null)',
      'transaction.destinationZip',
      undefined,
      ['transaction', 'destinationZip'],
    ],
    ['protocol 2', 'protocol', 2, ['protocol']],
    ['a negative register', 'descendingRegisterMills', -1, ['descendingRegisterMills']],
    ['a bad meter id', 'meterId', '42-1-1001', ['meterId']],
  ])('refuses %s', (_name, path, value, issuePath) => {
    expectInvalid(CreateIndiciumRequestSchema, withField(createRequest, path, value), issuePath);
  });

  it('companion and module compute the same HMAC from the same JSON', () => {
    // Companion: build the request, MAC its layout bytes, send JSON.
    const unsigned = CreateIndiciumRequestSchema.parse(createRequest);
    const sent = JSON.stringify({
      ...unsigned,
      hmac: mac(layoutBytesOf(CreateIndiciumRequestMac, unsigned)),
    });
    // Module side: parse the received text, recompute.
    const received = CreateIndiciumRequestSchema.parse(JSON.parse(sent));
    expect(mac(layoutBytesOf(CreateIndiciumRequestMac, received))).toBe(received.hmac);
  });

  it('every field the request carries changes the MAC input (nothing is left unauthenticated)', () => {
    const base = layoutBytesOf(CreateIndiciumRequestMac, createRequest);
    const changes: [string, unknown][] = [
      ['meterId', '00042-00001-0000001002'],
      ['userId', 'bob'],
      ['clientChallenge', b64(32, 5)],
      ['moduleChallenge', b64(32, 5)],
      ['ascendingRegisterMills', 5001],
      ['descendingRegisterMills', 494999],
      ['transaction.kind', 'correction'],
      ['transaction.postageMills', 731],
      ['transaction.mailingDate', '2026-11-27'],
      ['transaction.rateCategory', 'PRIO'],
      ['transaction.originZip', '10001'],
      ['transaction.destinationZip', null],
      ['transaction.pageOrigin', 'https://other.example'],
    ];
    for (const [path, value] of changes) {
      const changed = layoutBytesOf(
        CreateIndiciumRequestMac,
        withField(createRequest, path, value) as object,
      );
      expect(Buffer.from(changed).equals(Buffer.from(base)), path).toBe(false);
    }
    // The HMAC itself and the protocol number are not part of the input.
    expect(
      layoutBytesOf(CreateIndiciumRequestMac, withField(createRequest, 'hmac', b64(32, 8)) as object),
    ).toEqual(base);
  });

  it('a null destination ZIP is encoded as absent, not as empty text', () => {
    const bytes = layoutBytesOf(
      CreateIndiciumRequestMac,
      withField(createRequest, 'transaction.destinationZip', null) as object,
    );
    const { label, values } = decodeCanonical(bytes);
    expect(label).toBe('indicium/psd/create-indicium-request/v1');
    expect(values[11]).toEqual({ type: 'absent' });
    expect(values[2]).toEqual({ type: 'bytes', value: Uint8Array.from(Buffer.alloc(32, 1)) });
  });

  it('refuses to build MAC input from non-canonical base64', () => {
    const bad = { ...createRequest, clientChallenge: `${b64(32, 1).slice(0, -2)}Z=` };
    try {
      layoutBytesOf(CreateIndiciumRequestMac, bad);
      expect.unreachable('should have refused');
    } catch (error) {
      expect(error).toBeInstanceOf(IndiciumError);
      expect((error as IndiciumError).code).toBe('INVALID_FIELD');
      expect((error as IndiciumError).field).toBe('clientChallenge');
    }
  });

  it('the answer MAC binds the indicium and the echoed challenge', () => {
    const answer = {
      protocol: 1,
      meterId,
      userId: 'alice',
      indicium: b64(114),
      clientChallenge: b64(32, 1),
      moduleChallenge: b64(32, 9),
      ascendingRegisterMills: 5730,
      descendingRegisterMills: 494270,
      mac: b64(32),
    };
    const base = mac(layoutBytesOf(CreateIndiciumAnswerMac, answer));
    expect(mac(layoutBytesOf(CreateIndiciumAnswerMac, { ...answer, indicium: b64(114, 8) }))).not.toBe(base);
    expect(mac(layoutBytesOf(CreateIndiciumAnswerMac, { ...answer, clientChallenge: b64(32, 4) }))).not.toBe(
      base,
    );
  });
});

describe('get challenge (DESIGN §4.3)', () => {
  const request = { protocol: 1, meterId, userId: 'alice', clientChallenge: b64(32, 1), hmac: b64(32) };
  const answer = {
    protocol: 1,
    meterId,
    userId: 'alice',
    clientChallenge: b64(32, 1),
    moduleChallenge: b64(32, 2),
    ascendingRegisterMills: 0,
    descendingRegisterMills: 0,
    mac: b64(32),
  };

  it('parses valid messages and refuses bad ones', () => {
    expectValid(GetChallengeRequestSchema, request);
    expectValid(GetChallengeAnswerSchema, answer);
    expectInvalid(GetChallengeRequestSchema, { ...request, moduleChallenge: b64(32) }, ['']);
    expectInvalid(GetChallengeAnswerSchema, { ...answer, moduleChallenge: b64(16) }, ['moduleChallenge']);
  });

  it('request and answer MACs differ even over the same challenge (labels separate them)', () => {
    const req = layoutBytesOf(GetChallengeRequestMac, request);
    const ans = layoutBytesOf(GetChallengeAnswerMac, answer);
    expect(Buffer.from(req).equals(Buffer.from(ans))).toBe(false);
  });
});

describe('registration (DESIGN §4.2)', () => {
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const registration = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const clientSecret = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const spki = (key: typeof ca.publicKey) => key.export({ type: 'spki', format: 'der' }).toString('base64');
  const ecdsa = (bytes: Uint8Array, key = ca.privateKey) =>
    sign('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' }).toString('base64');

  it('a real key bundle fits the schema and its signature verifies over the layout bytes', () => {
    const unsigned = {
      protocol: 1,
      clientSecretPublicKey: spki(clientSecret.publicKey),
      registrationSigningPublicKey: spki(registration.publicKey),
      issuedAt: '2026-11-26T17:00:00.000Z',
      signerCertificate: b64(600),
    };
    const bundle = { ...unsigned, signature: ecdsa(layoutBytesOf(RegistrationKeyBundleSig, unsigned)) };
    expectValid(RegistrationKeyBundleSchema, bundle);
    const ok = verify(
      'sha256',
      layoutBytesOf(RegistrationKeyBundleSig, RegistrationKeyBundleSchema.parse(bundle)),
      { key: ca.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(bundle.signature, 'base64'),
    );
    expect(ok).toBe(true);
    const swapped = {
      ...bundle,
      clientSecretPublicKey: spki(generateKeyPairSync('rsa', { modulusLength: 3072 }).publicKey),
    };
    const forged = verify(
      'sha256',
      layoutBytesOf(RegistrationKeyBundleSig, swapped),
      { key: ca.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(bundle.signature, 'base64'),
    );
    expect(forged).toBe(false);
    expectInvalid(RegistrationKeyBundleSchema, { ...bundle, registrationSigningPublicKey: b64(65) }, [
      'registrationSigningPublicKey',
    ]);
    expectInvalid(
      RegistrationKeyBundleSchema,
      { ...bundle, signature: sign('sha256', Buffer.from('x'), ca.privateKey).toString('base64') },
      ['signature'],
    );
  });

  it('a registration challenge is signed over its layout', () => {
    const unsigned = {
      protocol: 1,
      meterId,
      challenge: b64(32, 6),
      issuedAt: '2026-11-26T17:00:00.000Z',
      expiresAt: '2026-11-26T17:05:00.000Z',
    };
    const challenge = {
      ...unsigned,
      signature: ecdsa(layoutBytesOf(RegistrationChallengeSig, unsigned), registration.privateKey),
    };
    expectValid(RegistrationChallengeSchema, challenge);
    expectValid(RegistrationChallengeRequestSchema, { protocol: 1, meterId, registrationToken: token });
    expectInvalid(RegistrationChallengeRequestSchema, { protocol: 1, meterId, registrationToken: b64(32) }, [
      'registrationToken',
    ]);
  });

  it('the largest client-secrets plaintext fits RSA-OAEP-SHA-256 under a 3072-bit key', () => {
    const plaintext = ClientSecretsPlaintext.encode({
      mode: 'configure',
      meterId,
      customerId: 'c'.repeat(36),
      userId: 'u'.repeat(64),
      challenge: randomBytes(32),
      hmk,
      passphraseHash: randomBytes(32),
    });
    expect(plaintext.length).toBeLessThanOrEqual(CLIENT_SECRETS_MAX_PLAINTEXT_BYTES);
    const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
    const ciphertext = publicEncrypt({ key: clientSecret.publicKey, ...oaep }, plaintext);
    expect(ciphertext.length).toBe(CLIENT_SECRETS_CIPHERTEXT_BYTES);
    expect(privateDecrypt({ key: clientSecret.privateKey, ...oaep }, ciphertext)).toEqual(
      Buffer.from(plaintext),
    );
    expect(() => publicEncrypt({ key: clientSecret.publicKey, ...oaep }, Buffer.alloc(319))).toThrow();

    const request = {
      protocol: 1,
      mode: 'configure',
      meterId,
      customerId: 'cus_1',
      userId: 'alice',
      registrationToken: token,
      challenge: b64(32, 6),
      encryptedSecrets: ciphertext.toString('base64'),
    };
    expectValid(ConfigureRequestSchema, request);
    expectInvalid(ConfigureRequestSchema, { ...request, encryptedSecrets: b64(256) }, ['encryptedSecrets']);
    expectInvalid(ConfigureRequestSchema, { ...request, mode: 'take-over' }, ['mode']);
  });

  it('the configure answer is MACed with the new HMK over its layout', () => {
    const answer = {
      protocol: 1,
      mode: 'add-user',
      meterId,
      customerId: 'cus_1',
      userId: 'bob',
      challenge: b64(32, 6),
      ascendingRegisterMills: 0,
      descendingRegisterMills: 0,
      mac: b64(32),
    };
    expectValid(ConfigureAnswerSchema, answer);
    const good = mac(layoutBytesOf(ConfigureAnswerMac, answer));
    expect(mac(layoutBytesOf(ConfigureAnswerMac, { ...answer, userId: 'eve' }))).not.toBe(good);
  });
});

describe('verify and errors', () => {
  it('parses verify messages', () => {
    expectValid(VerifyRequestSchema, { protocol: 1, indicium: b64(114) });
    expectInvalid(VerifyRequestSchema, { protocol: 1, indicium: b64(113) }, ['indicium']);
    expectValid(VerifyAnswerSchema, {
      protocol: 1,
      valid: true,
      fields: {
        version: 1,
        algorithm: 1,
        certificateSerial: 4242,
        vendorId: 42,
        psdModel: 1,
        psdSerial: 1001,
        ascendingRegisterMills: 5730,
        postageMills: 730,
        mailingDate: '2026-11-26',
        originZip: '10001-1234',
        softwareId: 7,
        descendingRegisterMills: 494270,
        rateCategory: 'FCLT',
        destinationZip: null,
        pieceCount: 1,
        kind: 'postage',
        sample: true,
      },
      deviceId: meterId,
      reason: null,
    });
    const reason = {
      code: 'SIGNATURE_INVALID',
      message: 'A signature did not verify.',
      actor: 'developer',
      nextStep: 'x',
    };
    expectValid(VerifyAnswerSchema, { protocol: 1, valid: false, fields: null, deviceId: null, reason });
  });

  it('parses an error body and refuses one that carries a stack', () => {
    const error = {
      code: 'VAULT_BUSY',
      message: 'The vault is busy.',
      actor: 'vault',
      nextStep: 'Try again.',
    };
    expectValid(VaultErrorBodySchema, { protocol: 1, error: { ...error, errorId: 'e-1' } });
    expectInvalid(VaultErrorBodySchema, { protocol: 1, error: { ...error, stack: 'Error: at x' } }, [
      'error',
    ]);
  });
});
