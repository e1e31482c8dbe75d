import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { canonicalLayout, IndiciumError, MeterIdSchema, MeterUserIdSchema } from '@indicium/protocol';
import { z } from 'zod';

/**
 * The local secrets file (DESIGN §4.2 step 4): the HMKs and per-meter-user records, sealed with
 * AES-256-GCM under a key scrypt derives from the passphrase.
 *
 * scrypt parameters (stored in the file, so they can be raised later without a format change):
 * N = 2^17, r = 8, p = 1 — 128 MiB of memory and about half a second on a laptop per unlock, which
 * is the OWASP-recommended floor for interactive logins with memory to spare; 32-byte random salt.
 * A file whose parameters are below N = 2^14 (a downgrade) or above 2^20 (a memory bomb) is refused.
 *
 * The 64-byte scrypt output is split: the first half is the AES key, the second a check key. The
 * check value (HMAC of the KDF parameters) tells a wrong passphrase (PASSPHRASE_WRONG) from a file
 * altered after it was sealed (LOCAL_STORE_CORRUPT); it lets an attacker test guesses no faster
 * than the GCM tag already would. The associated data binds the file's purpose, format version,
 * KDF parameters and the cleartext list of registrations (shown by `status` while locked), so none
 * of them can be swapped without the tag failing.
 */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });
const MIN_LOG_N = 14;
const MAX_LOG_N = 20;
const SALT_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FILE_FORMAT = 'indicium-companion-secrets';
const FILE_VERSION = 1;
const PURPOSE = 'companion meter-user secrets';

const AssociatedData = canonicalLayout('indicium/companion/secrets-file/v1', {
  purpose: 'text',
  version: 'uint',
  scryptN: 'uint',
  scryptR: 'uint',
  scryptP: 'uint',
  salt: 'bytes',
  meterIds: 'text[]',
  userIds: 'text[]',
});
const PassphraseCheck = canonicalLayout('indicium/companion/passphrase-check/v1', {
  scryptN: 'uint',
  scryptR: 'uint',
  scryptP: 'uint',
  salt: 'bytes',
});

const b64 = z.base64();
const RegistrationNameSchema = z.strictObject({ meterId: MeterIdSchema, userId: MeterUserIdSchema });
export type RegistrationName = z.infer<typeof RegistrationNameSchema>;

const SealedFileSchema = z.strictObject({
  format: z.literal(FILE_FORMAT),
  version: z.literal(FILE_VERSION),
  kdf: z.strictObject({
    name: z.literal('scrypt'),
    N: z
      .int()
      .refine(
        (n) => Number.isInteger(Math.log2(n)) && Math.log2(n) >= MIN_LOG_N && Math.log2(n) <= MAX_LOG_N,
      ),
    r: z.int().min(1).max(32),
    p: z.int().min(1).max(16),
    salt: b64,
  }),
  registrations: z.array(RegistrationNameSchema).max(64),
  check: b64,
  iv: b64,
  ciphertext: b64,
  tag: b64,
});
type SealedFile = z.infer<typeof SealedFileSchema>;

/** The derived keys; `wipe` zeroes them (lock). */
export interface SecretsKey {
  readonly salt: Buffer;
  readonly params: ScryptParams;
  readonly encryptionKey: Buffer;
  readonly checkKey: Buffer;
}

export function wipeKey(key: SecretsKey): void {
  key.encryptionKey.fill(0);
  key.checkKey.fill(0);
}

/** Derives the keys from a passphrase (NFC-normalised, so the same words typed anywhere match). */
export async function deriveSecretsKey(
  passphrase: string,
  params: ScryptParams = DEFAULT_SCRYPT,
  salt: Buffer = randomBytes(SALT_BYTES),
): Promise<SecretsKey> {
  const output = await new Promise<Buffer>((resolve, reject) => {
    scrypt(
      Buffer.from(passphrase.normalize('NFC'), 'utf8'),
      salt,
      64,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 16 * 1024 * 1024 },
      (error, key) => (error === null ? resolve(key) : reject(error)),
    );
  });
  const key = {
    salt,
    params,
    encryptionKey: Buffer.from(output.subarray(0, 32)),
    checkKey: Buffer.from(output.subarray(32)),
  };
  output.fill(0);
  return key;
}

function checkValue(key: SecretsKey): Buffer {
  const input = PassphraseCheck.encode({
    scryptN: key.params.N,
    scryptR: key.params.r,
    scryptP: key.params.p,
    salt: key.salt,
  });
  return createHmac('sha256', key.checkKey).update(input).digest();
}

function associatedData(key: SecretsKey, names: readonly RegistrationName[]): Uint8Array {
  return AssociatedData.encode({
    purpose: PURPOSE,
    version: FILE_VERSION,
    scryptN: key.params.N,
    scryptR: key.params.r,
    scryptP: key.params.p,
    salt: key.salt,
    meterIds: names.map((n) => n.meterId),
    userIds: names.map((n) => n.userId),
  });
}

/** Seals `plaintext` (a fresh IV every time) into the file's JSON text. */
export function sealSecrets(
  key: SecretsKey,
  names: readonly RegistrationName[],
  plaintext: Uint8Array,
): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.encryptionKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(key, names));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const file: SealedFile = {
    format: FILE_FORMAT,
    version: FILE_VERSION,
    kdf: { name: 'scrypt', ...key.params, salt: key.salt.toString('base64') },
    registrations: names.map(({ meterId, userId }) => ({ meterId, userId })),
    check: checkValue(key).toString('base64'),
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Reads the file's structure (no secrets): LOCAL_STORE_CORRUPT when it is not a secrets file. */
export function readSealedFile(text: string): SealedFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new IndiciumError('LOCAL_STORE_CORRUPT', {
      field: 'secrets',
      detail: 'the secrets file is not JSON',
    });
  }
  const parsed = SealedFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IndiciumError('LOCAL_STORE_CORRUPT', {
      field: `secrets.${issue?.path.join('.') ?? ''}`,
      detail: issue?.message ?? 'not a secrets file',
    });
  }
  return parsed.data;
}

/**
 * Opens a sealed file with the passphrase: PASSPHRASE_WRONG when the passphrase does not match,
 * LOCAL_STORE_CORRUPT when it does but the sealed content or its bound data was altered.
 */
export async function openSecrets(
  text: string,
  passphrase: string,
): Promise<{ key: SecretsKey; names: RegistrationName[]; plaintext: Buffer }> {
  const file = readSealedFile(text);
  const params = { N: file.kdf.N, r: file.kdf.r, p: file.kdf.p };
  const key = await deriveSecretsKey(passphrase, params, Buffer.from(file.kdf.salt, 'base64'));
  const expected = checkValue(key);
  const stored = Buffer.from(file.check, 'base64');
  if (stored.length !== expected.length || !timingSafeEqual(stored, expected)) {
    wipeKey(key);
    throw new IndiciumError('PASSPHRASE_WRONG', { field: 'passphrase' });
  }
  const iv = Buffer.from(file.iv, 'base64');
  const tag = Buffer.from(file.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    wipeKey(key);
    throw new IndiciumError('LOCAL_STORE_CORRUPT', { field: 'secrets', detail: 'bad IV or tag length' });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.encryptionKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(key, file.registrations));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([
      decipher.update(Buffer.from(file.ciphertext, 'base64')),
      decipher.final(),
    ]);
    return { key, names: file.registrations, plaintext };
  } catch {
    wipeKey(key);
    throw new IndiciumError('LOCAL_STORE_CORRUPT', {
      field: 'secrets',
      detail: 'the secrets file was altered after it was sealed',
    });
  }
}
