import { MODULE_STATES, OFFICER_ROLES } from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { accessMatrix, callerName } from './access-matrix.js';
import type { CommandRole } from './command-spec.js';
import { COMMAND_TABLE } from './command-table.js';
import { isAllowed, refusalFor } from './is-allowed.js';

/**
 * DESIGN §3.3's officer table, transcribed by hand: the command table must say exactly this.
 * (States, role; `none`/`self` per DESIGN; E added for the access-control queries, sessions and
 * Create Audit Entry as DESIGN's notes and the seed's Error state allow.)
 */
const DESIGN_ROWS: Record<string, { states: string; role: CommandRole }> = {
  'get-status': { states: 'UIOAXME', role: 'none' },
  'start-initialization': { states: 'U', role: 'none' },
  'open-session': { states: 'IOAXME', role: 'none' },
  'close-session': { states: 'IOAXME', role: 'none' },
  'initialize-access-control': { states: 'I', role: 'none' },
  logon: { states: 'IOAXME', role: 'none' },
  logoff: { states: 'IOAXME', role: 'self' },
  'query-role': { states: 'IOAXME', role: 'none' },
  'query-user': { states: 'IOAXME', role: 'none' },
  'generate-mks': { states: 'IO', role: 'security-officer' },
  'generate-transport-key-pair': { states: 'I', role: 'security-officer' },
  'export-transport-public-key': { states: 'OM', role: 'key-custodian' },
  'create-mks-shares': { states: 'O', role: 'security-officer' },
  'export-mks-share': { states: 'X', role: 'key-custodian' },
  'abort-export': { states: 'X', role: 'security-officer' },
  'start-importing-mks': { states: 'O', role: 'security-officer' },
  'import-mks-share': { states: 'M', role: 'key-custodian' },
  'combine-mks-shares': { states: 'M', role: 'security-officer' },
  'activate-mks': { states: 'O', role: 'security-officer' },
  'delete-mks': { states: 'O', role: 'security-officer' },
  'translate-token': { states: 'O', role: 'security-officer' },
  'initialize-crypto-card': { states: 'O', role: 'security-officer' },
  'update-crypto-card': { states: 'O', role: 'security-officer' },
  'begin-admin': { states: 'O', role: 'security-officer' },
  'create-account': { states: 'A', role: 'administrator' },
  'delete-account': { states: 'A', role: 'administrator' },
  'modify-account': { states: 'A', role: 'administrator' },
  'view-access-control': { states: 'A', role: 'administrator' },
  'set-clock': { states: 'A', role: 'administrator' },
  'end-admin': { states: 'A', role: 'administrator' },
  'change-password': { states: 'O', role: 'self' },
  'export-audit-key': { states: 'O', role: 'auditor' },
  'create-audit-entry': { states: 'IOAXME', role: 'none' },
  // The audit outbox (DESIGN §3.5): the host drains it in any state, so no entry is ever lost.
  'read-audit-outbox': { states: 'UIOAXME', role: 'none' },
  'acknowledge-audit': { states: 'UIOAXME', role: 'none' },
  reset: { states: 'UIOAXME', role: 'none' },
  // PSD commands (DESIGN §3.3 second table, §3.6, §4.2); the PSD state rules are in src/psd/.
  'initialize-psd': { states: 'O', role: 'none' },
  'authorize-psd': { states: 'O', role: 'ca' },
  'registration-challenge': { states: 'O', role: 'none' },
  'configure-psd': { states: 'O', role: 'none' },
  'authorize-customer': { states: 'O', role: 'provider' },
  'value-download': { states: 'O', role: 'provider' },
  'get-challenge': { states: 'O', role: 'user' },
  'create-indicium': { states: 'O', role: 'user' },
  'create-correction-indicium': { states: 'O', role: 'user' },
  'create-refund-indicium': { states: 'O', role: 'provider' },
  'start-password-reset': { states: 'O', role: 'provider' },
  'complete-password-reset': { states: 'O', role: 'none' },
  'register-psd-user': { states: 'O', role: 'none' },
  'add-psd-user': { states: 'O', role: 'customer-admin' },
  'delete-psd-user': { states: 'O', role: 'customer-admin' },
  'modify-psd-user': { states: 'O', role: 'customer-admin' },
  'list-psd-users': { states: 'O', role: 'customer-admin' },
  'auto-recover-checkpoint': { states: 'O', role: 'none' },
  'recover-checkpoint': { states: 'O', role: 'security-officer' },
  'set-psd-settings': { states: 'O', role: 'security-officer' },
  'translate-psd-package': { states: 'O', role: 'security-officer' },
};

/** Roles that authenticate their own messages (signature, HMAC, certificate), not by officer logon. */
const MESSAGE_ROLES: ReadonlySet<CommandRole> = new Set(['provider', 'user', 'customer-admin', 'ca']);

describe('the command table says what DESIGN §3.3 says', () => {
  it('has exactly the DESIGN commands', () => {
    expect(Object.keys(COMMAND_TABLE).sort()).toEqual(Object.keys(DESIGN_ROWS).sort());
  });
  for (const [name, row] of Object.entries(DESIGN_ROWS)) {
    it(`${name}: states ${row.states}, role ${row.role}`, () => {
      const spec = COMMAND_TABLE[name];
      expect(spec).toBeDefined();
      expect(MODULE_STATES.filter((s) => spec?.states.includes(s)).join('')).toBe(row.states);
      expect(spec?.role).toBe(row.role);
      // Every officer role and `self` needs a logon; a logon needs a session (DESIGN §3.2).
      if (row.role !== 'none' && !MESSAGE_ROLES.has(row.role)) expect(spec?.auth).toBe('session+logon');
      if (MESSAGE_ROLES.has(row.role)) expect(spec?.auth).not.toMatch(/session/);
    });
  }
});

describe('isAllowed over every command × state × caller', () => {
  const cells = accessMatrix(COMMAND_TABLE);

  it('covers the whole product', () => {
    expect(cells.length).toBe(
      Object.keys(COMMAND_TABLE).length * MODULE_STATES.length * (2 + OFFICER_ROLES.length),
    );
  });

  it.each(cells.map((c) => [c.command, c.state, callerName(c.caller), c] as const))(
    '%s in %s by %s',
    (_name, state, _caller, cell) => {
      const spec = cell.spec;
      const inSession = cell.caller.kind !== 'no-session';
      const role = cell.caller.kind === 'officer' ? cell.caller.role : null;
      const expected =
        spec.states.includes(state) &&
        (!spec.auth.startsWith('session') || inSession) &&
        (spec.auth !== 'session+logon' || role !== null) &&
        (spec.role === 'none' || spec.role === 'self' || spec.role === role || MESSAGE_ROLES.has(spec.role));
      expect(cell.refusal === null).toBe(expected);
      if (!expected) {
        const code = !spec.states.includes(state)
          ? state === 'E'
            ? 'MODULE_ERROR_STATE'
            : 'WRONG_STATE'
          : !inSession && spec.auth.startsWith('session')
            ? 'NO_SESSION'
            : role === null && spec.auth === 'session+logon'
              ? 'NOT_LOGGED_ON'
              : 'ROLE_DENIED';
        expect(cell.refusal).toBe(code);
      }
    },
  );

  it('after a failed self-test allows only Get Status, Reset, the access-control queries and reading the audit outbox', () => {
    const allowed = Object.values(COMMAND_TABLE)
      .filter((spec) =>
        isAllowed(spec, { state: 'E', errorCode: 'MODULE_SELF_TEST_FAILED', inSession: true, officer: null }),
      )
      .map((spec) => spec.name)
      .sort();
    expect(allowed).toEqual([
      'get-status',
      'logon',
      'query-role',
      'query-user',
      'read-audit-outbox',
      'reset',
    ]);
  });

  it('reports a failed self-test rather than a generic Error state', () => {
    const spec = COMMAND_TABLE['begin-admin'];
    if (spec === undefined) throw new Error('missing begin-admin');
    const facts = {
      state: 'E',
      errorCode: 'MODULE_SELF_TEST_FAILED',
      inSession: true,
      officer: null,
    } as const;
    expect(refusalFor(spec, facts)).toBe('MODULE_SELF_TEST_FAILED');
    expect(isAllowed(spec, facts)).toBe(false);
  });
});
