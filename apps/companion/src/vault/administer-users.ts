import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  fromBase64,
  IndiciumError,
  type PageCallAnswer,
  type PageCallRequest,
  PROTOCOL_VERSION,
  type PsdUserAdminAnswer,
  PsdUserAdminAnswerSchema,
  type PsdUserAdminRequest,
  PsdUserAdminRequestMac,
  psdUserAdminAnswerBytes,
  VAULT_PATHS,
} from '@indicium/protocol';
import type { VaultCallContext } from '../calls/vault-client.js';
import { macOf } from '../protocol/hmac-layout.js';
import { freshChallenge } from '../protocol/psd-requests.js';
import type { MeterUserSecrets } from '../secrets/meter-user-secrets.js';
import { getChallenge } from './issue-indicium.js';
import { isVaultRefusal, type VaultHttp } from './vault-http.js';

/** Refusals a fresh Get Challenge clears (DESIGN §4.3): the Cm was used or has expired. */
const RESYNC_CODES = new Set(['CHALLENGE_INVALID', 'CHALLENGE_EXPIRED']);

/**
 * Add / Delete / Modify / List PSD Users (DESIGN §3.3) for the customer administrator registered
 * on this companion: the request carries a fresh Cc and the administrator's Cm under their HMK, so
 * the page that asked never holds a key. The answer counts only once its MAC under the same HMK
 * verifies and it echoes our Cc, meter, administrator and action; its Cm is then saved, since the
 * administrator's next print or administration request needs it. A used or expired Cm is
 * refreshed once with Get Challenge.
 */
export async function administerUsers(
  deps: { readonly http: VaultHttp },
  request: PageCallRequest<'users'>,
  context: VaultCallContext,
): Promise<PageCallAnswer<'users'>> {
  let record = context.secrets.meterUser(request.meterId, request.userId);
  try {
    for (let attempt = 1; ; attempt += 1) {
      if (record.moduleChallenge === null) record = await getChallenge(deps, context, record);
      const signed = signUserAdminRequest(record, request);
      context.progress('issuing');
      let answer: PsdUserAdminAnswer;
      try {
        answer = await deps.http.postJson(VAULT_PATHS.userAdmin, signed, PsdUserAdminAnswerSchema);
      } catch (error) {
        if (!(isVaultRefusal(error) && RESYNC_CODES.has(error.code) && attempt === 1)) throw error;
        record = { ...record, moduleChallenge: null };
        continue;
      }
      context.progress('verifying');
      verifyUserAdminAnswer(record.hmk, signed, answer);
      await context.secrets.putMeterUser({ ...record, moduleChallenge: fromBase64(answer.moduleChallenge) });
      return { meterId: answer.meterId, users: answer.users };
    }
  } finally {
    record.hmk.fill(0);
  }
}

function signUserAdminRequest(
  record: MeterUserSecrets,
  request: PageCallRequest<'users'>,
): PsdUserAdminRequest {
  const message: Omit<PsdUserAdminRequest, 'hmac'> = {
    protocol: PROTOCOL_VERSION,
    meterId: record.meterId,
    userId: record.userId,
    clientChallenge: freshChallenge(),
    moduleChallenge: Buffer.from(record.moduleChallenge as Uint8Array).toString('base64'),
    action: request.action,
    targetUserId: request.targetUserId,
    role: request.role,
    privileges: [...request.privileges],
    maximumTotalMills: request.maximumTotalMills,
    expiresAt: request.expiresAt,
    reregister: request.reregister,
  };
  return { ...message, hmac: macOf(record.hmk, PsdUserAdminRequestMac, message) };
}

/** MAC_INVALID unless the HMK MACed this answer; CHALLENGE_INVALID / METER_MISMATCH if it answers another request. */
export function verifyUserAdminAnswer(
  hmk: Uint8Array,
  request: PsdUserAdminRequest,
  answer: PsdUserAdminAnswer,
): void {
  const expected = createHmac('sha256', hmk)
    .update(
      psdUserAdminAnswerBytes({
        ...answer,
        clientChallenge: fromBase64(answer.clientChallenge),
        moduleChallenge: fromBase64(answer.moduleChallenge),
      }),
    )
    .digest();
  const got = fromBase64(answer.mac);
  if (got.length !== expected.length || !timingSafeEqual(expected, got)) {
    throw new IndiciumError('MAC_INVALID', { field: 'answer.mac' });
  }
  if (answer.clientChallenge !== request.clientChallenge) {
    throw new IndiciumError('CHALLENGE_INVALID', { field: 'answer.clientChallenge' });
  }
  if (answer.meterId !== request.meterId || answer.userId !== request.userId) {
    throw new IndiciumError('METER_MISMATCH', { field: 'answer.meterId' });
  }
  if (answer.action !== request.action) {
    throw new IndiciumError('INVALID_FIELD', { field: 'answer.action', detail: 'answers another action' });
  }
}
