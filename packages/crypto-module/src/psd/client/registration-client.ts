import { constants, createHmac, createPublicKey, publicEncrypt, timingSafeEqual, verify } from 'node:crypto';
import {
  ClientSecretsPlaintext,
  type ConfigureAnswer,
  ConfigureAnswerMac,
  fromBase64,
  IndiciumError,
  layoutBytesOf,
  type RegistrationChallenge,
  RegistrationChallengeSig,
  toBase64,
} from '@indicium/protocol';

/** The fields the companion encrypts to the client-secret key (DESIGN §4.2 step 3). */
export interface ClientSecretsFields {
  readonly mode: 'configure' | 'add-user' | 'reset';
  readonly meterId: string;
  readonly customerId: string;
  readonly userId: string;
  readonly challenge: Uint8Array;
  readonly hmk: Uint8Array;
  readonly passphraseHash: Uint8Array;
}

/** RSA-OAEP-SHA-256 of `ClientSecretsPlaintext` to the pool's client-secret key (SPKI DER, base64). */
export function encryptClientSecrets(clientSecretPublicKey: string, fields: ClientSecretsFields): string {
  const plaintext = ClientSecretsPlaintext.encode(fields);
  const ciphertext = publicEncrypt(
    {
      key: createPublicKey({
        key: Buffer.from(clientSecretPublicKey, 'base64'),
        format: 'der',
        type: 'spki',
      }),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
    },
    plaintext,
  );
  return toBase64(ciphertext);
}

/** The module's signature on a registration challenge, under the registration public key (SPKI, base64). */
export function verifyRegistrationChallenge(
  registrationPublicKey: string,
  challenge: RegistrationChallenge,
): void {
  const ok = verify(
    'sha256',
    layoutBytesOf(RegistrationChallengeSig, challenge),
    {
      key: Buffer.from(registrationPublicKey, 'base64'),
      format: 'der',
      type: 'spki',
      dsaEncoding: 'ieee-p1363',
    },
    fromBase64(challenge.signature),
  );
  if (!ok) throw new IndiciumError('SIGNATURE_INVALID', { field: 'challenge.signature' });
}

/** The receipt MACed with the new HMK: proof the module holds it. */
export function verifyConfigureAnswer(hmk: Uint8Array, answer: ConfigureAnswer): void {
  const expected = createHmac('sha256', hmk).update(layoutBytesOf(ConfigureAnswerMac, answer)).digest();
  const got = fromBase64(answer.mac);
  if (got.length !== expected.length || !timingSafeEqual(expected, got)) {
    throw new IndiciumError('MAC_INVALID', { field: 'answer.mac' });
  }
}
