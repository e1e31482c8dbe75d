import { type KeyObject, randomBytes } from 'node:crypto';
import {
  AuthorizeCustomerSig,
  IndiciumError,
  PasswordResetStartSig,
  PROTOCOL_VERSION,
  type PsdRecordsAnswer,
  PsdRecordsAnswerSchema,
  RefundAnswerBodySchema,
  RefundSig,
  ValueDownloadSig,
} from '@indicium/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { packageWrite } from '../meters/package-write.js';
import type { PsdModules } from '../meters/psd-modules.js';
import { downloadedInto, ledgerKey, registersOf as registersOfMeter } from '../money/meter-funds.js';
import type { ModulePool } from '../pool/module-pool.js';
import type { CommitUnit } from '../store/commit-unit.js';
import type { Store } from '../store/store.js';
import type { PackageRecord, ProviderMessageKind } from '../store/store-records.js';
import type { PaymentGateway } from './fake-payment-gateway.js';
import { signProviderMessage } from './provider-signer.js';

/** The registers and state after a provider command. */
export interface MeterAfter {
  readonly meterId: string;
  readonly state: PsdRecordsAnswer['state'];
  readonly ascendingRegisterMills: number;
  readonly descendingRegisterMills: number;
  readonly pieceCount: number;
}

export interface ProviderService {
  /** Authorize Customer (assigned → leased) with the licence's ZIP and the provider's maximum DR. */
  authorizeCustomer(meterId: string, customerId: string, licensingZip: string): Promise<MeterAfter>;
  /** Simulated card payment → deposit and Value Download, once per idempotency key. */
  purchase(request: {
    customerId: string;
    meterId: string;
    amountMills: number;
    idempotencyKey: string;
    cardNumber: string;
  }): Promise<MeterAfter & { amountMills: number }>;
  /** Create Refund Indicium for the whole DR (→ withdrawn) and a ledger credit, once per key. */
  refund(request: {
    customerId: string;
    meterId: string;
    mailingDate: string;
    idempotencyKey: string;
  }): Promise<MeterAfter & { amountMills: number }>;
  /** Start Password Reset for one meter user (leased → pwreset). */
  startPasswordReset(meterId: string, userId: string): Promise<MeterAfter>;
}

export interface ProviderServiceDeps {
  readonly pool: ModulePool;
  readonly psd: PsdModules;
  readonly store: Store;
  readonly providerKey: KeyObject;
  readonly payments: PaymentGateway;
  /** The provider's maximum descending register per meter (mills); $500 by default (DESIGN §3.3). */
  readonly maximumDescendingRegisterMills?: number;
  readonly log: Logger;
}

const after = (r: PsdRecordsAnswer): MeterAfter => ({
  meterId: r.meterId,
  state: r.state,
  ascendingRegisterMills: r.ascendingRegisterMills,
  descendingRegisterMills: r.descendingRegisterMills,
  pieceCount: r.pieceCount,
});

/**
 * The provider service (DESIGN §4.4, §6): it holds the provider signing key made at first run and
 * is the only path by which value reaches a meter. Each command is a provider message signed over
 * its protocol layout with a fresh nonce and the package version read under the meter's lock (the
 * module applies it to that copy only: an older copy of the package is refused), run on a module inside the meter's serialisation, and
 * committed in one unit with the new package, checkpoint, audit entries, the message (its nonce is
 * unique in the store for ever: a replay cannot be recorded twice) and the ledger entries it moves.
 *
 * @example
 * const provider = createProviderService({ pool, psd, store, providerKey, payments: createFakePaymentGateway(), log });
 * await provider.purchase({ customerId, meterId, amountMills: 20_000, idempotencyKey, cardNumber });
 */
export function createProviderService(deps: ProviderServiceDeps): ProviderService {
  const { pool, psd, store, providerKey } = deps;
  const log = deps.log.child({ component: 'provider' });
  const maximumDr = deps.maximumDescendingRegisterMills ?? 500_000;

  async function packageOf(meterId: string): Promise<PackageRecord> {
    const pkg = await store.packages.get(meterId);
    if (pkg === null) throw new IndiciumError('NOT_FOUND', { field: 'meterId' });
    return pkg;
  }

  /** Runs one signed provider command on a module and commits it with `extra` (caller holds the meter). */
  async function run<S extends z.ZodType<PsdRecordsAnswer>>(
    pkg: PackageRecord,
    kind: ProviderMessageKind,
    command: string,
    signed: ReturnType<typeof signProviderMessage>,
    answer: S,
    extra: (result: z.output<S>) => Partial<CommitUnit> = () => ({}),
    customerId: string | null = pkg.customerId,
  ): Promise<z.output<S>> {
    return psd.withModule(
      async (lease) => {
        const result = await lease.call(
          command,
          { package: Buffer.from(pkg.bytes).toString('base64'), message: signed.message },
          answer,
        );
        await lease.commit({
          package: packageWrite(pkg, result, customerId),
          providerMessage: {
            nonce: signed.nonce,
            meterId: pkg.meterId,
            kind,
            payload: signed.payload,
            signature: signed.signature,
          },
          ...extra(result),
        });
        log.info({ meterId: pkg.meterId, kind, module: lease.serial }, 'provider command applied');
        return result;
      },
      { meterId: pkg.meterId },
    );
  }

  function ownedBy(pkg: PackageRecord, customerId: string): void {
    if (pkg.customerId !== customerId) throw new IndiciumError('NOT_FOUND', { field: 'meterId' });
  }

  return {
    authorizeCustomer(meterId, customerId, licensingZip) {
      return pool.withMeter(meterId, async () => {
        const pkg = await packageOf(meterId);
        const signed = signProviderMessage(
          AuthorizeCustomerSig,
          {
            meterId,
            packageVersion: pkg.version,
            customerId,
            licensingZip,
            maximumDescendingRegisterMills: maximumDr,
          },
          providerKey,
        );
        return after(
          await run(
            pkg,
            'authorize-customer',
            'authorize-customer',
            signed,
            PsdRecordsAnswerSchema,
            undefined,
            customerId,
          ),
        );
      });
    },

    purchase({ customerId, meterId, amountMills, idempotencyKey, cardNumber }) {
      const downloadKey = ledgerKey('download', meterId, idempotencyKey);
      return pool.withMeter(meterId, async () => {
        const pkg = await packageOf(meterId);
        ownedBy(pkg, customerId);
        const done = (await store.ledger.listByCustomer(customerId)).find(
          (e) => e.idempotencyKey === downloadKey,
        );
        if (done !== undefined) {
          if (done.amountMills !== amountMills) {
            throw new IndiciumError('DUPLICATE_RECORD', { field: 'idempotencyKey' });
          }
          return { ...(await registersOf(pkg)), amountMills };
        }
        const controlTotalMills = await downloadedInto(store, customerId, meterId);
        const { chargeId } = await deps.payments.charge({ amountMills, cardNumber, reference: downloadKey });
        try {
          const signed = signProviderMessage(
            ValueDownloadSig,
            { meterId, packageVersion: pkg.version, controlTotalMills, amountMills },
            providerKey,
          );
          const result = await run(
            pkg,
            'value-download',
            'value-download',
            signed,
            PsdRecordsAnswerSchema,
            () => ({
              ledgerEntries: [
                {
                  customerId,
                  idempotencyKey: ledgerKey('deposit', meterId, idempotencyKey),
                  kind: 'deposit',
                  meterId,
                  amountMills,
                },
                { customerId, idempotencyKey: downloadKey, kind: 'download', meterId, amountMills },
              ],
            }),
          );
          return { ...after(result), amountMills };
        } catch (error) {
          // The postage did not reach the meter: give the money back before saying so.
          await deps.payments.void(chargeId);
          throw error;
        }
      });
    },

    refund({ customerId, meterId, mailingDate, idempotencyKey }) {
      const refundKey = ledgerKey('refund', meterId, idempotencyKey);
      return pool.withMeter(meterId, async () => {
        const pkg = await packageOf(meterId);
        ownedBy(pkg, customerId);
        const done = (await store.ledger.listByCustomer(customerId)).find(
          (e) => e.idempotencyKey === refundKey,
        );
        if (done !== undefined) return { ...(await registersOf(pkg)), amountMills: done.amountMills };
        const controlTotalMills = await downloadedInto(store, customerId, meterId);
        const signed = signProviderMessage(
          RefundSig,
          { meterId, packageVersion: pkg.version, controlTotalMills, mailingDate },
          providerKey,
        );
        const result = await run(
          pkg,
          'refund',
          'create-refund-indicium',
          signed,
          RefundAnswerBodySchema,
          (r) => ({
            indicium: {
              indiciumId: randomBytes(16).toString('base64url'),
              requestMac: null,
              meterId,
              userId: null,
              kind: 'refund',
              postageMills: r.refundedMills,
              ascendingRegisterMills: r.ascendingRegisterMills,
              descendingRegisterMills: r.descendingRegisterMills,
              pieceCount: r.pieceCount,
              indicium: Buffer.from(r.indicium, 'base64'),
              answer: new TextEncoder().encode(
                JSON.stringify({
                  protocol: PROTOCOL_VERSION,
                  meterId,
                  state: r.state,
                  ascendingRegisterMills: r.ascendingRegisterMills,
                  descendingRegisterMills: r.descendingRegisterMills,
                  refundedMills: r.refundedMills,
                  indicium: r.indicium,
                }),
              ),
            },
            ...(r.refundedMills > 0
              ? {
                  ledgerEntries: [
                    {
                      customerId,
                      idempotencyKey: refundKey,
                      kind: 'refund',
                      meterId,
                      amountMills: r.refundedMills,
                    },
                  ],
                }
              : {}),
          }),
        );
        return { ...after(result), amountMills: result.refundedMills };
      });
    },

    startPasswordReset(meterId, userId) {
      return pool.withMeter(meterId, async () => {
        const pkg = await packageOf(meterId);
        const signed = signProviderMessage(
          PasswordResetStartSig,
          { meterId, packageVersion: pkg.version, userId },
          providerKey,
        );
        return after(
          await run(pkg, 'password-reset-start', 'start-password-reset', signed, PsdRecordsAnswerSchema),
        );
      });
    },
  };

  async function registersOf(pkg: PackageRecord): Promise<MeterAfter> {
    return {
      meterId: pkg.meterId,
      state: pkg.state,
      ...(await registersOfMeter(store, pkg.meterId, pkg.customerId)),
    };
  }
}
