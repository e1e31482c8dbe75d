import { IndiciumError, InitializeAccessControlRequestSchema } from '@indicium/protocol';
import { defineCommand, stay } from '../commands/command-spec.js';
import { newAccount } from './officer-accounts.js';
import { MINIMUM_OFFICERS } from './officer-policy.js';

/**
 * Initialize Access Control (DESIGN §3.2): the first command of Initializing, in a session, with no
 * logon (there is nobody to log on yet). Creates exactly one Administrator and one Security
 * Officer, at least two Key Custodians, and optionally Auditors; it runs once per initialisation.
 */
export const initializeAccessControl = defineCommand({
  name: 'initialize-access-control',
  summary: 'Creates 1 Administrator, 1 Security Officer, ≥ 2 Key Custodians (+ Auditors); once.',
  design: 'DESIGN §3.2',
  states: ['I'],
  role: 'none',
  auth: 'session',
  audit: 'signed-entry',
  next: stay,
  request: InitializeAccessControlRequestSchema,
  handler: (ctx, body) => {
    const access = ctx.nvm.get('access');
    if (access.initialized) {
      throw new IndiciumError('WRONG_STATE', { detail: 'access control is already initialized' });
    }
    const ids = new Set(body.accounts.map((a) => a.userId));
    if (ids.size !== body.accounts.length) {
      throw new IndiciumError('INVALID_INPUT', { field: 'accounts', detail: 'user ids must be unique' });
    }
    const count = (role: string) => body.accounts.filter((a) => a.role === role).length;
    if (
      count('administrator') !== MINIMUM_OFFICERS.administrator ||
      count('security-officer') !== MINIMUM_OFFICERS['security-officer'] ||
      count('key-custodian') < MINIMUM_OFFICERS['key-custodian']
    ) {
      throw new IndiciumError('INVALID_INPUT', {
        field: 'accounts',
        detail: 'need exactly 1 Administrator, 1 Security Officer and at least 2 Key Custodians',
      });
    }
    const accounts = body.accounts.map((a) => newAccount(a, ctx.now, false));
    ctx.nvm.set('access', { ...access, initialized: true, accounts });
    return {
      result: {},
      auditData: { accounts: body.accounts.map((a) => `${a.userId}:${a.role}`).join(',') },
    };
  },
});
