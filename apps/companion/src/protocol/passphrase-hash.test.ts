import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashMeterUserPassphrase } from './passphrase-hash.js';

const who = { meterId: '00042-00001-0000001001', userId: 'ada' };

describe('hashMeterUserPassphrase (DESIGN §2: scrypt on the client, PASSPHRASE_HASH_SCRYPT)', () => {
  it('is scrypt N=2^15 r=8 p=1 over the NFC passphrase, salted with label, meter and user', async () => {
    const expected = scryptSync(
      'correct horse battery staple',
      'indicium/registration/passphrase-hash/v1\u0000' + '00042-00001-0000001001\u0000ada',
      32,
      { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 },
    );
    expect(await hashMeterUserPassphrase('correct horse battery staple', who)).toEqual(
      new Uint8Array(expected),
    );
  });

  it('is the same for composed and decomposed accents, and differs per user and meter', async () => {
    const composed = await hashMeterUserPassphrase('café crème brûlée', who);
    expect(await hashMeterUserPassphrase('cafe\u0301 cre\u0300me bru\u0302le\u0301e', who)).toEqual(composed);
    expect(await hashMeterUserPassphrase('café crème brûlée', { ...who, userId: 'bob' })).not.toEqual(
      composed,
    );
    expect(
      await hashMeterUserPassphrase('café crème brûlée', { ...who, meterId: '00042-00001-0000001002' }),
    ).not.toEqual(composed);
  });
});
