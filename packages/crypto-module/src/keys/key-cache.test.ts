import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyCache } from './key-cache.js';

describe('KeyCache (DESIGN §2: unwrapped keys as cached KeyObjects)', () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const spki = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

  it('imports each encoding once and returns the same KeyObject after', () => {
    const cache = new KeyCache();
    const a = cache.privateKey(pkcs8);
    expect(cache.privateKey(pkcs8)).toBe(a);
    expect(a.asymmetricKeyType).toBe('ec');
    expect(cache.publicKey(spki).equals(pair.publicKey)).toBe(true);
    const raw = randomBytes(32).toString('base64');
    expect(cache.secretKey(raw).symmetricKeySize).toBe(32);
    expect(cache.size).toBe(3);
  });

  it('keeps kinds apart and forgets everything on clear (Reset)', () => {
    const cache = new KeyCache();
    const a = cache.privateKey(pkcs8);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.privateKey(pkcs8)).not.toBe(a);
    expect(() => cache.publicKey(pkcs8)).toThrow();
  });
});
