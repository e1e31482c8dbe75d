import { constants, createDecipheriv, createPublicKey, type KeyObject, privateDecrypt } from 'node:crypto';
import { IndiciumError } from '@indicium/protocol';
import { FINGERPRINT_PATTERN, keyFingerprint } from './key-fingerprint.js';
import { KEY_CHECK_LENGTH } from './mks-key-check.js';
import { moduleVerify } from './module-signature.js';
import {
  CEREMONY_ID_PATTERN,
  MAX_SHARES,
  type OpenedShare,
  SHARE_ENVELOPE_FORMAT,
  SHARE_LENGTH,
  ShareBinding,
  ShareEnvelopeSignature,
  type ShareFacts,
} from './share-envelope.js';
import { decodeBase64 } from './strict-base64.js';

export interface OpenShareContext {
  /** This module's transport private key. */
  readonly transportPrivateKey: KeyObject;
  /** Fingerprint of this module's transport public key. */
  readonly transportFingerprint: string;
  /** Fingerprint of the source module key, as the Key Custodian confirmed it at the source. */
  readonly expectedSourceFingerprint: string;
}

const ENVELOPE_KEYS: ReadonlySet<string> = new Set([
  'format',
  'ceremonyId',
  'mksVersion',
  'index',
  'n',
  'k',
  'exportable',
  'kcv',
  'destinationFingerprint',
  'sourceModuleKey',
  'wrappedKey',
  'nonce',
  'ciphertext',
  'tag',
  'signature',
]);

function invalid(field: string, detail: string, cause?: unknown): never {
  throw new IndiciumError('SHARE_INVALID', { field, detail, ...(cause === undefined ? {} : { cause }) });
}

function uint(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    invalid(field, `must be an integer ${min}..${max}`);
  }
  return value;
}

function text(value: unknown, field: string, pattern: RegExp): string {
  if (typeof value !== 'string' || !pattern.test(value)) invalid(field, 'malformed');
  return value;
}

/** Reads the envelope's public facts; nothing here is trusted until the signature verified. */
function readFacts(raw: Record<string, unknown>): ShareFacts {
  if (raw.format !== SHARE_ENVELOPE_FORMAT) invalid('format', `must be ${SHARE_ENVELOPE_FORMAT}`);
  const n = uint(raw.n, 'n', 2, MAX_SHARES);
  const k = uint(raw.k, 'k', 2, n);
  if (typeof raw.exportable !== 'boolean') invalid('exportable', 'must be a boolean');
  return {
    ceremonyId: text(raw.ceremonyId, 'ceremonyId', CEREMONY_ID_PATTERN),
    mksVersion: uint(raw.mksVersion, 'mksVersion', 1, 0xffff_ffff),
    index: uint(raw.index, 'index', 1, n),
    n,
    k,
    exportable: raw.exportable,
    kcv: decodeBase64(raw.kcv, 'kcv', 'SHARE_INVALID', { min: KEY_CHECK_LENGTH, max: KEY_CHECK_LENGTH }),
    destinationFingerprint: text(raw.destinationFingerprint, 'destinationFingerprint', FINGERPRINT_PATTERN),
    sourceModuleKey: decodeBase64(raw.sourceModuleKey, 'sourceModuleKey', 'SHARE_INVALID', {
      min: 1,
      max: 256,
    }),
  };
}

/**
 * Verifies and decrypts one share envelope in the destination module. Every check runs here, before
 * the share may join the others: a share meant for another module is SHARE_WRONG_DESTINATION, one
 * from an unconfirmed source or with any changed byte is SHARE_INVALID (field names the part).
 *
 * @example
 * const opened = openShareEnvelope(envelope, { transportPrivateKey, transportFingerprint, expectedSourceFingerprint });
 */
export function openShareEnvelope(envelope: unknown, context: OpenShareContext): OpenedShare {
  if (typeof envelope !== 'object' || envelope === null) invalid('share', 'must be a share envelope object');
  const raw = envelope as Record<string, unknown>;
  const extra = Object.keys(raw).filter((key) => !ENVELOPE_KEYS.has(key));
  if (Array.isArray(envelope) || extra.length > 0)
    invalid(extra[0] ?? 'share', 'unknown field in a share envelope');
  const facts = readFacts(raw);
  const wrappedKey = decodeBase64(raw.wrappedKey, 'wrappedKey', 'SHARE_INVALID', { min: 384, max: 384 });
  const nonce = decodeBase64(raw.nonce, 'nonce', 'SHARE_INVALID', { min: 12, max: 12 });
  const ciphertext = decodeBase64(raw.ciphertext, 'ciphertext', 'SHARE_INVALID', {
    min: SHARE_LENGTH,
    max: SHARE_LENGTH,
  });
  const tag = decodeBase64(raw.tag, 'tag', 'SHARE_INVALID', { min: 16, max: 16 });
  const signature = decodeBase64(raw.signature, 'signature', 'SHARE_INVALID', { min: 64, max: 64 });

  if (facts.destinationFingerprint !== context.transportFingerprint) {
    throw new IndiciumError('SHARE_WRONG_DESTINATION', {
      field: 'destinationFingerprint',
      detail: "the share is encrypted to another module's transport key",
    });
  }
  if (keyFingerprint(facts.sourceModuleKey) !== context.expectedSourceFingerprint) {
    invalid('sourceFingerprint', 'the share was not made by the module the Key Custodian confirmed');
  }
  let sourceKey: KeyObject;
  try {
    sourceKey = createPublicKey({ key: Buffer.from(facts.sourceModuleKey), format: 'der', type: 'spki' });
  } catch (cause) {
    invalid('sourceModuleKey', 'not an SPKI public key', cause);
  }
  const binding = ShareBinding.encode(facts);
  const signed = ShareEnvelopeSignature.encode({ binding, wrappedKey, nonce, ciphertext, tag });
  if (!moduleVerify(sourceKey, signed, signature))
    invalid('signature', 'the source signature does not verify');

  let contentKey: Buffer;
  try {
    contentKey = privateDecrypt(
      {
        key: context.transportPrivateKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
        oaepLabel: binding,
      },
      wrappedKey,
    );
  } catch (cause) {
    invalid('wrappedKey', 'the content key does not decrypt', cause);
  }
  try {
    if (contentKey.length !== 32) invalid('wrappedKey', 'content key must be 32 bytes');
    const decipher = createDecipheriv('aes-256-gcm', contentKey, nonce, { authTagLength: 16 });
    decipher.setAAD(binding);
    decipher.setAuthTag(tag);
    let share: Buffer;
    try {
      share = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch (cause) {
      invalid('ciphertext', 'the share does not decrypt', cause);
    }
    return { ...facts, share };
  } finally {
    contentKey.fill(0);
  }
}
