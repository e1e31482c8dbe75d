import { randomInt, X509Certificate } from 'node:crypto';
import {
  AuthorizePsdAnswerSchema,
  formatDeviceId,
  IndiciumError,
  InitializePsdAnswerSchema,
  MAX_CERTIFICATE_SERIAL,
} from '@indicium/protocol';
import type { Logger } from 'pino';
import type { CertificateAuthority } from '../ca/certificate-authority.js';
import { issueMeterCertificate } from '../ca/issue-meter-certificate.js';
import type { PsdModules } from '../meters/psd-modules.js';
import type { Store } from '../store/store.js';

/** The sample vendor and PSD model of the meters this vault makes (DESIGN §5 device id). */
export const SAMPLE_VENDOR_ID = 42;
export const SAMPLE_PSD_MODEL = 1;

export interface MeterGenDeps {
  readonly psd: PsdModules;
  readonly store: Store;
  readonly postalCa: CertificateAuthority;
  readonly log: Logger;
  /** Fresh meters to keep ready; 0 makes each meter on demand. */
  readonly stockLevel: number;
  /** Wait after a failed (or paused) refill before trying again. */
  readonly retryDelayMs?: number;
}

export interface MeterGen {
  /** Takes the oldest fresh meter for `customerId`, making one at once if the stock is empty. */
  claim(customerId: string): Promise<string>;
  /** Makes one certified meter and puts it in stock; answers its meter id. */
  makeMeter(): Promise<string>;
  /** Starts (or nudges) the background refill up to the stock level. */
  refill(): void;
  /** Stops refilling and waits for a meter being made. */
  stop(): Promise<void>;
}

/**
 * MeterGen (DESIGN §6, §3.3): keeps a stock of fresh, certified meters. Each is made in one module
 * lease — Initialize PSD (a device id with a random 32-bit PSD serial, which is also the certificate
 * serial: unique per postal CA because the store refuses a serial twice) → the postal CA issues the
 * meter certificate (CN = device id, the module's indicium key) → Authorize PSD with it — and the
 * package, checkpoint, audit entries, certificate and stock entry are committed as one unit. A
 * collision on the random serial fails that unit alone; the next attempt draws another.
 *
 * @example
 * const meterGen = createMeterGen({ psd, store, postalCa, log, stockLevel: 2 });
 * meterGen.refill();
 * const meterId = await meterGen.claim(customerId);
 */
export function createMeterGen(deps: MeterGenDeps): MeterGen {
  const { psd, store, postalCa } = deps;
  const log = deps.log.child({ component: 'metergen' });
  const retryDelayMs = deps.retryDelayMs ?? 5_000;
  let running: Promise<void> | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  async function makeMeter(): Promise<string> {
    const serial = randomInt(1, MAX_CERTIFICATE_SERIAL + 1);
    const meterId = formatDeviceId({
      vendorId: SAMPLE_VENDOR_ID,
      psdModel: SAMPLE_PSD_MODEL,
      psdSerial: serial,
    });
    return psd.withModule(async (lease) => {
      const made = await lease.call('initialize-psd', { meterId }, InitializePsdAnswerSchema);
      const pem = await issueMeterCertificate(postalCa, {
        serial,
        deviceId: meterId,
        publicKey: Buffer.from(made.publicKey, 'base64'),
      });
      const authorized = await lease.call(
        'authorize-psd',
        { package: made.package, certificate: new X509Certificate(pem).raw.toString('base64') },
        AuthorizePsdAnswerSchema,
      );
      if (authorized.certificateSerial !== serial) {
        throw new IndiciumError('INTERNAL_ERROR', { detail: 'Authorize PSD read another serial' });
      }
      await lease.commit({
        package: {
          meterId,
          customerId: null,
          version: authorized.packageVersion,
          replacesVersion: null,
          state: authorized.state,
          bytes: Buffer.from(authorized.package, 'base64'),
        },
        certificate: { serial, meterId, pem },
        stock: { meterId, certificateSerial: serial },
      });
      log.info({ meterId, serial, module: lease.serial }, 'meter made and certified');
      return meterId;
    });
  }

  async function fill(): Promise<void> {
    while (!stopped && (await store.meterStock.available()) < deps.stockLevel) {
      await makeMeter();
    }
  }

  /**
   * No module can serve (VAULT_UNAVAILABLE): a node joining a cluster waits for `vaultctl
   * join-modules` (DESIGN §10), or every module is out of service. That is a state, not a fault:
   * one info line, then the refill tries again quietly and says when it could go on.
   */
  let paused = false;

  function refill(): void {
    if (stopped || running !== null) return;
    running = fill()
      .then(() => {
        if (paused) log.info('meter stock resumed');
        paused = false;
      })
      .catch((error: unknown) => {
        if (error instanceof IndiciumError && error.code === 'VAULT_UNAVAILABLE') {
          if (!paused) log.info({ reason: error.message }, 'no module in service: meter stock paused');
          paused = true;
        } else {
          log.error({ err: error }, 'meter stock refill failed; retrying later');
        }
        if (!stopped) {
          timer = setTimeout(() => {
            timer = null;
            refill();
          }, retryDelayMs);
          timer.unref();
        }
      })
      .finally(() => {
        running = null;
      });
  }

  return {
    makeMeter,
    refill,
    async claim(customerId) {
      let claimed = await store.meterStock.claim(customerId);
      if (claimed === null) {
        await makeMeter();
        claimed = await store.meterStock.claim(customerId);
      }
      refill();
      if (claimed === null) throw new IndiciumError('VAULT_BUSY', { detail: 'no fresh meter in stock' });
      return claimed.meterId;
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await running;
    },
  };
}
