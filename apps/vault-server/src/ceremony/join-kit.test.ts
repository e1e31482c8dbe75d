import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectIndiciumRejection } from '../../test/support/expect-indicium-error.js';
import { JOIN_KIT_FORMAT, type JoinKitContents, openJoinKit, sealJoinKit } from './join-kit.js';

const PASSPHRASE = 'join kit passphrase for tests';

/** Contents in the kit's shape; the keys are not checked here (import-join-kit.test.ts does). */
const CONTENTS: JoinKitContents = {
  createdAt: '2026-11-26T20:00:00.000Z',
  fromNode: '0a1b2c3d',
  postalCa: { certificatePem: 'CERT', privateKeyPem: 'KEY' },
  providerPrivateKeyPem: 'PROVIDER',
  sessionKey: randomBytes(32).toString('base64'),
  cluster: {
    master: 'M0001',
    mks: { version: 1, kcv: '0123456789abcdef0123456789abcdef' },
    shares: { n: 3, k: 2 },
    cryptoCard: { format: 1, sealed: 'AAAA' },
  },
};

type Envelope = Record<string, unknown> & { kdf: Record<string, unknown> };
const sealed = await sealJoinKit(CONTENTS, PASSPHRASE);
const envelope = (): Envelope => JSON.parse(sealed) as Envelope;
/** Flips one bit of a base64 field's bytes. */
const flip = (b64: string, at = 0): string => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[at] = (bytes[at] ?? 0) ^ 1;
  return bytes.toString('base64');
};

describe('join kit sealing (DESIGN §10)', () => {
  it('opens with its passphrase to exactly what was sealed, and shows none of it in the clear', async () => {
    expect(await openJoinKit(sealed, PASSPHRASE)).toEqual(CONTENTS);
    expect(envelope()).toMatchObject({
      format: JOIN_KIT_FORMAT,
      kdf: { name: 'scrypt', n: 2 ** 15, r: 8, p: 1 },
    });
    for (const secret of ['PROVIDER', CONTENTS.sessionKey, CONTENTS.cluster.mks.kcv])
      expect(sealed).not.toContain(secret);
    // A fresh salt and IV each time: two kits of the same contents share no ciphertext.
    expect(JSON.parse(await sealJoinKit(CONTENTS, PASSPHRASE)).ciphertext).not.toBe(envelope().ciphertext);
  });

  it('refuses a wrong passphrase as PASSPHRASE_WRONG', async () => {
    await expectIndiciumRejection(() => openJoinKit(sealed, `${PASSPHRASE}!`), {
      code: 'PASSPHRASE_WRONG',
      field: 'passphrase',
    });
  });

  it.each([
    ['ciphertext', (e: Envelope) => ({ ...e, ciphertext: flip(e.ciphertext as string, 5) })],
    ['tag', (e: Envelope) => ({ ...e, tag: flip(e.tag as string) })],
    ['iv', (e: Envelope) => ({ ...e, iv: flip(e.iv as string) })],
  ])('refuses a kit whose %s was changed as JOIN_KIT_REFUSED (tampered)', async (_name, tamper) => {
    await expectIndiciumRejection(() => openJoinKit(JSON.stringify(tamper(envelope())), PASSPHRASE), {
      code: 'JOIN_KIT_REFUSED',
      reason: 'tampered',
    });
  });

  it('binds the KDF parameters: a changed salt or cost no longer derives the check value', async () => {
    const e = envelope();
    for (const kdf of [
      { ...e.kdf, salt: flip(e.kdf.salt as string) },
      { ...e.kdf, n: 2 ** 14 },
    ]) {
      await expectIndiciumRejection(() => openJoinKit(JSON.stringify({ ...e, kdf }), PASSPHRASE), {
        code: 'PASSPHRASE_WRONG',
        field: 'passphrase',
      });
    }
  });

  it.each([
    ['not JSON', 'not a kit'],
    ['another format', JSON.stringify({ ...envelope(), format: 'indicium/join-kit/v2' })],
    ['an unbounded scrypt cost', JSON.stringify({ ...envelope(), kdf: { ...envelope().kdf, n: 2 ** 24 } })],
    ['a short tag', JSON.stringify({ ...envelope(), tag: 'AAAA' })],
    // Each within its field's bounds, together 2 GiB of scrypt memory / 32 times the sealing work.
    [
      'a scrypt cost of 2 GiB',
      JSON.stringify({ ...envelope(), kdf: { ...envelope().kdf, n: 2 ** 20, r: 16 } }),
    ],
    [
      'a scrypt work of 32 kits',
      JSON.stringify({ ...envelope(), kdf: { ...envelope().kdf, n: 2 ** 18, r: 8, p: 4 } }),
    ],
    ['an extra field', JSON.stringify({ ...envelope(), note: 'x' })],
  ])('refuses %s as JOIN_KIT_REFUSED (malformed)', async (_name, text) => {
    await expectIndiciumRejection(() => openJoinKit(text, PASSPHRASE), {
      code: 'JOIN_KIT_REFUSED',
      reason: 'malformed',
    });
  });

  it('refuses to seal under a short passphrase, and contents out of shape', async () => {
    await expectIndiciumRejection(() => sealJoinKit(CONTENTS, 'short'), {
      code: 'INVALID_FIELD',
      field: 'passphrase',
    });
    await expectIndiciumRejection(() => sealJoinKit({ ...CONTENTS, sessionKey: 'short' }, PASSPHRASE), {
      code: 'INVALID_FIELD',
      field: 'contents.sessionKey',
    });
  });
});
