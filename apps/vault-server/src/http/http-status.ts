import { ERROR_CATALOG, type ErrorActor, type ErrorCode } from '@indicium/protocol';

/**
 * HTTP status of each error code (STYLE "Typed error codes": one map, used by the one error
 * middleware). Codes not listed take their actor's default, so a code added to the catalogue
 * later still gets a sensible status until it is placed here.
 */
const BY_CODE: Partial<Record<ErrorCode, number>> = {
  MALFORMED_REQUEST: 400,
  INVALID_FIELD: 400,
  INVALID_INPUT: 400,
  INDICIUM_MALFORMED: 400,
  VERSION_MISMATCH: 400,
  LOGON_FAILED: 401,
  WEB_SESSION_EXPIRED: 401,
  CSRF_REJECTED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  ROLE_DENIED: 403,
  OFFICER_LOCAL_ONLY: 403,
  PRIVILEGE_DENIED: 403,
  ACCOUNT_LOCKED: 403,
  ACCOUNT_EXPIRED: 403,
  METER_USER_EXPIRED: 403,
  NOT_FOUND: 404,
  NOT_REGISTERED: 404,
  ACCOUNT_EXISTS: 409,
  DUPLICATE_RECORD: 409,
  WRONG_STATE: 409,
  ALREADY_PRINTED: 409,
  REQUEST_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL_ERROR: 500,
  VAULT_BUSY: 503,
  VAULT_UNAVAILABLE: 503,
  TIMEOUT: 504,
};

const BY_ACTOR: Record<ErrorActor, number> = {
  // A refusal of what the person asked (funds, limits, privileges): the request was understood.
  user: 422,
  install: 400,
  printer: 500,
  // The vault or a module needs an operator: the service is unavailable for this request.
  vault: 503,
  // A program sent something it must not (MAC, signature, challenge, state): a client error.
  developer: 422,
};

/** The HTTP status for an error code. */
export function httpStatusFor(code: ErrorCode): number {
  return BY_CODE[code] ?? BY_ACTOR[ERROR_CATALOG[code].actor];
}
