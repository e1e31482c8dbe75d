import { constants, privateDecrypt } from 'node:crypto';
import { ClientSecretsPlaintext, type ConfigureRequest, IndiciumError } from '@indicium/protocol';
import type { HandlerContext } from '../commands/handler-context.js';
import { readLayout } from './package/read-layout.js';

export interface ClientSecrets {
  readonly hmk: Uint8Array;
  readonly passphraseHash: Uint8Array;
}

/**
 * DESIGN §4.2 step 3: the client's {HMK, passphrase hash} arrive encrypted to the crypto-card's
 * client-secret RSA key (RSA-OAEP-SHA-256). The plaintext names mode, meter, customer, user and
 * the registration challenge, and each must equal the request's, so a ciphertext cannot be moved
 * to another meter, user or registration.
 */
export function openClientSecrets(ctx: HandlerContext, request: ConfigureRequest): ClientSecrets {
  const pair = ctx.nvm.get('cryptoCard').clientSecretKey;
  if (pair === null)
    throw new IndiciumError('WRONG_STATE', { detail: 'no client-secret key in the crypto-card' });
  let plaintext: Buffer;
  try {
    plaintext = privateDecrypt(
      {
        key: ctx.keys.privateKey(pair.privateKeyPkcs8),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
      },
      Buffer.from(request.encryptedSecrets, 'base64'),
    );
  } catch (cause) {
    throw new IndiciumError('MAC_INVALID', {
      field: 'request.encryptedSecrets',
      detail: 'does not decrypt under the client-secret key',
      cause,
    });
  }
  const secrets = readLayout(ClientSecretsPlaintext, plaintext, 'INVALID_FIELD', 'request.encryptedSecrets');
  plaintext.fill(0);
  for (const name of ['mode', 'meterId', 'customerId', 'userId'] as const) {
    if (secrets[name] !== request[name]) {
      throw new IndiciumError('INVALID_FIELD', {
        field: `request.${name}`,
        detail: 'differs from the encrypted secrets',
      });
    }
  }
  if (!Buffer.from(secrets.challenge).equals(Buffer.from(request.challenge, 'base64'))) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'request.challenge',
      detail: 'differs from the encrypted secrets',
    });
  }
  if (secrets.hmk.length !== 32 || secrets.passphraseHash.length !== 32) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'request.encryptedSecrets',
      detail: 'HMK and hash are 32 bytes',
    });
  }
  return { hmk: secrets.hmk, passphraseHash: secrets.passphraseHash };
}
