import type { OfficerIdentity } from '../commands/handler-context.js';

/** The logon inside a session: who, and when they last did something (for the idle time-out). */
export interface SessionLogon extends OfficerIdentity {
  readonly lastActivityAt: number;
  readonly logonTimeoutMs: number;
}

/**
 * One officer session (DESIGN §3.2): memory only, never in NVM, so a reboot ends it. Master keys
 * are per direction; `lastRequestCounter` only grows (replay/reorder defence), and the module's
 * own `answerCounter` too.
 */
export interface OfficerSession {
  /** 16 random bytes, base64. */
  readonly id: string;
  readonly requestMaster: Uint8Array;
  readonly answerMaster: Uint8Array;
  lastRequestCounter: number;
  answerCounter: number;
  logon: SessionLogon | null;
}

/** One session at a time (DESIGN §3.2); the registry is the module's only session memory. */
export class SessionRegistry {
  #session: OfficerSession | null = null;

  get current(): OfficerSession | null {
    return this.#session;
  }

  open(session: OfficerSession): void {
    this.#session = session;
  }

  close(): void {
    if (this.#session !== null) {
      this.#session.requestMaster.fill(0);
      this.#session.answerMaster.fill(0);
    }
    this.#session = null;
  }

  logon(logon: SessionLogon): void {
    if (this.#session !== null) this.#session.logon = logon;
  }

  logoff(): void {
    if (this.#session !== null) this.#session.logon = null;
  }
}
