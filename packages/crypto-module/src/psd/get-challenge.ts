import {
  GetChallengeAnswerMac,
  GetChallengeBodySchema,
  GetChallengeRequestMac,
  IndiciumError,
  PROTOCOL_VERSION,
  toBase64,
} from '@indicium/protocol';
import { checkUserActive, hmacWith, verifyUserHmac, withUser } from '../users/user-auth.js';
import { commitPackage, nextVersion } from './commit-package.js';
import { definePsdCommand } from './define-psd-command.js';
import { freshChallenge } from './fresh-challenge.js';
import { openPackage, requireMeter, requirePsdState } from './open-package.js';
import { fastLayoutBytes } from './package/fast-canonical.js';
import { readSecrets } from './package-secrets.js';

/**
 * Get Challenge (DESIGN §4.3, a companion's first handshake): the user proves their HMK over a
 * fresh client challenge Cc0; the module answers HMAC(Cc0), a new module challenge Cm for this
 * user and the registers (which become what this user was last told), MACed with the HMK.
 */
export const getChallengeCommand = definePsdCommand({
  name: 'get-challenge',
  summary: 'User HMAC: a new module challenge for this user and the registers, MACed with the HMK.',
  design: 'DESIGN §3.3, §4.3',
  role: 'user',
  auth: 'user-hmac',
  request: GetChallengeBodySchema,
  handler: (ctx, body) => {
    const opened = openPackage(ctx, body.package);
    const { pkg, keys, mks } = opened;
    const { request } = body;
    requirePsdState(pkg, ['leased', 'pwreset']);
    requireMeter(pkg, request.meterId, 'request.meterId');
    const user = pkg.users.find((u) => u.userId === request.userId);
    const hmk = verifyUserHmac(
      readSecrets(opened).get(request.userId),
      fastLayoutBytes(GetChallengeRequestMac, request),
      request.hmac,
    );
    if (user === undefined) throw new IndiciumError('MAC_INVALID', { field: 'request.hmac' });
    const clientChallenge = Buffer.from(request.clientChallenge, 'base64');
    if (user.lastClientChallenge !== null && clientChallenge.equals(user.lastClientChallenge)) {
      throw new IndiciumError('MESSAGE_REPLAYED', { field: 'request.clientChallenge' });
    }
    checkUserActive(user, ctx.now);
    const moduleChallenge = freshChallenge();
    const next = nextVersion(pkg, {
      users: withUser(pkg, {
        ...user,
        challenge: moduleChallenge,
        challengeIssuedAt: ctx.now,
        lastClientChallenge: new Uint8Array(clientChallenge),
        toldAscending: pkg.ascendingRegister,
        toldDescending: pkg.descendingRegister,
      }),
    });
    const fields = {
      meterId: pkg.meterId,
      userId: user.userId,
      clientChallenge: request.clientChallenge,
      moduleChallenge: toBase64(moduleChallenge),
      ascendingRegisterMills: pkg.ascendingRegister,
      descendingRegisterMills: pkg.descendingRegister,
    };
    const mac = hmacWith(hmk, fastLayoutBytes(GetChallengeAnswerMac, fields));
    const done = commitPackage(ctx, next, keys, mks, { userId: user.userId, amountMills: 0, total: 'none' });
    return {
      result: {
        ...done.records,
        answer: { protocol: PROTOCOL_VERSION, ...fields, mac: mac.toString('base64') },
      },
      auditData: done.auditData,
    };
  },
});
