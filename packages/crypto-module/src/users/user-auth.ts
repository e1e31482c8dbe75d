import { createHmac, timingSafeEqual } from 'node:crypto';
import { fromBase64, IndiciumError } from '@indicium/protocol';
import type { PsdPackage, PsdUser, PsdUserSecret } from '../psd/package/psd-package.js';

/**
 * Check 4 of DESIGN §4.3: `Cm` is the last challenge the module issued to this user of this
 * package, and still fresh. An unknown user has no challenge, so it fails here too.
 */
export function checkModuleChallenge(
  pkg: PsdPackage,
  userId: string,
  moduleChallenge: string,
  now: number,
  lifetimeMs: number,
): PsdUser {
  const user = pkg.users.find((u) => u.userId === userId);
  const presented = Buffer.from(moduleChallenge, 'base64');
  if (user?.challenge == null || !presented.equals(user.challenge)) {
    throw new IndiciumError('CHALLENGE_INVALID', { field: 'request.moduleChallenge' });
  }
  if (now - user.challengeIssuedAt > lifetimeMs) {
    throw new IndiciumError('CHALLENGE_EXPIRED', { field: 'request.moduleChallenge' });
  }
  return user;
}

/** HMAC-SHA-256 with a user's HMK. */
export function hmacWith(hmk: Uint8Array, bytes: Uint8Array): Buffer {
  return createHmac('sha256', hmk).update(bytes).digest();
}

/**
 * Check 5, user role: the request's HMAC under this user's HMK (DESIGN §3.2: users authenticate
 * command by command). A user without an HMK (not registered, or re-registering) cannot pass.
 */
export function verifyUserHmac(
  secret: PsdUserSecret | undefined,
  bytes: Uint8Array,
  hmac: string,
): Uint8Array {
  const hmk = secret?.hmk ?? null;
  const presented = fromBase64(hmac);
  if (hmk === null || !timingSafeEqual(hmacWith(hmk, bytes), presented)) {
    throw new IndiciumError('MAC_INVALID', { field: 'request.hmac' });
  }
  return hmk;
}

/** Expiry of a user's access (DESIGN §3.3 multi-user meters). */
export function checkUserActive(user: PsdUser, now: number): void {
  if (user.expiresAt !== null && now >= user.expiresAt) {
    throw new IndiciumError('METER_USER_EXPIRED', { field: 'request.userId' });
  }
}

/** Replaces one user record. */
export function withUser(pkg: PsdPackage, user: PsdUser): readonly PsdUser[] {
  return pkg.users.map((u) => (u.userId === user.userId ? user : u));
}
