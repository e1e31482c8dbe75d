/**
 * The vault's composition root (DESIGN §6): config → logger → data directory and secrets → TLS →
 * store → module pool (first run: the key ceremony) → services and routes → HTTPS listen; then it says what to do
 * next. Run with `npm start` (root) or
 * `node --conditions=@indicium/source --import tsx apps/vault-server/src/main.ts [--port N] [--data-dir DIR]`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IndiciumError } from '@indicium/protocol';
import { accountRoutes } from './accounts/account-routes.js';
import { createAccountService } from './accounts/account-service.js';
import { createSessionAuthenticator } from './accounts/create-session-authenticator.js';
import { createLoginThrottle } from './accounts/login-throttle.js';
import { createSessionSweeper } from './accounts/session-sweeper.js';
import { openAuditKeyBook } from './auditor/audit-key-book.js';
import { auditorRoutes } from './auditor/auditor-routes.js';
import { createAuditorService } from './auditor/auditor-service.js';
import { exportAuditKey } from './auditor/export-audit-key.js';
import { importFileAuditLog } from './auditor/import-file-audit-log.js';
import { runAudit } from './auditor/run-audit.js';
import { createStoreAuditLog } from './auditor/store-audit-log.js';
import { openPostalCa } from './ca/open-postal-ca.js';
import { ensurePrivateDirectory } from './ca/private-files.js';
import { importJoinKit } from './ceremony/import-join-kit.js';
import { openVault } from './ceremony/open-vault.js';
import { flagForField, loadConfig } from './config/config.js';
import { readJoinPassphrase } from './config/read-join-passphrase.js';
import { ensureServerSecrets } from './config/server-secrets.js';
import { createApp } from './http/create-app.js';
import { createHttpsServer, listen } from './http/listen.js';
import { loadTls } from './http/load-tls.js';
import { publicRoutes } from './http/public/public-routes.js';
import type { Route } from './http/route.js';
import { serveWebApp } from './http/serve-web-app.js';
import { createValuePath } from './meters/value-path.js';
import { guardValueRoutes } from './module-table/guard-value-routes.js';
import { createModuleTableGuard } from './module-table/module-table-guard.js';
import { moduleTableRoutes } from './module-table/module-table-routes.js';
import { createOfficerRouter, OFFICER_MOUNT_PATH } from './officers/officer-router.js';
import { openapiRoute } from './openapi/openapi-route.js';
import { createLogger } from './ops/create-logger.js';
import { createMetrics } from './ops/create-metrics.js';
import { createGracefulShutdown, type GracefulShutdown } from './ops/graceful-shutdown.js';
import { opsRoutes } from './ops/ops-routes.js';
import { printNextSteps } from './ops/print-next-steps.js';
import { registerStoreMetrics } from './ops/store-metrics.js';
import { createFileAuditLog } from './pool/file-audit-log.js';
import { registerPoolMetrics } from './pool/pool-metrics.js';
import { createStore } from './store/create-store.js';
import { lockMetersAcrossNodes } from './store/postgres/lock-meters-across-nodes.js';

/** Route tags that move value (DESIGN §3.6: a stopped vault refuses them). */
const VALUE_ROUTE_TAGS = Object.freeze(['psd', 'provider', 'postage']);

async function packageVersion(): Promise<string> {
  const text = await readFile(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  const log = createLogger(config.logLevel);
  await ensurePrivateDirectory(config.dataDir);
  // A node joining a cluster (DESIGN §10) first takes the secrets every node shares from its
  // join kit (postal CA, provider key, session key); it then runs no first-run ceremony.
  const joining =
    config.join === null
      ? undefined
      : await importJoinKit({
          dataDir: config.dataDir,
          kitPath: config.join.kitFile,
          passphrase: await readJoinPassphrase(config.join),
        });
  const { sessionKey } = await ensureServerSecrets(join(config.dataDir, 'secrets'));
  const tls = await loadTls(config);
  // Several vault nodes share one PostgreSQL database (DESIGN §10); one node keeps SQLite in its data dir.
  const store = await createStore(
    config.databaseUrl === null
      ? { kind: 'sqlite', path: join(config.dataDir, 'vault.db') }
      : { kind: 'postgresql', url: config.databaseUrl },
  );
  // On first run this makes the postal CA, the provider key and the modules, and runs the key
  // ceremony unattended (master, clones through share export/import, crypto-card initialisation).
  const vault = await openVault({
    dataDir: config.dataDir,
    modules: config.poolSize,
    logger: log.child({ component: 'pool' }),
    progress: (line) => log.info({ component: 'ceremony' }, line),
    // Every entry the modules emit goes to the database's audit table, durably, before the
    // command's outcome leaves the pool (group commit: one sync per batch).
    audit: createStoreAuditLog(store),
    ...(joining === undefined ? {} : { join: joining }),
  });
  const { pool } = vault;
  // A vault made before the store became the audit sink kept its entries in audit.jsonl files:
  // they move to the store before this start's first module command, so every chain verifies.
  await importFileAuditLog(createFileAuditLog(config.dataDir), store, pool.serials());
  const manifestModule = (serial: string) => vault.manifest().modules.find((m) => m.serial === serial);
  // The same directory openVault made the postal CA in on first run.
  const { ca: postalCa } = await openPostalCa(join(config.dataDir, 'ca', 'postal'));

  const metrics = createMetrics();
  registerStoreMetrics(store, metrics.registry);
  registerPoolMetrics(pool, metrics.registry);
  // DESIGN §3.6: every module's row checked against the module before any PSD work is accepted.
  const moduleTable = createModuleTableGuard({
    store,
    pool,
    inService: (serial) => manifestModule(serial)?.inService ?? false,
    maxFailingModules: config.maxFailingModules,
    log: log.child({ component: 'module-table' }),
    registry: metrics.registry,
  });
  await moduleTable.verifyAll();
  // On PostgreSQL a meter's work also holds the meter across vault nodes (DESIGN §10).
  const valuePool = lockMetersAcrossNodes(pool, store.meterLocks);
  // The value path (DESIGN §4.2–4.4): MeterGen, the provider, the companions' PSD routes, money routes.
  const valuePath = await createValuePath({
    dataDir: config.dataDir,
    store,
    pool: valuePool,
    guard: moduleTable,
    postalCa,
    cardPublicKeys: vault.manifest().cardPublicKeys,
    meterStock: config.meterStock,
    log,
    registry: metrics.registry,
  });
  const auditKeys = openAuditKeyBook(config.dataDir, (serial) => manifestModule(serial)?.modulePublicKey);
  const auditor = createAuditorService({
    run: () =>
      runAudit({
        pool,
        audit: vault.audit,
        keys: auditKeys,
        pinned: (serial) => manifestModule(serial)?.modulePublicKey,
        exportKey: (serial, modulePublicKey) =>
          exportAuditKey(
            { dispatch: (request) => pool.dispatch(request, { module: serial }) },
            { moduleSerial: serial, modulePublicKey, officersPath: vault.officersPath },
          ),
      }),
    intervalMs: config.auditIntervalSeconds * 1000,
    log: log.child({ component: 'auditor' }),
    registry: metrics.registry,
  });
  let shutdown: GracefulShutdown | undefined;
  const isDraining = () => shutdown?.isDraining() ?? false;
  const accounts = createAccountService({ store, throttle: createLoginThrottle(store), sessionKey });
  const sweeper = createSessionSweeper({ store, log: log.child({ component: 'accounts' }) });
  const routes: Route[] = [
    ...opsRoutes({
      metrics,
      isDraining,
      checks: [
        { name: 'store', check: async () => Array.isArray(await store.modules.list()) },
        { name: 'pool', check: async () => pool.info().some((module) => module.inService) },
        { name: 'module-table', check: async () => moduleTable.isServing() },
      ],
    }),
    ...publicRoutes({
      certificates: { postalCaPem: postalCa.certificatePem, certificates: store.certificates },
    }),
    ...accountRoutes({ service: accounts, sessionKey }),
    ...auditorRoutes(auditor),
    ...moduleTableRoutes({ store, guard: moduleTable }),
    ...valuePath.routes,
  ];
  routes.push(openapiRoute(() => routes, await packageVersion()));
  // Last, over every route added above: value-bearing routes refuse while the module table has
  // stopped the vault (DESIGN §3.6), whatever their handlers do.
  routes.splice(0, routes.length, ...guardValueRoutes(routes, moduleTable, VALUE_ROUTE_TAGS));

  // The web UI's build from `npm run build -w @indicium/web`, served from the vault's own origin.
  const webApp = serveWebApp(fileURLToPath(new URL('../../web/dist', import.meta.url)));
  const app = createApp({
    routes,
    // The router refuses non-loopback peers itself too; the app's guard makes it hold twice.
    mounts: [
      {
        path: OFFICER_MOUNT_PATH,
        auth: 'local',
        localRefusal: 'OFFICER_LOCAL_ONLY',
        // The rollover sweep (DESIGN §3.4) holds meters like the value path and takes its module
        // out of the value path's PSD service while it translates.
        router: createOfficerRouter(vault, {
          store,
          psd: valuePath.psd,
          meters: valuePool,
          guard: moduleTable,
        }),
      },
    ],
    sessions: createSessionAuthenticator({ store, sessionKey }),
    metrics,
    log: log.child({ component: 'http' }),
    extraOrigins: config.extraOrigins,
    isDraining,
    webApp,
  });
  const server = createHttpsServer(app, tls);
  shutdown = createGracefulShutdown({
    server,
    log: log.child({ component: 'shutdown' }),
    // The HTTP drain already waited for every answer, and an answer leaves only after its commit;
    // the pool then finishes queued module work, and the store commits whatever is still queued.
    steps: [
      { name: 'sessions', run: async () => sweeper.stop() },
      { name: 'auditor', run: () => auditor.stop() },
      { name: 'metergen', run: () => valuePath.stop() },
      { name: 'pool', run: () => vault.close() },
      { name: 'store', run: () => store.close() },
    ],
  });
  shutdown.installSignalHandlers();
  const port = await listen(server, config.port, config.host);
  auditor.start();
  valuePath.start();
  const url = `https://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url, port, modules: pool.serials().length }, 'vault listening');
  printNextSteps(process.stderr, {
    url,
    dataDir: config.dataDir,
    devCaFile: tls.devCaFile,
    officersFile: vault.officersPath,
    firstRun: vault.firstRun,
    webUi: webApp !== null,
  });
}

main().catch((error: unknown) => {
  if (error instanceof IndiciumError && error.code === 'INVALID_FIELD') {
    process.stderr.write(`indicium vault: ${error.message} [${flagForField(error.field ?? '')}]\n`);
    process.exit(2);
  }
  process.stderr.write(
    `indicium vault: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  if (error instanceof Error && !(error instanceof IndiciumError) && error.stack !== undefined) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exit(1);
});
