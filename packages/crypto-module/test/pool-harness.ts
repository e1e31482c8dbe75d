import { randomBytes } from 'node:crypto';
import { type AuditEntry, IndiciumError, type ModuleStatus, toBase64 } from '@indicium/protocol';
import { OfficerClient } from '../src/host/officer-client.js';
import { verifyStatus } from '../src/host/verify-status.js';
import { keyFingerprint } from '../src/mks/key-fingerprint.js';
import { CryptoModule } from '../src/module/crypto-module.js';
import { MemoryNvmStore } from '../src/nvm/memory-nvm-store.js';

/**
 * A real module over an in-memory NVM, with its officers, driven the way `vaultctl` drives one:
 * through one officer session, logging each officer on and off around their command. Nothing of the
 * module is faked; only the host side (this file) is test code.
 */
export const OFFICERS = Object.freeze({
  admin: 'administrator',
  so: 'security-officer',
  kc1: 'key-custodian',
  kc2: 'key-custodian',
  kc3: 'key-custodian',
} as const);

export type OfficerId = keyof typeof OFFICERS;

/** A fixed host clock so runs are reproducible; advanced a little by every call. */
let tick = Date.UTC(2026, 10, 26, 18, 0, 0);
const clock = () => tick++;

export class PoolModule {
  readonly serial: string;
  readonly nvm: MemoryNvmStore;
  readonly audit: AuditEntry[] = [];
  readonly #passwords = new Map<OfficerId, string>();
  module!: CryptoModule;
  client!: OfficerClient;
  modulePublicKey!: string;

  private constructor(serial: string) {
    this.serial = serial;
    this.nvm = new MemoryNvmStore();
    for (const id of Object.keys(OFFICERS) as OfficerId[]) this.#passwords.set(id, toBase64(randomBytes(32)));
  }

  /** Boots, runs Start Initialization and Initialize Access Control, and keeps a session open. */
  static async initialized(serial: string): Promise<PoolModule> {
    const pool = new PoolModule(serial);
    pool.module = await CryptoModule.boot({ nvm: pool.nvm, clock, moduleSerial: serial });
    const started = await pool.module.dispatch({ command: 'start-initialization', body: { time: clock() } });
    if (!started.ok) throw new Error(`start-initialization failed: ${started.error.code}`);
    if (started.audit !== undefined) pool.audit.push(started.audit);
    pool.modulePublicKey = (started.result as { modulePublicKey: string }).modulePublicKey;
    await pool.#connect();
    await pool.client.call('initialize-access-control', {
      accounts: (Object.entries(OFFICERS) as [OfficerId, string][]).map(([userId, role]) => ({
        userId,
        role,
        password: pool.#passwords.get(userId),
      })),
    });
    return pool;
  }

  async #connect(): Promise<void> {
    this.client = new OfficerClient(this.module, {
      moduleSerial: this.serial,
      modulePublicKey: this.modulePublicKey,
      onAudit: (entry) => this.audit.push(entry),
    });
    await this.client.openSession();
  }

  /** Reboots the module over the same NVM (the session is gone) and opens a new session. */
  async reboot(): Promise<void> {
    this.module = await CryptoModule.boot({ nvm: this.nvm, clock, moduleSerial: this.serial });
    await this.#connect();
  }

  /** The module-key fingerprint a custodian reads off this module's signed status. */
  get fingerprint(): string {
    return keyFingerprint(Buffer.from(this.modulePublicKey, 'base64'));
  }

  /** Logs `officer` on, runs `command`, logs off (also after a refusal); returns the result. */
  async as<T = Record<string, unknown>>(officer: OfficerId, command: string, body: unknown = {}): Promise<T> {
    await this.client.call('logon', { userId: officer, password: this.#passwords.get(officer) });
    try {
      return (await this.client.call(command, body)) as T;
    } finally {
      await this.client.call('logoff');
    }
  }

  /** Logs `officer` on for several calls through `run`, then off. */
  async session<T>(officer: OfficerId, run: (client: OfficerClient) => Promise<T>): Promise<T> {
    await this.client.call('logon', { userId: officer, password: this.#passwords.get(officer) });
    try {
      return await run(this.client);
    } finally {
      await this.client.call('logoff');
    }
  }

  /** Like `as`, but expects a refusal and returns it. */
  async refused(officer: OfficerId, command: string, body: unknown = {}): Promise<IndiciumError> {
    try {
      await this.as(officer, command, body);
    } catch (error) {
      if (error instanceof IndiciumError) return error;
      throw error;
    }
    throw new Error(`${command} by ${officer} was expected to be refused`);
  }

  /** Signed status, verified under the module key the host pinned at Start Initialization. */
  async status(): Promise<ModuleStatus> {
    const nonce = toBase64(randomBytes(16));
    const outcome = await this.module.dispatch({ command: 'get-status', body: { nonce } });
    if (!outcome.ok) throw new Error(`get-status failed: ${outcome.error.code}`);
    return verifyStatus(outcome.result, this.modulePublicKey, nonce);
  }

  async state(): Promise<string> {
    return (await this.status()).currentState;
  }
}
