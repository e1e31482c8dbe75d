import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generatePassphrase, officerPassword } from './officer-passphrase.js';

describe('officerPassword', () => {
  it('is scrypt (N=2^15, r=8, p=1) of the passphrase, salted with label, module serial and user id', async () => {
    const expected = scryptSync(
      'correct horse',
      Buffer.from('indicium/officer-passphrase/v1\0M0001\0so'),
      32,
      {
        N: 2 ** 15,
        r: 8,
        p: 1,
        maxmem: 64 * 1024 * 1024,
      },
    ).toString('base64');
    expect(await officerPassword('correct horse', { moduleSerial: 'M0001', userId: 'so' })).toBe(expected);
  });

  it('differs per module, per user and per passphrase, and normalises Unicode', async () => {
    const base = await officerPassword('pass phrase one', { moduleSerial: 'M0001', userId: 'kc1' });
    expect(Buffer.from(base, 'base64')).toHaveLength(32);
    expect(await officerPassword('pass phrase one', { moduleSerial: 'M0002', userId: 'kc1' })).not.toBe(base);
    expect(await officerPassword('pass phrase one', { moduleSerial: 'M0001', userId: 'kc2' })).not.toBe(base);
    expect(await officerPassword('pass phrase two', { moduleSerial: 'M0001', userId: 'kc1' })).not.toBe(base);
    const composed = await officerPassword('caf\u00e9', { moduleSerial: 'M0001', userId: 'kc1' });
    expect(await officerPassword('cafe\u0301', { moduleSerial: 'M0001', userId: 'kc1' })).toBe(composed);
  });

  it('generates 192-bit passphrases, never the same twice', () => {
    const all = new Set(Array.from({ length: 50 }, generatePassphrase));
    expect(all.size).toBe(50);
    for (const p of all) expect(p).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
