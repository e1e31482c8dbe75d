import { randomBytes } from 'node:crypto';
import { keyCheckValue } from './mks-key-check.js';
import type { StoredMks } from './mks-section.js';

/** MEK and MAK are each 32 bytes: AES-256-GCM and HMAC-SHA-256 keys (DESIGN §2). */
export const MKS_KEY_LENGTH = 32;

/**
 * Builds a stored MKS from raw key bytes, computing its key-check value. Used by Generate MKS and
 * by Combine MKS Shares (whose caller has already checked the KCV the shares carried).
 */
export function storedMksFromKeys(
  mek: Uint8Array,
  mak: Uint8Array,
  version: number,
  exportable: boolean,
  createdAt: number,
): StoredMks {
  if (mek.length !== MKS_KEY_LENGTH || mak.length !== MKS_KEY_LENGTH) {
    throw new RangeError('MEK and MAK must be 32 bytes each');
  }
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError('MKS version must be ≥ 1');
  return {
    version,
    mek: Buffer.from(mek).toString('base64'),
    mak: Buffer.from(mak).toString('base64'),
    kcv: keyCheckValue(mek, mak, version).toString('base64'),
    exportable,
    createdAt,
  };
}

/**
 * Generates a fresh MKS (DESIGN §3.4). A generated MKS is always exportable: only the module that
 * made it can decide to hand out retained copies.
 *
 * @example
 * const mks = generateMks(1, Date.now()); // the master's first MKS
 */
export function generateMks(version: number, createdAt: number): StoredMks {
  return storedMksFromKeys(
    randomBytes(MKS_KEY_LENGTH),
    randomBytes(MKS_KEY_LENGTH),
    version,
    true,
    createdAt,
  );
}

/** The secret the Shamir scheme splits: MEK ‖ MAK (64 bytes). */
export function mksSecret(mks: StoredMks): Buffer {
  return Buffer.concat([Buffer.from(mks.mek, 'base64'), Buffer.from(mks.mak, 'base64')]);
}
