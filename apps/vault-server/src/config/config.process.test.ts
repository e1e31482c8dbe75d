import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** A bad configuration stops `main.ts` before it touches anything, with exit code 2 and the flag named. */

const PACKAGE_DIR = new URL('../../', import.meta.url).pathname;
const dir = await mkdtemp(join(tmpdir(), 'indicium-config-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

function start(args: string[], env: Record<string, string> = {}) {
  return spawnSync(
    process.execPath,
    ['--conditions=@indicium/source', '--import', 'tsx', 'src/main.ts', ...args],
    {
      cwd: PACKAGE_DIR,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

describe('vault start with a bad configuration', () => {
  it.each([
    [['--port', 'https'], {}, '--port / INDICIUM_PORT'],
    [['--tls-cert', '/nonexistent.pem'], {}, '--tls-key / INDICIUM_TLS_KEY'],
    [[], { INDICIUM_LOG_LEVEL: 'loud' }, '--log-level / INDICIUM_LOG_LEVEL'],
    [[], { DATABASE_URL: 'mysql://db.invalid/indicium' }, '--database-url / DATABASE_URL'],
  ])('%j %j fails fast naming %s', (args, env, flag) => {
    const data = join(dir, `d${Math.random().toString(36).slice(2)}`);
    const run = start([...args, '--data-dir', data], env);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(flag);
    expect(run.stderr).not.toMatch(/\n\s+at /); // a message for a person, not a stack
    expect(run.stdout).not.toContain('vault listening');
  });

  it('creates nothing when it refuses', async () => {
    start(['--port', '99999', '--data-dir', join(dir, 'untouched')]);
    expect(await readdir(dir)).not.toContain('untouched');
  });
});
