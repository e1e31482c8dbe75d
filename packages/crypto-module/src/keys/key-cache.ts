import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * Unwrapped keys as cached `KeyObject`s (DESIGN §2: re-importing a PKCS#8 key per operation costs
 * ~15× the signature). The cache is a pure memo from the stored encoding (as kept in an NVM
 * section) to its KeyObject, so it can never disagree with the NVM: a changed key has a new
 * encoding. Reset clears it; a reboot starts empty.
 */
export class KeyCache {
  readonly #keys = new Map<string, KeyObject>();

  /** PKCS#8 DER, base64 → private KeyObject. */
  privateKey(pkcs8Base64: string): KeyObject {
    return this.#memo(`pkcs8:${pkcs8Base64}`, () =>
      createPrivateKey({ key: Buffer.from(pkcs8Base64, 'base64'), format: 'der', type: 'pkcs8' }),
    );
  }

  /** SPKI DER, base64 → public KeyObject. */
  publicKey(spkiBase64: string): KeyObject {
    return this.#memo(`spki:${spkiBase64}`, () =>
      createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' }),
    );
  }

  /** Raw secret bytes, base64 → secret KeyObject (MEK, MAK, …). */
  secretKey(rawBase64: string): KeyObject {
    return this.#memo(`raw:${rawBase64}`, () => createSecretKey(Buffer.from(rawBase64, 'base64')));
  }

  get size(): number {
    return this.#keys.size;
  }

  /** Zeroization of the cache: drops every reference (Reset, DESIGN §3.3). */
  clear(): void {
    this.#keys.clear();
  }

  #memo(id: string, make: () => KeyObject): KeyObject {
    const hit = this.#keys.get(id);
    if (hit !== undefined) return hit;
    const key = make();
    this.#keys.set(id, key);
    return key;
  }
}
