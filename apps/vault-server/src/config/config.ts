import { availableParallelism, homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IndiciumError } from '@indicium/protocol';
import { z } from 'zod';

/**
 * The vault's configuration (DESIGN §6), parsed once at start from flags and environment and then
 * passed down: no other file reads `process.env`. Nothing here is a secret: the session and CSRF
 * keys are generated on first run into the data directory (`ensureServerSecrets`), never defaulted.
 */
export interface VaultConfig {
  /** Interface to listen on. Default `localhost`. */
  readonly host: string;
  /** TCP port; 0 picks a free one (tests). Default 8443. */
  readonly port: number;
  /** Absolute path of the data directory (database, NVM, CA, TLS, secrets). */
  readonly dataDir: string;
  /** Operator TLS certificate and key (PEM files); both or neither. Absent: the development CA. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
  /** PostgreSQL URL (DESIGN §10); absent: the embedded SQLite database in the data directory. */
  readonly databaseUrl: string | null;
  /** Number of crypto modules in the pool. Default: the number of cores. */
  readonly poolSize: number;
  readonly logLevel: LogLevel;
  /** Origins besides the server's own that may send state-changing requests (a reverse proxy). */
  readonly extraOrigins: readonly string[];
  /** Seconds between scheduled audit verifications (DESIGN §3.5). Default 300. */
  readonly auditIntervalSeconds: number;
  /** Inhibited modules that stop all value-bearing work (DESIGN §3.6). Default 2. */
  readonly maxFailingModules: number;
  /** Fresh certified meters MeterGen keeps in stock (0: make each on demand). Default 2. */
  readonly meterStock: number;
  /**
   * Join a cluster on first start (DESIGN §10): the join kit `vaultctl export-join-kit` wrote on a
   * node of the cluster, and the file holding its passphrase (null: asked on the terminal).
   */
  readonly join: { readonly kitFile: string; readonly passphraseFile: string | null } | null;
}

export const LOG_LEVELS = Object.freeze([
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const);
export type LogLevel = (typeof LOG_LEVELS)[number];

const DEFAULT_PORT = 8443;
const MAX_POOL_SIZE = 64;

const portText = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a port number 0–65535')
  .transform(Number)
  .pipe(z.int().min(0).max(65_535));
const poolText = z
  .string()
  .regex(/^\d{1,2}$/, `must be a whole number 1–${MAX_POOL_SIZE}`)
  .transform(Number)
  .pipe(z.int().min(1).max(MAX_POOL_SIZE));
const auditIntervalText = z
  .string()
  .regex(/^\d{1,6}$/, 'must be a whole number of seconds 5–86400')
  .transform(Number)
  .pipe(z.int().min(5).max(86_400));
const failingText = z
  .string()
  .regex(/^\d{1,2}$/, `must be a whole number 1–${MAX_POOL_SIZE}`)
  .transform(Number)
  .pipe(z.int().min(1).max(MAX_POOL_SIZE));
const originText = z
  .string()
  .refine((s) => URL.canParse(s) && new URL(s).protocol === 'https:' && new URL(s).origin === s, {
    message: 'must be an https origin such as https://vault.example',
  });

const RawConfigSchema = z.strictObject({
  host: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.:-]+$/, 'must be a host name or IP address'),
  port: portText,
  dataDir: z.string().min(1).max(4096),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  databaseUrl: z
    .string()
    .max(4096)
    .regex(/^postgres(?:ql)?:\/\/\S+$/, 'must be a postgres:// URL')
    .refine((u) => URL.canParse(u), 'must be a postgres:// URL')
    .optional(),
  poolSize: poolText,
  logLevel: z.enum(LOG_LEVELS),
  origins: z.array(originText).max(16),
  auditInterval: auditIntervalText,
  maxFailingModules: failingText,
  meterStock: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number 0–100')
    .transform(Number)
    .pipe(z.int().min(0).max(100)),
  join: z.string().min(1).max(4096).optional(),
  joinPassphraseFile: z.string().min(1).max(4096).optional(),
});

const FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'database-url': { type: 'string' },
  'pool-size': { type: 'string' },
  'log-level': { type: 'string' },
  origin: { type: 'string', multiple: true },
  'audit-interval': { type: 'string' },
  'max-failing-modules': { type: 'string' },
  'meter-stock': { type: 'string' },
  join: { type: 'string' },
  'join-passphrase-file': { type: 'string' },
} as const;

/** Environment names, documented in the README's "Configuration". A flag wins over its variable. */
export const CONFIG_ENV = Object.freeze({
  host: 'INDICIUM_HOST',
  port: 'INDICIUM_PORT',
  dataDir: 'INDICIUM_DATA_DIR',
  tlsCert: 'INDICIUM_TLS_CERT',
  tlsKey: 'INDICIUM_TLS_KEY',
  databaseUrl: 'DATABASE_URL',
  poolSize: 'INDICIUM_POOL_SIZE',
  logLevel: 'INDICIUM_LOG_LEVEL',
  origins: 'INDICIUM_ORIGINS',
  auditInterval: 'INDICIUM_AUDIT_INTERVAL',
  maxFailingModules: 'INDICIUM_MAX_FAILING_MODULES',
  meterStock: 'INDICIUM_METER_STOCK',
  join: 'INDICIUM_JOIN',
  joinPassphraseFile: 'INDICIUM_JOIN_PASSPHRASE_FILE',
});

function parseFlags(
  argv: readonly string[],
): ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'argv',
      detail: error instanceof Error ? error.message : 'unreadable flags',
    });
  }
}

function absolute(path: string, home: string): string {
  const expanded = path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}

/**
 * Parses the vault's configuration from command-line flags and environment variables; refuses
 * anything out of shape with `INVALID_FIELD` naming the flag, so the server fails at start with a
 * clear message rather than later.
 *
 * @example
 * const config = loadConfig(process.argv.slice(2), process.env); // --port 8443 --data-dir ~/.indicium/vault
 */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  home: string = homedir(),
): VaultConfig {
  const flags = parseFlags(argv);
  const originsEnv = env[CONFIG_ENV.origins];
  const raw = {
    host: flags.host ?? env[CONFIG_ENV.host] ?? 'localhost',
    port: flags.port ?? env[CONFIG_ENV.port] ?? String(DEFAULT_PORT),
    dataDir: flags['data-dir'] ?? env[CONFIG_ENV.dataDir] ?? join(home, '.indicium', 'vault'),
    tlsCert: flags['tls-cert'] ?? env[CONFIG_ENV.tlsCert],
    tlsKey: flags['tls-key'] ?? env[CONFIG_ENV.tlsKey],
    databaseUrl: flags['database-url'] ?? env[CONFIG_ENV.databaseUrl],
    poolSize:
      flags['pool-size'] ??
      env[CONFIG_ENV.poolSize] ??
      String(Math.min(availableParallelism(), MAX_POOL_SIZE)),
    logLevel: flags['log-level'] ?? env[CONFIG_ENV.logLevel] ?? 'info',
    origins: flags.origin ?? (originsEnv === undefined || originsEnv === '' ? [] : originsEnv.split(',')),
    auditInterval: flags['audit-interval'] ?? env[CONFIG_ENV.auditInterval] ?? '300',
    maxFailingModules: flags['max-failing-modules'] ?? env[CONFIG_ENV.maxFailingModules] ?? '2',
    meterStock: flags['meter-stock'] ?? env[CONFIG_ENV.meterStock] ?? '2',
    join: flags.join ?? env[CONFIG_ENV.join],
    joinPassphraseFile: flags['join-passphrase-file'] ?? env[CONFIG_ENV.joinPassphraseFile],
  };
  const parsed = RawConfigSchema.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined)),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'config');
    throw new IndiciumError('INVALID_FIELD', { field, detail: issue?.message ?? 'invalid' });
  }
  const c = parsed.data;
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) {
    throw new IndiciumError('INVALID_FIELD', {
      field: c.tlsCert === undefined ? 'tlsCert' : 'tlsKey',
      detail: 'Give both --tls-cert and --tls-key, or neither (the development CA).',
    });
  }
  if (c.join !== undefined && c.databaseUrl === undefined) {
    // The nodes of a cluster share meters, sessions and the module table through one database.
    throw new IndiciumError('INVALID_FIELD', {
      field: 'join',
      detail: "A node joins a cluster's shared PostgreSQL database: give --database-url too.",
    });
  }
  if (c.joinPassphraseFile !== undefined && c.join === undefined) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'joinPassphraseFile',
      detail: '--join-passphrase-file goes with --join.',
    });
  }
  return Object.freeze({
    host: c.host,
    port: c.port,
    dataDir: absolute(c.dataDir, home),
    tls:
      c.tlsCert === undefined || c.tlsKey === undefined
        ? null
        : Object.freeze({ certFile: absolute(c.tlsCert, home), keyFile: absolute(c.tlsKey, home) }),
    databaseUrl: c.databaseUrl ?? null,
    poolSize: c.poolSize,
    logLevel: c.logLevel,
    extraOrigins: Object.freeze([...c.origins]),
    auditIntervalSeconds: c.auditInterval,
    maxFailingModules: c.maxFailingModules,
    meterStock: c.meterStock,
    join:
      c.join === undefined
        ? null
        : Object.freeze({
            kitFile: absolute(c.join, home),
            passphraseFile: c.joinPassphraseFile === undefined ? null : absolute(c.joinPassphraseFile, home),
          }),
  });
}

/** The flag a config field comes from, for error messages a person reads. */
export function flagForField(field: string): string {
  const map: Record<string, string> = {
    host: '--host / INDICIUM_HOST',
    port: '--port / INDICIUM_PORT',
    dataDir: '--data-dir / INDICIUM_DATA_DIR',
    tlsCert: '--tls-cert / INDICIUM_TLS_CERT',
    tlsKey: '--tls-key / INDICIUM_TLS_KEY',
    databaseUrl: '--database-url / DATABASE_URL',
    poolSize: '--pool-size / INDICIUM_POOL_SIZE',
    logLevel: '--log-level / INDICIUM_LOG_LEVEL',
    origins: '--origin / INDICIUM_ORIGINS',
    auditInterval: '--audit-interval / INDICIUM_AUDIT_INTERVAL',
    maxFailingModules: '--max-failing-modules / INDICIUM_MAX_FAILING_MODULES',
    meterStock: '--meter-stock / INDICIUM_METER_STOCK',
    join: '--join / INDICIUM_JOIN',
    joinPassphraseFile: '--join-passphrase-file / INDICIUM_JOIN_PASSPHRASE_FILE',
    argv: 'command line',
  };
  return map[field] ?? field;
}
