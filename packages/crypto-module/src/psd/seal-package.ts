import { createHmac } from 'node:crypto';
import type { MksKeys } from '../mks/mks-keyring.js';
import { cachesFor, type MeterKeys } from './package/meter-keys.js';
import { encodeSignedPart } from './package/package-codec.js';
import type { PsdPackage } from './package/psd-package.js';

/**
 * Writes a package: the signed part and its HMAC-SHA-256 under the package MAC key. The caller
 * has already set the next version. The decoded body is remembered under the new MAC, so the
 * next command on this package does not decode it again (steady state, DESIGN §4.3).
 */
export function sealPackage(pkg: PsdPackage, keys: MeterKeys, mks: MksKeys): string {
  const signed = encodeSignedPart(pkg);
  const mac = createHmac('sha256', keys.macKey).update(signed).digest();
  const { meterId: _m, packageVersion: _v, mksVersion: _k, state: _s, indiciumKeyToken: _t, ...body } = pkg;
  cachesFor(mks).bodies.set(mac.toString('base64'), body);
  return Buffer.concat([signed, mac]).toString('base64');
}
