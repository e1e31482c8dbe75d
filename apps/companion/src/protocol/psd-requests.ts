import { randomBytes } from 'node:crypto';
import {
  type CreateIndiciumAnswer,
  CreateIndiciumAnswerMac,
  type CreateIndiciumRequest,
  CreateIndiciumRequestMac,
  type GetChallengeAnswer,
  GetChallengeAnswerMac,
  type GetChallengeRequest,
  GetChallengeRequestMac,
  IndiciumError,
  PROTOCOL_VERSION,
  type Transaction,
  toBase64,
} from '@indicium/protocol';
import { assertMac, macOf } from './hmac-layout.js';

/** A fresh 32-byte client challenge (Cc): never reused, so an old answer cannot pass for a new one. */
export function freshChallenge(): string {
  return toBase64(randomBytes(32));
}

/** DESIGN §4.3, first handshake: Cc0 under the user's HMK. */
export function signGetChallengeRequest(
  hmk: Uint8Array,
  who: { readonly meterId: string; readonly userId: string },
): GetChallengeRequest {
  const message = {
    protocol: PROTOCOL_VERSION,
    meterId: who.meterId,
    userId: who.userId,
    clientChallenge: freshChallenge(),
  } as const;
  return { ...message, hmac: macOf(hmk, GetChallengeRequestMac, message) };
}

/** The answer is MACed with the HMK and echoes our Cc0, meter and user. MAC_INVALID, CHALLENGE_INVALID. */
export function verifyGetChallengeAnswer(
  hmk: Uint8Array,
  request: GetChallengeRequest,
  answer: GetChallengeAnswer,
): void {
  assertMac(hmk, GetChallengeAnswerMac, answer, answer.mac, 'answer.mac');
  if (answer.clientChallenge !== request.clientChallenge) {
    throw new IndiciumError('CHALLENGE_INVALID', { field: 'answer.clientChallenge' });
  }
  if (answer.meterId !== request.meterId || answer.userId !== request.userId) {
    throw new IndiciumError('METER_MISMATCH', { field: 'answer.meterId' });
  }
}

/**
 * DESIGN §4.3 steady state: fresh Cc, the module's last Cm, the client's AR/DR record and the
 * transaction, all under one HMAC. The MAC is the vault's idempotency key: a retry sends this very
 * object again.
 */
export function signCreateIndiciumRequest(
  hmk: Uint8Array,
  fields: {
    readonly meterId: string;
    readonly userId: string;
    readonly moduleChallenge: string;
    readonly ascendingRegisterMills: number;
    readonly descendingRegisterMills: number;
    readonly transaction: Transaction;
  },
): CreateIndiciumRequest {
  const message = {
    protocol: PROTOCOL_VERSION,
    meterId: fields.meterId,
    userId: fields.userId,
    clientChallenge: freshChallenge(),
    moduleChallenge: fields.moduleChallenge,
    ascendingRegisterMills: fields.ascendingRegisterMills,
    descendingRegisterMills: fields.descendingRegisterMills,
    transaction: { ...fields.transaction },
  } as const;
  return { ...message, hmac: macOf(hmk, CreateIndiciumRequestMac, message) };
}

/** The answer's MAC under the HMK, and that it answers this request (Cc, meter, user). */
export function verifyCreateIndiciumAnswer(
  hmk: Uint8Array,
  request: CreateIndiciumRequest,
  answer: CreateIndiciumAnswer,
): void {
  assertMac(hmk, CreateIndiciumAnswerMac, answer, answer.mac, 'answer.mac');
  if (answer.clientChallenge !== request.clientChallenge) {
    throw new IndiciumError('CHALLENGE_INVALID', { field: 'answer.clientChallenge' });
  }
  if (answer.meterId !== request.meterId || answer.userId !== request.userId) {
    throw new IndiciumError('METER_MISMATCH', { field: 'answer.meterId' });
  }
}
