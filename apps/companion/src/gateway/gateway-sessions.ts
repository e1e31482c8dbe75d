import {
  type GatewayCallAnswer,
  GatewayCallRequestSchema,
  IndiciumError,
  type PageCallType,
  PROTOCOL_VERSION,
} from '@indicium/protocol';
import { createCallDependencies } from '../calls/create-call-dependencies.js';
import { type CallDependencies, dispatchPageCall } from '../calls/page-call-table.js';
import type { VaultClient } from '../calls/vault-client.js';
import type { CompanionConfig } from '../config/companion-config.js';
import type { CompanionPaths } from '../config/companion-paths.js';
import { checkOrigin } from '../config/origin-allow-list.js';
import { SecretStore } from '../secrets/secret-store.js';
import type { GatewayPaths } from './gateway-paths.js';
import { buildOfficeCallTable } from './office-call-table.js';
import type { OfficeLog } from './office-log.js';
import type { PairingRecord } from './pairing-store.js';

/**
 * The gateway's user sessions (DESIGN §9, §4.2 step 4): one per paired machine and meter user,
 * each with that user's own secrets file (their HMK sealed under their own passphrase), unlocked
 * by that machine only and locked again by its idle time-out. Calls of one session run one at a
 * time (the Cm and registers of a meter user change with each), sessions run side by side.
 */
export class GatewaySessions {
  readonly #shared: CallDependencies;
  readonly #gatewayPaths: GatewayPaths;
  readonly #config: CompanionConfig;
  readonly #sessions = new Map<string, { deps: CallDependencies; queue: Promise<unknown> }>();

  constructor(options: {
    paths: CompanionPaths;
    gatewayPaths: GatewayPaths;
    config: CompanionConfig;
    vault: VaultClient;
  }) {
    // One journal and one vault client for the office (journal entries name their user); the
    // pending-request store of the vault client is already per meter user.
    this.#shared = createCallDependencies(options.paths, options.config, options.vault);
    this.#gatewayPaths = options.gatewayPaths;
    this.#config = options.config;
  }

  /** Runs one forwarded page call for the paired machine's user; refusals are thrown. */
  async serve(pairing: PairingRecord, body: unknown, officeLog: OfficeLog): Promise<GatewayCallAnswer> {
    const parsed = GatewayCallRequestSchema.safeParse(body);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.map(String).join('.') || 'body';
      throw new IndiciumError('MALFORMED_REQUEST', { field });
    }
    const { requestId, origin, user, deliver, request } = parsed.data;
    // The pairing fixed who this machine acts for; the envelope and the payload must say the same,
    // so one colleague's machine cannot print as another (whose HMK it would need anyway).
    if (user.meterId !== pairing.user.meterId || user.userId !== pairing.user.userId) {
      throw new IndiciumError('PRIVILEGE_DENIED', {
        field: 'user',
        detail: `this computer is paired for ${pairing.user.userId} only`,
      });
    }
    const payload = request.payload as Record<string, unknown>;
    for (const key of ['meterId', 'userId'] as const) {
      if (key in payload && payload[key] !== user[key]) {
        throw new IndiciumError('PRIVILEGE_DENIED', {
          field: `request.payload.${key}`,
          detail: `this computer is paired for ${pairing.user.userId} only`,
        });
      }
    }
    if (this.#config.origins.length > 0) checkOrigin(origin, this.#config.origins);
    const session = this.#session(pairing);
    const run = session.queue.then(async () => {
      const call = { deps: session.deps, pairing, user, deliver, officeLog } as Parameters<
        typeof buildOfficeCallTable
      >[0];
      const answer = await dispatchPageCall(
        buildOfficeCallTable(call),
        session.deps,
        request.type as PageCallType,
        request.payload as never,
        { origin, requestId, progress: () => undefined },
      );
      return {
        protocol: PROTOCOL_VERSION,
        requestId,
        kind: 'response',
        for: request.type,
        payload: answer,
        job: call.returned ?? null,
      } as GatewayCallAnswer;
    });
    session.queue = run.catch(() => undefined);
    return run;
  }

  /** Locks every user's secrets (the gateway stops). */
  lockAll(): void {
    for (const { deps } of this.#sessions.values()) deps.secrets.lock();
  }

  #session(pairing: PairingRecord) {
    const key = `${pairing.pairingId}|${pairing.user.meterId}|${pairing.user.userId}`;
    let session = this.#sessions.get(key);
    if (session === undefined) {
      const secrets = new SecretStore({
        file: this.#gatewayPaths.userSecrets(pairing.user.meterId, pairing.user.userId),
        idleTimeoutMs: this.#config.idleTimeoutSeconds * 1000,
      });
      session = { deps: { ...this.#shared, secrets }, queue: Promise.resolve() };
      this.#sessions.set(key, session);
    }
    return session;
  }
}
