import { constants, createCipheriv, type KeyObject, publicEncrypt, randomBytes } from 'node:crypto';
import type { ModuleSigningKey } from './module-signature.js';
import {
  SHARE_ENVELOPE_FORMAT,
  ShareBinding,
  type ShareEnvelope,
  ShareEnvelopeSignature,
  type ShareFacts,
} from './share-envelope.js';

export interface SealShareInput {
  readonly facts: Omit<ShareFacts, 'sourceModuleKey'>;
  readonly share: Uint8Array;
  /** The destination's verified transport public key (see `verifyTransportKey`). */
  readonly transportPublicKey: KeyObject;
  readonly moduleKey: ModuleSigningKey;
}

/**
 * Encrypts one share to a destination module and signs it (see {@link ShareEnvelope}).
 *
 * @example
 * const envelope = sealShareEnvelope({ facts, share, transportPublicKey: verified.publicKey, moduleKey });
 */
export function sealShareEnvelope(input: SealShareInput): ShareEnvelope {
  const facts: ShareFacts = { ...input.facts, sourceModuleKey: input.moduleKey.publicKeySpki };
  const binding = ShareBinding.encode(facts);
  const contentKey = randomBytes(32);
  try {
    const wrappedKey = publicEncrypt(
      {
        key: input.transportPublicKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
        oaepLabel: binding,
      },
      contentKey,
    );
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', contentKey, nonce);
    cipher.setAAD(binding);
    const ciphertext = Buffer.concat([cipher.update(input.share), cipher.final()]);
    const tag = cipher.getAuthTag();
    const signature = input.moduleKey.sign(
      ShareEnvelopeSignature.encode({ binding, wrappedKey, nonce, ciphertext, tag }),
    );
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    return {
      format: SHARE_ENVELOPE_FORMAT,
      ceremonyId: facts.ceremonyId,
      mksVersion: facts.mksVersion,
      index: facts.index,
      n: facts.n,
      k: facts.k,
      exportable: facts.exportable,
      kcv: b64(facts.kcv),
      destinationFingerprint: facts.destinationFingerprint,
      sourceModuleKey: b64(facts.sourceModuleKey),
      wrappedKey: b64(wrappedKey),
      nonce: b64(nonce),
      ciphertext: b64(ciphertext),
      tag: b64(tag),
      signature: b64(signature),
    };
  } finally {
    contentKey.fill(0);
  }
}
