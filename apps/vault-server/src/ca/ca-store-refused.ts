import { IndiciumError } from '@indicium/protocol';

/** Why the CA files could not be used; sent as `details.reason` with the file's path. */
export type CaStoreProblem = 'exists' | 'incomplete' | 'permissions';

/** Builds the `CA_STORE_REFUSED` refusal for the file at `path`. */
export function caStoreRefused(
  path: string,
  reason: CaStoreProblem,
  detail: string,
  cause?: unknown,
): IndiciumError {
  return new IndiciumError('CA_STORE_REFUSED', {
    detail,
    details: { path, reason },
    ...(cause === undefined ? {} : { cause }),
  });
}
