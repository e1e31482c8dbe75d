import {
  acceptCreateIndiciumBody,
  CreateIndiciumBodySchema,
  IndiciumError,
  MAX_PIECE_COUNT,
  PROTOCOL_VERSION,
} from '@indicium/protocol';
import type { z } from 'zod';
import { checkpointSection } from '../checkpoints/checkpoint-section.js';
import type { CommandSpec } from '../commands/command-spec.js';
import type { HandlerContext, HandlerOutcome } from '../commands/handler-context.js';
import {
  checkModuleChallenge,
  checkUserActive,
  hmacWith,
  verifyUserHmac,
  withUser,
} from '../users/user-auth.js';
import { cardLimits } from './card-limits.js';
import { commitPackage, nextVersion } from './commit-package.js';
import { createIndiciumAnswerMacInput, createIndiciumRequestMacInput } from './create-indicium-mac-input.js';
import { definePsdCommand } from './define-psd-command.js';
import { freshChallenge } from './fresh-challenge.js';
import { openPackage, requireMeter, requirePsdState } from './open-package.js';
import { readSecrets } from './package-secrets.js';
import { signIndicium } from './sign-indicium.js';

type Body = z.output<typeof CreateIndiciumBodySchema>;

/** The protocol's `toBase64` text (canonical, padded), by Node's encoder: no per-byte string building. */
function base64Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Create Indicium and Create Correction Indicium (DESIGN §4.3; seed: the correction "operates
 * identically … except that it results in a correction indicium"), the twelve checks and steps in
 * their order. One round trip in the steady state: the request carries the module challenge of the
 * previous answer and the answer carries the next one.
 */
function createIndicium(ctx: HandlerContext, body: Body, kind: 'postage' | 'correction'): HandlerOutcome {
  const { request } = body;
  const tx = request.transaction;
  if (tx.kind !== kind) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'request.transaction.kind',
      detail: `this command makes ${kind}`,
    });
  }
  // (1) package MAC with the key derived from the indicium key
  const opened = openPackage(ctx, body.package);
  const { pkg, keys, mks } = opened;
  // (2) PSD state
  requirePsdState(pkg, ['leased']);
  // (3) meter id
  requireMeter(pkg, request.meterId, 'request.meterId');
  // (4) Cm is the last challenge issued to this user, and fresh
  const { challengeLifetimeMs } = checkpointSection(ctx).settings;
  const user = checkModuleChallenge(
    pkg,
    request.userId,
    request.moduleChallenge,
    ctx.now,
    challengeLifetimeMs,
  );
  // (5) the HMAC with this user's HMK; registers as last told to this user; privileges, expiry, total
  const hmk = verifyUserHmac(
    readSecrets(opened).get(user.userId),
    createIndiciumRequestMacInput(request),
    request.hmac,
  );
  // What the package records as last told to this user — on a single-user meter, the package's
  // own registers, so a stale package or a replay shows here (DESIGN §4.3 step 5).
  const single = pkg.users.length === 1;
  const toldAscending = single ? pkg.ascendingRegister : user.toldAscending;
  const toldDescending = single ? pkg.descendingRegister : user.toldDescending;
  if (
    request.ascendingRegisterMills !== toldAscending ||
    request.descendingRegisterMills !== toldDescending
  ) {
    throw new IndiciumError('REGISTER_MISMATCH', { field: 'request.ascendingRegisterMills' });
  }
  if (!user.privileges.includes('create-indicia') || user.locked) {
    throw new IndiciumError('PRIVILEGE_DENIED', { field: 'request.userId' });
  }
  checkUserActive(user, ctx.now);
  const postage = tx.postageMills;
  if (user.maximumTotalMills !== null && user.totalMills + postage > user.maximumTotalMills) {
    throw new IndiciumError('USER_TOTAL_EXCEEDED', { field: 'request.transaction.postageMills' });
  }
  // (6) the value within the indicium limits; the origin is the licensing ZIP (DESIGN §5 offset 26)
  const limits = cardLimits(ctx);
  if (postage < limits.minPostage || postage > limits.maxPostage) {
    throw new IndiciumError('POSTAGE_OUT_OF_LIMITS', { field: 'request.transaction.postageMills' });
  }
  if (tx.originZip !== pkg.licensingZip) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'request.transaction.originZip',
      detail: 'not the licensing ZIP',
    });
  }
  // (7) the DR covers it
  if (postage > pkg.descendingRegister) {
    throw new IndiciumError('INSUFFICIENT_FUNDS', { field: 'request.transaction.postageMills' });
  }
  if (pkg.pieceCount >= MAX_PIECE_COUNT || pkg.ascendingRegister + postage > limits.maxAscendingRegister) {
    throw new IndiciumError('LIMIT_EXCEEDED', { field: 'package', detail: 'the meter is full: withdraw it' });
  }
  // (8) DR → AR, one more piece
  const moduleChallenge = freshChallenge();
  const moved = {
    ascendingRegister: pkg.ascendingRegister + postage,
    descendingRegister: pkg.descendingRegister - postage,
    pieceCount: pkg.pieceCount + 1,
  };
  const next = nextVersion(pkg, {
    ...moved,
    users: withUser(pkg, {
      ...user,
      totalMills: user.totalMills + postage,
      challenge: moduleChallenge,
      challengeIssuedAt: ctx.now,
      toldAscending: moved.ascendingRegister,
      toldDescending: moved.descendingRegister,
    }),
  });
  // (9) the indicium, signed
  const indicium = signIndicium(next, keys, { ...tx, kind }, ctx.now);
  // (10) the answer, MACed with the HMK
  const mac = hmacWith(
    hmk,
    createIndiciumAnswerMacInput({
      meterId: pkg.meterId,
      userId: user.userId,
      indicium,
      clientChallenge: request.clientChallenge,
      moduleChallenge,
      ascendingRegisterMills: moved.ascendingRegister,
      descendingRegisterMills: moved.descendingRegister,
    }),
  );
  // (11) package and checkpoint; (12) the audit entry (made by dispatch from auditData)
  const done = commitPackage(ctx, next, keys, mks, {
    userId: user.userId,
    amountMills: postage,
    total: 'printed',
  });
  return {
    result: {
      ...done.records,
      answer: {
        protocol: PROTOCOL_VERSION,
        meterId: pkg.meterId,
        userId: user.userId,
        indicium: base64Of(indicium),
        clientChallenge: request.clientChallenge,
        moduleChallenge: base64Of(moduleChallenge),
        ascendingRegisterMills: moved.ascendingRegister,
        descendingRegisterMills: moved.descendingRegister,
        mac: mac.toString('base64'),
      },
    },
    auditData: done.auditData,
  };
}

export const createIndiciumCommand: CommandSpec = definePsdCommand({
  name: 'create-indicium',
  summary: 'User HMAC: the 12 checks of §4.3, DR → AR, signed indicium, next module challenge.',
  design: 'DESIGN §3.3, §4.3',
  role: 'user',
  auth: 'user-hmac',
  request: CreateIndiciumBodySchema,
  accept: acceptCreateIndiciumBody,
  handler: (ctx, body) => createIndicium(ctx, body, 'postage'),
});

export const createCorrectionIndiciumCommand: CommandSpec = definePsdCommand({
  name: 'create-correction-indicium',
  summary: 'User HMAC: as Create Indicium, for a correction indicium (kind 1).',
  design: 'DESIGN §3.3, §4.3',
  role: 'user',
  auth: 'user-hmac',
  request: CreateIndiciumBodySchema,
  accept: acceptCreateIndiciumBody,
  handler: (ctx, body) => createIndicium(ctx, body, 'correction'),
});
