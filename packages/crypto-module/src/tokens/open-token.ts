import { createDecipheriv } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import type { MksKeyring } from '../mks/mks-keyring.js';
import {
  checkBinding,
  parseToken,
  TOKEN_TAG_LENGTH,
  type TokenBinding,
  tokenAssociatedData,
} from './token-format.js';

/**
 * Opens a key token under the MKS version it names (active or dormant) and checks it is bound to
 * `binding`. Every failure is TOKEN_INVALID with the same code, so a caller learns nothing about
 * which part was wrong beyond "not the token for this purpose" (DESIGN §2).
 *
 * @example
 * const pkcs8 = openToken(keyring, { type: 'psd/indicium-signing-key', ownerId: meterId, recordVersion: 7 }, token);
 */
export function openToken(keyring: MksKeyring, binding: TokenBinding, token: Uint8Array): Buffer {
  checkBinding(binding);
  const parts = parseToken(token);
  const keys = keyring.byVersion(parts.mksVersion);
  if (keys === null) {
    throw new IndiciumError('TOKEN_INVALID', {
      field: 'token',
      detail: 'sealed under an MKS version this module does not hold (never imported or deleted)',
    });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.mek, parts.nonce, {
      authTagLength: TOKEN_TAG_LENGTH,
    });
    decipher.setAAD(tokenAssociatedData(binding, parts.mksVersion));
    decipher.setAuthTag(parts.tag);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch (cause) {
    throw new IndiciumError('TOKEN_INVALID', { field: 'token', detail: 'integrity check failed', cause });
  }
}
