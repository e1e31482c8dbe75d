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
