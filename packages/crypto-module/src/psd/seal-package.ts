import { createHmac } from 'node:crypto';
import type { MksKeys } from '../mks/mks-keyring.js';
import { cachesFor, type MeterKeys } from './package/meter-keys.js';
import { encodeSignedPart, PACKAGE_MAC_LENGTH } from './package/package-codec.js';
import type { PsdPackage } from './package/psd-package.js';

/**
 * Writes a package: the signed part and its HMAC-SHA-256 under the package MAC key. The caller
 * has already set the next version. The package is remembered by its text, so the next command on
 * it neither decodes nor re-MACs it (steady state, DESIGN §4.3).
 */
export function sealPackage(pkg: PsdPackage, keys: MeterKeys, mks: MksKeys): string {
  const bytes = encodeSignedPart(pkg, PACKAGE_MAC_LENGTH);
  const signedLength = bytes.length - PACKAGE_MAC_LENGTH;
  createHmac('sha256', keys.macKey)
    .update(bytes.subarray(0, signedLength))
    .digest()
    .copy(bytes, signedLength);
  const text = bytes.toString('base64');
  cachesFor(mks).packages.set(text, { pkg, keys });
  return text;
}
