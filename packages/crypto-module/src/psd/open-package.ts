import { createHmac, timingSafeEqual } from 'node:crypto';
import { IndiciumError, type PsdState } from '@indicium/protocol';
import type { HandlerContext } from '../commands/handler-context.js';
import { keyringOf } from '../mks/mks-context.js';
import type { MksKeyring, MksKeys } from '../mks/mks-keyring.js';
import { cachesFor, type MeterKeys, meterKeys, packageMks } from './package/meter-keys.js';
import { decodeBody, splitPackage } from './package/package-codec.js';
import type { PsdPackage } from './package/psd-package.js';

/** A package whose MAC verified, with the keys that opened it. */
export interface OpenedPackage {
  readonly pkg: PsdPackage;
  readonly keys: MeterKeys;
  readonly mks: MksKeys;
  readonly keyring: MksKeyring;
}

/**
 * Check 1 of DESIGN §4.3 (and of every PSD command): the package MAC, under the key derived from
 * the meter's indicium key, which opens only under an MKS this module holds. Any failure is
 * PACKAGE_INTEGRITY with field `package`. Only the header is decoded before the MAC is checked.
 */
export function openPackage(ctx: HandlerContext, text: string): OpenedPackage {
  const keyring = keyringOf(ctx);
  // The exact text of a package this module wrote or verified under the active MKS: the same bytes
  // whose MAC was checked (or made) here, so nothing needs checking again.
  const active = keyring.active;
  const known = active === null ? undefined : cachesFor(active).packages.get(text);
  if (active !== null && known !== undefined) return { ...known, mks: active, keyring };
  const bytes = Buffer.from(text, 'base64');
  const parts = splitPackage(bytes);
  const { meterId, mksVersion, indiciumKeyToken } = parts.header;
  const mks = packageMks(keyring, mksVersion);
  const keys = meterKeys(keyring, meterId, mksVersion, indiciumKeyToken);
  const mac = createHmac('sha256', keys.macKey).update(parts.signed).digest();
  if (!timingSafeEqual(mac, parts.mac)) {
    throw new IndiciumError('PACKAGE_INTEGRITY', { field: 'package', detail: 'package MAC does not verify' });
  }
  const pkg: PsdPackage = { ...decodeBody(parts.body), ...parts.header };
  cachesFor(mks).packages.set(text, { pkg, keys });
  return { pkg, keys, mks, keyring };
}

/**
 * Check 2: the PSD state (DESIGN §3.3). A withdrawn package runs nothing (METER_WITHDRAWN); a
 * password reset in progress blocks printing (PASSWORD_RESET_PENDING); any other state outside
 * `allowed` is WRONG_STATE.
 */
export function requirePsdState(pkg: PsdPackage, allowed: readonly PsdState[]): void {
  if (allowed.includes(pkg.state)) return;
  if (pkg.state === 'withdrawn') throw new IndiciumError('METER_WITHDRAWN', { field: 'package' });
  if (pkg.state === 'pwreset') throw new IndiciumError('PASSWORD_RESET_PENDING', { field: 'package' });
  throw new IndiciumError('WRONG_STATE', {
    field: 'package',
    detail: `PSD state ${pkg.state}; needs ${allowed.join(' or ')}`,
  });
}

/** Check 3: the message names the package's meter. */
export function requireMeter(pkg: PsdPackage, meterId: string, field: string): void {
  if (meterId !== pkg.meterId) throw new IndiciumError('METER_MISMATCH', { field });
}
