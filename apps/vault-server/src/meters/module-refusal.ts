import { type ErrorCode, IndiciumError, isErrorCode, type ModuleFailure } from '@indicium/protocol';

/**
 * A module's refusal as the vault's typed error: the module speaks the protocol's catalogue, so
 * its code goes on unchanged (a companion switches on it); anything else is the vault's fault.
 */
export function moduleRefusal(failure: ModuleFailure): IndiciumError {
  const code: ErrorCode = isErrorCode(failure.code) ? failure.code : 'INTERNAL_ERROR';
  return new IndiciumError(code, {
    ...(failure.field === undefined ? {} : { field: failure.field }),
    ...(failure.detail === undefined ? {} : { detail: failure.detail }),
  });
}
