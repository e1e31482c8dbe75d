import { createPrivateKey, createPublicKey, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import type { MksKeyring, MksKeys } from '../../mks/mks-keyring.js';
import { openToken } from '../../tokens/open-token.js';
import { parseToken } from '../../tokens/token-format.js';
import { LruMap } from './lru-map.js';
import { PackageCache } from './package-cache.js';
import {
  INDICIUM_KEY_TOKEN_TYPE,
  PackageMacKeyInfo,
  PSD_KEY_GENERATION,
  SECRETS_KEY_TOKEN_TYPE,
} from './package-layouts.js';
import type { PsdUserSecret } from './psd-package.js';

/** A meter's keys, unwrapped once and kept as KeyObjects (DESIGN §2: re-importing costs ~15× a signature). */
export interface MeterKeys {
  readonly signingKey: KeyObject;
  /** SPKI DER. */
  readonly publicKey: Uint8Array;
  /** HKDF-SHA-256 of the indicium key (seed: MK_psd derives from V_psd), bound to meter id and MKS version. */
  readonly macKey: KeyObject;
}

/** How many meters' unwrapped keys one module keeps. */
export const PSD_CACHE_ENTRIES = 4096;
/** How many meters' newest packages (by their exact text, ~2–3 KB each) one module remembers as verified. */
export const PACKAGE_CACHE_ENTRIES = 1024;

interface PoolCaches {
  readonly meterKeys: LruMap<string, MeterKeys>;
  readonly secretsKeys: LruMap<string, KeyObject>;
  /** The newest package of each meter by its exact text (`package-cache.ts`). */
  readonly packages: PackageCache;
  readonly secrets: LruMap<string, ReadonlyMap<string, PsdUserSecret>>;
}

/**
 * The caches hang off the MEK's KeyObject, which the core KeyCache memoises: a Reset clears that
 * cache, so the next MEK object is new and nothing unwrapped under the old keys survives it. An
 * MKS that is deleted is no longer in the keyring, so its entries are never reached again.
 */
const poolCaches = new WeakMap<KeyObject, PoolCaches>();

export function cachesFor(mks: MksKeys): PoolCaches {
  let caches = poolCaches.get(mks.mek);
  if (caches === undefined) {
    caches = {
      meterKeys: new LruMap(PSD_CACHE_ENTRIES),
      secretsKeys: new LruMap(PSD_CACHE_ENTRIES),
      packages: new PackageCache(PACKAGE_CACHE_ENTRIES),
      secrets: new LruMap(PSD_CACHE_ENTRIES),
    };
    poolCaches.set(mks.mek, caches);
  }
  return caches;
}

function integrity(detail: string, cause?: unknown): IndiciumError {
  return new IndiciumError('PACKAGE_INTEGRITY', {
    field: 'package',
    detail,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The MKS a package names; a package under an MKS this module does not hold cannot be opened. */
export function packageMks(keyring: MksKeyring, mksVersion: number): MksKeys {
  const mks = keyring.byVersion(mksVersion);
  if (mks === null)
    throw integrity(`sealed under MKS version ${mksVersion}, which this module does not hold`);
  return mks;
}

function open(keyring: MksKeyring, type: string, meterId: string, mksVersion: number, token: Uint8Array) {
  try {
    if (parseToken(token).mksVersion !== mksVersion) throw integrity('key token of another MKS version');
    return openToken(keyring, { type, ownerId: meterId, recordVersion: PSD_KEY_GENERATION }, token);
  } catch (error) {
    if (error instanceof IndiciumError && error.code === 'PACKAGE_INTEGRITY') throw error;
    throw integrity('key token does not open for this meter', error);
  }
}

/** Derives the package MAC key from the indicium key's PKCS#8 bytes. */
export function packageMacKey(pkcs8: Uint8Array, meterId: string, mksVersion: number): KeyObject {
  const info = PackageMacKeyInfo.encode({ meterId, mksVersion });
  return createSecretKey(Buffer.from(hkdfSync('sha256', pkcs8, new Uint8Array(0), info, 32)));
}

export function meterKeysFromPkcs8(pkcs8: Uint8Array, meterId: string, mksVersion: number): MeterKeys {
  const signingKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const publicKey = new Uint8Array(createPublicKey(signingKey).export({ type: 'spki', format: 'der' }));
  return { signingKey, publicKey, macKey: packageMacKey(pkcs8, meterId, mksVersion) };
}

/** The meter keys of a package header, from the cache or by opening the indicium key token. */
export function meterKeys(
  keyring: MksKeyring,
  meterId: string,
  mksVersion: number,
  token: Uint8Array,
): MeterKeys {
  const caches = cachesFor(packageMks(keyring, mksVersion));
  // The meter id is part of the key: a token copied under another meter's header is opened (and
  // refused by its associated data) instead of being served from the cache.
  const id = `${meterId}:${Buffer.from(token).toString('base64')}`;
  const hit = caches.meterKeys.get(id);
  if (hit !== undefined) return hit;
  const pkcs8 = open(keyring, INDICIUM_KEY_TOKEN_TYPE, meterId, mksVersion, token);
  const keys = meterKeysFromPkcs8(pkcs8, meterId, mksVersion);
  pkcs8.fill(0);
  caches.meterKeys.set(id, keys);
  return keys;
}

/** EDEK_psd of a package, from the cache or by opening its token. */
export function secretsKey(
  keyring: MksKeyring,
  meterId: string,
  mksVersion: number,
  token: Uint8Array,
): KeyObject {
  const caches = cachesFor(packageMks(keyring, mksVersion));
  const id = `${meterId}:${Buffer.from(token).toString('base64')}`;
  const hit = caches.secretsKeys.get(id);
  if (hit !== undefined) return hit;
  const raw = open(keyring, SECRETS_KEY_TOKEN_TYPE, meterId, mksVersion, token);
  if (raw.length !== 32) throw integrity('secrets key of the wrong length');
  const key = createSecretKey(Buffer.from(raw));
  raw.fill(0);
  caches.secretsKeys.set(id, key);
  return key;
}
