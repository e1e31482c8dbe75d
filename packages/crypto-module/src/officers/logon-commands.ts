import {
  ChangePasswordRequestSchema,
  EmptyRequestSchema,
  fromBase64,
  IndiciumError,
  LogonRequestSchema,
} from '@indicium/protocol';
import { type CommandSpec, defineCommand, SESSION_STATES, stay } from '../commands/command-spec.js';
import type { HandlerContext, HandlerOutcome } from '../commands/handler-context.js';
import type { OfficerAccount } from './access-section.js';
import { findAccount, isLocked, replaceAccount, withNewPassword } from './officer-accounts.js';
import { makeVerifier, matchesVerifier } from './password-verifier.js';

const UNKNOWN_USER_VERIFIER = makeVerifier(new Uint8Array(32));

/** Saves `account` and returns a committed refusal: the failure is kept and audited (DESIGN §3.5). */
function failAndKeep(
  ctx: HandlerContext,
  account: OfficerAccount | undefined,
  error: IndiciumError,
  userId: string,
): HandlerOutcome {
  if (account !== undefined) ctx.nvm.set('access', replaceAccount(ctx.nvm.get('access'), account));
  return { refusal: error, auditData: { userId } };
}

/**
 * Logon (DESIGN §3.2): one officer at a time, inside the session. Checks, in order, that the
 * account exists, is not locked or expired, and the password; a wrong password counts a failure
 * (the limit locks the account). An expired password must be changed in the same request.
 */
export const logon = defineCommand({
  name: 'logon',
  summary: 'Logs an officer on inside the session (failure count, lock, expiry, time-out).',
  design: 'DESIGN §3.2',
  states: SESSION_STATES,
  role: 'none',
  auth: 'session',
  audit: 'entry',
  afterSelfTestFailure: true,
  next: stay,
  request: LogonRequestSchema,
  handler: (ctx, body) => {
    if (ctx.caller.officer !== null) throw new IndiciumError('ALREADY_LOGGED_ON');
    const access = ctx.nvm.get('access');
    const account = findAccount(access, body.userId);
    // An unknown id answers like a wrong password, after the same HMAC work, so neither the answer
    // nor its timing reveals which ids exist.
    if (account === undefined) {
      matchesVerifier(fromBase64(body.password), UNKNOWN_USER_VERIFIER);
      return failAndKeep(
        ctx,
        undefined,
        new IndiciumError('LOGON_FAILED', { field: 'password' }),
        body.userId,
      );
    }
    if (isLocked(account))
      return failAndKeep(ctx, undefined, new IndiciumError('ACCOUNT_LOCKED'), body.userId);
    if (account.accountExpiresAt !== null && ctx.now >= account.accountExpiresAt) {
      return failAndKeep(ctx, undefined, new IndiciumError('ACCOUNT_EXPIRED'), body.userId);
    }
    if (!matchesVerifier(fromBase64(body.password), account.password)) {
      const counted = { ...account, failureCount: account.failureCount + 1 };
      const error = isLocked(counted) ? 'ACCOUNT_LOCKED' : 'LOGON_FAILED';
      return failAndKeep(ctx, counted, new IndiciumError(error, { field: 'password' }), body.userId);
    }
    let next: OfficerAccount = { ...account, failureCount: 0, lastAccessAt: ctx.now };
    if (ctx.now >= account.passwordExpiresAt) {
      if (body.newPassword === undefined) {
        return failAndKeep(
          ctx,
          next,
          new IndiciumError('PASSWORD_EXPIRED', { field: 'newPassword' }),
          body.userId,
        );
      }
      next = withNewPassword(next, fromBase64(body.newPassword), ctx.now, access.historySize, {
        expired: false,
        field: 'newPassword',
      });
    }
    ctx.nvm.set('access', replaceAccount(access, next));
    const { userId, role, logonTimeoutMs } = next;
    ctx.afterCommit(() => ctx.sessions.logon({ userId, role, logonTimeoutMs, lastActivityAt: ctx.now }));
    return { result: { userId, role }, auditData: { userId, role } };
  },
});

export const logoff = defineCommand({
  name: 'logoff',
  summary: 'Ends the logon; the session stays open.',
  design: 'DESIGN §3.2',
  states: SESSION_STATES,
  role: 'self',
  auth: 'session+logon',
  audit: 'entry',
  afterSelfTestFailure: true,
  next: stay,
  request: EmptyRequestSchema,
  handler: (ctx) => {
    ctx.afterCommit(() => ctx.sessions.logoff());
    return { result: {} };
  },
});

export const queryRole = defineCommand({
  name: 'query-role',
  summary: "The logged-on officer's role, or null.",
  design: 'DESIGN §3.2 (seed: Query Current User Role)',
  states: SESSION_STATES,
  role: 'none',
  auth: 'session',
  audit: 'none',
  afterSelfTestFailure: true,
  next: stay,
  request: EmptyRequestSchema,
  handler: (ctx) => ({ result: { role: ctx.caller.officer?.role ?? null } }),
});

export const queryUser = defineCommand({
  name: 'query-user',
  summary: "The logged-on officer's user id, or null.",
  design: 'DESIGN §3.2 (seed: Query Current User ID)',
  states: SESSION_STATES,
  role: 'none',
  auth: 'session',
  audit: 'none',
  afterSelfTestFailure: true,
  next: stay,
  request: EmptyRequestSchema,
  handler: (ctx) => ({ result: { userId: ctx.caller.officer?.userId ?? null } }),
});

/**
 * Change Password (self, Operational). The old password proves presence; the password period
 * (minimum age) and the history stop an officer cycling back to an old password.
 */
export const changePassword = defineCommand({
  name: 'change-password',
  summary: 'The logged-on officer changes their own password (period, history).',
  design: 'DESIGN §3.2, §3.3',
  states: ['O'],
  role: 'self',
  auth: 'session+logon',
  audit: 'entry',
  next: stay,
  request: ChangePasswordRequestSchema,
  handler: (ctx, body) => {
    const access = ctx.nvm.get('access');
    const self = ctx.caller.officer;
    const account = self === null ? undefined : findAccount(access, self.userId);
    if (account === undefined) throw new IndiciumError('NOT_LOGGED_ON');
    if (!matchesVerifier(fromBase64(body.oldPassword), account.password)) {
      throw new IndiciumError('LOGON_FAILED', { field: 'oldPassword' });
    }
    if (ctx.now - account.passwordChangedAt < account.passwordPeriodMs) {
      throw new IndiciumError('PASSWORD_TOO_SOON', { field: 'newPassword' });
    }
    const next = withNewPassword(account, fromBase64(body.newPassword), ctx.now, access.historySize, {
      expired: false,
      field: 'newPassword',
    });
    ctx.nvm.set('access', replaceAccount(access, next));
    return { result: { passwordExpiresAt: next.passwordExpiresAt }, auditData: { userId: account.userId } };
  },
});

export const logonCommands: readonly CommandSpec[] = Object.freeze([
  logon,
  logoff,
  queryRole,
  queryUser,
  changePassword,
]);
