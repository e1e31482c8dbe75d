import { IndiciumError } from '@indicium/protocol';
import type { MksKeyring } from '../mks/mks-keyring.js';
import { openToken } from './open-token.js';
import { sealTokenUnder } from './seal-token.js';
import { parseToken, type TokenBinding } from './token-format.js';

export interface TranslatedToken {
  readonly token: Uint8Array;
  /** False when the token was already under the active MKS and is returned unchanged. */
  readonly translated: boolean;
  readonly fromVersion: number;
  readonly toVersion: number;
}

/**
 * Re-protects a token from a dormant MKS to the active one (DESIGN §3.4 rollover). A token already
 * under the active MKS comes back unchanged so that a rollover sweep interrupted half-way can simply
 * be run again.
 *
 * @example
 * const { token: v2Token } = translateToken(keyring, binding, v1Token);
 */
export function translateToken(
  keyring: MksKeyring,
  binding: TokenBinding,
  token: Uint8Array,
): TranslatedToken {
  const active = keyring.active;
  if (active === null) throw new IndiciumError('MKS_MISSING');
  const plaintext = openToken(keyring, binding, token);
  try {
    const fromVersion = parseToken(token).mksVersion;
    if (fromVersion === active.version) {
      return { token: Uint8Array.from(token), translated: false, fromVersion, toVersion: fromVersion };
    }
    return {
      token: sealTokenUnder(active, binding, plaintext),
      translated: true,
      fromVersion,
      toVersion: active.version,
    };
  } finally {
    plaintext.fill(0);
  }
}
