import { describe, expect, it } from 'vitest';
import { dummyPasswordHash, hashPassword, PASSWORD_SCRYPT, verifyPassword } from './password-hash.js';

describe('password hashing (scrypt)', () => {
  it('verifies the right password only, with a fresh salt per hash', async () => {
    const password = 'correct horse battery staple';
    const [a, b] = await Promise.all([hashPassword(password), hashPassword(password)]);
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^scrypt\\$${PASSWORD_SCRYPT.N}\\$8\\$3\\$`));
    expect(a).not.toContain(password);
    expect(await verifyPassword(password, a)).toBe(true);
    expect(await verifyPassword(password, b)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', a)).toBe(false);
    expect(await verifyPassword('Correct horse battery staple', a)).toBe(false);
  });

  it('treats canonically equivalent Unicode as the same password (NFC)', async () => {
    const stored = await hashPassword('caf\u00e9 au lait 1234');
    expect(await verifyPassword('cafe\u0301 au lait 1234', stored)).toBe(true);
  });

  it('matches nothing against a damaged or planted hash', async () => {
    const stored = await hashPassword('a long enough password');
    const parts = stored.split('$');
    const flip = (i: number, value: string) => parts.map((p, j) => (j === i ? value : p)).join('$');
    const firstChanged = (text = '') => `${text.startsWith('A') ? 'B' : 'A'}${text.slice(1)}`;
    expect(await verifyPassword('a long enough password', flip(5, firstChanged(parts[5])))).toBe(false);
    expect(await verifyPassword('a long enough password', flip(4, firstChanged(parts[4])))).toBe(false);
    // Parameters outside what we ever write (a memory bomb, or a weakened cost) are refused.
    expect(await verifyPassword('a long enough password', flip(1, String(2 ** 20)))).toBe(false);
    expect(await verifyPassword('a long enough password', flip(1, String(2 ** 10)))).toBe(false);
    expect(await verifyPassword('a long enough password', flip(1, '32769'))).toBe(false);
    expect(await verifyPassword('a long enough password', 'plain text')).toBe(false);
    expect(await verifyPassword('a long enough password', '')).toBe(false);
  });

  it('has a dummy hash that no guess matches, made once', async () => {
    const dummy = await dummyPasswordHash();
    expect(await dummyPasswordHash()).toBe(dummy);
    expect(await verifyPassword('', dummy)).toBe(false);
  });
});
