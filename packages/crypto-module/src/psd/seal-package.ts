import { createHmac } from 'node:crypto';
import type { MksKeys } from '../mks/mks-keyring.js';
import { cachesFor, type MeterKeys } from './package/meter-keys.js';
import { encodeSignedPart } from './package/package-codec.js';
import type { PsdPackage } from './package/psd-package.js';

/**
 * Writes a package: the signed part and its HMAC-SHA-256 under the package MAC key. The caller
 * has already set the next version. The package is remembered by its text, so the next command on
 * it neither decodes nor re-MACs it (steady state, DESIGN §4.3).
 */
export function sealPackage(pkg: PsdPackage, keys: MeterKeys, mks: MksKeys): string {
  const signed = encodeSignedPart(pkg);
  const mac = createHmac('sha256', keys.macKey).update(signed).digest();
  const text = Buffer.concat([signed, mac]).toString('base64');
  cachesFor(mks).packages.set(text, { pkg, keys });
  return text;
}
