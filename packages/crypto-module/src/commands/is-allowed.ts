import type { ErrorCode, ModuleState } from '@indicium/protocol';
import type { CommandSpec } from './command-spec.js';
import type { OfficerIdentity } from './handler-context.js';

/** What access control knows about the caller before the body is even parsed (DESIGN §3). */
export interface AccessFacts {
  readonly state: ModuleState;
  /** Why the module is in Error (self-test, NVM, audit…); in E refusals say MODULE_* instead of WRONG_STATE. */
  readonly errorCode: ErrorCode | null;
  /** The request arrived as a valid message of the open session. */
  readonly inSession: boolean;
  readonly officer: OfficerIdentity | null;
}

/**
 * Why `spec` may not run now, or null if it may. Pure: the decision depends on the module state
 * and the caller's role alone (DESIGN §3), so the tests enumerate every command × state × caller.
 * Order: self-test, state, session, logon, role — the first unmet rule is the one reported.
 */
export function refusalFor(spec: CommandSpec, facts: AccessFacts): ErrorCode | null {
  if (facts.errorCode === 'MODULE_SELF_TEST_FAILED' && spec.afterSelfTestFailure !== true) {
    return 'MODULE_SELF_TEST_FAILED';
  }
  if (!spec.states.includes(facts.state)) {
    if (facts.state !== 'E') return 'WRONG_STATE';
    return facts.errorCode === 'MODULE_SELF_TEST_FAILED' ? 'MODULE_SELF_TEST_FAILED' : 'MODULE_ERROR_STATE';
  }
  if ((spec.auth === 'session' || spec.auth === 'session+logon') && !facts.inSession) return 'NO_SESSION';
  if (spec.auth === 'session+logon' && facts.officer === null) return 'NOT_LOGGED_ON';
  switch (spec.role) {
    case 'none':
    case 'self':
      return null;
    case 'security-officer':
    case 'key-custodian':
    case 'administrator':
    case 'auditor':
      return facts.officer?.role === spec.role ? null : 'ROLE_DENIED';
    default:
      // Provider, user, customer-admin and CA commands authenticate their own messages (part 2).
      return null;
  }
}

/** `refusalFor(...) === null`. */
export function isAllowed(spec: CommandSpec, facts: AccessFacts): boolean {
  return refusalFor(spec, facts) === null;
}
