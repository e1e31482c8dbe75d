import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import {
  copyMeterUser,
  decodeMeterUsers,
  encodeMeterUsers,
  type MeterUserSecrets,
} from './meter-user-secrets.js';
import {
  DEFAULT_SCRYPT,
  deriveSecretsKey,
  openSecrets,
  type RegistrationName,
  readSealedFile,
  type ScryptParams,
  type SecretsKey,
  sealSecrets,
  wipeKey,
} from './secrets-file.js';

export interface SecretStoreOptions {
  /** The sealed file, kept owner-only (0600) inside the owner-only data directory. */
  readonly file: string;
  /** Lock after this long without use (DESIGN §4.2). */
  readonly idleTimeoutMs: number;
  /** scrypt parameters for a new file; an existing file keeps its own. */
  readonly scrypt?: ScryptParams;
}

/**
 * The companion session's secrets (DESIGN §4.2 step 4, §4.3): locked until the passphrase is given
 * once, then held in memory only — the derived key and the opened records — until `lock()`, the idle
 * time-out or the end of the process. Locking zeroes the key and every HMK buffer.
 *
 * Every use resets the idle timer. Writes re-seal the whole file with a fresh IV and replace it
 * atomically (write, fsync, rename, fsync the directory), so a crash leaves the old file or the new.
 */
export class SecretStore {
  readonly #file: string;
  readonly #idleTimeoutMs: number;
  readonly #scrypt: ScryptParams;
  #key: SecretsKey | undefined;
  #records: MeterUserSecrets[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SecretStoreOptions) {
    this.#file = options.file;
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#scrypt = options.scrypt ?? DEFAULT_SCRYPT;
  }

  get locked(): boolean {
    return this.#key === undefined;
  }

  /** The meter users this computer is registered for; readable while locked (no secrets). */
  async registrations(): Promise<RegistrationName[]> {
    const text = await this.#readFile();
    return text === undefined ? [] : readSealedFile(text).registrations;
  }

  /** Opens the secrets with the passphrase: NOT_REGISTERED without a file, PASSPHRASE_WRONG, LOCAL_STORE_CORRUPT. */
  async unlock(passphrase: string): Promise<void> {
    const text = await this.#readFile();
    if (text === undefined) throw new IndiciumError('NOT_REGISTERED');
    const opened = await openSecrets(text, passphrase);
    let records: MeterUserSecrets[];
    try {
      records = decodeMeterUsers(opened.plaintext);
    } catch (error) {
      wipeKey(opened.key);
      throw error;
    } finally {
      opened.plaintext.fill(0);
    }
    this.lock();
    this.#key = opened.key;
    this.#records = records;
    this.#touch();
  }

  /** Forgets the key and every record; zeroes the buffers that held them. */
  lock(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#key !== undefined) wipeKey(this.#key);
    this.#key = undefined;
    for (const record of this.#records) {
      record.hmk.fill(0);
      record.moduleChallenge?.fill(0);
    }
    this.#records = [];
  }

  /**
   * The first registration on this computer: seals a new file under `passphrase` and leaves the
   * store unlocked. Refuses (INVALID_INPUT) if a file exists: add to it with `putMeterUser`.
   */
  async create(passphrase: string, first: MeterUserSecrets): Promise<void> {
    if ((await this.#readFile()) !== undefined) {
      throw new IndiciumError('INVALID_INPUT', {
        field: 'secrets',
        detail: 'this computer already has secrets: unlock and add',
      });
    }
    const key = await deriveSecretsKey(passphrase, this.#scrypt);
    this.lock();
    this.#key = key;
    this.#records = [];
    await this.putMeterUser(first);
  }

  /** One meter user's secrets (a copy): COMPANION_LOCKED, or NOT_REGISTERED for an unknown one. */
  meterUser(meterId: string, userId: string): MeterUserSecrets {
    this.#requireUnlocked();
    const record = this.#records.find((r) => r.meterId === meterId && r.userId === userId);
    if (record === undefined) throw new IndiciumError('NOT_REGISTERED', { details: { meterId, userId } });
    return copyMeterUser(record);
  }

  /** Adds or replaces a meter user's record (new Cm, new AR/DR) and re-seals the file durably. */
  async putMeterUser(record: MeterUserSecrets): Promise<void> {
    const key = this.#requireUnlocked();
    const kept = copyMeterUser(record);
    const others = this.#records.filter((r) => !(r.meterId === record.meterId && r.userId === record.userId));
    const next = [...others, kept];
    const plaintext = encodeMeterUsers(next);
    try {
      await this.#writeFile(sealSecrets(key, next, plaintext));
    } finally {
      plaintext.fill(0);
    }
    const replaced = this.#records.find((r) => r.meterId === record.meterId && r.userId === record.userId);
    replaced?.hmk.fill(0);
    this.#records = next;
  }

  #requireUnlocked(): SecretsKey {
    if (this.#key === undefined) throw new IndiciumError('COMPANION_LOCKED');
    this.#touch();
    return this.#key;
  }

  #touch(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.lock(), this.#idleTimeoutMs);
    // The idle timer alone never keeps the process alive.
    this.#timer.unref();
  }

  async #readFile(): Promise<string | undefined> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(this.#file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // A secrets file others can read or write is not trusted: its HMKs may be known, or swapped.
    if ((info.mode & 0o077) !== 0) {
      throw new IndiciumError('LOCAL_STORE_CORRUPT', {
        field: 'secrets',
        detail: `${this.#file} is open to other users (mode ${(info.mode & 0o777).toString(8)}); it must be 600`,
      });
    }
    return readFile(this.#file, 'utf8');
  }

  async #writeFile(text: string): Promise<void> {
    const temp = `${this.#file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await handle.close();
    await rename(temp, this.#file);
    const dir = await open(dirname(this.#file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
