import { type ModulePort, OfficerClient } from '@indicium/crypto-module';
import { IndiciumError } from '@indicium/protocol';
import { officerPassword } from './officer-passphrase.js';
import type { OfficerCredential } from './officers-file.js';

export interface OfficerSessionOptions {
  readonly moduleSerial: string;
  /** The module key pinned at Start Initialization (SPKI DER, base64). */
  readonly modulePublicKey: string;
  /** The officers this session may log on; the role is needed only by `first` and `all`. */
  readonly officers: readonly SessionOfficer[];
  /**
   * How long `open` waits while another party's session is open on the module (SESSION_BUSY);
   * default 20 s, 0 refuses at once.
   */
  readonly busyWaitMs?: number;
}

const DEFAULT_BUSY_WAIT_MS = 20_000;

export type SessionOfficer = Pick<OfficerCredential, 'userId' | 'passphrase'> & {
  readonly role?: OfficerCredential['role'];
};

/**
 * One officer session with one module (DESIGN §3.2), the way a person at `vaultctl` runs it: the
 * session is opened once (its module half checked against the pinned module key), then each
 * officer logs on, runs their command and logs off, also after a refusal, because only one
 * officer may be logged on at a time. Used by the first-run ceremony and by `vaultctl`.
 */
export class OfficerSession {
  readonly serial: string;
  readonly client: OfficerClient;
  readonly #officers: readonly SessionOfficer[];
  readonly #passwords = new Map<string, Promise<string>>();
  readonly #busyWaitMs: number;

  constructor(port: ModulePort, options: OfficerSessionOptions) {
    this.serial = options.moduleSerial;
    this.#officers = options.officers;
    this.#busyWaitMs = options.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS;
    this.client = new OfficerClient(port, {
      moduleSerial: options.moduleSerial,
      modulePublicKey: options.modulePublicKey,
    });
  }

  /**
   * A module runs one session at a time (DESIGN §3.2), and the vault opens short ones of its own
   * (the auditor's Export Audit Key, a ceremony step): an officer who arrives meanwhile waits for
   * it to close, with growing pauses, rather than failing on a race they cannot see.
   */
  async open(): Promise<void> {
    const deadline = Date.now() + this.#busyWaitMs;
    for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
      try {
        await this.client.openSession();
        return;
      } catch (error) {
        const busy = error instanceof IndiciumError && error.code === 'SESSION_BUSY';
        if (!busy || Date.now() + pause > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  async close(): Promise<void> {
    if (this.client.sessionId !== null) await this.client.closeSession();
  }

  /** The 32-byte password of `userId` (scrypt of the passphrase, computed once per session). */
  password(userId: string): Promise<string> {
    let password = this.#passwords.get(userId);
    if (password === undefined) {
      const officer = this.#officers.find((o) => o.userId === userId);
      if (officer === undefined) {
        return Promise.reject(
          new IndiciumError('INVALID_FIELD', {
            field: 'userId',
            detail: `no credentials for officer ${userId}`,
          }),
        );
      }
      password = officerPassword(officer.passphrase, { moduleSerial: this.serial, userId });
      this.#passwords.set(userId, password);
    }
    return password;
  }

  /** Logs `userId` on for `run`, then off, whatever `run` did. */
  async as<T>(userId: string, run: (client: OfficerClient) => Promise<T>): Promise<T> {
    await this.client.call('logon', { userId, password: await this.password(userId) });
    try {
      return await run(this.client);
    } finally {
      await this.client.call('logoff');
    }
  }

  /** Logs `userId` on, runs one command, logs off; returns the result (refusals throw IndiciumError). */
  call<T = Record<string, unknown>>(userId: string, command: string, body: unknown = {}): Promise<T> {
    return this.as(userId, async (client) => (await client.call(command, body)) as T);
  }

  /** The user id of the first officer with `role`. */
  first(role: OfficerCredential['role']): string {
    const officer = this.#officers.find((o) => o.role === role);
    if (officer === undefined) {
      throw new IndiciumError('INVALID_FIELD', { field: 'role', detail: `no ${role} among the officers` });
    }
    return officer.userId;
  }

  /** Every officer with `role`, in file order (the Key Custodians of a share ceremony). */
  all(role: OfficerCredential['role']): string[] {
    return this.#officers.filter((o) => o.role === role).map((o) => o.userId);
  }
}
