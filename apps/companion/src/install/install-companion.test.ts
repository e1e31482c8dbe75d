import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config/companion-config.js';
import { encodeFrame, FrameDecoder } from '../native/frame-codec.js';
import { makeTestPki, startCaServer, type TestPki } from './fake-vault-tls.fixture.js';
import { type InstallOptions, installCompanion } from './install-companion.js';
import { currentLauncherTarget } from './launcher-script.js';
import { BROWSERS } from './native-manifest.js';
import { caFingerprint, probeVault } from './pinned-vault.js';
import { uninstallCompanion } from './uninstall-companion.js';

const EXT = 'abcdefghijklmnopabcdefghijklmnop';
const FIREFOX_ID = 'indicium@example.org';
let root: string;
let pki: TestPki;
let vault: { url: string; server: Server };
let runs = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-install-'));
  await mkdir(join(root, 'pki'));
  pki = await makeTestPki(join(root, 'pki'));
  vault = await startCaServer(pki);
}, 30_000);
afterAll(async () => {
  vault.server.close();
  await rm(root, { recursive: true, force: true });
});

function fresh(overrides: Partial<InstallOptions> = {}): InstallOptions {
  runs += 1;
  const home = join(root, `home-${runs}`);
  const dataDir = join(home, '.local', 'share', 'indicium-companion');
  return {
    dataDir,
    home,
    launcher: currentLauncherTarget(dataDir),
    browsers: BROWSERS,
    chromeExtensionIds: [EXT],
    firefoxExtensionIds: [FIREFOX_ID],
    origins: ['https://meter.example', 'https://localhost:8443/'],
    printFolders: {},
    ...overrides,
  };
}

async function json(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

async function expectCode(promise: Promise<unknown>, code: string, field?: string): Promise<IndiciumError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IndiciumError);
  expect((error as IndiciumError).code).toBe(code);
  if (field !== undefined) expect((error as IndiciumError).field).toBe(field);
  return error as IndiciumError;
}

describe('companion install (DESIGN §4.1, §7)', () => {
  it('writes exact manifests in the per-user locations of Chrome, Chromium and Firefox', async () => {
    const options = fresh();
    const result = await installCompanion(options);
    const launcher = join(options.dataDir, 'bin', 'indicium-companion-host');
    expect(result.launcher).toBe(launcher);
    const chromium = {
      name: 'com.indicium.companion',
      description: 'Indicium companion: holds your meter key and prints postage indicia',
      path: launcher,
      type: 'stdio',
      allowed_origins: [`chrome-extension://${EXT}/`],
    };
    expect(
      await json(
        join(options.home, '.config/google-chrome/NativeMessagingHosts/com.indicium.companion.json'),
      ),
    ).toEqual(chromium);
    expect(
      await json(join(options.home, '.config/chromium/NativeMessagingHosts/com.indicium.companion.json')),
    ).toEqual(chromium);
    expect(
      await json(join(options.home, '.mozilla/native-messaging-hosts/com.indicium.companion.json')),
    ).toEqual({
      name: 'com.indicium.companion',
      description: 'Indicium companion: holds your meter key and prints postage indicia',
      path: launcher,
      type: 'stdio',
      allowed_extensions: [FIREFOX_ID],
    });
    expect(result.manifests.map((m) => m.browser)).toEqual(['chrome', 'chromium', 'firefox']);
  });

  it('pins the extensions and the normalised origins in an owner-only install', async () => {
    const options = fresh();
    await installCompanion(options);
    expect(await readConfig(join(options.dataDir, 'companion.json'))).toMatchObject({
      origins: ['https://meter.example', 'https://localhost:8443'],
      chromeExtensionIds: [EXT],
      firefoxExtensionIds: [FIREFOX_ID],
      vault: null,
    });
    expect((await stat(options.dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(options.dataDir, 'companion.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(options.dataDir, 'bin', 'indicium-companion-host'))).mode & 0o777).toBe(0o700);
  });

  it('into a browser profile folder: only <profile>/NativeMessagingHosts, and the launcher really starts the host', async () => {
    const profileDir = join(root, `profile-${runs}`);
    const options = fresh({ profileDir, firefoxExtensionIds: [] });
    const result = await installCompanion(options);
    const file = join(profileDir, 'NativeMessagingHosts', 'com.indicium.companion.json');
    expect(result.manifests).toEqual([{ browser: 'chromium', file }]);
    expect(await json(file)).toMatchObject({
      path: result.launcher,
      allowed_origins: [`chrome-extension://${EXT}/`],
    });
    await expect(stat(join(options.home, '.config'))).rejects.toThrow();
    // The browser runs the manifest's path with the extension origin: so does this test, from another cwd.
    const child = spawn(result.launcher, [`chrome-extension://${EXT}/`], {
      cwd: '/',
      env: { PATH: process.env.PATH ?? '' },
    });
    child.stdin.write(encodeFrame({ kind: 'hello', protocol: 1, component: 'extension', version: '0.1.0' }));
    const decoder = new FrameDecoder();
    const hello = await new Promise<unknown>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const [frame] = decoder.push(chunk);
        if (frame?.ok) resolve(frame.message);
      });
      child.on('exit', (code) => reject(new Error(`launcher exited ${code}`)));
    });
    expect(hello).toEqual({ kind: 'hello', protocol: 1, component: 'companion', version: '0.1.0' });
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
    // The launcher pinned this install's data directory: the host logged there.
    expect((await stat(join(options.dataDir, 'companion.log'))).isFile()).toBe(true);
  }, 40_000);

  it('skips a browser it has no extension id for, and says so', async () => {
    const result = await installCompanion(fresh({ firefoxExtensionIds: [] }));
    expect(result.skipped).toEqual([{ browser: 'firefox', reason: 'no --firefox-id' }]);
  });

  it('adds to an existing install rather than replacing it', async () => {
    const options = fresh();
    await installCompanion(options);
    const other = 'ponmlkjihgfedcbaponmlkjihgfedcba';
    const result = await installCompanion({
      ...options,
      chromeExtensionIds: [other],
      origins: ['https://second.example'],
    });
    expect(result.config.chromeExtensionIds).toEqual([EXT, other]);
    expect(result.config.origins).toEqual([
      'https://meter.example',
      'https://localhost:8443',
      'https://second.example',
    ]);
  });

  it('refuses bad input before writing anything', async () => {
    const options = fresh();
    await expectCode(
      installCompanion({ ...options, chromeExtensionIds: ['not-an-id'] }),
      'INVALID_INPUT',
      'extensionId',
    );
    await expectCode(
      installCompanion({ ...options, firefoxExtensionIds: ['no spaces allowed'] }),
      'INVALID_INPUT',
      'firefoxId',
    );
    for (const origin of [
      'http://meter.example',
      'https://meter.example/print',
      'https://u@meter.example',
      `https://${'a'.repeat(250)}.example`,
    ]) {
      await expectCode(installCompanion({ ...options, origins: [origin] }), 'INVALID_INPUT', 'origin');
    }
    await expectCode(
      installCompanion({ ...options, chromeExtensionIds: [], firefoxExtensionIds: [] }),
      'INVALID_INPUT',
      'extensionId',
    );
    await expectCode(
      installCompanion({ ...options, printFolders: { qa: 'relative/dir' } }),
      'INVALID_INPUT',
      'printFolder',
    );
    await expectCode(
      installCompanion({ ...options, vaultUrl: 'http://vault.example' }),
      'INVALID_INPUT',
      'vault',
    );
    await expectCode(installCompanion({ ...options, caPem: pki.postalCaPem }), 'INVALID_INPUT', 'vault');
    await expect(stat(options.dataDir)).rejects.toThrow();
  });
});

describe('pinning the vault and its postal CA', () => {
  it('pins --ca FILE, and the vault answers over TLS checked against the pinned TLS CA only', async () => {
    const result = await installCompanion(
      fresh({ vaultUrl: vault.url, caPem: pki.postalCaPem, tlsCaPem: pki.tlsCaPem }),
    );
    expect(result.config.vault).toEqual({ url: vault.url, caPem: pki.postalCaPem, tlsCaPem: pki.tlsCaPem });
    expect(await probeVault({ url: vault.url, caPem: pki.postalCaPem, tlsCaPem: pki.tlsCaPem })).toEqual({
      reachable: true,
      reason: 'HTTP 200',
    });
    const wrongCa = await probeVault({ url: vault.url, caPem: pki.postalCaPem, tlsCaPem: pki.otherCaPem });
    expect(wrongCa.reachable).toBe(false);
    // Not the system roots either: a private CA's server is unreachable without its pin.
    expect((await probeVault({ url: vault.url, caPem: pki.postalCaPem, tlsCaPem: null })).reachable).toBe(
      false,
    );
  });

  it('fetches GET /v1/ca only when its fingerprint matches the one given', async () => {
    const fingerprint = caFingerprint(pki.postalCaPem);
    const result = await installCompanion(
      fresh({ vaultUrl: vault.url, caFingerprint: fingerprint.toLowerCase(), tlsCaPem: pki.tlsCaPem }),
    );
    expect(result.config.vault?.caPem).toBe(pki.postalCaPem);
    const error = await expectCode(
      installCompanion(
        fresh({ vaultUrl: vault.url, caFingerprint: caFingerprint(pki.otherCaPem), tlsCaPem: pki.tlsCaPem }),
      ),
      'CERTIFICATE_INVALID',
      'caFingerprint',
    );
    expect(error.details).toEqual({ received: fingerprint });
    await expectCode(
      installCompanion(
        fresh({ vaultUrl: 'https://127.0.0.1:1', caFingerprint: fingerprint, tlsCaPem: pki.tlsCaPem }),
      ),
      'VAULT_UNREACHABLE',
    );
  });

  it('refuses a vault without a CA (CA_NOT_PINNED) and a CA file that is not a CA certificate', async () => {
    await expectCode(installCompanion(fresh({ vaultUrl: vault.url })), 'CA_NOT_PINNED', 'ca');
    await expectCode(
      installCompanion(fresh({ vaultUrl: vault.url, caPem: pki.leafPem })),
      'CERTIFICATE_INVALID',
      'ca',
    );
    await expectCode(
      installCompanion(fresh({ vaultUrl: vault.url, caPem: 'junk' })),
      'CERTIFICATE_INVALID',
      'ca',
    );
  });
});

describe('companion uninstall', () => {
  it('removes its manifests and launcher, keeps the data, and leaves a same-named manifest of another program', async () => {
    const options = fresh();
    await installCompanion(options);
    const firefoxFile = join(options.home, '.mozilla/native-messaging-hosts/com.indicium.companion.json');
    await writeFile(firefoxFile, JSON.stringify({ name: 'something.else' }));
    const { removed } = await uninstallCompanion({
      dataDir: options.dataDir,
      home: options.home,
      browsers: BROWSERS,
    });
    expect(removed).toEqual([
      join(options.home, '.config/google-chrome/NativeMessagingHosts/com.indicium.companion.json'),
      join(options.home, '.config/chromium/NativeMessagingHosts/com.indicium.companion.json'),
      join(options.dataDir, 'bin', 'indicium-companion-host'),
    ]);
    expect((await stat(firefoxFile)).isFile()).toBe(true);
    expect((await stat(join(options.dataDir, 'companion.json'))).isFile()).toBe(true);
  });

  it('from a profile folder: that manifest only', async () => {
    const profileDir = join(root, 'profile-uninstall');
    const options = fresh({ profileDir });
    await installCompanion(options);
    const { removed } = await uninstallCompanion({
      dataDir: options.dataDir,
      home: options.home,
      browsers: BROWSERS,
      profileDir,
    });
    expect(removed).toEqual([join(profileDir, 'NativeMessagingHosts', 'com.indicium.companion.json')]);
    expect((await stat(join(options.dataDir, 'bin', 'indicium-companion-host'))).isFile()).toBe(true);
  });
});
