import { constants, type KeyObject, publicEncrypt, verify } from 'node:crypto';
import {
  ClientSecretsPlaintext,
  type ConfigureAnswer,
  ConfigureAnswerMac,
  type ConfigureRequest,
  fromBase64,
  IndiciumError,
  layoutBytesOf,
  type RegistrationChallenge,
  RegistrationChallengeSig,
  toBase64,
} from '@indicium/protocol';
import { assertMac } from './hmac-layout.js';

/**
 * DESIGN §4.2 step 2: the module signed this challenge with the registration key of the verified
 * bundle, for the meter asked about, and it has not expired. SIGNATURE_INVALID, METER_MISMATCH,
 * CHALLENGE_EXPIRED.
 */
export function verifyRegistrationChallenge(
  registrationKey: KeyObject,
  challenge: RegistrationChallenge,
  expected: { readonly meterId: string; readonly at: Date },
): void {
  const good = verify(
    'sha256',
    layoutBytesOf(RegistrationChallengeSig, challenge),
    { key: registrationKey, dsaEncoding: 'ieee-p1363' },
    fromBase64(challenge.signature),
  );
  if (!good) throw new IndiciumError('SIGNATURE_INVALID', { field: 'challenge.signature' });
  if (challenge.meterId !== expected.meterId) throw new IndiciumError('METER_MISMATCH', { field: 'meterId' });
  if (new Date(challenge.expiresAt) <= expected.at) {
    throw new IndiciumError('CHALLENGE_EXPIRED', { field: 'challenge.expiresAt' });
  }
}

/**
 * DESIGN §4.2 step 3: {mode, meter, customer, user, challenge, HMK, passphrase hash} in the
 * protocol's canonical layout, RSA-OAEP-SHA-256 to the client-secret key. Only the module can read
 * it; the names and the challenge inside bind it to this one registration.
 */
export function encryptClientSecrets(
  clientSecretKey: KeyObject,
  fields: {
    readonly mode: ConfigureRequest['mode'];
    readonly meterId: string;
    readonly customerId: string;
    readonly userId: string;
    readonly challenge: Uint8Array;
    readonly hmk: Uint8Array;
    readonly passphraseHash: Uint8Array;
  },
): string {
  const plaintext = ClientSecretsPlaintext.encode(fields);
  try {
    return toBase64(
      publicEncrypt(
        { key: clientSecretKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        plaintext,
      ),
    );
  } finally {
    plaintext.fill(0);
  }
}

/**
 * DESIGN §4.2 step 3, the receipt: MACed with the new HMK (only the module that decrypted the
 * secrets could make it) and naming exactly what was asked. MAC_INVALID, or METER_MISMATCH naming
 * the field that differs.
 */
export function verifyConfigureAnswer(
  hmk: Uint8Array,
  request: ConfigureRequest,
  answer: ConfigureAnswer,
): void {
  assertMac(hmk, ConfigureAnswerMac, answer, answer.mac, 'answer.mac');
  for (const name of ['mode', 'meterId', 'customerId', 'userId', 'challenge'] as const) {
    if (answer[name] !== request[name])
      throw new IndiciumError('METER_MISMATCH', { field: `answer.${name}` });
  }
}
