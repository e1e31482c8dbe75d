import { ModuleSerialSchema } from '@indicium/protocol';
import { z } from 'zod';
import { defineRoute, type Route } from '../http/route.js';
import type { Store } from '../store/store.js';
import { checkpointText } from './checkpoint-text.js';
import type { ModuleTableGuard } from './module-table-guard.js';

export const MODULE_TABLE_PATHS = Object.freeze({
  list: '/v1/module-table',
  release: '/v1/module-table/:serial/release',
});

export const ModuleTableRowSchema = z.strictObject({
  moduleSerial: z.string(),
  status: z.enum(['in-service', 'out-of-service', 'retired']),
  inhibited: z.boolean(),
  /** The record the database holds (base64 text as the module wrote it), null before the first. */
  checkpoint: z.string().nullable(),
  updatedAtMs: z.int(),
});

export const ModuleTableAnswerSchema = z.strictObject({
  serving: z.boolean(),
  modules: z.array(ModuleTableRowSchema),
});

export const ModuleCheckAnswerSchema = z.strictObject({
  moduleSerial: z.string(),
  result: z.enum(['in-step', 'recovered', 'inhibited', 'unavailable']),
  discarded: z.int().min(0),
});

const SerialParamsSchema = z.strictObject({ serial: ModuleSerialSchema });

/**
 * The module table for officers (DESIGN §3.6), loopback only: `GET /v1/module-table` lists each
 * module's row (checkpoint record, status, inhibited flag) and whether the vault serves value;
 * `POST /v1/module-table/{serial}/release`, after the Security Officer's Recover Checkpoint,
 * checks the module against its row again and lifts the flag once they agree. The checkpoint
 * records are MACed by the module, not secret: the officer needs one to recover.
 */
export function moduleTableRoutes(deps: {
  readonly store: Pick<Store, 'modules'>;
  readonly guard: ModuleTableGuard;
}): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: MODULE_TABLE_PATHS.list,
      auth: 'local',
      tag: 'officer',
      summary: 'The module table: checkpoint records, status and inhibited flags (local machine only)',
      answer: { status: 200, schema: ModuleTableAnswerSchema },
      handler: async () => ({
        json: {
          serving: deps.guard.isServing(),
          modules: (await deps.store.modules.list()).map((row) => ({
            moduleSerial: row.moduleId,
            status: row.status,
            inhibited: row.inhibited,
            checkpoint: checkpointText(row.checkpoint),
            updatedAtMs: row.updatedAtMs,
          })),
        },
      }),
    }),
    defineRoute({
      method: 'post',
      path: MODULE_TABLE_PATHS.release,
      auth: 'local',
      tag: 'officer',
      summary: 'Check a recovered module against its row again and lift its flag (local machine only)',
      params: SerialParamsSchema,
      answer: { status: 200, schema: ModuleCheckAnswerSchema },
      errors: ['NOT_FOUND', 'WRONG_STATE'],
      handler: async ({ params }) => ({ json: await deps.guard.release(params.serial) }),
    }),
  ];
}
