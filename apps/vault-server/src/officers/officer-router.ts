import {
  AddModuleRequestSchema,
  type AuditEntry,
  IndiciumError,
  ModuleSerialSchema,
  OFFICER_PATHS,
  OFFICER_PLAIN_COMMANDS,
  OfficerDispatchRequestSchema,
  type PoolModuleInfo,
  PROTOCOL_VERSION,
  RestartModuleRequestSchema,
  SetCryptoCardRequestSchema,
  SetInServiceRequestSchema,
  toWireError,
  type VaultErrorBody,
} from '@indicium/protocol';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { httpStatusFor } from '../http/http-status.js';
import type { ModulePool } from '../pool/module-pool.js';
import { isLoopbackAddress } from './is-loopback-address.js';
import { answer, parse, relative } from './officer-http.js';
import { createOfficerPackageRouter, type OfficerPackageDeps } from './officer-package-routes.js';

type CryptoCardTokens = Record<string, string | number>;
type MksFacts = { readonly version: number; readonly kcv: string };

/** What the officer endpoint needs of the vault (`OpenedVault` from `openVault` fits). */
export interface OfficerVault {
  readonly pool: ModulePool;
  readonly audit: { read(serial: string): Promise<AuditEntry[]> };
  manifest(): { readonly cryptoCard: CryptoCardTokens; readonly mks: MksFacts };
  setInService(serial: string, inService: boolean, modulePublicKey?: string): Promise<void>;
  setCryptoCard(tokens: CryptoCardTokens, mks: MksFacts): Promise<void>;
}

/**
 * What the rollover sweep's routes need beside the vault (`officer-package-routes.ts`): the store,
 * the value path's PSD modules and meter serialisation, and the module-table guard. Without it
 * those routes are not mounted (an officer endpoint for ceremonies only).
 */
export type OfficerSweepDeps = Omit<OfficerPackageDeps, 'pool'>;

export { OFFICER_MOUNT_PATH } from './officer-http.js';

/** Sealed share envelopes and transport keys are a few KiB; nothing officer-side comes near this. */
const BODY_LIMIT = '256kb';

/**
 * Refuses any peer that is not this machine (DESIGN §6: the officer endpoint is reachable only
 * from the local machine). The socket's address decides, never a header. Applied by the router
 * itself, so it holds however the router is mounted.
 */
function localOnly(req: Request, _res: Response, next: NextFunction): void {
  if (isLoopbackAddress(req.socket.remoteAddress)) next();
  else
    next(
      new IndiciumError('OFFICER_LOCAL_ONLY', {
        details: { remoteAddress: req.socket.remoteAddress ?? 'unknown' },
      }),
    );
}

/**
 * The officer endpoint (DESIGN §3.2, §6), mounted at `/v1/officer`: a relay between `vaultctl` and
 * one chosen module. Officer commands arrive sealed in a session that is end-to-end between
 * `vaultctl` and the module (its half signed by the module key), so the vault relays bytes it
 * cannot read or alter undetected. Only Get Status, Open Session, Start Initialization, Create
 * Audit Entry and Reset travel in the clear; PSD commands are refused here (they belong to the
 * PSD routes, which commit to the store). Also: list, add and restart modules, put a cloned
 * module in service, export a module's stored audit entries, hand out the crypto-card tokens, and
 * (given `sweep`) the rollover sweep's package routes.
 *
 * @example
 * app.use('/v1/officer', createOfficerRouter(vault));
 */
export function createOfficerRouter(vault: OfficerVault, sweep?: OfficerSweepDeps): Router {
  const router = express.Router();
  const { pool } = vault;
  const info = (serial: string): PoolModuleInfo => {
    const found = pool.info().find((m) => m.serial === serial);
    if (found === undefined)
      throw new IndiciumError('INVALID_FIELD', { field: 'serial', detail: `no module ${serial}` });
    return found;
  };
  const serialOf = (req: Request): string => {
    const serial = parse(ModuleSerialSchema, req.params.serial, 'serial');
    info(serial);
    return serial;
  };

  router.use(localOnly);
  router.use(express.json({ limit: BODY_LIMIT, strict: true, type: 'application/json' }));

  router.get(
    relative(OFFICER_PATHS.modules),
    answer(async () => ({ json: { protocol: PROTOCOL_VERSION, modules: pool.info() } })),
  );
  router.post(
    relative(OFFICER_PATHS.modules),
    answer(async (req) => {
      parse(AddModuleRequestSchema, req.body, 'body');
      return { status: 201, json: { protocol: PROTOCOL_VERSION, module: await pool.addModule() } };
    }),
  );
  router.post(
    relative(OFFICER_PATHS.dispatch),
    answer(async (req) => {
      const serial = serialOf(req);
      const { request } = parse(OfficerDispatchRequestSchema, req.body, 'body');
      const plain = (OFFICER_PLAIN_COMMANDS as readonly string[]).includes(request.command);
      if (request.sealed === undefined && !plain) {
        throw new IndiciumError('MALFORMED_REQUEST', {
          field: 'request.sealed',
          detail: `${request.command} travels sealed in an officer session, or not through this endpoint`,
        });
      }
      const outcome = await pool.dispatch(request, { module: serial });
      return { json: { protocol: PROTOCOL_VERSION, module: serial, outcome } };
    }),
  );
  router.post(
    relative(OFFICER_PATHS.inService),
    answer(async (req) => {
      const serial = serialOf(req);
      const body = parse(SetInServiceRequestSchema, req.body, 'body');
      await vault.setInService(serial, body.inService, body.modulePublicKey);
      return { json: { protocol: PROTOCOL_VERSION, module: info(serial) } };
    }),
  );
  router.post(
    relative(OFFICER_PATHS.restart),
    answer(async (req) => {
      const serial = serialOf(req);
      parse(RestartModuleRequestSchema, req.body, 'body');
      await pool.restart(serial);
      return { json: { protocol: PROTOCOL_VERSION, module: info(serial) } };
    }),
  );
  router.get(
    relative(OFFICER_PATHS.audit),
    answer(async (req) => {
      const serial = serialOf(req);
      return {
        json: { protocol: PROTOCOL_VERSION, module: serial, entries: await vault.audit.read(serial) },
      };
    }),
  );
  if (sweep !== undefined) router.use(createOfficerPackageRouter({ ...sweep, pool }));
  const cryptoCard = () => {
    const { cryptoCard: tokens, mks } = vault.manifest();
    return { protocol: PROTOCOL_VERSION, tokens, mks: { version: mks.version, kcv: mks.kcv } };
  };
  router.get(
    relative(OFFICER_PATHS.cryptoCard),
    answer(async () => ({ json: cryptoCard() })),
  );
  router.put(
    relative(OFFICER_PATHS.cryptoCard),
    answer(async (req) => {
      // Not secret (sealed under the MKS) and checked by every module that loads them; recorded
      // so a module added after a rollover gets the translated card.
      const body = parse(SetCryptoCardRequestSchema, req.body, 'body');
      await vault.setCryptoCard(body.tokens, body.mks);
      return { json: cryptoCard() };
    }),
  );

  // Typed refusals answer here with their code; anything else goes on to the app's error
  // middleware, which logs it with an error id and answers INTERNAL_ERROR.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const known =
      error instanceof IndiciumError
        ? error
        : (error as { type?: string }).type === 'entity.parse.failed'
          ? new IndiciumError('MALFORMED_REQUEST', { field: 'body', detail: 'not JSON' })
          : (error as { type?: string }).type === 'entity.too.large'
            ? new IndiciumError('MALFORMED_REQUEST', { field: 'body', detail: `over ${BODY_LIMIT}` })
            : null;
    if (known === null || known.code === 'INTERNAL_ERROR') {
      next(error);
      return;
    }
    const status = known.code === 'OFFICER_LOCAL_ONLY' ? 403 : httpStatusFor(known.code);
    const body: VaultErrorBody = {
      protocol: PROTOCOL_VERSION,
      error: toWireError(known) as VaultErrorBody['error'],
    };
    res.status(status).json(body);
  });
  return router;
}
