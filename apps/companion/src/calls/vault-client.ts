import type { PageCallAnswer, PageCallRequest, ProgressStage } from '@indicium/protocol';
import type { SecretStore } from '../secrets/secret-store.js';

/** What a vault call may use: the unlocked secrets (HMK, Cm, AR/DR record) and a progress reporter. */
export interface VaultCallContext {
  readonly secrets: SecretStore;
  readonly progress: (stage: ProgressStage) => void;
  /**
   * The page origin the extension attested (DESIGN §4.1), which Create Indicium carries as the
   * transaction's `pageOrigin`; absent or not an https origin (the CLI) means the vault's own origin.
   */
  readonly origin?: string;
}

/**
 * An indicium the vault issued, already checked by the client (DESIGN §4.3): the answer's MAC under
 * the HMK, the indicium signature under the meter certificate chained to the pinned postal CA, and
 * every field equal to what was asked. Nothing else may reach the journal or a printer.
 */
export interface IssuedIndicium {
  readonly indicium: Uint8Array;
  /** The request's MAC, the vault's idempotency key: a retry with it yields this same indicium. */
  readonly requestMac: Uint8Array;
  readonly ascendingRegisterMills: number;
  readonly descendingRegisterMills: number;
}

/**
 * The companion's side of the vault's PSD protocol (DESIGN §4.2, §4.3). The composition roots
 * (`runNativeHost`, the CLI) take one as an option; the page calls `register` and `print` exist
 * only when one is given.
 */
export interface VaultClient {
  /** Whether the vault answers over the pinned TLS connection. */
  reachable(): Promise<boolean>;
  /**
   * Registers this computer for a meter user (§4.2) and stores the new HMK in `secrets`
   * (`create` for the first registration, `putMeterUser` after an unlock for the next ones).
   */
  register(
    request: PageCallRequest<'register'>,
    context: VaultCallContext,
  ): Promise<PageCallAnswer<'register'>>;
  /**
   * Runs Get Challenge when there is no Cm yet, then Create Indicium (§4.3), updates the meter
   * user's Cm and AR/DR in `secrets`, and resolves only with a verified indicium. A request that
   * failed in transit is retried with the same request MAC so that it yields the stored answer.
   */
  issueIndicium(
    request: Pick<PageCallRequest<'print'>, 'meterId' | 'userId' | 'transaction'>,
    context: VaultCallContext,
  ): Promise<IssuedIndicium>;
  /**
   * Add / Delete / Modify / List PSD Users (§3.3) as the customer administrator registered here:
   * MACed with their HMK, the answer's MAC checked, its new Cm saved in `secrets`.
   */
  adminUsers(request: PageCallRequest<'users'>, context: VaultCallContext): Promise<PageCallAnswer<'users'>>;
}
