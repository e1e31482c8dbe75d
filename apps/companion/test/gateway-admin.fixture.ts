import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  fromBase64,
  GetChallengeAnswerMac,
  GetChallengeRequestMac,
  layoutBytesOf,
  type PsdUserAdminAnswer,
  PsdUserAdminRequestMac,
  psdUserAdminAnswerBytes,
  toBase64,
} from '@indicium/protocol';
import type { RealVault } from './vault-harness.fixture.js';

/**
 * The customer administrator's side of Add / List PSD Users (DESIGN §3.3), as the web UI's users
 * page drives it with the administrator's HMK: Get Challenge, then one administration request,
 * each answer's MAC checked. Test support for the office test (the HMK comes from the gateway's
 * sealed store, opened with the administrator's passphrase).
 */
export async function administerUsers(
  vault: RealVault,
  admin: { meterId: string; userId: string; hmk: Uint8Array },
  change: { action: 'list' } | { action: 'add'; targetUserId: string; maximumTotalMills: number | null },
): Promise<PsdUserAdminAnswer> {
  const mac = (bytes: Uint8Array) => createHmac('sha256', admin.hmk).update(bytes).digest();
  const check = (bytes: Uint8Array, tag: string) => {
    if (!timingSafeEqual(mac(bytes), Buffer.from(fromBase64(tag))))
      throw new Error('answer MAC does not verify');
  };
  const challengeFields = {
    meterId: admin.meterId,
    userId: admin.userId,
    clientChallenge: toBase64(randomBytes(32)),
  };
  const challenge = await vault.request('POST', '/v1/psd/get-challenge', {
    body: {
      protocol: 1,
      ...challengeFields,
      hmac: toBase64(mac(layoutBytesOf(GetChallengeRequestMac, challengeFields))),
    },
  });
  if (challenge.status !== 200) throw new Error(`get-challenge: ${challenge.status} ${challenge.text}`);
  const challenged = JSON.parse(challenge.text) as { moduleChallenge: string; mac: string };
  check(layoutBytesOf(GetChallengeAnswerMac, challenged), challenged.mac);
  const fields = {
    meterId: admin.meterId,
    userId: admin.userId,
    clientChallenge: toBase64(randomBytes(32)),
    moduleChallenge: challenged.moduleChallenge,
    action: change.action,
    targetUserId: change.action === 'add' ? change.targetUserId : null,
    role: change.action === 'add' ? ('user' as const) : null,
    privileges: change.action === 'add' ? (['create-indicia', 'status'] as const) : [],
    maximumTotalMills: change.action === 'add' ? change.maximumTotalMills : null,
    expiresAt: null,
    reregister: false,
  };
  const answer = await vault.request('POST', '/v1/psd/users', {
    body: { protocol: 1, ...fields, hmac: toBase64(mac(layoutBytesOf(PsdUserAdminRequestMac, fields))) },
  });
  if (answer.status !== 200) throw new Error(`user admin: ${answer.status} ${answer.text}`);
  const body = JSON.parse(answer.text) as PsdUserAdminAnswer;
  check(
    psdUserAdminAnswerBytes({
      ...body,
      clientChallenge: fromBase64(body.clientChallenge),
      moduleChallenge: fromBase64(body.moduleChallenge),
    }),
    body.mac,
  );
  return body;
}
