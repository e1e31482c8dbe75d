import { canonicalLayout, IndiciumError } from '@indicium/protocol';

/**
 * Key token format, version 1 (DESIGN §2: AES-256-GCM with associated data binding type, owner id,
 * record version and MKS version). All integers big-endian.
 *
 *   offset  size  field
 *   0       4     magic "IKT" 0x01
 *   4       4     MKS version (uint32) — which MEK sealed it; also bound in the associated data
 *   8       12    GCM nonce (random)
 *   20      16    GCM tag
 *   36      ≥ 1   ciphertext
 *
 * Type, owner id and record version are NOT carried: the caller knows what it expects to open (a
 * package knows its meter id and record version), so a token copied into another record, another
 * role or another record version fails its tag instead of being trusted on its own say-so.
 */
export const TOKEN_MAGIC = Object.freeze([0x49, 0x4b, 0x54, 0x01] as const);
export const TOKEN_HEADER_LENGTH = 36;
export const TOKEN_NONCE_LENGTH = 12;
export const TOKEN_TAG_LENGTH = 16;

/** What a token is bound to. */
export interface TokenBinding {
  /** What the token holds, e.g. `crypto-card/registration-signing-key`, `psd/indicium-signing-key`. */
  readonly type: string;
  /** Whose it is: a meter id, or `crypto-card` for the pool's shared keys. */
  readonly ownerId: string;
  /** The version of the record the token lives in; a token from an older record fails. */
  readonly recordVersion: number;
}

/** The associated data of a token: the binding plus the MKS version. */
export const TokenAssociatedData = canonicalLayout('indicium/key-token/v1', {
  type: 'text',
  ownerId: 'text',
  recordVersion: 'uint',
  mksVersion: 'uint',
});

const TYPE_PATTERN = /^[a-z0-9]+(?:[-/][a-z0-9]+)*$/;
const OWNER_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** Rejects a malformed binding before any key is touched: a caller bug, not a bad token. */
export function checkBinding(binding: TokenBinding): void {
  if (typeof binding.type !== 'string' || binding.type.length > 64 || !TYPE_PATTERN.test(binding.type)) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'type',
      detail: 'token type must be kebab/path ASCII',
    });
  }
  if (typeof binding.ownerId !== 'string' || !OWNER_PATTERN.test(binding.ownerId)) {
    throw new IndiciumError('INVALID_FIELD', { field: 'ownerId', detail: 'owner id must be 1..128 ASCII' });
  }
  if (!Number.isSafeInteger(binding.recordVersion) || binding.recordVersion < 0) {
    throw new IndiciumError('INVALID_FIELD', { field: 'recordVersion', detail: 'must be an integer ≥ 0' });
  }
}

export function tokenAssociatedData(binding: TokenBinding, mksVersion: number): Uint8Array {
  return TokenAssociatedData.encode({ ...binding, mksVersion });
}

/** The parts of a token, without any key check. */
export interface TokenParts {
  readonly mksVersion: number;
  readonly nonce: Uint8Array;
  readonly tag: Uint8Array;
  readonly ciphertext: Uint8Array;
}

function invalid(detail: string): never {
  throw new IndiciumError('TOKEN_INVALID', { field: 'token', detail });
}

/** Splits a token into its parts; TOKEN_INVALID if it cannot be a version 1 token. */
export function parseToken(token: Uint8Array): TokenParts {
  if (!(token instanceof Uint8Array)) invalid('a token is bytes');
  if (token.length <= TOKEN_HEADER_LENGTH) invalid('token too short');
  if (TOKEN_MAGIC.some((byte, i) => token[i] !== byte)) invalid('not a version 1 key token');
  const view = new DataView(token.buffer, token.byteOffset, token.byteLength);
  return {
    mksVersion: view.getUint32(4),
    nonce: token.subarray(8, 8 + TOKEN_NONCE_LENGTH),
    tag: token.subarray(20, 20 + TOKEN_TAG_LENGTH),
    ciphertext: token.subarray(TOKEN_HEADER_LENGTH),
  };
}

export function formatToken(parts: TokenParts): Uint8Array {
  const out = new Uint8Array(TOKEN_HEADER_LENGTH + parts.ciphertext.length);
  out.set(TOKEN_MAGIC, 0);
  new DataView(out.buffer).setUint32(4, parts.mksVersion);
  out.set(parts.nonce, 8);
  out.set(parts.tag, 20);
  out.set(parts.ciphertext, TOKEN_HEADER_LENGTH);
  return out;
}
