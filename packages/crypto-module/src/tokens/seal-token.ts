import { createCipheriv, randomBytes } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import type { MksKeyring, MksKeys } from '../mks/mks-keyring.js';
import {
  checkBinding,
  formatToken,
  TOKEN_NONCE_LENGTH,
  type TokenBinding,
  tokenAssociatedData,
} from './token-format.js';

/** Seals under one given MKS; `sealToken` and `translateToken` choose which. */
export function sealTokenUnder(keys: MksKeys, binding: TokenBinding, plaintext: Uint8Array): Uint8Array {
  checkBinding(binding);
  if (plaintext.length === 0)
    throw new IndiciumError('INVALID_FIELD', { field: 'plaintext', detail: 'empty' });
  // A random 96-bit nonce per token: a module seals far fewer than the 2^32 messages per key
  // that NIST SP 800-38D allows for random nonces, and a rollover starts a fresh key anyway.
  const nonce = randomBytes(TOKEN_NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', keys.mek, nonce);
  cipher.setAAD(tokenAssociatedData(binding, keys.version));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return formatToken({ mksVersion: keys.version, nonce, tag: cipher.getAuthTag(), ciphertext });
}

/**
 * Seals key material (or any secret record) into a key token under the active MEK (DESIGN §2).
 * GCM's tag is the token's authentication: an HMAC under the MAK on top would add a second key
 * to manage and nothing an attacker without the MEK could not already be refused by the tag.
 *
 * @example
 * const token = sealToken(keyring, { type: 'psd/indicium-signing-key', ownerId: meterId, recordVersion: 7 }, pkcs8);
 */
export function sealToken(keyring: MksKeyring, binding: TokenBinding, plaintext: Uint8Array): Uint8Array {
  if (keyring.active === null) throw new IndiciumError('MKS_MISSING');
  return sealTokenUnder(keyring.active, binding, plaintext);
}
