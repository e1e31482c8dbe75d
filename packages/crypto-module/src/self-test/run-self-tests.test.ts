import { describe, expect, it } from 'vitest';
import { runSelfTests } from './run-self-tests.js';
import { SELF_TEST_VECTORS, type SelfTestVectors } from './self-test-vectors.js';

/** Flips the last hex digit of one field: a vector that is wrong by one bit. */
function corrupt<K extends keyof SelfTestVectors>(name: K, field: keyof SelfTestVectors[K]): SelfTestVectors {
  const group = { ...SELF_TEST_VECTORS[name] } as Record<string, string>;
  const value = group[field as string] as string;
  const last = value.at(-1) === '0' ? '1' : '0';
  group[field as string] = value.slice(0, -1) + last;
  return { ...SELF_TEST_VECTORS, [name]: group };
}

describe('power-on self-tests (DESIGN §3.1)', () => {
  it('pass with the published and committed vectors', () => {
    expect(runSelfTests(SELF_TEST_VECTORS)).toEqual({ passed: true, failed: [] });
  });

  const cases: [keyof SelfTestVectors, string][] = [
    ['aes256Gcm', 'ciphertext'],
    ['aes256Gcm', 'tag'],
    ['hmacSha256', 'mac'],
    ['sha256', 'digest'],
    ['x25519', 'shared'],
    ['x25519', 'alicePublic'],
    ['hkdfSha256', 'okm'],
    ['ecdsaP256', 'signature'],
    ['rsaOaepSha256', 'ciphertext'],
    ['rsaOaepSha256', 'plaintext'],
  ];
  it.each(cases)('fail when %s.%s is wrong, naming only that test', (name, field) => {
    const report = runSelfTests(corrupt(name, field as never));
    expect(report).toEqual({ passed: false, failed: [name] });
  });

  it('fail when a key does not decode', () => {
    const vectors = {
      ...SELF_TEST_VECTORS,
      ecdsaP256: { ...SELF_TEST_VECTORS.ecdsaP256, privateKeyPkcs8: 'AAAA' },
    };
    expect(runSelfTests(vectors).failed).toEqual(['ecdsaP256']);
  });
});
