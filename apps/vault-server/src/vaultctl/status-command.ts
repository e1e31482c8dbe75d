import { randomBytes } from 'node:crypto';
import { verifyStatus } from '@indicium/crypto-module';
import {
  fromWireError,
  ModuleListAnswerSchema,
  ModuleStatusSchema,
  OFFICER_PATHS,
  type PoolModuleInfo,
  toBase64,
} from '@indicium/protocol';
import { moduleKeyFingerprint } from '../ceremony/module-key-fingerprint.js';
import type { CliContext } from './cli-context.js';
import { remoteModulePort } from './remote-module-port.js';

/**
 * `vaultctl status`: each module's Get Status with a fresh nonce, its signature checked against
 * the pinned module key (from `--credentials`, `--module-key` or the vault's `vault.json`). A
 * status that cannot be checked is shown as `verified: false`, never silently trusted.
 */
export async function statusCommand(context: CliContext): Promise<void> {
  const { modules } = await context.client.get(OFFICER_PATHS.modules, ModuleListAnswerSchema);
  const wanted = context.options.module;
  const chosen: PoolModuleInfo[] =
    wanted === undefined ? modules : modules.filter((m) => m.serial === wanted);
  if (chosen.length === 0) throw fromWireError({ code: 'INVALID_FIELD', field: 'module' });
  const rows = [];
  for (const pool of chosen) {
    const nonce = toBase64(randomBytes(16));
    const outcome = await remoteModulePort(context.client, pool.serial).dispatch({
      command: 'get-status',
      body: { nonce },
    });
    if (!outcome.ok) throw fromWireError(outcome.error);
    const pinned = await context.pinnedModuleKey(pool.serial);
    const unchecked = ModuleStatusSchema.parse(outcome.result);
    // An Uninitialized module has no module key yet, so nothing to verify; say so.
    const verifiable = pinned !== null && unchecked.signature !== null;
    const status = verifiable ? verifyStatus(outcome.result, pinned, nonce) : unchecked;
    if (!verifiable) {
      const why =
        unchecked.signature === null
          ? 'unsigned (no module key)'
          : 'no pinned module key (give --credentials)';
      context.say(`${pool.serial}: status NOT verified: ${why}`);
    }
    rows.push({
      serial: pool.serial,
      verified: verifiable,
      inService: pool.inService,
      inFlight: pool.inFlight,
      restarts: pool.restarts,
      state: status.currentState,
      persistentState: status.persistentState,
      fatal: status.fatal,
      errorCode: status.errorCode,
      activeMksVersion: status.activeMksVersion,
      bootCount: status.bootCount,
      auditSequence: status.auditSequence,
      time: new Date(status.time).toISOString(),
      moduleKeyFingerprint:
        status.modulePublicKey === null ? null : moduleKeyFingerprint(status.modulePublicKey),
    });
  }
  context.print(rows);
}
