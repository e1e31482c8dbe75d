import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { MeterGen } from '../metergen/meter-gen.js';
import type { Store } from '../store/store.js';
import type { LicenceRecord } from '../store/store-records.js';
import type { ProviderService } from './provider-service.js';

export interface LicenceService {
  /** A licence for `licensingZip`, approved with a fresh meter from stock; once per idempotency key. */
  apply(customerId: string, licensingZip: string, idempotencyKey: string): Promise<LicenceRecord>;
  /** After Configure PSD: Authorize Customer with the approved licence of this meter. */
  authorizeConfigured(meterId: string, customerId: string): Promise<void>;
}

/**
 * Licences (DESIGN §6 provider, §3.3 Authorize Customer). The sample provider approves every
 * application at once and assigns a meter taken from MeterGen's stock; the licence's ZIP and the
 * provider's maximum DR reach the meter as a signed Authorize Customer once the customer's
 * companion has configured it (the PSD state must be assigned by then).
 *
 * @example
 * const licence = await licences.apply(customerId, '20260', idempotencyKey);
 */
export function createLicenceService(deps: {
  readonly store: Store;
  readonly meterGen: MeterGen;
  readonly provider: ProviderService;
  readonly log: Logger;
}): LicenceService {
  const { store, meterGen, provider } = deps;
  const log = deps.log.child({ component: 'licences' });
  return {
    async apply(customerId, licensingZip, idempotencyKey) {
      const licenceId = createHash('sha256')
        .update(`indicium/licence/v1\0${customerId}\0${idempotencyKey}`)
        .digest('base64url')
        .slice(0, 43);
      const existing =
        (await store.licences.get(licenceId)) ??
        (await store.licences.create({ licenceId, customerId, licensingZip }));
      if (existing.status !== 'requested') return existing;
      const meterId = await meterGen.claim(customerId);
      const approved = await store.licences.transition(licenceId, {
        from: 'requested',
        to: 'approved',
        meterId,
      });
      log.info({ licenceId, meterId }, 'licence approved; meter assigned from stock');
      return approved;
    },
    async authorizeConfigured(meterId, customerId) {
      const licence = (await store.licences.listByCustomer(customerId)).find(
        (l) => l.meterId === meterId && l.status === 'approved',
      );
      if (licence === undefined) {
        log.warn({ meterId }, 'configured meter has no approved licence: not authorized');
        return;
      }
      await provider.authorizeCustomer(meterId, customerId, licence.licensingZip);
    },
  };
}
