import { canonicalLayout } from '@indicium/protocol';

/**
 * An MKS share on its way from a source module to a destination module (DESIGN §2, §3.4), carried
 * by a Key Custodian as JSON. Binary fields are canonical base64.
 *
 * Protection, from the outside in:
 * - the source module signs everything (ECDSA P-256, module key): the destination knows which
 *   module made it, and any changed byte is refused before decryption;
 * - the share bytes are AES-256-GCM encrypted under a fresh content key whose associated data is
 *   the {@link ShareBinding} (ceremony, MKS version, index, n, k, exportable flag, key-check value,
 *   destination TPK fingerprint, source module key);
 * - the content key is RSA-OAEP-SHA-256 encrypted to the destination's transport key, with the same
 *   binding as OAEP label, so only that module can open it and only in that context.
 */
export interface ShareEnvelope {
  readonly format: typeof SHARE_ENVELOPE_FORMAT;
  /** 32 lowercase hex digits, one per Create MKS Shares. */
  readonly ceremonyId: string;
  readonly mksVersion: number;
  /** 1..n. */
  readonly index: number;
  readonly n: number;
  readonly k: number;
  /** Whether the destination may export this MKS again (false: retained). */
  readonly exportable: boolean;
  /** Key-check value of the MKS, base64 (16 bytes). */
  readonly kcv: string;
  /** Lowercase hex SHA-256 of the destination's TPK SPKI DER. */
  readonly destinationFingerprint: string;
  /** SPKI DER of the source module's module key, base64. */
  readonly sourceModuleKey: string;
  /** RSA-OAEP-SHA-256 of the 32-byte content key, base64 (384 bytes). */
  readonly wrappedKey: string;
  /** GCM nonce, base64 (12 bytes). */
  readonly nonce: string;
  /** The encrypted Shamir share, base64. */
  readonly ciphertext: string;
  /** GCM tag, base64 (16 bytes). */
  readonly tag: string;
  /** ECDSA P-256 raw r‖s over {@link ShareEnvelopeSignature}, base64 (64 bytes). */
  readonly signature: string;
}

export const SHARE_ENVELOPE_FORMAT = 'indicium/mks-share/v1';

/** GCM associated data and OAEP label of a share. */
export const ShareBinding = canonicalLayout('indicium/mks/share-binding/v1', {
  ceremonyId: 'text',
  mksVersion: 'uint',
  index: 'uint',
  n: 'uint',
  k: 'uint',
  exportable: 'bool',
  kcv: 'bytes',
  destinationFingerprint: 'text',
  sourceModuleKey: 'bytes',
});

/** What the source module signs: the binding and every encrypted byte. */
export const ShareEnvelopeSignature = canonicalLayout('indicium/mks/share-envelope/v1', {
  binding: 'bytes',
  wrappedKey: 'bytes',
  nonce: 'bytes',
  ciphertext: 'bytes',
  tag: 'bytes',
});

/** The authenticated facts of a share, once opened. */
export interface ShareFacts {
  readonly ceremonyId: string;
  readonly mksVersion: number;
  readonly index: number;
  readonly n: number;
  readonly k: number;
  readonly exportable: boolean;
  readonly kcv: Uint8Array;
  readonly destinationFingerprint: string;
  readonly sourceModuleKey: Uint8Array;
}

/** A share whose envelope verified and decrypted: the facts plus the Shamir share bytes. */
export interface OpenedShare extends ShareFacts {
  readonly share: Uint8Array;
}

/** Shamir over GF(2^8) of MEK ‖ MAK: 64 bytes of y plus the library's 1-byte x-coordinate. */
export const SHARE_LENGTH = 65;
/** The Shamir library handles at most 255 shares. */
export const MAX_SHARES = 255;
export const CEREMONY_ID_PATTERN = /^[0-9a-f]{32}$/;
