import { sign } from 'node:crypto';
import {
  IndiciumError,
  layoutBytesOf,
  PROTOCOL_VERSION,
  RegistrationChallengeBodySchema,
  RegistrationChallengeSig,
  toBase64,
} from '@indicium/protocol';
import { checkpointSection } from '../checkpoints/checkpoint-section.js';
import { commitPackage, nextVersion } from './commit-package.js';
import { definePsdCommand } from './define-psd-command.js';
import { freshChallenge } from './fresh-challenge.js';
import { openPackage, requireMeter, requirePsdState } from './open-package.js';

/**
 * Registration challenge (DESIGN §4.2 step 2): a fresh 32-byte challenge for this meter, kept in
 * the package until Configure PSD, Register PSD User or Complete Password Reset consumes it (or a
 * newer one replaces it), signed with the pool's registration signing key.
 */
export const registrationChallengeCommand = definePsdCommand({
  name: 'registration-challenge',
  summary: 'A signed registration challenge for this meter (unleased, leased or pwreset).',
  design: 'DESIGN §4.2',
  role: 'none',
  auth: 'none',
  request: RegistrationChallengeBodySchema,
  handler: (ctx, body) => {
    const { pkg, keys, mks } = openPackage(ctx, body.package);
    requirePsdState(pkg, ['unleased', 'leased', 'pwreset']);
    requireMeter(pkg, body.request.meterId, 'request.meterId');
    const pair = ctx.nvm.get('cryptoCard').registrationSigningKey;
    if (pair === null)
      throw new IndiciumError('WRONG_STATE', { detail: 'no registration key in the crypto-card' });
    const challenge = freshChallenge();
    const expiresAt = ctx.now + checkpointSection(ctx).settings.challengeLifetimeMs;
    const fields = {
      meterId: pkg.meterId,
      challenge: toBase64(challenge),
      issuedAt: new Date(ctx.now).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
    };
    const signature = sign('sha256', layoutBytesOf(RegistrationChallengeSig, fields), {
      key: ctx.keys.privateKey(pair.privateKeyPkcs8),
      dsaEncoding: 'ieee-p1363',
    }).toString('base64');
    const next = nextVersion(pkg, {
      registrationChallenge: challenge,
      registrationChallengeExpiresAt: expiresAt,
    });
    const done = commitPackage(ctx, next, keys, mks, { userId: null, amountMills: 0, total: 'none' });
    return {
      result: { ...done.records, answer: { protocol: PROTOCOL_VERSION, ...fields, signature } },
      auditData: done.auditData,
    };
  },
});
