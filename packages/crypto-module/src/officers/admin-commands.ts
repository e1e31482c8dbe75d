import {
  type AccessControlRow,
  CreateAccountRequestSchema,
  DeleteAccountRequestSchema,
  EmptyRequestSchema,
  fromBase64,
  IndiciumError,
  ModifyAccountRequestSchema,
  SetClockRequestSchema,
} from '@indicium/protocol';
import { type CommandSpec, defineCommand, stay, to } from '../commands/command-spec.js';
import type { OfficerAccount } from './access-section.js';
import {
  applyProfilePatch,
  findAccount,
  isLocked,
  meetsMinimum,
  newAccount,
  replaceAccount,
  withNewPassword,
} from './officer-accounts.js';

/**
 * Administrative state (DESIGN §3.2, seed): a Security Officer opens it, only an Administrator works
 * in it, and nothing operational can run there — dual control and separation of duties.
 */
export const beginAdmin = defineCommand({
  name: 'begin-admin',
  summary: 'Enters Administrative state.',
  design: 'DESIGN §3.3',
  states: ['O'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: to('A'),
  request: EmptyRequestSchema,
  handler: () => ({ result: {} }),
});

export const endAdmin = defineCommand({
  name: 'end-admin',
  summary: 'Leaves Administrative state.',
  design: 'DESIGN §3.3',
  states: ['A'],
  role: 'administrator',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: to('O'),
  request: EmptyRequestSchema,
  handler: () => ({ result: {} }),
});

/** New accounts start with an expired password: the administrator knows it, the officer must change it. */
export const createAccount = defineCommand({
  name: 'create-account',
  summary: 'Adds an officer account (one role); its first password must be changed at logon.',
  design: 'DESIGN §3.2',
  states: ['A'],
  role: 'administrator',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: stay,
  request: CreateAccountRequestSchema,
  handler: (ctx, body) => {
    const access = ctx.nvm.get('access');
    if (findAccount(access, body.userId) !== undefined) {
      throw new IndiciumError('INVALID_INPUT', { field: 'userId', detail: 'user id already exists' });
    }
    const account = newAccount(body, ctx.now, true);
    ctx.nvm.set('access', { ...access, accounts: [...access.accounts, account] });
    return { result: {}, auditData: { userId: body.userId, role: body.role } };
  },
});

export const deleteAccount = defineCommand({
  name: 'delete-account',
  summary: 'Removes an account, never the caller nor one the minimum set needs.',
  design: 'DESIGN §3.2',
  states: ['A'],
  role: 'administrator',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: stay,
  request: DeleteAccountRequestSchema,
  handler: (ctx, body) => {
    const access = ctx.nvm.get('access');
    if (findAccount(access, body.userId) === undefined) {
      throw new IndiciumError('INVALID_INPUT', { field: 'userId', detail: 'no such user' });
    }
    if (body.userId === ctx.caller.officer?.userId) {
      throw new IndiciumError('INVALID_INPUT', {
        field: 'userId',
        detail: 'may not delete the logged-on account',
      });
    }
    const accounts = access.accounts.filter((a) => a.userId !== body.userId);
    if (!meetsMinimum(accounts)) {
      throw new IndiciumError('INVALID_INPUT', {
        field: 'userId',
        detail: 'would leave fewer than 1 Administrator, 1 Security Officer and 2 Key Custodians',
      });
    }
    ctx.nvm.set('access', { ...access, accounts });
    return { result: {}, auditData: { userId: body.userId } };
  },
});

export const modifyAccount = defineCommand({
  name: 'modify-account',
  summary: 'Changes profile limits, unlocks, or resets the password (expired at once).',
  design: 'DESIGN §3.2',
  states: ['A'],
  role: 'administrator',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: stay,
  request: ModifyAccountRequestSchema,
  handler: (ctx, body) => {
    const access = ctx.nvm.get('access');
    const account = findAccount(access, body.userId);
    if (account === undefined)
      throw new IndiciumError('INVALID_INPUT', { field: 'userId', detail: 'no such user' });
    let next: OfficerAccount = applyProfilePatch(account, body.profile ?? {});
    if (body.unlock === true) next = { ...next, failureCount: 0 };
    if (body.resetPassword !== undefined) {
      next = withNewPassword(next, fromBase64(body.resetPassword), ctx.now, access.historySize, {
        expired: true,
        field: 'resetPassword',
      });
    }
    ctx.nvm.set('access', replaceAccount(access, next));
    const changed = [
      ...Object.keys(body.profile ?? {}),
      ...(body.unlock === true ? ['unlock'] : []),
      ...(body.resetPassword === undefined ? [] : ['resetPassword']),
    ];
    return { result: {}, auditData: { userId: body.userId, changed: changed.join(',') } };
  },
});

/** Lists users, roles, expirations and last access — never a password or verifier (DESIGN §3.3). */
export const viewAccessControl = defineCommand({
  name: 'view-access-control',
  summary: 'Lists accounts, roles, limits, expirations, last access; never passwords.',
  design: 'DESIGN §3.3',
  states: ['A'],
  role: 'administrator',
  auth: 'session+logon',
  audit: 'entry',
  next: stay,
  request: EmptyRequestSchema,
  handler: (ctx) => {
    const rows: AccessControlRow[] = ctx.nvm.get('access').accounts.map((a) => ({
      userId: a.userId,
      role: a.role,
      failureCount: a.failureCount,
      failureLimit: a.failureLimit,
      locked: isLocked(a),
      logonTimeoutMs: a.logonTimeoutMs,
      accountExpiresAt: a.accountExpiresAt,
      passwordExpiresAt: a.passwordExpiresAt,
      passwordPeriodMs: a.passwordPeriodMs,
      passwordLifetimeMs: a.passwordLifetimeMs,
      lastAccessAt: a.lastAccessAt,
    }));
    return { result: { accounts: rows } };
  },
});

/** Module time = host clock + offset; Set Clock moves the offset (DESIGN §3: no clock it cannot set). */
export const setClock = defineCommand({
  name: 'set-clock',
  summary: 'Sets the module clock.',
  design: 'DESIGN §3.3',
  states: ['A'],
  role: 'administrator',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: stay,
  request: SetClockRequestSchema,
  handler: (ctx, body) => {
    const section = ctx.nvm.get('module');
    const hostNow = ctx.now - section.clockOffsetMs;
    ctx.nvm.set('module', { ...section, clockOffsetMs: body.time - hostNow });
    return { result: { time: body.time }, auditData: { from: String(ctx.now), to: String(body.time) } };
  },
});

export const adminCommands: readonly CommandSpec[] = Object.freeze([
  beginAdmin,
  endAdmin,
  createAccount,
  deleteAccount,
  modifyAccount,
  viewAccessControl,
  setClock,
]);
