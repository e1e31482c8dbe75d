import { verify } from 'node:crypto';
import {
  type CanonicalFieldType,
  type CanonicalLayout,
  fromBase64,
  IndiciumError,
  layoutBytesOf,
} from '@indicium/protocol';
import type { HandlerContext } from '../commands/handler-context.js';
import type { PsdPackage } from './package/psd-package.js';

/** How many provider nonces a package remembers. */
export const PROVIDER_NONCES_KEPT = 16;
/** How far a provider clock may run ahead of the module's. */
export const PROVIDER_CLOCK_SKEW_MS = 10 * 60_000;

interface ProviderMessage {
  readonly nonce: string;
  readonly issuedAt: string;
  readonly packageVersion: number;
  readonly signature: string;
}

/**
 * Provider role (DESIGN §4.4): the message is signed with the provider key and verified with the
 * provider public key of the crypto-card, over the message's canonical layout — never its JSON.
 */
export function verifyProviderSignature<S extends Record<string, CanonicalFieldType>>(
  ctx: HandlerContext,
  layout: CanonicalLayout<S>,
  message: ProviderMessage,
): void {
  const spki = ctx.nvm.get('cryptoCard').providerPublicKeySpki;
  if (spki === null) throw new IndiciumError('WRONG_STATE', { detail: 'no provider key in the crypto-card' });
  let ok = false;
  try {
    ok = verify(
      'sha256',
      layoutBytesOf(layout, message),
      { key: ctx.keys.publicKey(spki), dsaEncoding: 'ieee-p1363' },
      fromBase64(message.signature),
    );
  } catch {
    ok = false;
  }
  if (!ok) throw new IndiciumError('SIGNATURE_INVALID', { field: 'message.signature' });
}

/**
 * A provider message applies once: its nonce must not be among the package's recent ones and it
 * may not be older than the newest message already applied. (A replay against an older copy of
 * the package fails the package version the message names, `checkIssuedForPackage`.)
 */
export function checkProviderFreshness(pkg: PsdPackage, message: ProviderMessage, now: number): void {
  const nonce = Buffer.from(message.nonce, 'base64');
  if (pkg.providerNonces.some((seen) => nonce.equals(seen))) {
    throw new IndiciumError('MESSAGE_REPLAYED', { field: 'message.nonce' });
  }
  const issuedAt = Date.parse(message.issuedAt);
  if (issuedAt < pkg.lastProviderIssuedAt)
    throw new IndiciumError('MESSAGE_REPLAYED', { field: 'message.issuedAt' });
  // A message from the future would make every later one look old: refuse it rather than brick the meter.
  if (issuedAt > now + PROVIDER_CLOCK_SKEW_MS) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'message.issuedAt',
      detail: 'ahead of the module clock',
    });
  }
}

/** The package fields that record an applied provider message. */
export function providerApplied(pkg: PsdPackage, message: ProviderMessage): Partial<PsdPackage> {
  return {
    providerNonces: [...pkg.providerNonces, new Uint8Array(fromBase64(message.nonce))].slice(
      -PROVIDER_NONCES_KEPT,
    ),
    lastProviderIssuedAt: Math.max(pkg.lastProviderIssuedAt, Date.parse(message.issuedAt)),
  };
}

/**
 * A provider message names the package version it was issued for, and applies to that copy only
 * (issue 4: any older copy presented later is refused). The control total alone cannot tell: a copy
 * that differs only by printed pieces has the same AR + DR. A package older than the message is a
 * stale record; a message older than the package must be asked for again for the current version.
 */
export function checkIssuedForPackage(pkg: PsdPackage, packageVersion: number): void {
  if (packageVersion > pkg.packageVersion) {
    throw new IndiciumError('STALE_PACKAGE', {
      field: 'package',
      detail: `the message was issued for package version ${packageVersion}, this copy is ${pkg.packageVersion}`,
    });
  }
  if (packageVersion < pkg.packageVersion) {
    throw new IndiciumError('MESSAGE_REPLAYED', {
      field: 'message.packageVersion',
      detail: `issued for package version ${packageVersion}, the package is at ${pkg.packageVersion}: ask the provider again`,
    });
  }
}

/** The control total of DESIGN §3.3 / §4.4: AR + DR as the provider last saw them. */
export function checkControlTotal(pkg: PsdPackage, controlTotalMills: number): void {
  if (controlTotalMills !== pkg.ascendingRegister + pkg.descendingRegister) {
    throw new IndiciumError('REGISTER_MISMATCH', { field: 'message.controlTotalMills' });
  }
}
