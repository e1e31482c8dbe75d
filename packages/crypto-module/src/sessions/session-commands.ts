import { randomBytes } from 'node:crypto';
import {
  EmptyRequestSchema,
  fromBase64,
  IndiciumError,
  OpenSessionLayout,
  OpenSessionRequestSchema,
  toBase64,
} from '@indicium/protocol';
import { type CommandSpec, defineCommand, SESSION_STATES, stay } from '../commands/command-spec.js';
import { deriveSessionMasters } from './session-crypto.js';
import { generateX25519, x25519Shared } from './x25519.js';

/**
 * Open Session (DESIGN §2, §3.2): ephemeral X25519, the module's half and the session id signed by
 * the module key — a host that checks the signature against the module public key it trusts
 * cannot be talking to a man in the middle. One session at a time.
 */
export const openSession = defineCommand({
  name: 'open-session',
  summary: 'X25519 key agreement; the module half and session id signed by the module key.',
  design: 'DESIGN §2, §3.2',
  states: SESSION_STATES,
  role: 'none',
  auth: 'none',
  audit: 'entry',
  next: stay,
  request: OpenSessionRequestSchema,
  handler: (ctx, body) => {
    if (ctx.sessions.current !== null) throw new IndiciumError('SESSION_BUSY');
    const hostPublicKey = fromBase64(body.hostPublicKey);
    const ephemeral = generateX25519();
    const shared = x25519Shared(ephemeral.privateKey, hostPublicKey, 'hostPublicKey');
    const sessionId = randomBytes(16);
    const masters = deriveSessionMasters(shared, sessionId);
    shared.fill(0);
    const signature = ctx.signWithModuleKey(
      OpenSessionLayout.encode({
        moduleSerial: ctx.moduleSerial,
        sessionId,
        hostPublicKey,
        modulePublicKey: ephemeral.publicKey,
      }),
    );
    const id = toBase64(sessionId);
    ctx.afterCommit(() =>
      ctx.sessions.open({
        id,
        requestMaster: masters.request,
        answerMaster: masters.answer,
        lastRequestCounter: 0,
        answerCounter: 0,
        logon: null,
      }),
    );
    return {
      result: {
        sessionId: id,
        modulePublicKey: toBase64(ephemeral.publicKey),
        signature: toBase64(signature),
      },
      auditData: { sessionId: id },
    };
  },
});

/** Close Session: refused while an officer is logged on (DESIGN §3.2). */
export const closeSession = defineCommand({
  name: 'close-session',
  summary: 'Ends the session; refused while an officer is logged on.',
  design: 'DESIGN §3.2',
  states: SESSION_STATES,
  role: 'none',
  auth: 'session',
  audit: 'entry',
  next: stay,
  request: EmptyRequestSchema,
  handler: (ctx) => {
    if (ctx.caller.officer !== null) {
      throw new IndiciumError('ALREADY_LOGGED_ON', { detail: 'log off before closing the session' });
    }
    ctx.afterCommit(() => ctx.sessions.close());
    return { result: {}, auditData: { sessionId: ctx.caller.sessionId ?? '' } };
  },
});

export const sessionCommands: readonly CommandSpec[] = Object.freeze([openSession, closeSession]);
