import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type CanonicalFieldType,
  type CanonicalLayout,
  type CreateIndiciumAnswer,
  CreateIndiciumAnswerMac,
  type CreateIndiciumRequest,
  CreateIndiciumRequestMac,
  fromBase64,
  type GetChallengeAnswer,
  GetChallengeAnswerMac,
  type GetChallengeRequest,
  GetChallengeRequestMac,
  IndiciumError,
  layoutBytesOf,
  PROTOCOL_VERSION,
  type PsdUserAdminAnswer,
  type PsdUserAdminRequest,
  PsdUserAdminRequestMac,
  psdUserAdminAnswerBytes,
  toBase64,
} from '@indicium/protocol';

/**
 * Host-side helpers (the companion's half of DESIGN §4.3, for tests, the vault's benchmark and any
 * client in Node): build user requests MACed with an HMK over the protocol's layouts and check the
 * module's answers. The companion may use the layouts directly; these produce the same bytes.
 */

function mac<S extends Record<string, CanonicalFieldType>>(
  hmk: Uint8Array,
  layout: CanonicalLayout<S>,
  message: object,
): string {
  return toBase64(createHmac('sha256', hmk).update(layoutBytesOf(layout, message)).digest());
}

function checkMac(hmk: Uint8Array, bytes: Uint8Array, presented: string): void {
  const expected = createHmac('sha256', hmk).update(bytes).digest();
  const got = fromBase64(presented);
  if (got.length !== expected.length || !timingSafeEqual(expected, got)) {
    throw new IndiciumError('MAC_INVALID', { field: 'answer.mac' });
  }
}

/**
 * @example
 * const request = signGetChallengeRequest(hmk, { meterId, userId, clientChallenge: toBase64(randomBytes(32)) });
 */
export function signGetChallengeRequest(
  hmk: Uint8Array,
  fields: Omit<GetChallengeRequest, 'protocol' | 'hmac'>,
): GetChallengeRequest {
  const message = { protocol: PROTOCOL_VERSION as typeof PROTOCOL_VERSION & 1, ...fields };
  return { ...message, hmac: mac(hmk, GetChallengeRequestMac, message) };
}

/** The answer's MAC under the HMK, and that it echoes our client challenge, meter and user. */
export function verifyGetChallengeAnswer(
  hmk: Uint8Array,
  request: GetChallengeRequest,
  answer: GetChallengeAnswer,
): void {
  checkMac(hmk, layoutBytesOf(GetChallengeAnswerMac, answer), answer.mac);
  if (
    answer.clientChallenge !== request.clientChallenge ||
    answer.meterId !== request.meterId ||
    answer.userId !== request.userId
  ) {
    throw new IndiciumError('CHALLENGE_INVALID', { field: 'answer.clientChallenge' });
  }
}

export function signCreateIndiciumRequest(
  hmk: Uint8Array,
  fields: Omit<CreateIndiciumRequest, 'protocol' | 'hmac'>,
): CreateIndiciumRequest {
  const message = { protocol: PROTOCOL_VERSION as typeof PROTOCOL_VERSION & 1, ...fields };
  return { ...message, hmac: mac(hmk, CreateIndiciumRequestMac, message) };
}

export function verifyCreateIndiciumAnswer(
  hmk: Uint8Array,
  request: CreateIndiciumRequest,
  answer: CreateIndiciumAnswer,
): void {
  checkMac(hmk, layoutBytesOf(CreateIndiciumAnswerMac, answer), answer.mac);
  if (
    answer.clientChallenge !== request.clientChallenge ||
    answer.meterId !== request.meterId ||
    answer.userId !== request.userId
  ) {
    throw new IndiciumError('CHALLENGE_INVALID', { field: 'answer.clientChallenge' });
  }
}

export function signUserAdminRequest(
  hmk: Uint8Array,
  fields: Omit<PsdUserAdminRequest, 'protocol' | 'hmac'>,
): PsdUserAdminRequest {
  const message = { protocol: PROTOCOL_VERSION as typeof PROTOCOL_VERSION & 1, ...fields };
  return { ...message, hmac: mac(hmk, PsdUserAdminRequestMac, message) };
}

export function verifyUserAdminAnswer(
  hmk: Uint8Array,
  request: PsdUserAdminRequest,
  answer: PsdUserAdminAnswer,
): void {
  checkMac(
    hmk,
    psdUserAdminAnswerBytes({
      ...answer,
      clientChallenge: fromBase64(answer.clientChallenge),
      moduleChallenge: fromBase64(answer.moduleChallenge),
    }),
    answer.mac,
  );
  if (answer.clientChallenge !== request.clientChallenge) {
    throw new IndiciumError('CHALLENGE_INVALID', { field: 'answer.clientChallenge' });
  }
}
