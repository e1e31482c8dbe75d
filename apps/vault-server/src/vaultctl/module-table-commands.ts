import { IndiciumError } from '@indicium/protocol';
import {
  MODULE_TABLE_PATHS,
  ModuleCheckAnswerSchema,
  ModuleTableAnswerSchema,
} from '../module-table/module-table-routes.js';
import type { CliContext } from './cli-context.js';

/** `vaultctl module-table`: every module's row (checkpoint, status, inhibited) and whether the vault serves value. */
export async function moduleTableCommand(context: CliContext): Promise<void> {
  context.print(await context.client.get(MODULE_TABLE_PATHS.list, ModuleTableAnswerSchema));
}

/**
 * `vaultctl recover-checkpoint` (DESIGN §3.6 "until an officer recovers it"): the Security Officer
 * (`--as`) tells an inhibited module which record to trust — by default the one the database's
 * module table holds now (restore the row from a backup first if it was edited), `--checkpoint
 * <base64>` for another genuine record of this module, or `--none` for a module whose row is
 * empty — then the vault checks the module against its row again and lifts the flag once they
 * agree. Exit 1 if the module is still inhibited.
 */
export async function recoverCheckpointCommand(
  context: CliContext,
  options: { readonly checkpoint?: string; readonly none?: boolean },
): Promise<boolean> {
  const serial = context.requireModule();
  const user = context.requireUser();
  if (options.none === true && options.checkpoint !== undefined) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'checkpoint',
      detail: 'give --checkpoint or --none, not both',
    });
  }
  let checkpoint: string | null;
  if (options.none === true) checkpoint = null;
  else if (options.checkpoint !== undefined) checkpoint = options.checkpoint;
  else {
    const table = await context.client.get(MODULE_TABLE_PATHS.list, ModuleTableAnswerSchema);
    const row = table.modules.find((m) => m.moduleSerial === serial);
    if (row === undefined) {
      throw new IndiciumError('NOT_FOUND', { field: 'module', detail: `no module-table row for ${serial}` });
    }
    checkpoint = row.checkpoint;
  }
  const session = await context.session(serial, user);
  try {
    await session.call(user, 'recover-checkpoint', { checkpoint });
  } finally {
    await session.close();
  }
  const path = MODULE_TABLE_PATHS.release.replace(':serial', encodeURIComponent(serial));
  const check = await context.client.send('POST', path, undefined, ModuleCheckAnswerSchema);
  context.print(check);
  return check.result === 'in-step' || check.result === 'recovered';
}
