import { readPackageHeader } from '@indicium/crypto-module';
import {
  BeginTranslationRequestSchema,
  IndiciumError,
  MeterIdSchema,
  ModuleSerialSchema,
  OFFICER_PATHS,
  type PackageAnswer,
  PackageListQuerySchema,
  PROTOCOL_VERSION,
  SetPsdServiceRequestSchema,
  StoreTranslatedPackageRequestSchema,
  toBase64,
} from '@indicium/protocol';
import express, { type Request, type Router } from 'express';
import type { PsdModules } from '../meters/psd-modules.js';
import { checkpointBytes, checkpointText } from '../module-table/checkpoint-text.js';
import type { ModuleTableGuard } from '../module-table/module-table-guard.js';
import type { ModulePool } from '../pool/module-pool.js';
import type { Store } from '../store/store.js';
import type { PackageRecord } from '../store/store-records.js';
import { createMeterHolds, type MeterSerialiser } from './meter-holds.js';
import { answer, parse, relative } from './officer-http.js';

/** What the rollover sweep's routes need of the vault. */
export interface OfficerPackageDeps {
  readonly pool: Pick<ModulePool, 'info'>;
  readonly store: Pick<Store, 'packages' | 'modules' | 'commit'>;
  readonly psd: Pick<PsdModules, 'exclude' | 'include' | 'isExcluded'>;
  /** The value path's meter serialisation (the pool, holding meters across nodes on PostgreSQL). */
  readonly meters: MeterSerialiser;
  readonly guard: Pick<ModuleTableGuard, 'handleMismatch'>;
  /** How long a translation may hold a meter. Default 30 s. */
  readonly holdMs?: number;
}

const DEFAULT_HOLD_MS = 30_000;

/**
 * The rollover sweep's officer routes (DESIGN §3.4, §3.6), mounted inside the officer router (so
 * loopback-only like every officer route). The translation itself runs in the officer's sealed
 * session on one module (`translate-psd-package` through the dispatch relay, its audit entry
 * stored by the pool's audit sink before the answer leaves); these routes give it its inputs and
 * store its outputs:
 *
 * - `psd-service` takes the translating module out of PSD service. Why: a PSD lease reads a
 *   module's row, runs the command and commits the new row; a translate on the same module in
 *   between would present (or be presented) a record that is no longer the latest, and
 *   Auto-Recover would then roll back one of the two while its row is on the way to the store —
 *   the module inhibited, or a package whose checkpoint the module no longer has. Out of service
 *   (after its leases drained, commits included) the officer is the only one moving that module's
 *   checkpoint, so row and NVM move together as §3.6 requires. Going out also runs the module
 *   table check (Auto-Recover on the row), which rolls back a translation a crashed sweep made but
 *   never stored. The other modules keep serving meters meanwhile.
 * - `translation` holds the meter and answers its package and the module's row (`meter-holds.ts`).
 * - `PUT package` stores the translated package and the module's new checkpoint as ONE unit, under
 *   the hold (or the meter lock), refused with STALE_PACKAGE unless the stored version is still
 *   `replacesVersion`. On any refusal the translation is not stored, so the module is put back on
 *   its row at once (Auto-Recover, audited): it stays in step for the next meter.
 * - `GET packages` lists the meters with the MKS version of each package's clear header (read,
 *   not verified: the module verifies at translation), optionally only those under one version. A
 *   package whose header cannot be read is listed with `mksVersion: null` under every filter: it
 *   may be under an old MKS, and the sweep reports it.
 */
export function createOfficerPackageRouter(deps: OfficerPackageDeps): Router {
  const { store, psd, guard } = deps;
  const holds = createMeterHolds(deps.meters, deps.holdMs ?? DEFAULT_HOLD_MS);
  const router = express.Router();
  const moduleOf = (value: unknown, field: string): string => {
    const serial = parse(ModuleSerialSchema, value, field);
    if (!deps.pool.info().some((m) => m.serial === serial))
      throw new IndiciumError('INVALID_FIELD', { field, detail: `no module ${serial}` });
    return serial;
  };

  const meterOf = (req: Request): string => parse(MeterIdSchema, req.params.meterId, 'meterId');
  const moduleOutOfService = (module: string): void => {
    if (!psd.isExcluded(module)) {
      throw new IndiciumError('WRONG_STATE', {
        field: 'module',
        detail: `${module} is in PSD service: take it out first (psd-service false)`,
      });
    }
  };
  const moduleRow = async (module: string): Promise<string | null> =>
    checkpointText((await store.modules.get(module))?.checkpoint ?? null);
  const packageAnswer = (record: PackageRecord): PackageAnswer => {
    const header = readPackageHeader(record.bytes);
    return {
      protocol: PROTOCOL_VERSION,
      meterId: record.meterId,
      version: record.version,
      mksVersion: header.mksVersion,
      state: header.state,
      package: toBase64(record.bytes),
    };
  };
  const stored = async (meterId: string): Promise<PackageRecord> => {
    const record = await store.packages.get(meterId);
    if (record === null)
      throw new IndiciumError('NOT_FOUND', { field: 'meterId', detail: `no package for meter ${meterId}` });
    return record;
  };

  router.post(
    relative(OFFICER_PATHS.psdService),
    answer(async (req) => {
      const serial = moduleOf(req.params.serial, 'serial');
      const body = parse(SetPsdServiceRequestSchema, req.body, 'body');
      if (body.psdService) {
        holds.releaseModule(serial);
        psd.include(serial);
      } else {
        // The officer decides: with one module, PSD work waits (VAULT_UNAVAILABLE) during the sweep.
        await psd.exclude(serial, { allowLast: true });
        const check = await guard.handleMismatch(serial);
        if (check.result !== 'in-step' && check.result !== 'recovered') {
          psd.include(serial);
          throw new IndiciumError('CHECKPOINT_MISMATCH', {
            field: 'serial',
            detail: `module ${serial} is ${check.result}: recover it before a sweep`,
          });
        }
      }
      return {
        json: {
          protocol: PROTOCOL_VERSION,
          module: serial,
          psdService: !psd.isExcluded(serial),
          checkpoint: await moduleRow(serial),
        },
      };
    }),
  );

  router.get(
    relative(OFFICER_PATHS.packages),
    answer(async (req) => {
      const query = parse(PackageListQuerySchema, req.query, 'query');
      const page = await store.packages.list({
        limit: query.limit,
        ...(query.after === undefined ? {} : { after: query.after }),
      });
      const packages = page.flatMap((record) => {
        let mksVersion: number | null;
        try {
          mksVersion = readPackageHeader(record.bytes).mksVersion;
        } catch {
          mksVersion = null;
        }
        return query.mksVersion === undefined || mksVersion === null || mksVersion === query.mksVersion
          ? [{ meterId: record.meterId, version: record.version, mksVersion }]
          : [];
      });
      return {
        json: {
          protocol: PROTOCOL_VERSION,
          packages,
          scanned: page.length,
          next: page.length === query.limit ? (page.at(-1)?.meterId ?? null) : null,
        },
      };
    }),
  );

  router.get(
    relative(OFFICER_PATHS.package),
    answer(async (req) => ({ json: packageAnswer(await stored(meterOf(req))) })),
  );

  router.post(
    relative(OFFICER_PATHS.translation),
    answer(async (req) => {
      const meterId = meterOf(req);
      const { module } = parse(BeginTranslationRequestSchema, req.body, 'body');
      moduleOutOfService(moduleOf(module, 'module'));
      const json = await holds.take({ meterId, module }, async () => ({
        ...packageAnswer(await stored(meterId)),
        module,
        checkpoint: await moduleRow(module),
        holdMs: deps.holdMs ?? DEFAULT_HOLD_MS,
      }));
      return { json };
    }),
  );

  router.delete(
    relative(OFFICER_PATHS.translation),
    answer(async (req) => {
      const meterId = meterOf(req);
      return { json: { protocol: PROTOCOL_VERSION, meterId, released: holds.release(meterId) } };
    }),
  );

  router.put(
    relative(OFFICER_PATHS.package),
    answer(async (req) => {
      const meterId = meterOf(req);
      const body = parse(StoreTranslatedPackageRequestSchema, req.body, 'body');
      moduleOutOfService(moduleOf(body.module, 'module'));
      try {
        const bytes = Buffer.from(body.package, 'base64');
        const header = readPackageHeader(bytes);
        if (header.meterId !== meterId) {
          throw new IndiciumError('INVALID_FIELD', {
            field: 'package',
            detail: `the package is meter ${header.meterId}'s`,
          });
        }
        await holds.finish({ meterId, module: body.module }, async () => {
          const current = await stored(meterId);
          if (current.version !== body.replacesVersion) {
            throw new IndiciumError('STALE_PACKAGE', {
              field: 'replacesVersion',
              detail: `meter ${meterId} is at version ${current.version}, not ${body.replacesVersion}`,
            });
          }
          await store.commit({
            package: {
              meterId,
              customerId: current.customerId,
              version: header.packageVersion,
              replacesVersion: body.replacesVersion,
              state: header.state,
              bytes,
            },
            checkpoint: { moduleId: body.module, checkpoint: checkpointBytes(body.checkpoint) },
          });
        });
        return {
          json: {
            protocol: PROTOCOL_VERSION,
            meterId,
            version: header.packageVersion,
            mksVersion: header.mksVersion,
          },
        };
      } catch (error) {
        // Not stored: whatever the module translated is discarded, and the module goes back to
        // its row now (out of service, nothing else can be on its way), audited by Auto-Recover.
        await guard.handleMismatch(body.module);
        throw error;
      }
    }),
  );
  return router;
}
