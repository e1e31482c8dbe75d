import type { KeyObject } from 'node:crypto';
import { IndiciumError, VAULT_PATHS } from '@indicium/protocol';
import { verifyMeterCertificate } from '../protocol/meter-certificate.js';
import type { VaultHttp } from './vault-http.js';

/**
 * Meter certificates by serial (DESIGN §5 `GET /v1/certificates/{serial}`), each verified against
 * the pinned postal CA before its key is used, and kept for the session: a meter prints many
 * indicia under one certificate. The cache holds only verified keys, per (serial, meter), so a
 * certificate fetched for one meter is never taken for another.
 */
export class MeterCertificates {
  readonly #http: VaultHttp;
  readonly #postalCaPem: string;
  readonly #now: () => Date;
  readonly #keys = new Map<string, KeyObject>();

  constructor(http: VaultHttp, postalCaPem: string, now: () => Date = () => new Date()) {
    this.#http = http;
    this.#postalCaPem = postalCaPem;
    this.#now = now;
  }

  /** The verified indicium key of `meterId` under certificate `serial`: CERTIFICATE_INVALID otherwise. */
  async publicKey(serial: number, meterId: string): Promise<KeyObject> {
    const cacheKey = `${serial}/${meterId}`;
    const cached = this.#keys.get(cacheKey);
    if (cached !== undefined) return cached;
    let pem: string;
    try {
      pem = await this.#http.getText(VAULT_PATHS.certificate.replace('{serial}', String(serial)));
    } catch (error) {
      if (error instanceof IndiciumError && error.code === 'NOT_FOUND') {
        throw new IndiciumError('CERTIFICATE_INVALID', {
          field: 'certificateSerial',
          details: { reason: 'unknown-serial' },
        });
      }
      throw error;
    }
    const key = verifyMeterCertificate(pem, this.#postalCaPem, { serial, meterId, at: this.#now() });
    this.#keys.set(cacheKey, key);
    return key;
  }
}
