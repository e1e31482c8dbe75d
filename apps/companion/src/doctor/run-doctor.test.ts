import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCompanion } from '../install/install-companion.js';
import { currentLauncherTarget } from '../install/launcher-script.js';
import { type DoctorFinding, runDoctor } from './run-doctor.js';

const EXT = 'abcdefghijklmnopabcdefghijklmnop';
let root: string;
let home: string;
let dataDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'indicium-doctor-'));
  home = join(root, 'home');
  dataDir = join(home, '.local', 'share', 'indicium-companion');
  await installCompanion({
    dataDir,
    home,
    launcher: currentLauncherTarget(dataDir),
    browsers: ['chrome', 'chromium'],
    chromeExtensionIds: [EXT],
    firefoxExtensionIds: [],
    origins: ['https://meter.example'],
    printFolders: { qa: root },
  });
});
afterAll(() => rm(root, { recursive: true, force: true }));

function finding(findings: DoctorFinding[], check: string): DoctorFinding | undefined {
  return findings.find((f) => f.check === check);
}

describe('companion doctor (DESIGN §7)', () => {
  it('a good install: each part ok, the vault named as missing with its next step', async () => {
    const progress: string[] = [];
    const findings = await runDoctor({ dataDir, home, env: { PATH: '' }, progress: (c) => progress.push(c) });
    expect(progress).toEqual(['companion', 'browsers', 'manifests', 'companion start', 'vault', 'printer']);
    for (const check of [
      'node',
      'data folder',
      'extension',
      'chrome manifest',
      'chromium manifest',
      'launcher',
      'companion start',
    ]) {
      expect(finding(findings, check)?.status, check).toBe('ok');
    }
    expect(finding(findings, 'browser')).toMatchObject({ status: 'warn', nextStep: expect.any(String) });
    expect(finding(findings, 'vault')).toMatchObject({
      status: 'fail',
      nextStep: 'Run `companion install --vault URL --ca FILE`.',
    });
    expect(finding(findings, 'printer')?.detail).toContain('folder:qa');
  }, 40_000);

  it('finds an edited manifest, a launcher that cannot run, and a data folder open to others', async () => {
    await writeFile(
      join(home, '.config/chromium/NativeMessagingHosts/com.indicium.companion.json'),
      JSON.stringify({
        name: 'com.indicium.companion',
        path: '/tmp/evil',
        type: 'stdio',
        allowed_origins: [`chrome-extension://${EXT}/`],
      }),
    );
    await chmod(join(dataDir, 'bin', 'indicium-companion-host'), 0o600);
    await chmod(dataDir, 0o755);
    const findings = await runDoctor({ dataDir, home, env: {} });
    expect(finding(findings, 'chrome manifest')?.status).toBe('ok');
    expect(finding(findings, 'chromium manifest')).toMatchObject({
      status: 'fail',
      nextStep: 'Run `companion install --browser chromium` again.',
    });
    expect(finding(findings, 'launcher')?.status).toBe('fail');
    expect(finding(findings, 'companion start')?.status).toBe('fail');
    expect(finding(findings, 'data folder')).toMatchObject({
      status: 'fail',
      nextStep: `Run \`chmod 700 ${dataDir}\`.`,
    });
  }, 40_000);

  it('a damaged install file is reported, with the next step', async () => {
    await writeFile(join(dataDir, 'companion.json'), '{"version": 2}');
    const findings = await runDoctor({ dataDir, home, env: {} });
    expect(finding(findings, 'install')).toMatchObject({
      status: 'fail',
      nextStep: 'Run `companion install` again.',
    });
    expect(finding(findings, 'install')?.detail).toContain('LOCAL_STORE_CORRUPT');
  });
});
