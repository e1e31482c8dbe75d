import type { ErrorCode } from '../errors/error-catalog.js';

/**
 * The two codes the indicium codec throws: `INVALID_FIELD` when a caller builds an indicium from
 * fields (a bug in the caller), `INDICIUM_MALFORMED` when bytes from outside (a scan, the vault's
 * answer) are not a valid version 1 indicium. Helpers shared by both directions take the code.
 */
export type CodecErrorCode = Extract<ErrorCode, 'INVALID_FIELD' | 'INDICIUM_MALFORMED'>;
