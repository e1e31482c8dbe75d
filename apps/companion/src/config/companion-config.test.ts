import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPANION_VERSION } from '../companion-version.js';
import { emptyConfig, ensureDataDir, readConfig, writeConfig } from './companion-config.js';
import { companionPaths, resolveDataDir } from './companion-paths.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-config-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('install config', () => {
  it('round-trips, owner-only', async () => {
    const file = join(root, 'companion.json');
    const config = { ...emptyConfig(), origins: ['https://meter.example'] };
    await writeConfig(file, config);
    expect(await readConfig(file)).toEqual(config);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readConfig(join(root, 'absent.json'))).toBeUndefined();
  });

  it('a damaged or hand-broken config is LOCAL_STORE_CORRUPT naming the field', async () => {
    const file = join(root, 'broken.json');
    await writeFile(file, '{');
    await expect(readConfig(file)).rejects.toMatchObject({ code: 'LOCAL_STORE_CORRUPT', field: 'config' });
    await writeFile(file, JSON.stringify({ ...emptyConfig(), origins: ['http://meter.example'] }));
    const error = await readConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndiciumError);
    expect((error as IndiciumError).field).toBe('config.origins.0');
  });

  it('the data directory is made, or tightened, to 0700', async () => {
    const dir = join(root, 'data');
    await ensureDataDir(dir);
    await chmod(dir, 0o755);
    await ensureDataDir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('finds the data directory: INDICIUM_COMPANION_HOME, XDG_DATA_HOME, then ~/.local/share', () => {
    expect(resolveDataDir({ INDICIUM_COMPANION_HOME: '/tmp/x' }, '/home/u')).toBe('/tmp/x');
    expect(resolveDataDir({ XDG_DATA_HOME: '/data' }, '/home/u')).toBe('/data/indicium-companion');
    expect(resolveDataDir({ XDG_DATA_HOME: 'relative' }, '/home/u')).toBe(
      '/home/u/.local/share/indicium-companion',
    );
    expect(resolveDataDir({}, '/home/u')).toBe('/home/u/.local/share/indicium-companion');
    expect(companionPaths('/d').launcher).toBe('/d/bin/indicium-companion-host');
  });

  it("COMPANION_VERSION is the package's version", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(COMPANION_VERSION).toBe(pkg.version);
  });
});
