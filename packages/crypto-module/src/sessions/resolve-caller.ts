import { IndiciumError, type ModuleRequest } from '@indicium/protocol';
import type { OfficerIdentity } from '../commands/handler-context.js';
import type { OfficerSession, SessionRegistry } from './session-registry.js';
import { unsealRequest } from './unseal-request.js';

export interface ResolvedCaller {
  /** The open session, when the request arrived as a valid message of it. */
  readonly session: OfficerSession | null;
  /** The request body: opened from the session message, or the plain body. */
  readonly body: unknown;
  /** The officer logged on in that session, after the idle time-out was applied. */
  readonly officer: OfficerIdentity | null;
}

/**
 * Establishes who is calling (DESIGN §3.2) before access control: opens a sealed request (or
 * refuses it), then logs off an officer idle longer than their time-out. Only an authenticated
 * session message can carry an officer identity; a plain request never does.
 */
export function resolveCaller(
  registry: SessionRegistry,
  request: ModuleRequest,
  now: number,
): ResolvedCaller {
  if (request.sealed === undefined) return { session: null, body: request.body ?? {}, officer: null };
  if (request.body !== undefined) {
    throw new IndiciumError('MALFORMED_REQUEST', {
      field: 'body',
      detail: 'a sealed request has no plain body',
    });
  }
  const session = registry.current;
  const body = unsealRequest(session, request.command, request.sealed);
  if (session === null) throw new IndiciumError('SESSION_MESSAGE_REJECTED');
  const logon = session.logon;
  if (logon !== null && now - logon.lastActivityAt > logon.logonTimeoutMs) registry.logoff();
  const officer = session.logon === null ? null : { userId: session.logon.userId, role: session.logon.role };
  return { session, body, officer };
}
