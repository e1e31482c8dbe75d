import { IndiciumError } from '@indicium/protocol';

/**
 * Any failure as an IndiciumError for display: the protocol's refusals as they are; a network
 * failure of `fetch` (a TypeError) is the vault not answering; anything else an internal error,
 * whose text never reaches the page (it may describe our inside).
 */
export function asIndiciumError(error: unknown): IndiciumError {
  if (error instanceof IndiciumError) return error;
  if (error instanceof TypeError) return new IndiciumError('VAULT_UNAVAILABLE');
  return new IndiciumError('INTERNAL_ERROR');
}
