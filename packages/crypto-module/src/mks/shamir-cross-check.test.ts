import { describe, expect, it } from 'vitest';
import { createShareCeremony } from './export-ceremony.js';
import { generateMks, mksSecret } from './mks-generate.js';

/**
 * An independent GF(2^8) Lagrange interpolation (AES polynomial x^8 + x^4 + x^3 + x + 1), written
 * from the textbook rather than from the library, so the shares our ceremony makes are checked by
 * something other than the code that made them (STYLE: cross-check against an independent
 * implementation).
 */
function gfMul(a: number, b: number): number {
  let product = 0;
  for (let i = 0; i < 8; i++) {
    if (b & 1) product ^= a;
    const carry = a & 0x80;
    a = (a << 1) & 0xff;
    if (carry) a ^= 0x1b;
    b >>= 1;
  }
  return product;
}

function gfInverse(a: number): number {
  // a^254 = a^-1 in GF(2^8).
  let result = 1;
  for (let i = 0; i < 254; i++) result = gfMul(result, a);
  return result;
}

function interpolateAtZero(shares: readonly Uint8Array[]): Uint8Array {
  const length = (shares[0]?.length ?? 1) - 1;
  const xs = shares.map((s) => s[s.length - 1] as number);
  const secret = new Uint8Array(length);
  for (let byte = 0; byte < length; byte++) {
    let sum = 0;
    for (const [i, share] of shares.entries()) {
      let basis = 1;
      for (const [j, xj] of xs.entries()) {
        if (j === i) continue;
        // L_i(0) = Π xj / (xj − xi); subtraction is XOR in GF(2^8).
        basis = gfMul(basis, gfMul(xj, gfInverse(xj ^ (xs[i] as number))));
      }
      sum ^= gfMul(share[byte] as number, basis);
    }
    secret[byte] = sum;
  }
  return secret;
}

describe('Shamir shares, cross-checked', () => {
  it('any k of the n shares interpolate to MEK ‖ MAK; k − 1 do not', async () => {
    const mks = generateMks(1, 0);
    const ceremony = await createShareCeremony(mks, 5, 3, 0);
    const shares = ceremony.pending.map((p) => Buffer.from(p.share, 'base64'));
    const secret = mksSecret(mks);
    for (const pick of [
      [0, 1, 2],
      [0, 2, 4],
      [1, 3, 4],
      [4, 3, 2, 1],
    ]) {
      expect(Buffer.from(interpolateAtZero(pick.map((i) => shares[i] as Buffer)))).toEqual(secret);
    }
    expect(Buffer.from(interpolateAtZero([shares[0] as Buffer, shares[1] as Buffer]))).not.toEqual(secret);
    expect(new Set(shares.map((s) => s[64])).size).toBe(5);
  });
});
