import { randomBytes } from 'node:crypto';
import {
  type ConfigureAnswer,
  ConfigureAnswerBodySchema,
  type ConfigureRequest,
  type CreateIndiciumAnswer,
  CreateIndiciumAnswerBodySchema,
  CreateIndiciumAnswerSchema,
  type CreateIndiciumRequest,
  fromBase64,
  type GetChallengeAnswer,
  GetChallengeAnswerBodySchema,
  type GetChallengeRequest,
  IndiciumError,
  type PsdUserAdminAnswer,
  PsdUserAdminAnswerBodySchema,
  type PsdUserAdminRequest,
  type RegistrationChallenge,
  RegistrationChallengeAnswerSchema,
  type RegistrationChallengeRequest,
} from '@indicium/protocol';
import type { Logger } from 'pino';
import type { ModulePool } from '../pool/module-pool.js';
import type { CommitUnit } from '../store/commit-unit.js';
import type { Store } from '../store/store.js';
import type { PackageRecord } from '../store/store-records.js';
import { packageWrite } from './package-write.js';
import type { ModuleLease, PsdModules } from './psd-modules.js';
import type { RegistrationTokens } from './registration-tokens.js';

/** Called after a meter's first user configured it (the provider then authorizes the customer). */
export type OnConfigured = (meterId: string, customerId: string) => Promise<void>;

export interface MeterService {
  registrationChallenge(request: RegistrationChallengeRequest): Promise<RegistrationChallenge>;
  configure(request: ConfigureRequest): Promise<ConfigureAnswer>;
  getChallenge(request: GetChallengeRequest): Promise<GetChallengeAnswer>;
  createIndicium(request: CreateIndiciumRequest): Promise<CreateIndiciumAnswer>;
  /** Add / Delete / Modify / List PSD Users, MACed by a Customer Administrator's HMK. */
  userAdmin(request: PsdUserAdminRequest): Promise<PsdUserAdminAnswer>;
}

export interface MeterServiceDeps {
  readonly pool: ModulePool;
  readonly psd: PsdModules;
  readonly store: Store;
  readonly tokens: RegistrationTokens;
  readonly onConfigured: OnConfigured;
  readonly log: Logger;
}

const COMMAND_OF_ACTION = Object.freeze({
  add: 'add-psd-user',
  delete: 'delete-psd-user',
  modify: 'modify-psd-user',
  list: 'list-psd-users',
} as const);

const COMMAND_OF_MODE = Object.freeze({
  configure: 'configure-psd',
  'add-user': 'register-psd-user',
  reset: 'complete-password-reset',
} as const);

/**
 * The PSD protocol for companions (DESIGN §4.2, §4.3): each request runs inside the meter's
 * serialisation on one held module, and its answer leaves only after the unit — new package,
 * module-table checkpoint, audit entries, and the indicium record or meter users — is durably
 * committed. Create Indicium is idempotent on the request MAC: a retry of a committed request gets
 * the stored answer, never a second indicium and never none.
 *
 * @example
 * const answer = await meters.createIndicium(request); // send only now
 */
export function createMeterService(deps: MeterServiceDeps): MeterService {
  const { pool, psd, store, tokens } = deps;
  const log = deps.log.child({ component: 'meters' });

  async function packageOf(meterId: string): Promise<PackageRecord> {
    const pkg = await store.packages.get(meterId);
    if (pkg === null) throw new IndiciumError('NOT_FOUND', { field: 'meterId' });
    return pkg;
  }

  async function commitWith(
    lease: ModuleLease,
    pkg: PackageRecord,
    records: Parameters<typeof packageWrite>[1],
    extra: Partial<CommitUnit> = {},
    customerId: string | null = pkg.customerId,
  ): Promise<void> {
    await lease.commit({ package: packageWrite(pkg, records, customerId), ...extra });
  }

  const packageText = (pkg: PackageRecord) => Buffer.from(pkg.bytes).toString('base64');

  return {
    async registrationChallenge(request) {
      await tokens.check(request.registrationToken, request.meterId);
      return pool.withMeter(request.meterId, async () => {
        const pkg = await packageOf(request.meterId);
        return psd.withModule(
          async (lease) => {
            const done = await lease.call(
              'registration-challenge',
              { package: packageText(pkg), request },
              RegistrationChallengeAnswerSchema,
            );
            await commitWith(lease, pkg, done);
            return done.answer;
          },
          { meterId: request.meterId },
        );
      });
    },

    async configure(request) {
      const grant = await tokens.check(request.registrationToken, request.meterId);
      if (
        grant.mode !== request.mode ||
        grant.customerId !== request.customerId ||
        grant.userId !== request.userId
      ) {
        throw new IndiciumError('ROLE_DENIED', { field: 'registrationToken', details: { reason: 'grant' } });
      }
      const answer = await pool.withMeter(request.meterId, async () => {
        const pkg = await packageOf(request.meterId);
        return psd.withModule(
          async (lease) => {
            const done = await lease.call(
              COMMAND_OF_MODE[request.mode],
              { package: packageText(pkg), request },
              ConfigureAnswerBodySchema,
            );
            const role = request.mode === 'configure' ? 'customer-administrator' : 'user';
            await commitWith(
              lease,
              pkg,
              done,
              done.completed
                ? {
                    meterUsers: [
                      {
                        meterId: request.meterId,
                        userId: request.userId,
                        role,
                        customerId: request.customerId,
                      },
                    ],
                    // Used up with the registration it allowed, all or nothing: a second registration
                    // with the same token (on any node) fails here with ROLE_DENIED and commits nothing.
                    consumedRegistrationToken: tokens.consumption(request.registrationToken, request.meterId),
                  }
                : {},
              request.mode === 'configure' ? request.customerId : pkg.customerId,
            );
            // A wrong passphrase in a password reset is counted in the committed package.
            if (!done.completed || done.answer === null) {
              throw new IndiciumError('PASSPHRASE_WRONG', { field: 'encryptedSecrets' });
            }
            return done.answer;
          },
          { meterId: request.meterId },
        );
      });
      log.info({ meterId: request.meterId, mode: request.mode }, 'companion registered');
      if (request.mode === 'configure') {
        // The companion is registered whatever happens next; a failed authorization is retried
        // before the customer's next purchase (the meter stays assigned until then).
        await deps.onConfigured(request.meterId, request.customerId).catch((error: unknown) => {
          log.error({ meterId: request.meterId, err: error }, 'Authorize Customer after Configure failed');
        });
      }
      return answer;
    },

    getChallenge(request) {
      return pool.withMeter(request.meterId, async () => {
        const pkg = await packageOf(request.meterId);
        return psd.withModule(
          async (lease) => {
            const done = await lease.call(
              'get-challenge',
              { package: packageText(pkg), request },
              GetChallengeAnswerBodySchema,
            );
            await commitWith(lease, pkg, done);
            return done.answer;
          },
          { meterId: request.meterId },
        );
      });
    },

    createIndicium(request) {
      const requestMac = fromBase64(request.hmac);
      return pool.withMeter(request.meterId, async () => {
        const stored = await store.findIndiciumByRequestMac(requestMac);
        if (stored !== null) {
          // A retry of a committed request (DESIGN §4.3): the same answer, never a new indicium.
          if (stored.meterId !== request.meterId) {
            throw new IndiciumError('MESSAGE_REPLAYED', { field: 'hmac' });
          }
          return CreateIndiciumAnswerSchema.parse(JSON.parse(new TextDecoder().decode(stored.answer)));
        }
        const pkg = await packageOf(request.meterId);
        const command =
          request.transaction.kind === 'correction' ? 'create-correction-indicium' : 'create-indicium';
        return psd.withModule(
          async (lease) => {
            const done = await lease.call(
              command,
              { package: packageText(pkg), request },
              CreateIndiciumAnswerBodySchema,
            );
            const answer = done.answer;
            await commitWith(lease, pkg, done, {
              indicium: {
                indiciumId: randomBytes(16).toString('base64url'),
                requestMac,
                meterId: request.meterId,
                userId: request.userId,
                kind: request.transaction.kind,
                postageMills: request.transaction.postageMills,
                ascendingRegisterMills: done.ascendingRegisterMills,
                descendingRegisterMills: done.descendingRegisterMills,
                pieceCount: done.pieceCount,
                indicium: fromBase64(answer.indicium),
                answer: new TextEncoder().encode(JSON.stringify(answer)),
              },
            });
            return answer;
          },
          { meterId: request.meterId },
        );
      });
    },

    userAdmin(request) {
      return pool.withMeter(request.meterId, async () => {
        const pkg = await packageOf(request.meterId);
        return psd.withModule(
          async (lease) => {
            const done = await lease.call(
              COMMAND_OF_ACTION[request.action],
              { package: packageText(pkg), request },
              PsdUserAdminAnswerBodySchema,
            );
            const target = request.targetUserId;
            const customerId = pkg.customerId;
            const users: Partial<CommitUnit> =
              target === null || customerId === null
                ? {}
                : request.action === 'delete'
                  ? { removedMeterUsers: [{ meterId: request.meterId, userId: target }] }
                  : request.action === 'add' || request.action === 'modify'
                    ? {
                        meterUsers: [
                          {
                            meterId: request.meterId,
                            userId: target,
                            role: request.role === 'customer-admin' ? 'customer-administrator' : 'user',
                            customerId,
                          },
                        ],
                      }
                    : {};
            await commitWith(lease, pkg, done, users);
            return done.answer;
          },
          { meterId: request.meterId },
        );
      });
    },
  };
}
