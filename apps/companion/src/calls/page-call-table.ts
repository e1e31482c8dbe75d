import {
  IndiciumError,
  PAGE_CALLS,
  type PageCallAnswer,
  type PageCallRequest,
  type PageCallType,
  type ProgressStage,
} from '@indicium/protocol';
import type { CompanionConfig } from '../config/companion-config.js';
import type { Journal } from '../journal/journal.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { VaultClient } from './vault-client.js';

/** What a handler knows about the call it serves. */
export interface CallContext {
  readonly origin: string;
  readonly requestId: string;
  /** Sends a progress message for this request (DESIGN §8: progress on long steps). */
  readonly progress: (stage: ProgressStage) => void;
}

export type CallHandler<T extends PageCallType> = (
  payload: PageCallRequest<T>,
  context: CallContext,
) => Promise<PageCallAnswer<T>>;

/** The dispatch table: one handler per page call (STYLE: the command table is data). */
export type PageCallTable = { readonly [T in PageCallType]?: CallHandler<T> };

/** Everything the handlers share: built once per session by a composition root. */
export interface CallDependencies {
  readonly config: CompanionConfig;
  readonly secrets: SecretStore;
  /** Opened on first use, so a damaged journal fails the calls that need it, not the whole host. */
  readonly journal: () => Promise<Journal>;
  /** Absent until this build has a vault client; `register` and `print` exist only with one. */
  readonly vault?: VaultClient | undefined;
  /** Whether the pinned vault answers (status), used when there is no vault client. */
  readonly probeVault: () => Promise<boolean>;
}

/**
 * Runs one call through the table: the handler's answer is checked against the call's answer schema
 * before it leaves, so a bug cannot send the page something the protocol does not allow.
 * A call with no handler is refused: CA_NOT_PINNED when no vault is pinned, else VAULT_UNAVAILABLE.
 */
export async function dispatchPageCall<T extends PageCallType>(
  table: PageCallTable,
  deps: Pick<CallDependencies, 'config'>,
  type: T,
  payload: PageCallRequest<T>,
  context: CallContext,
): Promise<PageCallAnswer<T>> {
  const handler = table[type] as CallHandler<T> | undefined;
  if (handler === undefined) {
    if (deps.config.vault === null)
      throw new IndiciumError('CA_NOT_PINNED', { detail: `${type} needs a vault` });
    throw new IndiciumError('VAULT_UNAVAILABLE', {
      detail: `this companion has no vault client for ${type}`,
    });
  }
  const answer = await handler(payload, context);
  const checked = PAGE_CALLS[type].answer.safeParse(answer);
  if (!checked.success) {
    throw new IndiciumError('INTERNAL_ERROR', { detail: `the ${type} answer does not match its schema` });
  }
  return checked.data as PageCallAnswer<T>;
}
