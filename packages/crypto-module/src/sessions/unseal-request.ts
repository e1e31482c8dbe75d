import { IndiciumError, type SealedMessage, type SessionDirection } from '@indicium/protocol';
import { openMessage, sealMessage } from './session-crypto.js';
import type { OfficerSession } from './session-registry.js';

/**
 * Opens a request that arrived as a session message. The counter must exceed every counter seen
 * in this session; it is consumed even if the command is later refused, so a refused message can
 * never be replayed into a state where it would be accepted.
 */
export function unsealRequest(
  session: OfficerSession | null,
  command: string,
  sealed: SealedMessage,
): unknown {
  if (session === null) throw new IndiciumError('SESSION_MESSAGE_REJECTED', { detail: 'no open session' });
  const body = openMessage(
    {
      direction: 'request',
      master: session.requestMaster,
      sessionId: session.id,
      command,
      expectCounter: (counter) => counter > session.lastRequestCounter,
    },
    sealed,
  );
  session.lastRequestCounter = sealed.counter;
  return body;
}

/** Seals an answer under the answer key, with the counter of the request it answers. */
export function sealAnswer(
  session: OfficerSession,
  command: string,
  request: SealedMessage,
  result: unknown,
): SealedMessage {
  const direction: SessionDirection = 'answer';
  session.answerCounter = request.counter;
  return sealMessage(
    {
      direction,
      master: session.answerMaster,
      sessionId: session.id,
      counter: request.counter,
      command,
      encrypt: request.encrypted,
    },
    result,
  );
}
