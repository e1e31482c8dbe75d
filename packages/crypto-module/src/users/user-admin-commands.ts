import {
  IndiciumError,
  MAX_PSD_USERS,
  PROTOCOL_VERSION,
  type PsdUserAction,
  PsdUserAdminBodySchema,
  type PsdUserAdminRequest,
  PsdUserAdminRequestMac,
  psdUserAdminAnswerBytes,
  toBase64,
} from '@indicium/protocol';
import type { z } from 'zod';
import { checkpointSection } from '../checkpoints/checkpoint-section.js';
import type { CommandSpec } from '../commands/command-spec.js';
import type { HandlerContext, HandlerOutcome } from '../commands/handler-context.js';
import { commitPackage, nextVersion } from '../psd/commit-package.js';
import { definePsdCommand } from '../psd/define-psd-command.js';
import { freshChallenge } from '../psd/fresh-challenge.js';
import { openPackage, requireMeter, requirePsdState } from '../psd/open-package.js';
import { fastLayoutBytes } from '../psd/package/fast-canonical.js';
import type { PsdPackage, PsdUser, PsdUserSecret } from '../psd/package/psd-package.js';
import { readSecrets, writeSecrets } from '../psd/package-secrets.js';
import { retirePassphrase } from './passphrase-verifier.js';
import { checkModuleChallenge, checkUserActive, hmacWith, verifyUserHmac, withUser } from './user-auth.js';
import { usersView } from './user-view.js';

type Body = z.output<typeof PsdUserAdminBodySchema>;

function invalid(field: string, detail: string): IndiciumError {
  return new IndiciumError('INVALID_FIELD', { field: `request.${field}`, detail });
}

/** Validation first (DESIGN §3): the request's shape must fit its action. */
function checkShape(request: PsdUserAdminRequest, action: PsdUserAction): string | null {
  if (request.action !== action) throw invalid('action', `this command is ${action}`);
  if (action === 'list') {
    if (request.targetUserId !== null) throw invalid('targetUserId', 'list names no user');
    return null;
  }
  if (request.targetUserId === null) throw invalid('targetUserId', 'required');
  if ((action === 'add' || action === 'modify') && request.role === null) throw invalid('role', 'required');
  if (request.reregister && action !== 'modify') throw invalid('reregister', 'modify only');
  return request.targetUserId;
}

type Change = { users: readonly PsdUser[]; secrets: ReadonlyMap<string, PsdUserSecret> | null };

function applyAction(
  pkg: PsdPackage,
  request: PsdUserAdminRequest,
  target: string | null,
  admin: PsdUser,
  secrets: () => ReadonlyMap<string, PsdUserSecret>,
): Change {
  const existing = target === null ? undefined : pkg.users.find((u) => u.userId === target);
  const expiresAt = request.expiresAt === null ? null : Date.parse(request.expiresAt);
  const profile = {
    role: request.role ?? 'user',
    privileges: [...new Set(request.privileges)],
    maximumTotalMills: request.maximumTotalMills,
    expiresAt,
  };
  switch (request.action) {
    case 'list':
      return { users: pkg.users, secrets: null };
    case 'add': {
      if (existing !== undefined) throw invalid('targetUserId', 'already a user of this meter');
      if (pkg.users.length >= MAX_PSD_USERS)
        throw new IndiciumError('LIMIT_EXCEEDED', { field: 'request.targetUserId' });
      const user: PsdUser = {
        userId: target as string,
        ...profile,
        totalMills: 0,
        registered: false,
        challenge: null,
        challengeIssuedAt: 0,
        lastClientChallenge: null,
        toldAscending: 0,
        toldDescending: 0,
        passphraseFailures: 0,
        locked: false,
      };
      return { users: [...pkg.users, user], secrets: null };
    }
    case 'delete': {
      if (existing === undefined) throw invalid('targetUserId', 'no such user');
      if (existing.userId === admin.userId)
        throw invalid('targetUserId', 'an administrator cannot delete themself');
      if (pkg.resetUserId === existing.userId)
        throw invalid('targetUserId', 'a password reset is in progress');
      const rest = new Map(secrets());
      rest.delete(existing.userId);
      return { users: pkg.users.filter((u) => u.userId !== existing.userId), secrets: rest };
    }
    case 'modify': {
      if (existing === undefined) throw invalid('targetUserId', 'no such user');
      if (existing.userId === admin.userId && profile.role !== 'customer-admin') {
        throw invalid('role', 'an administrator cannot demote themself');
      }
      let user: PsdUser = { ...existing, ...profile };
      let updated: ReadonlyMap<string, PsdUserSecret> | null = null;
      if (request.reregister) {
        if (existing.userId === admin.userId) throw invalid('reregister', 'not for oneself');
        const all = secrets();
        const old = all.get(existing.userId);
        if (old !== undefined) updated = new Map(all).set(existing.userId, retirePassphrase(old));
        user = { ...user, registered: false, challenge: null, locked: false, passphraseFailures: 0 };
      }
      return { users: withUser(pkg, user), secrets: updated };
    }
  }
}

/**
 * Add / Delete / Modify / List PSD Users (DESIGN §3.3, seed "customer administrator"): checks 1–5
 * of §4.3 with the administrator's HMK and challenge, the customer-admin role, then the change.
 * The answer (every user after the change and the administrator's next challenge) is MACed with
 * the administrator's HMK.
 */
function runUserAdmin(ctx: HandlerContext, body: Body, action: PsdUserAction): HandlerOutcome {
  const { request } = body;
  const target = checkShape(request, action);
  const opened = openPackage(ctx, body.package);
  const { pkg, keys, mks } = opened;
  requirePsdState(pkg, ['leased']);
  requireMeter(pkg, request.meterId, 'request.meterId');
  const { challengeLifetimeMs } = checkpointSection(ctx).settings;
  const admin = checkModuleChallenge(
    pkg,
    request.userId,
    request.moduleChallenge,
    ctx.now,
    challengeLifetimeMs,
  );
  const all = readSecrets(opened);
  const hmk = verifyUserHmac(
    all.get(admin.userId),
    fastLayoutBytes(PsdUserAdminRequestMac, request),
    request.hmac,
  );
  if (admin.role !== 'customer-admin')
    throw new IndiciumError('PRIVILEGE_DENIED', { field: 'request.userId' });
  checkUserActive(admin, ctx.now);
  const change = applyAction(pkg, request, target, admin, () => all);
  const moduleChallenge = freshChallenge();
  const adminAfter = { ...admin, challenge: moduleChallenge, challengeIssuedAt: ctx.now };
  const users = change.users.map((u) => (u.userId === admin.userId ? adminAfter : u));
  const next = nextVersion(pkg, {
    users,
    ...(change.secrets === null ? {} : writeSecrets(opened, change.secrets)),
  });
  const view = usersView(users);
  const mac = hmacWith(
    hmk,
    psdUserAdminAnswerBytes({
      meterId: pkg.meterId,
      userId: admin.userId,
      clientChallenge: Buffer.from(request.clientChallenge, 'base64'),
      moduleChallenge,
      action,
      users: view,
    }),
  );
  const done = commitPackage(ctx, next, keys, mks, {
    userId: admin.userId,
    amountMills: 0,
    total: 'none',
    audit: { action, targetUserId: target ?? '' },
  });
  return {
    result: {
      ...done.records,
      answer: {
        protocol: PROTOCOL_VERSION,
        meterId: pkg.meterId,
        userId: admin.userId,
        clientChallenge: request.clientChallenge,
        moduleChallenge: toBase64(moduleChallenge),
        action,
        users: view,
        mac: mac.toString('base64'),
      },
    },
    auditData: done.auditData,
  };
}

function userAdminCommand(action: PsdUserAction, name: string, summary: string): CommandSpec {
  return definePsdCommand({
    name,
    summary,
    design: 'DESIGN §3.3',
    role: 'customer-admin',
    auth: 'user-hmac',
    request: PsdUserAdminBodySchema,
    handler: (ctx, body) => runUserAdmin(ctx, body, action),
  });
}

export const userAdminCommands: readonly CommandSpec[] = Object.freeze([
  userAdminCommand(
    'add',
    'add-psd-user',
    'Customer Administrator HMAC: adds a user (profile; they register later).',
  ),
  userAdminCommand(
    'delete',
    'delete-psd-user',
    'Customer Administrator HMAC: deletes a user and their secrets.',
  ),
  userAdminCommand(
    'modify',
    'modify-psd-user',
    'Customer Administrator HMAC: role, privileges, maximum total, expiry, re-register.',
  ),
  userAdminCommand('list', 'list-psd-users', 'Customer Administrator HMAC: every user of the meter.'),
]);
