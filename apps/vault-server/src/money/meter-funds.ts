import { createHash } from 'node:crypto';
import type { Store } from '../store/store.js';

/**
 * The provider's own record of what went into a meter (DESIGN §4.4): the sum of its value
 * downloads. Registers start at zero, a download adds to DR, an indicium or a refund moves value
 * from DR to AR, so AR + DR always equals this sum — the control total every Value Download and
 * refund asserts. A meter whose registers disagree (a database rolled back behind the modules) is
 * refused by the module.
 */
export async function downloadedInto(store: Store, customerId: string, meterId: string): Promise<number> {
  const entries = await store.ledger.listByCustomer(customerId);
  return entries
    .filter((e) => e.kind === 'download' && e.meterId === meterId)
    .reduce((sum, e) => sum + e.amountMills, 0);
}

/**
 * A ledger idempotency key derived from the caller's key: one request writes several entries
 * (deposit and download), each under its own key, and a retry finds them again.
 */
export function ledgerKey(purpose: string, meterId: string, idempotencyKey: string): string {
  return createHash('sha256')
    .update(`indicium/ledger/${purpose}/v1\0${meterId}\0${idempotencyKey}`)
    .digest('base64url')
    .slice(0, 43);
}

/** A meter's registers as the committed records say (the last indicium and the downloads). */
export interface MeterRegisters {
  readonly ascendingRegisterMills: number;
  readonly descendingRegisterMills: number;
  readonly pieceCount: number;
}

/**
 * The registers after the meter's last committed unit, read from what the store holds: AR and the
 * piece count from its newest indicium (refunds included), DR as downloads less AR. The package
 * itself is sealed, and these records are committed with it in the same units.
 */
export async function registersOf(
  store: Store,
  meterId: string,
  customerId: string | null,
): Promise<MeterRegisters> {
  // Newest first by commit time; pieces of one meter committed within the same millisecond tie
  // on time, so take the highest registers among the newest few (AR and the count never go down).
  const { items } = await store.indicia.listByMeter(meterId, { limit: 16 });
  const last = items.reduce<(typeof items)[number] | undefined>(
    (best, item) =>
      best === undefined ||
      item.ascendingRegisterMills > best.ascendingRegisterMills ||
      (item.ascendingRegisterMills === best.ascendingRegisterMills && item.pieceCount > best.pieceCount)
        ? item
        : best,
    undefined,
  );
  const ascending = last?.ascendingRegisterMills ?? 0;
  const downloaded = customerId === null ? 0 : await downloadedInto(store, customerId, meterId);
  return {
    ascendingRegisterMills: ascending,
    descendingRegisterMills: Math.max(downloaded - ascending, 0),
    pieceCount: last?.pieceCount ?? 0,
  };
}
