import { IndiciumError, OfficerRoleSchema } from '@indicium/protocol';
import { officerPassword } from '../officers/officer-passphrase.js';
import {
  NEW_PASSPHRASE_OPTIONS,
  newPassword,
  type OfficerCommandSpec,
  optionalInteger,
  text,
} from './officer-command-spec.js';

/** Access-control and officer commands of DESIGN §3.2–3.3. */
export const ACCESS_CONTROL_COMMANDS: readonly OfficerCommandSpec[] = [
  {
    name: 'begin-admin',
    command: 'begin-admin',
    role: 'security-officer',
    summary: 'Enter Administrative state for access-control maintenance.',
  },
  { name: 'end-admin', command: 'end-admin', role: 'administrator', summary: 'Leave Administrative state.' },
  {
    name: 'create-account',
    command: 'create-account',
    role: 'administrator',
    summary: 'Create an officer account.',
    options: [
      { flags: '--user <userId>', description: 'the new officer', required: true },
      {
        flags: '--role <role>',
        description: 'administrator | security-officer | key-custodian | auditor',
        required: true,
      },
      ...NEW_PASSPHRASE_OPTIONS,
    ],
    body: async (o, context, serial) => {
      const role = OfficerRoleSchema.safeParse(o.role);
      if (!role.success) throw new IndiciumError('INVALID_FIELD', { field: 'role' });
      const userId = text(o, 'user');
      return { userId, role: role.data, password: await newPassword(o, context, serial, userId) };
    },
  },
  {
    name: 'delete-account',
    command: 'delete-account',
    role: 'administrator',
    summary: 'Delete an officer account.',
    options: [{ flags: '--user <userId>', description: 'the officer', required: true }],
    body: (o) => ({ userId: text(o, 'user') }),
  },
  {
    name: 'modify-account',
    command: 'modify-account',
    role: 'administrator',
    summary: 'Unlock an account, change its limits, or set a password it must change at logon.',
    options: [
      { flags: '--user <userId>', description: 'the officer', required: true },
      { flags: '--unlock', description: 'clear the logon failure count' },
      { flags: '--failure-limit <n>', description: 'logon failures before the account locks' },
      {
        flags: '--reset-passphrase',
        description: 'set a new (expired) passphrase; with --generate or --new-passphrase-stdin',
      },
      ...NEW_PASSPHRASE_OPTIONS,
    ],
    body: async (o, context, serial) => {
      const userId = text(o, 'user');
      const failureLimit = optionalInteger(o, 'failureLimit');
      return {
        userId,
        ...(o.unlock === true ? { unlock: true } : {}),
        ...(failureLimit === undefined ? {} : { profile: { failureLimit } }),
        ...(o.resetPassphrase === true
          ? { resetPassword: await newPassword(o, context, serial, userId) }
          : {}),
      };
    },
  },
  {
    name: 'view-access-control',
    command: 'view-access-control',
    role: 'administrator',
    summary: 'List officers, roles, expirations and last access (never passwords).',
  },
  {
    name: 'set-clock',
    command: 'set-clock',
    role: 'administrator',
    summary: 'Set the module clock.',
    options: [{ flags: '--time <iso>', description: 'ISO 8601 time (default: now)' }],
    body: (o) => ({ time: typeof o.time === 'string' ? Date.parse(o.time) : Date.now() }),
  },
  {
    name: 'change-password',
    command: 'change-password',
    role: 'self',
    summary: 'Change your own passphrase.',
    options: NEW_PASSPHRASE_OPTIONS,
    body: async (o, context, serial) => {
      const userId = context.requireUser();
      const file = await context.credentials();
      const old = file?.modules.find((m) => m.serial === serial)?.officers.find((x) => x.userId === userId);
      if (old === undefined)
        throw new IndiciumError('INVALID_FIELD', {
          field: 'credentials',
          detail: 'the old passphrase comes from --credentials',
        });
      return {
        oldPassword: await officerPassword(old.passphrase, { moduleSerial: serial, userId }),
        newPassword: await newPassword(o, context, serial, userId),
      };
    },
  },
  {
    name: 'query-role',
    command: 'query-role',
    role: 'any officer',
    summary: 'Show who is logged on and their role.',
  },
  {
    name: 'export-audit-key',
    command: 'export-audit-key',
    role: 'auditor',
    summary: 'Export the audit public key, signed by the module key.',
  },
];
