import type { ErrorCode, IndiciumError, ModuleState, OfficerRole } from '@indicium/protocol';
import type { KeyCache } from '../keys/key-cache.js';
import type { NvmSectionName, NvmSections } from '../nvm/nvm-sections.js';
import type { SessionRegistry } from '../sessions/session-registry.js';

/** The logged-on officer, if any (one at a time, DESIGN §3.2). */
export interface OfficerIdentity {
  readonly userId: string;
  readonly role: OfficerRole;
}

/** Who is calling, as established by dispatch before the handler runs. */
export interface CallerInfo {
  /** Session id (base64) when the request arrived as a valid session message. */
  readonly sessionId: string | null;
  readonly officer: OfficerIdentity | null;
}

/**
 * A copy-on-write view of the NVM sections for one command. Handlers read with `get` and replace a
 * whole section with `set` (sections are immutable values). Nothing reaches the NVM unless the
 * handler returns normally (or with a committed `refusal`); a thrown refusal discards the draft, so
 * a refusal changes nothing.
 */
export interface NvmDraft {
  get<K extends NvmSectionName>(name: K): NvmSections[K];
  set<K extends NvmSectionName>(name: K, value: NvmSections[K]): void;
  /** Reset only: replace every section with its empty value and erase the NVM file. */
  eraseAll(): void;
}

/** What a handler receives: the whole module, as far as one command may see it. */
export interface HandlerContext {
  readonly command: string;
  readonly moduleSerial: string;
  /** Module time, ms since the epoch: host clock + the NVM clock offset (set by Set Clock). */
  readonly now: number;
  /** `current` is already the target state for a `to` transition (DESIGN §3.1). */
  readonly state: { readonly current: ModuleState; readonly persistent: ModuleState };
  /** Why the module is in Error (null otherwise); Get Status reports it. */
  readonly errorCode: ErrorCode | null;
  /** Boots since Start Initialization (from NVM). */
  readonly bootCount: number;
  readonly caller: CallerInfo;
  readonly nvm: NvmDraft;
  /** KeyObject memo over the DER/raw keys held in NVM sections. */
  readonly keys: KeyCache;
  /** ECDSA P-256 / SHA-256 with the module key, raw r‖s (64 bytes). Throws MODULE_ERROR_STATE without one. */
  signWithModuleKey(message: Uint8Array): Uint8Array;
  /** Runs `effect` once the NVM write is durable (in-memory effects: sessions, logons, caches). */
  afterCommit(effect: () => void): void;
  /** The in-memory session table (core session and officer commands only). */
  readonly sessions: SessionRegistry;
}

/**
 * A handler's answer. `result` is JSON-safe data returned to the caller (sealed inside a session).
 * `next` chooses among a `decided` transition's states. `auditData` becomes the entry's command
 * data (never secrets). `refusal` is a *committed* failure: the NVM changes are kept and audited
 * (e.g. a wrong logon password counts a failure) and the caller receives `ok: false`.
 */
export interface HandlerOutcome {
  readonly result?: unknown;
  readonly next?: ModuleState;
  /** Why, when `next` is Error (a fatal Error chosen by the handler, e.g. no MKS after Combine). */
  readonly errorCode?: ErrorCode;
  readonly auditData?: Readonly<Record<string, string>>;
  readonly refusal?: IndiciumError;
}
