import { createHmac, randomBytes } from 'node:crypto';
import {
  fromBase64,
  IndiciumError,
  type PsdUserAdminAnswer,
  type PsdUserAdminRequest,
  psdUserAdminAnswerBytes,
  toBase64,
} from '@indicium/protocol';
import { describe, expect, it } from 'vitest';
import { verifyUserAdminAnswer } from './administer-users.js';

const hmk = new Uint8Array(randomBytes(32));
const request: PsdUserAdminRequest = {
  protocol: 1,
  meterId: '00042-00001-0000001001',
  userId: 'ada',
  clientChallenge: toBase64(randomBytes(32)),
  moduleChallenge: toBase64(randomBytes(32)),
  action: 'list',
  targetUserId: null,
  role: null,
  privileges: [],
  maximumTotalMills: null,
  expiresAt: null,
  reregister: false,
  hmac: toBase64(randomBytes(32)),
};

/** The module's answer to `request`, changed by `overrides` and MACed with `key` (DESIGN §3.3). */
function answer(overrides: Partial<PsdUserAdminAnswer> = {}, key: Uint8Array = hmk): PsdUserAdminAnswer {
  const fields = {
    protocol: 1 as const,
    meterId: request.meterId,
    userId: request.userId,
    clientChallenge: request.clientChallenge,
    moduleChallenge: toBase64(randomBytes(32)),
    action: request.action,
    users: [
      {
        userId: 'ada',
        role: 'customer-admin' as const,
        privileges: ['create-indicia' as const, 'status' as const],
        maximumTotalMills: null,
        totalMills: 730,
        expiresAt: null,
        registered: true,
        locked: false,
      },
    ],
    ...overrides,
  };
  const bytes = psdUserAdminAnswerBytes({
    ...fields,
    clientChallenge: fromBase64(fields.clientChallenge),
    moduleChallenge: fromBase64(fields.moduleChallenge),
  });
  return { ...fields, mac: toBase64(createHmac('sha256', key).update(bytes).digest()) };
}

function refusal(run: () => void): IndiciumError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IndiciumError);
    return error as IndiciumError;
  }
  throw new Error('expected a refusal');
}

describe('verifyUserAdminAnswer (DESIGN §3.3: the answer is MACed with the administrator’s HMK)', () => {
  it('accepts the module’s answer to this very request', () => {
    expect(() => verifyUserAdminAnswer(hmk, request, answer())).not.toThrow();
  });

  it('a user changed after the MAC, or a MAC under another key: MAC_INVALID', () => {
    const honest = answer();
    const tampered = { ...honest, users: honest.users.map((u) => ({ ...u, totalMills: 0 })) };
    expect(
      [refusal(() => verifyUserAdminAnswer(hmk, request, tampered))].map((e) => [e.code, e.field]),
    ).toEqual([['MAC_INVALID', 'answer.mac']]);
    const other = answer({}, new Uint8Array(randomBytes(32)));
    expect(refusal(() => verifyUserAdminAnswer(hmk, request, other)).code).toBe('MAC_INVALID');
  });

  it('an answer to another request, correctly MACed, is refused by what it echoes', () => {
    const replayed = refusal(() =>
      verifyUserAdminAnswer(hmk, request, answer({ clientChallenge: toBase64(randomBytes(32)) })),
    );
    expect([replayed.code, replayed.field]).toEqual(['CHALLENGE_INVALID', 'answer.clientChallenge']);
    const otherUser = refusal(() => verifyUserAdminAnswer(hmk, request, answer({ userId: 'bob' })));
    expect([otherUser.code, otherUser.field]).toEqual(['METER_MISMATCH', 'answer.meterId']);
    const otherAction = refusal(() => verifyUserAdminAnswer(hmk, request, answer({ action: 'delete' })));
    expect([otherAction.code, otherAction.field]).toEqual(['INVALID_FIELD', 'answer.action']);
  });
});
