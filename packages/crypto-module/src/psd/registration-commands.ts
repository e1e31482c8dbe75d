import {
  ConfigureAnswerMac,
  ConfigureBodySchema,
  type ConfigureRequest,
  IndiciumError,
  PROTOCOL_VERSION,
  PSD_PRIVILEGES,
  type PsdState,
} from '@indicium/protocol';
import type { z } from 'zod';
import { checkpointSection } from '../checkpoints/checkpoint-section.js';
import type { HandlerContext, HandlerOutcome } from '../commands/handler-context.js';
import { inHistory, makeVerifier, matchesVerifier } from '../users/passphrase-verifier.js';
import { hmacWith, withUser } from '../users/user-auth.js';
import { type ClientSecrets, openClientSecrets } from './client-secrets.js';
import { commitPackage, nextVersion, type PackageChange } from './commit-package.js';
import { definePsdCommand } from './define-psd-command.js';
import { type OpenedPackage, openPackage, requireMeter, requirePsdState } from './open-package.js';
import { fastLayoutBytes } from './package/fast-canonical.js';
import type { PsdPackage, PsdUser, PsdUserSecret } from './package/psd-package.js';
import { readSecrets, writeSecrets } from './package-secrets.js';

type Body = z.output<typeof ConfigureBodySchema>;

/** Checks 1–5 of a registration: package, state, meter, registration challenge, client secrets. */
function accept(
  ctx: HandlerContext,
  body: Body,
  mode: ConfigureRequest['mode'],
  states: readonly PsdState[],
): { opened: OpenedPackage; secrets: ClientSecrets } {
  const { request } = body;
  if (request.mode !== mode)
    throw new IndiciumError('INVALID_FIELD', { field: 'request.mode', detail: `needs ${mode}` });
  const opened = openPackage(ctx, body.package);
  const { pkg } = opened;
  requirePsdState(pkg, states);
  requireMeter(pkg, request.meterId, 'request.meterId');
  const challenge = Buffer.from(request.challenge, 'base64');
  if (pkg.registrationChallenge === null || !challenge.equals(pkg.registrationChallenge)) {
    throw new IndiciumError('CHALLENGE_INVALID', { field: 'request.challenge' });
  }
  if (ctx.now > (pkg.registrationChallengeExpiresAt ?? 0)) {
    throw new IndiciumError('CHALLENGE_EXPIRED', { field: 'request.challenge' });
  }
  if (mode !== 'configure' && request.customerId !== pkg.customerId) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'request.customerId',
      detail: 'not this meter’s customer',
    });
  }
  return { opened, secrets: openClientSecrets(ctx, request) };
}

function newSecret(userId: string, secrets: ClientSecrets, history: readonly Uint8Array[]): PsdUserSecret {
  const { salt, verifier } = makeVerifier(secrets.passphraseHash);
  return { userId, hmk: secrets.hmk, passphraseSalt: salt, passphraseVerifier: verifier, history };
}

/** The receipt of DESIGN §4.2 step 3, MACed with the new HMK: only its holder can check it. */
function finish(
  ctx: HandlerContext,
  opened: OpenedPackage,
  next: PsdPackage,
  request: ConfigureRequest,
  hmk: Uint8Array | null,
  change: PackageChange,
): HandlerOutcome {
  const done = commitPackage(ctx, next, opened.keys, opened.mks, change);
  let answer = null;
  if (hmk !== null) {
    const fields = {
      mode: request.mode,
      meterId: next.meterId,
      customerId: request.customerId,
      userId: request.userId,
      challenge: request.challenge,
      ascendingRegisterMills: next.ascendingRegister,
      descendingRegisterMills: next.descendingRegister,
    };
    const mac = hmacWith(hmk, fastLayoutBytes(ConfigureAnswerMac, fields)).toString('base64');
    answer = { protocol: PROTOCOL_VERSION, ...fields, mac };
  }
  return { result: { ...done.records, completed: hmk !== null, answer }, auditData: done.auditData };
}

function freshUser(
  userId: string,
  pkg: PsdPackage,
  base: Omit<
    PsdUser,
    | 'userId'
    | 'registered'
    | 'challenge'
    | 'challengeIssuedAt'
    | 'lastClientChallenge'
    | 'toldAscending'
    | 'toldDescending'
    | 'passphraseFailures'
    | 'locked'
  >,
): PsdUser {
  return {
    ...base,
    userId,
    registered: true,
    challenge: null,
    challengeIssuedAt: 0,
    lastClientChallenge: null,
    toldAscending: pkg.ascendingRegister,
    toldDescending: pkg.descendingRegister,
    passphraseFailures: 0,
    locked: false,
  };
}

/**
 * Configure PSD (DESIGN §3.3, §4.2): the customer id and the first user's secrets; that user is
 * the meter's Customer Administrator with every privilege. unleased → assigned.
 */
export const configurePsdCommand = definePsdCommand({
  name: 'configure-psd',
  summary: 'Client secrets (RSA-OAEP) for the first user, the Customer Administrator: unleased → assigned.',
  design: 'DESIGN §3.3, §4.2',
  role: 'none',
  auth: 'none',
  request: ConfigureBodySchema,
  handler: (ctx, body) => {
    const { request } = body;
    const { opened, secrets } = accept(ctx, body, 'configure', ['unleased']);
    const { pkg } = opened;
    const user = freshUser(request.userId, pkg, {
      role: 'customer-admin',
      privileges: [...PSD_PRIVILEGES],
      maximumTotalMills: null,
      totalMills: 0,
      expiresAt: null,
    });
    const next = nextVersion(pkg, {
      ...writeSecrets(opened, new Map([[user.userId, newSecret(user.userId, secrets, [])]])),
      state: 'assigned',
      customerId: request.customerId,
      users: [user],
      registrationChallenge: null,
      registrationChallengeExpiresAt: null,
    });
    return finish(ctx, opened, next, request, secrets.hmk, {
      userId: user.userId,
      amountMills: 0,
      total: 'none',
      audit: { customerId: request.customerId },
    });
  },
});

/**
 * Register PSD User (DESIGN §3.3 Add PSD User, §4.2 mode add-user): a user the Customer
 * Administrator added delivers their HMK and passphrase hash from their own companion. A passphrase
 * on the user's repetition list is refused.
 */
export const registerPsdUserCommand = definePsdCommand({
  name: 'register-psd-user',
  summary: 'Client secrets of a user the Customer Administrator added (mode add-user).',
  design: 'DESIGN §3.3, §4.2',
  role: 'none',
  auth: 'none',
  request: ConfigureBodySchema,
  handler: (ctx, body) => {
    const { request } = body;
    const { opened, secrets } = accept(ctx, body, 'add-user', ['leased']);
    const { pkg } = opened;
    const user = pkg.users.find((u) => u.userId === request.userId);
    if (user === undefined || user.registered) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'request.userId',
        detail: 'not a user waiting to register',
      });
    }
    const all = readSecrets(opened);
    const history = all.get(user.userId)?.history ?? [];
    if (inHistory(secrets.passphraseHash, history))
      throw new IndiciumError('PASSWORD_REUSED', { field: 'request.encryptedSecrets' });
    const updated = new Map(all).set(user.userId, newSecret(user.userId, secrets, history));
    const next = nextVersion(pkg, {
      ...writeSecrets(opened, updated),
      users: withUser(pkg, freshUser(user.userId, pkg, user)),
      registrationChallenge: null,
      registrationChallengeExpiresAt: null,
    });
    return finish(ctx, opened, next, request, secrets.hmk, {
      userId: user.userId,
      amountMills: 0,
      total: 'none',
    });
  },
});

/**
 * Complete Password Reset (DESIGN §3.3): the user whose reset the provider started proves their
 * passphrase hash and delivers a new HMK; pwreset → leased. A wrong passphrase is counted in the
 * package (the answer then says `completed: false` and carries the new package, so the count
 * sticks) and the user is locked at the limit; a new Start Password Reset unlocks.
 */
export const completePasswordResetCommand = definePsdCommand({
  name: 'complete-password-reset',
  summary:
    'The reset user proves their passphrase hash, new HMK: pwreset → leased; failures counted, locked.',
  design: 'DESIGN §3.3, §4.2',
  role: 'none',
  auth: 'none',
  request: ConfigureBodySchema,
  handler: (ctx, body) => {
    const { request } = body;
    const { opened, secrets } = accept(ctx, body, 'reset', ['pwreset']);
    const { pkg } = opened;
    const user = pkg.users.find((u) => u.userId === request.userId);
    if (user === undefined || request.userId !== pkg.resetUserId) {
      throw new IndiciumError('INVALID_FIELD', {
        field: 'request.userId',
        detail: 'not the user being reset',
      });
    }
    if (user.locked) throw new IndiciumError('ACCOUNT_LOCKED', { field: 'request.userId' });
    const all = readSecrets(opened);
    const old = all.get(user.userId);
    const proven =
      old?.passphraseSalt != null &&
      old.passphraseVerifier !== null &&
      matchesVerifier(secrets.passphraseHash, old.passphraseSalt, old.passphraseVerifier);
    const consumed = { registrationChallenge: null, registrationChallengeExpiresAt: null };
    if (!proven || old === undefined) {
      const failures = user.passphraseFailures + 1;
      const locked = failures >= checkpointSection(ctx).settings.passphraseFailureLimit;
      const next = nextVersion(pkg, {
        ...consumed,
        users: withUser(pkg, { ...user, passphraseFailures: failures, locked }),
      });
      return finish(ctx, opened, next, request, null, {
        userId: user.userId,
        amountMills: 0,
        total: 'none',
        audit: { outcome: locked ? 'ACCOUNT_LOCKED' : 'PASSPHRASE_WRONG', failures: String(failures) },
      });
    }
    const secret: PsdUserSecret = { ...old, hmk: secrets.hmk };
    const next = nextVersion(pkg, {
      ...consumed,
      ...writeSecrets(opened, new Map(all).set(user.userId, secret)),
      state: 'leased',
      resetUserId: null,
      users: withUser(pkg, {
        ...user,
        passphraseFailures: 0,
        challenge: null,
        toldAscending: pkg.ascendingRegister,
        toldDescending: pkg.descendingRegister,
      }),
    });
    return finish(ctx, opened, next, request, secrets.hmk, {
      userId: user.userId,
      amountMills: 0,
      total: 'none',
      audit: { outcome: 'OK' },
    });
  },
});
