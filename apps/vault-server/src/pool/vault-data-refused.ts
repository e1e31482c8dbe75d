import { IndiciumError } from '@indicium/protocol';

/** Why a file of the vault's data directory was refused (`details.reason`). */
export type VaultDataProblem = 'permissions' | 'malformed' | 'missing' | 'incomplete' | 'exists';

/** `VAULT_DATA_REFUSED` naming the path and the reason, for the operator. */
export function vaultDataRefused(
  path: string,
  reason: VaultDataProblem,
  detail: string,
  cause?: unknown,
): IndiciumError {
  return new IndiciumError('VAULT_DATA_REFUSED', {
    detail,
    details: { path, reason },
    ...(cause === undefined ? {} : { cause }),
  });
}
