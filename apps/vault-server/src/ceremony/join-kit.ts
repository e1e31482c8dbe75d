import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  type ScryptOptions,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { canonicalLayout, IndiciumError } from '@indicium/protocol';
import { z } from 'zod';
import { VaultManifestSchema } from './vault-manifest.js';

/**
 * The join kit (DESIGN §10, README "Several nodes"): the secrets every node of a cluster must
 * share, sealed under a passphrase so the file can travel from node A to node B. It holds the
 * postal CA's key and certificate, the provider signing key, the web session key, and the
 * cluster facts of vault.json (MKS version and key-check value, share policy, the crypto-card
 * tokens — already sealed under the MKS — and the card's public keys). It holds no MKS and no
 * officer credential: node B's modules get the MKS only through the share commands.
 *
 * Sealing: scrypt (N 2^15, r 8, p 1) turns the passphrase and a random salt into 64 bytes; the
 * first 32 are an AES-256-GCM key, the last 32 a check key whose HMAC over the KDF parameters is
 * stored, so a wrong passphrase is told apart from a damaged kit. The GCM associated data is the
 * canonical encoding of every header field, so no header byte can change unnoticed. The plaintext
 * is the JSON of `JoinKitContents`: GCM authenticates its exact bytes (nothing re-serialises it
 * before checking), and no one signs it.
 */
export const JOIN_KIT_FORMAT = 'indicium/join-kit/v1';

/** Shortest passphrase a kit is sealed under: the kit carries the postal CA's private key. */
export const MIN_JOIN_KIT_PASSPHRASE = 12;

const KDF = Object.freeze({ name: 'scrypt', n: 2 ** 15, r: 8, p: 1 });
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/**
 * What an opened kit may ask of scrypt: 128·N·r bytes of memory (256 MiB, 8 times a kit's own) and
 * N·r·p block mixes (16 times a kit's own). The fields are bounded one by one too, but their
 * product is what costs: N 2^20 with r 16 alone would be 2 GiB.
 */
const MAX_KDF_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_KDF_WORK = 16 * KDF.n * KDF.r * KDF.p;
/** A kit is a few KiB; this bounds what an opened file can make us decrypt. */
const MAX_CIPHERTEXT_BYTES = 256 * 1024;

const KitCheck = canonicalLayout('indicium/vault/join-kit-check/v1', {
  kdf: 'text',
  n: 'uint',
  r: 'uint',
  p: 'uint',
  salt: 'bytes',
});
const KitAad = canonicalLayout('indicium/vault/join-kit/v1', {
  format: 'text',
  kdf: 'text',
  n: 'uint',
  r: 'uint',
  p: 'uint',
  salt: 'bytes',
  check: 'bytes',
  iv: 'bytes',
});

const pem = (max: number) => z.string().min(1).max(max);

/** What a kit carries (see the file comment). */
export const JoinKitContentsSchema = z.strictObject({
  createdAt: z.iso.datetime(),
  /** The node it was exported on (vault.json `node.id`); null for a vault made before node ids. */
  fromNode: z
    .string()
    .regex(/^[0-9a-f]{8}$/)
    .nullable(),
  postalCa: z.strictObject({ certificatePem: pem(16_384), privateKeyPem: pem(8192) }),
  providerPrivateKeyPem: pem(8192),
  /** The web session key, base64 (32 bytes). */
  sessionKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  cluster: VaultManifestSchema.pick({
    master: true,
    mks: true,
    shares: true,
    cryptoCard: true,
    cardPublicKeys: true,
  }),
});
export type JoinKitContents = z.infer<typeof JoinKitContentsSchema>;
export type JoinKitCluster = JoinKitContents['cluster'];

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const JoinKitEnvelopeSchema = z.strictObject({
  format: z.literal(JOIN_KIT_FORMAT),
  kdf: z
    .strictObject({
      name: z.literal(KDF.name),
      // Bounded, so a crafted kit cannot ask for gigabytes of scrypt memory (with the product below).
      n: z
        .int()
        .min(2 ** 14)
        .max(2 ** 20)
        .refine((n) => (n & (n - 1)) === 0, 'a power of two'),
      r: z.int().min(1).max(16),
      p: z.int().min(1).max(4),
      salt: base64,
    })
    .refine(
      (kdf) => 128 * kdf.n * kdf.r <= MAX_KDF_MEMORY_BYTES && kdf.n * kdf.r * kdf.p <= MAX_KDF_WORK,
      'a scrypt cost beyond what a join kit needs',
    ),
  check: base64,
  iv: base64,
  ciphertext: base64.max(Math.ceil((MAX_CIPHERTEXT_BYTES * 4) / 3) + 4),
  tag: base64,
});
type JoinKitEnvelope = z.infer<typeof JoinKitEnvelopeSchema>;

function refused(reason: 'malformed' | 'tampered', detail: string, cause?: unknown): IndiciumError {
  return new IndiciumError('JOIN_KIT_REFUSED', {
    detail,
    details: { reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

async function deriveKeys(
  passphrase: string,
  salt: Buffer,
  kdf: { n: number; r: number; p: number },
): Promise<{ key: Buffer; check: Buffer }> {
  const options: ScryptOptions = { N: kdf.n, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.n * kdf.r * kdf.p };
  const bytes = await new Promise<Buffer>((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, 2 * KEY_BYTES, options, (error, derived) =>
      error === null ? resolve(derived) : reject(error),
    ),
  );
  return { key: bytes.subarray(0, KEY_BYTES), check: bytes.subarray(KEY_BYTES) };
}

function checkValue(checkKey: Buffer, kdf: JoinKitEnvelope['kdf'], salt: Buffer): Buffer {
  return createHmac('sha256', checkKey)
    .update(KitCheck.encode({ kdf: kdf.name, n: kdf.n, r: kdf.r, p: kdf.p, salt }))
    .digest();
}

function aad(envelope: Omit<JoinKitEnvelope, 'ciphertext' | 'tag'>): Uint8Array {
  const { kdf } = envelope;
  return KitAad.encode({
    format: envelope.format,
    kdf: kdf.name,
    n: kdf.n,
    r: kdf.r,
    p: kdf.p,
    salt: Buffer.from(kdf.salt, 'base64'),
    check: Buffer.from(envelope.check, 'base64'),
    iv: Buffer.from(envelope.iv, 'base64'),
  });
}

/**
 * Seals `contents` under `passphrase` as the kit file's text (JSON, one envelope).
 *
 * @example
 * await writeNewOwnerOnlyFile(out, await sealJoinKit(contents, passphrase));
 */
export async function sealJoinKit(contents: JoinKitContents, passphrase: string): Promise<string> {
  if (passphrase.length < MIN_JOIN_KIT_PASSPHRASE) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'passphrase',
      detail: `a join kit passphrase has at least ${MIN_JOIN_KIT_PASSPHRASE} characters`,
    });
  }
  const checked = JoinKitContentsSchema.safeParse(contents);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new IndiciumError('INVALID_FIELD', {
      field: ['contents', ...(issue?.path ?? []).map(String)].join('.'),
      detail: issue?.message ?? 'invalid',
    });
  }
  const plaintext = Buffer.from(JSON.stringify(checked.data), 'utf8');
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const kdf = { name: KDF.name, n: KDF.n, r: KDF.r, p: KDF.p, salt: salt.toString('base64') } as const;
  const keys = await deriveKeys(passphrase, salt, kdf);
  const header = {
    format: JOIN_KIT_FORMAT,
    kdf,
    check: checkValue(keys.check, kdf, salt).toString('base64'),
    iv: iv.toString('base64'),
  } as const;
  const cipher = createCipheriv('aes-256-gcm', keys.key, iv);
  cipher.setAAD(aad(header));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const envelope: JoinKitEnvelope = {
    ...header,
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

/**
 * Opens a kit's text with `passphrase`. Refuses with `PASSPHRASE_WRONG` (field `passphrase`) when
 * the passphrase does not derive the stored check value, and `JOIN_KIT_REFUSED` (reason
 * `malformed`: not a kit; `tampered`: a header or ciphertext byte changed) otherwise.
 */
export async function openJoinKit(text: string, passphrase: string): Promise<JoinKitContents> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw refused('malformed', 'not JSON', cause);
  }
  const parsed = JoinKitEnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refused('malformed', `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const envelope = parsed.data;
  const salt = Buffer.from(envelope.kdf.salt, 'base64');
  const check = Buffer.from(envelope.check, 'base64');
  const iv = Buffer.from(envelope.iv, 'base64');
  const tag = Buffer.from(envelope.tag, 'base64');
  if (
    salt.length !== SALT_BYTES ||
    check.length !== 32 ||
    iv.length !== IV_BYTES ||
    tag.length !== TAG_BYTES
  ) {
    throw refused('malformed', 'a salt, check value, IV or tag of the wrong length');
  }
  const keys = await deriveKeys(passphrase, salt, envelope.kdf);
  if (!timingSafeEqual(checkValue(keys.check, envelope.kdf, salt), check)) {
    throw new IndiciumError('PASSPHRASE_WRONG', {
      field: 'passphrase',
      detail: 'this passphrase did not seal this join kit',
    });
  }
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.key, iv);
    decipher.setAAD(aad(envelope));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([
      decipher.update(Buffer.from(envelope.ciphertext, 'base64')),
      decipher.final(),
    ]);
  } catch (cause) {
    throw refused('tampered', 'the kit does not authenticate: a byte was changed after sealing', cause);
  }
  let contents: unknown;
  try {
    contents = JSON.parse(plaintext.toString('utf8'));
  } catch (cause) {
    throw refused('malformed', 'the sealed contents are not JSON', cause);
  }
  const opened = JoinKitContentsSchema.safeParse(contents);
  if (!opened.success) {
    throw refused('malformed', `contents: ${opened.error.issues[0]?.message ?? 'invalid'}`);
  }
  return opened.data;
}
