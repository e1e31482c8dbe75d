import { createHmac } from 'node:crypto';
import type { MksKeys } from '../mks/mks-keyring.js';
import { cachesFor, type MeterKeys } from './package/meter-keys.js';
import { encodeSignedPart, PACKAGE_MAC_LENGTH } from './package/package-codec.js';
import { patchSealed, rememberSealed } from './package/package-patch.js';
import type { PsdPackage } from './package/psd-package.js';

/**
 * Writes a package: the signed part and its HMAC-SHA-256 under the package MAC key. The caller
 * has already set the next version. The package is remembered by its text, so the next command on
 * it neither decodes nor re-MACs it (steady state, DESIGN §4.3). Given the package it was made
 * from (`base`), the bytes are that package's sealed bytes with the changed fixed-size fields
 * rewritten when that is all that changed (`package-patch.ts`); every byte is MACed again either way.
 */
export function sealPackage(pkg: PsdPackage, keys: MeterKeys, mks: MksKeys, base?: PsdPackage): string {
  const patched = base === undefined ? null : patchSealed(base, pkg);
  const bytes = patched ?? encodeSignedPart(pkg, PACKAGE_MAC_LENGTH);
  const signedLength = bytes.length - PACKAGE_MAC_LENGTH;
  createHmac('sha256', keys.macKey)
    .update(bytes.subarray(0, signedLength))
    .digest()
    .copy(bytes, signedLength);
  rememberSealed(pkg, bytes, patched === null ? undefined : base);
  const text = bytes.toString('base64');
  cachesFor(mks).packages.set(text, { pkg, keys });
  return text;
}
