import {
  ConfigureAnswerSchema,
  ConfigureRequestSchema,
  CreateIndiciumAnswerSchema,
  CreateIndiciumRequestSchema,
  GetChallengeAnswerSchema,
  GetChallengeRequestSchema,
  IndiciumError,
  PsdUserAdminAnswerSchema,
  PsdUserAdminRequestSchema,
  RegistrationChallengeRequestSchema,
  RegistrationChallengeSchema,
  type RegistrationKeyBundle,
  RegistrationKeyBundleSchema,
  VAULT_PATHS,
} from '@indicium/protocol';
import { defineRoute, type Route } from '../http/route.js';
import type { MeterService } from './meter-service.js';

/** Refusals any PSD command may answer, for the OpenAPI document. */
const PSD_ERRORS = ['NOT_FOUND', 'CHECKPOINT_MISMATCH', 'STALE_PACKAGE', 'WRONG_STATE', 'PACKAGE_INTEGRITY'];

/**
 * The PSD protocol routes for companions (DESIGN §4.2, §4.3; bodies and answers are the protocol's
 * `vault-api.ts` schemas). They need no web session: registration is authorised by the one-time
 * registration token and the module's challenge, everything after by the user's HMAC, which only
 * the module can check. The vault never sees the HMK or the passphrase hash (they travel
 * RSA-encrypted to the crypto-card's client-secret key).
 */
export function meterRoutes(deps: {
  readonly meters: MeterService;
  readonly keyBundle: () => Promise<RegistrationKeyBundle>;
}): Route[] {
  const { meters } = deps;
  return [
    defineRoute({
      method: 'get',
      path: VAULT_PATHS.registrationKeyBundle,
      auth: 'public',
      tag: 'psd',
      summary: 'The client-secret and registration public keys, signed under the postal CA',
      answer: { status: 200, schema: RegistrationKeyBundleSchema },
      errors: ['VAULT_UNAVAILABLE'],
      handler: async () => ({ json: await deps.keyBundle() }),
    }),
    defineRoute({
      method: 'post',
      path: VAULT_PATHS.registrationChallenge,
      auth: 'public',
      tag: 'psd',
      summary: 'A registration challenge for a meter, signed by the registration key',
      body: RegistrationChallengeRequestSchema,
      answer: { status: 200, schema: RegistrationChallengeSchema },
      errors: ['ROLE_DENIED', ...PSD_ERRORS],
      handler: async ({ body }) => ({ json: await meters.registrationChallenge(body) }),
    }),
    defineRoute({
      method: 'post',
      path: VAULT_PATHS.registrationConfigure,
      auth: 'public',
      tag: 'psd',
      summary: 'Configure PSD, Register PSD User or Complete Password Reset with encrypted client secrets',
      body: ConfigureRequestSchema,
      answer: { status: 200, schema: ConfigureAnswerSchema },
      errors: ['ROLE_DENIED', 'CHALLENGE_INVALID', 'CHALLENGE_EXPIRED', 'PASSPHRASE_WRONG', ...PSD_ERRORS],
      handler: async ({ body }) => ({ json: await meters.configure(body) }),
    }),
    defineRoute({
      method: 'post',
      path: VAULT_PATHS.getChallenge,
      auth: 'public',
      tag: 'psd',
      summary: 'Get Challenge: a new module challenge and the registers, MACed with the HMK',
      body: GetChallengeRequestSchema,
      answer: { status: 200, schema: GetChallengeAnswerSchema },
      errors: ['MAC_INVALID', ...PSD_ERRORS],
      handler: async ({ body }) => ({ json: await meters.getChallenge(body) }),
    }),
    defineRoute({
      method: 'post',
      path: VAULT_PATHS.userAdmin,
      auth: 'public',
      tag: 'psd',
      summary: 'Add, delete, modify or list PSD users (Customer Administrator HMAC)',
      body: PsdUserAdminRequestSchema,
      answer: { status: 200, schema: PsdUserAdminAnswerSchema },
      errors: ['MAC_INVALID', 'CHALLENGE_INVALID', 'PRIVILEGE_DENIED', 'LIMIT_EXCEEDED', ...PSD_ERRORS],
      handler: async ({ body }) => ({ json: await meters.userAdmin(body) }),
    }),
    ...(['createIndicium', 'createCorrectionIndicium'] as const).map((name) =>
      defineRoute({
        method: 'post',
        path: VAULT_PATHS[name],
        auth: 'public',
        tag: 'psd',
        summary:
          name === 'createIndicium'
            ? 'Create Indicium (idempotent on the request MAC; answered after the commit)'
            : 'Create Correction Indicium (idempotent on the request MAC; answered after the commit)',
        body: CreateIndiciumRequestSchema,
        answer: { status: 200, schema: CreateIndiciumAnswerSchema },
        errors: [
          'INSUFFICIENT_FUNDS',
          'POSTAGE_OUT_OF_LIMITS',
          'MAC_INVALID',
          'CHALLENGE_INVALID',
          'REGISTER_MISMATCH',
          ...PSD_ERRORS,
        ],
        handler: async ({ body }) => {
          const kind = name === 'createIndicium' ? 'postage' : 'correction';
          if (body.transaction.kind !== kind) {
            throw new IndiciumError('INVALID_FIELD', {
              field: 'transaction.kind',
              detail: `this route makes ${kind} indicia`,
            });
          }
          return { json: await meters.createIndicium(body) };
        },
      }),
    ),
  ];
}
