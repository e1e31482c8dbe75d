import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GatewayUserSchema, IndiciumError, InterfaceNameSchema, PairingIdSchema } from '@indicium/protocol';
import { z } from 'zod';
import { withFileLock } from '../journal/file-lock.js';
import { sameCode } from './pairing-code.js';

/** A pending pairing not confirmed within this time is void: the person pairs again. */
export const PAIRING_PENDING_MS = 10 * 60 * 1000;
/** Wrong codes typed on the gateway before a pending pairing is void (guessing 10^6 codes is out). */
export const PAIRING_MAX_ATTEMPTS = 3;
/** Pending pairings at once: anyone on the LAN may ask to pair, but cannot fill the file. */
export const PAIRING_MAX_PENDING = 16;

const PairingRecordSchema = z.strictObject({
  pairingId: PairingIdSchema,
  name: InterfaceNameSchema,
  user: GatewayUserSchema,
  state: z.enum(['pending', 'confirmed', 'revoked', 'void']),
  /** SHA-256 of the DER of the client certificate the interface presented when it asked to pair. */
  certificateFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  gatewayNonce: z.string().max(64),
  code: z
    .string()
    .regex(/^\d{6}$/)
    .nullable(),
  attempts: z.int().min(0).max(PAIRING_MAX_ATTEMPTS),
  createdAt: z.iso.datetime(),
  confirmedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type PairingRecord = z.infer<typeof PairingRecordSchema>;

const PairingsFileSchema = z.strictObject({ version: z.literal(1), pairings: z.array(PairingRecordSchema) });

/**
 * The gateway's pairings (DESIGN §9), one owner-only JSON file shared by the running gateway (which
 * adds pending pairings) and the operator's CLI (which confirms and revokes them). Every change
 * runs under a lock file and replaces the file atomically; the gateway reads it on every
 * connection, so a revocation takes effect at the next request.
 */
export class PairingStore {
  readonly #file: string;
  readonly #now: () => Date;

  constructor(file: string, now: () => Date = () => new Date()) {
    this.#file = file;
    this.#now = now;
  }

  async list(): Promise<PairingRecord[]> {
    return (await this.#read()).map((r) => this.#expire(r));
  }

  /** Records a pairing request from the certificate the interface showed in the TLS handshake. */
  async addPending(request: {
    name: string;
    user: PairingRecord['user'];
    certificateFingerprint: string;
    gatewayNonce: Uint8Array;
  }): Promise<PairingRecord> {
    const record: PairingRecord = {
      pairingId: randomBytes(16).toString('hex'),
      name: request.name,
      user: request.user,
      state: 'pending',
      certificateFingerprint: request.certificateFingerprint,
      gatewayNonce: Buffer.from(request.gatewayNonce).toString('base64'),
      code: null,
      attempts: 0,
      createdAt: this.#now().toISOString(),
      confirmedAt: null,
      revokedAt: null,
    };
    await this.#update((all) => {
      const kept = all.filter((r) => this.#expire(r).state !== 'void');
      if (kept.filter((r) => r.state === 'pending').length >= PAIRING_MAX_PENDING) {
        throw new IndiciumError('TOO_MANY_ATTEMPTS', {
          detail: 'too many pairings wait for confirmation: confirm or let them expire first',
        });
      }
      return [...kept, record];
    });
    return record;
  }

  /** A pending pairing of this very client certificate, still waiting for its nonce (step 2). */
  async pendingFor(pairingId: string, certificateFingerprint: string): Promise<PairingRecord> {
    const record = (await this.list()).find((r) => r.pairingId === pairingId);
    if (
      record === undefined ||
      record.state !== 'pending' ||
      record.code !== null ||
      record.certificateFingerprint !== certificateFingerprint
    ) {
      throw new IndiciumError('PAIRING_REQUIRED', {
        field: 'pairingId',
        detail: 'no such pairing in progress',
      });
    }
    return record;
  }

  async setCode(pairingId: string, code: string): Promise<void> {
    await this.#update((all) => all.map((r) => (r.pairingId === pairingId ? { ...r, code } : r)));
  }

  /**
   * The operator confirms on the gateway the code the interface machine shows. A wrong code counts
   * an attempt (PAIRING_CODE_WRONG); the third voids the pairing.
   */
  async confirm(pairingId: string, typedCode: string): Promise<PairingRecord> {
    let outcome: PairingRecord | IndiciumError = new IndiciumError('PAIRING_REQUIRED', {
      field: 'pairingId',
    });
    await this.#update((all) =>
      all.map((stored) => {
        const r = this.#expire(stored);
        if (r.pairingId !== pairingId) return stored;
        if (r.state !== 'pending' || r.code === null) {
          outcome = new IndiciumError('PAIRING_REQUIRED', {
            field: 'pairingId',
            detail: `this pairing is ${r.state === 'pending' ? 'not complete on the interface machine' : r.state}`,
          });
          return r;
        }
        if (!sameCode(r.code, typedCode)) {
          const attempts = r.attempts + 1;
          outcome = new IndiciumError('PAIRING_CODE_WRONG', {
            field: 'code',
            details: { attemptsLeft: PAIRING_MAX_ATTEMPTS - attempts },
          });
          return { ...r, attempts, state: attempts >= PAIRING_MAX_ATTEMPTS ? 'void' : 'pending' };
        }
        const confirmed: PairingRecord = { ...r, state: 'confirmed', confirmedAt: this.#now().toISOString() };
        outcome = confirmed;
        return confirmed;
      }),
    );
    if (outcome instanceof IndiciumError) throw outcome;
    return outcome;
  }

  async revoke(pairingId: string): Promise<PairingRecord> {
    let found: PairingRecord | undefined;
    await this.#update((all) =>
      all.map((r) => {
        if (r.pairingId !== pairingId) return r;
        found = { ...r, state: 'revoked', revokedAt: this.#now().toISOString() };
        return found;
      }),
    );
    if (found === undefined)
      throw new IndiciumError('INVALID_INPUT', { field: 'pairingId', detail: 'no such pairing' });
    return found;
  }

  /**
   * Who a client certificate is: its confirmed pairing; PAIRING_REVOKED when its pairing was
   * revoked; PAIRING_REQUIRED when it was never paired or pairing is still pending (a certificate
   * from elsewhere, whoever issued it, is simply not on the list).
   */
  async authorize(certificateFingerprint: string): Promise<PairingRecord> {
    const mine = (await this.list()).filter((r) => r.certificateFingerprint === certificateFingerprint);
    const confirmed = mine.find((r) => r.state === 'confirmed');
    if (confirmed !== undefined) return confirmed;
    if (mine.some((r) => r.state === 'revoked')) throw new IndiciumError('PAIRING_REVOKED');
    throw new IndiciumError('PAIRING_REQUIRED');
  }

  #expire(r: PairingRecord): PairingRecord {
    const stale = this.#now().getTime() - Date.parse(r.createdAt) > PAIRING_PENDING_MS;
    return r.state === 'pending' && stale ? { ...r, state: 'void' } : r;
  }

  async #read(): Promise<PairingRecord[]> {
    const text = await readFile(this.#file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text === undefined) return [];
    if (((await stat(this.#file)).mode & 0o077) !== 0) throw corrupt('others may read the pairings file');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw corrupt('the pairings file is not JSON');
    }
    const checked = PairingsFileSchema.safeParse(parsed);
    if (!checked.success) throw corrupt(checked.error.issues[0]?.path.join('.') ?? 'pairings');
    return checked.data.pairings;
  }

  async #update(change: (all: PairingRecord[]) => PairingRecord[]): Promise<void> {
    await withFileLock(`${this.#file}.lock`, async () => {
      const next = change(await this.#read());
      const temporary = `${this.#file}.${process.pid}.tmp`;
      const handle = await open(temporary, 'w', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify({ version: 1, pairings: next }, null, 1)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.#file);
      const folder = await open(dirname(this.#file), 'r');
      try {
        await folder.sync();
      } finally {
        await folder.close();
      }
    });
  }
}

function corrupt(detail: string): IndiciumError {
  return new IndiciumError('LOCAL_STORE_CORRUPT', { field: 'pairings', detail });
}
