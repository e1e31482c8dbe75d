import type { KeyObject } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { IndiciumError, VAULT_PATHS } from '@indicium/protocol';
import { verifyMeterCertificate } from '../protocol/meter-certificate.js';
import type { VaultHttp } from './vault-http.js';

/**
 * Meter certificates by serial (DESIGN §5 `GET /v1/certificates/{serial}`), each verified against
 * the pinned postal CA before its key is used, and kept: a meter prints many indicia under one
 * certificate. In memory the cache holds only verified keys, per (serial, meter), so a certificate
 * fetched for one meter is never taken for another. On disk (`dir`, owner-only) it keeps the PEMs
 * so each CLI run need not fetch again; a file from disk is verified exactly like a fetched one,
 * and one that does not verify is fetched afresh and replaced, so the disk is a cache, not a root
 * of trust.
 */
export class MeterCertificates {
  readonly #http: VaultHttp;
  readonly #postalCaPem: string;
  readonly #now: () => Date;
  readonly #keys = new Map<string, KeyObject>();
  readonly #dir: string | undefined;

  constructor(
    http: VaultHttp,
    postalCaPem: string,
    options: { readonly now?: () => Date; readonly dir?: string } = {},
  ) {
    this.#http = http;
    this.#postalCaPem = postalCaPem;
    this.#now = options.now ?? (() => new Date());
    this.#dir = options.dir;
  }

  /** The verified indicium key of `meterId` under certificate `serial`: CERTIFICATE_INVALID otherwise. */
  async publicKey(serial: number, meterId: string): Promise<KeyObject> {
    const cacheKey = `${serial}/${meterId}`;
    const known = this.#keys.get(cacheKey);
    if (known !== undefined) return known;
    const expected = { serial, meterId, at: this.#now() };
    const onDisk = await this.#readCached(serial);
    if (onDisk !== undefined) {
      try {
        const key = verifyMeterCertificate(onDisk, this.#postalCaPem, expected);
        this.#keys.set(cacheKey, key);
        return key;
      } catch {
        // A damaged, expired or foreign file: fetch afresh below (and replace it once it verifies).
      }
    }
    const pem = await this.#fetch(serial);
    const key = verifyMeterCertificate(pem, this.#postalCaPem, expected);
    this.#keys.set(cacheKey, key);
    await this.#writeCached(serial, pem);
    return key;
  }

  async #fetch(serial: number): Promise<string> {
    try {
      return await this.#http.getText(VAULT_PATHS.certificate.replace('{serial}', String(serial)));
    } catch (error) {
      if (error instanceof IndiciumError && error.code === 'NOT_FOUND') {
        throw new IndiciumError('CERTIFICATE_INVALID', {
          field: 'certificateSerial',
          details: { reason: 'unknown-serial' },
        });
      }
      throw error;
    }
  }

  async #readCached(serial: number): Promise<string | undefined> {
    if (this.#dir === undefined) return undefined;
    return readFile(join(this.#dir, `${serial}.pem`), 'utf8').catch(() => undefined);
  }

  async #writeCached(serial: number, pem: string): Promise<void> {
    if (this.#dir === undefined) return;
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const file = join(this.#dir, `${serial}.pem`);
    const temp = `${file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(pem, 'utf8');
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  }
}
