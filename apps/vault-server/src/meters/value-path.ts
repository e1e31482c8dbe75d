import { join } from 'node:path';
import type { RegistrationKeyBundle } from '@indicium/protocol';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { CertificateAuthority } from '../ca/certificate-authority.js';
import { ensureProviderKey } from '../ceremony/provider-key.js';
import type { Route } from '../http/route.js';
import { createMeterGen } from '../metergen/meter-gen.js';
import type { ModuleTableGuard } from '../module-table/module-table-guard.js';
import { moneyRoutes } from '../money/money-routes.js';
import type { ModulePool } from '../pool/module-pool.js';
import { createFakePaymentGateway, type PaymentGateway } from '../provider/fake-payment-gateway.js';
import { createLicenceService } from '../provider/licence-service.js';
import { createProviderService } from '../provider/provider-service.js';
import type { Store } from '../store/store.js';
import { meterRoutes } from './meter-routes.js';
import { createMeterService } from './meter-service.js';
import { createPsdModules, type PsdModules } from './psd-modules.js';
import { type CardPublicKeys, makeRegistrationKeyBundle } from './registration-key-bundle.js';
import { createRegistrationTokens } from './registration-tokens.js';

export interface ValuePathDeps {
  readonly dataDir: string;
  readonly store: Store;
  readonly pool: ModulePool;
  readonly guard: Pick<ModuleTableGuard, 'checkpointFor' | 'handleMismatch'>;
  readonly postalCa: CertificateAuthority;
  readonly cardPublicKeys: CardPublicKeys | undefined;
  /** Fresh meters MeterGen keeps ready. */
  readonly meterStock: number;
  /** The provider's maximum DR per meter (mills). Default $500 (DESIGN §3.3). */
  readonly maximumDescendingRegisterMills?: number;
  /** Default: the fake card processor (a boundary the sample vault does not own). */
  readonly payments?: PaymentGateway;
  readonly log: Logger;
  /** Where `indicium_meter_stock_available` is registered (the vault's `/metrics`). */
  readonly registry?: Registry;
}

export interface ValuePath {
  readonly routes: readonly Route[];
  /** The held modules PSD work runs on; the officer router takes a module out for a rollover sweep. */
  readonly psd: PsdModules;
  /** Starts MeterGen's background refill. */
  start(): void;
  /** Stops MeterGen (waits for a meter being made). */
  stop(): Promise<void>;
}

/**
 * The vault's value path, composed in one place for `main.ts` (DESIGN §4.2–4.4, §6): PSD work on
 * held modules under the module-table guard; MeterGen's stock of certified meters; the provider
 * with its signing key (`<dataDir>/provider/`, made on first run), the fake card processor and
 * licences; the companions' PSD routes and the web UI's money routes.
 *
 * @example
 * const value = await createValuePath({ dataDir, store, pool, guard, postalCa, cardPublicKeys, meterStock: 2, log });
 * routes.push(...value.routes); value.start();
 */
export async function createValuePath(deps: ValuePathDeps): Promise<ValuePath> {
  const { store, pool, log } = deps;
  const maximumDescendingRegisterMills = deps.maximumDescendingRegisterMills ?? 500_000;
  const psd = createPsdModules({
    pool,
    guard: deps.guard,
    store,
    log,
    storeAudit: async (entries) => {
      await store.commit({ auditEntries: [...entries] });
    },
  });
  const { privateKey: providerKey } = await ensureProviderKey(join(deps.dataDir, 'provider'));
  const provider = createProviderService({
    pool,
    psd,
    store,
    providerKey,
    payments: deps.payments ?? createFakePaymentGateway(),
    maximumDescendingRegisterMills,
    log,
  });
  const meterGen = createMeterGen({ psd, store, postalCa: deps.postalCa, log, stockLevel: deps.meterStock });
  const licences = createLicenceService({ store, meterGen, provider, log });
  if (deps.registry !== undefined) {
    new Gauge({
      name: 'indicium_meter_stock_available',
      help: 'Fresh certified meters in MeterGen stock, not yet claimed (DESIGN §6).',
      registers: [deps.registry],
      async collect() {
        this.set(await store.meterStock.available());
      },
    });
  }
  // In the store, shared by every node: the companion may reach another node than the web page did.
  const tokens = createRegistrationTokens(store);
  const meters = createMeterService({
    pool,
    psd,
    store,
    tokens,
    onConfigured: (meterId, customerId) => licences.authorizeConfigured(meterId, customerId),
    log,
  });
  let bundle: Promise<RegistrationKeyBundle> | null = null;
  const keyBundle = () => {
    bundle ??= makeRegistrationKeyBundle(deps.postalCa, deps.cardPublicKeys);
    // A failed attempt is not cached: the next request tries again.
    bundle.catch(() => {
      bundle = null;
    });
    return bundle;
  };
  return {
    psd,
    routes: [
      ...meterRoutes({ meters, keyBundle }),
      ...moneyRoutes({ store, provider, licences, tokens, maximumDescendingRegisterMills }),
    ],
    start: () => meterGen.refill(),
    stop: () => meterGen.stop(),
  };
}
