import { describe, expect, it } from 'vitest';
import { expectIndiciumError } from '../../test/support/expect-indicium-error.js';
import { loadConfig } from './config.js';

const HOME = '/home/tester';

describe('loadConfig', () => {
  it('has sensible defaults: https://localhost:8443, ~/.indicium/vault, info, no TLS files, SQLite', () => {
    const config = loadConfig([], {}, HOME);
    expect(config).toMatchObject({
      host: 'localhost',
      port: 8443,
      dataDir: '/home/tester/.indicium/vault',
      tls: null,
      databaseUrl: null,
      logLevel: 'info',
      extraOrigins: [],
    });
    expect(config.poolSize).toBeGreaterThanOrEqual(1);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the environment, and a flag wins over its variable', () => {
    const env = { INDICIUM_DATA_DIR: '~/vault-env', INDICIUM_PORT: '9443', INDICIUM_POOL_SIZE: '3' };
    expect(loadConfig([], env, HOME)).toMatchObject({
      dataDir: '/home/tester/vault-env',
      port: 9443,
      poolSize: 3,
    });
    const flags = ['--port', '0', '--data-dir', '/srv/vault', '--log-level', 'warn', '--host', '127.0.0.1'];
    expect(loadConfig(flags, env, HOME)).toMatchObject({
      port: 0,
      dataDir: '/srv/vault',
      logLevel: 'warn',
      host: '127.0.0.1',
    });
  });

  it('takes operator TLS files only as a pair, and extra origins as https origins', () => {
    const config = loadConfig(['--tls-cert', '/etc/v/cert.pem', '--tls-key', '/etc/v/key.pem'], {}, HOME);
    expect(config.tls).toEqual({ certFile: '/etc/v/cert.pem', keyFile: '/etc/v/key.pem' });
    expectIndiciumError(() => loadConfig(['--tls-cert', '/etc/v/cert.pem'], {}, HOME), {
      code: 'INVALID_FIELD',
      field: 'tlsKey',
    });
    expect(
      loadConfig([], { INDICIUM_ORIGINS: 'https://meter.example,https://b.example:8443' }, HOME).extraOrigins,
    ).toEqual(['https://meter.example', 'https://b.example:8443']);
    expectIndiciumError(() => loadConfig(['--origin', 'http://meter.example'], {}, HOME), {
      code: 'INVALID_FIELD',
      field: 'origins',
    });
  });

  it('takes a PostgreSQL URL from DATABASE_URL or --database-url (the flag wins); SQLite without one', () => {
    const env = { DATABASE_URL: 'postgres://vault:secret@db.internal:5432/indicium' };
    expect(loadConfig([], env, HOME).databaseUrl).toBe('postgres://vault:secret@db.internal:5432/indicium');
    expect(loadConfig(['--database-url', 'postgresql://vault@db2/indicium'], env, HOME).databaseUrl).toBe(
      'postgresql://vault@db2/indicium',
    );
    expect(loadConfig([], {}, HOME).databaseUrl).toBeNull();
  });

  it.each([
    [['--port', '65536'], {}, 'port'],
    [['--port', '-1'], {}, 'argv'],
    [['--port', '84x3'], {}, 'port'],
    [[], { INDICIUM_POOL_SIZE: '0' }, 'poolSize'],
    [[], { INDICIUM_POOL_SIZE: '65' }, 'poolSize'],
    [['--log-level', 'verbose'], {}, 'logLevel'],
    [['--host', 'a b'], {}, 'host'],
    [[], { DATABASE_URL: 'mysql://x' }, 'databaseUrl'],
    [['--database-url', 'postgres://db host/indicium'], {}, 'databaseUrl'],
    [['--database-url', 'postgres://[bad/indicium'], {}, 'databaseUrl'],
    [['--unknown'], {}, 'argv'],
    [['stray'], {}, 'argv'],
  ] as const)('refuses %j %j (field %s) at start', (argv, env, field) => {
    expectIndiciumError(() => loadConfig(argv, env, HOME), { code: 'INVALID_FIELD', field });
  });
});

describe('loadConfig: auditor and module table (DESIGN §3.5, §3.6)', () => {
  it('audits every 300 s and stops value-bearing work at 2 inhibited modules by default; flags win', () => {
    expect(loadConfig([], {}, HOME)).toMatchObject({ auditIntervalSeconds: 300, maxFailingModules: 2 });
    const env = { INDICIUM_AUDIT_INTERVAL: '60', INDICIUM_MAX_FAILING_MODULES: '3' };
    expect(loadConfig([], env, HOME)).toMatchObject({ auditIntervalSeconds: 60, maxFailingModules: 3 });
    expect(loadConfig(['--audit-interval', '5', '--max-failing-modules', '1'], env, HOME)).toMatchObject({
      auditIntervalSeconds: 5,
      maxFailingModules: 1,
    });
  });

  it.each([
    [['--audit-interval', '4'], 'auditInterval'],
    [['--audit-interval', '86401'], 'auditInterval'],
    [['--audit-interval', '1m'], 'auditInterval'],
    [['--max-failing-modules', '0'], 'maxFailingModules'],
    [['--max-failing-modules', '65'], 'maxFailingModules'],
  ])('refuses %j naming %s', (argv, field) => {
    expectIndiciumError(() => loadConfig(argv, {}, HOME), { code: 'INVALID_FIELD', field });
  });
});

describe('loadConfig: joining a cluster (DESIGN §10)', () => {
  const db = ['--database-url', 'postgres://vault@db.internal/indicium'];

  it('takes --join and --join-passphrase-file (or their variables), resolved against home; none by default', () => {
    expect(loadConfig([], {}, HOME).join).toBeNull();
    expect(
      loadConfig([...db, '--join', '~/b.kit', '--join-passphrase-file', 'pass.txt'], {}, HOME).join,
    ).toEqual({ kitFile: '/home/tester/b.kit', passphraseFile: expect.stringMatching(/\/pass\.txt$/) });
    const env = { INDICIUM_JOIN: '/srv/b.kit', DATABASE_URL: 'postgres://vault@db/indicium' };
    expect(loadConfig([], env, HOME).join).toEqual({ kitFile: '/srv/b.kit', passphraseFile: null });
  });

  it('refuses --join without a shared database, and a passphrase file without --join', () => {
    expectIndiciumError(() => loadConfig(['--join', '/srv/b.kit'], {}, HOME), {
      code: 'INVALID_FIELD',
      field: 'join',
    });
    expectIndiciumError(() => loadConfig([...db, '--join-passphrase-file', '/p'], {}, HOME), {
      code: 'INVALID_FIELD',
      field: 'joinPassphraseFile',
    });
  });
});
