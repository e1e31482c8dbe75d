import { access, constants, readFile } from 'node:fs/promises';
import type { CompanionConfig } from '../config/companion-config.js';
import { chromiumManifest, firefoxManifest, manifestTargets } from '../install/native-manifest.js';
import type { DoctorFinding } from './doctor-finding.js';

/** Each installed browser's manifest must be exactly what this install would write, and the launcher executable. */
export async function checkManifests(
  options: { home: string; profileDir?: string | undefined },
  config: CompanionConfig,
  launcher: string,
): Promise<DoctorFinding[]> {
  const targets = manifestTargets(options.home, ['chrome', 'chromium', 'firefox'], options.profileDir);
  const findings: DoctorFinding[] = [];
  for (const target of targets) {
    const isFirefox = target.browser === 'firefox';
    const ids = isFirefox ? config.firefoxExtensionIds : config.chromeExtensionIds;
    if (ids.length === 0) continue;
    const expected = isFirefox ? firefoxManifest(launcher, ids) : chromiumManifest(launcher, ids);
    const check = `${target.browser} manifest`;
    const text = await readFile(target.file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      findings.push({
        check,
        status: 'fail',
        detail: `${target.file} is missing`,
        nextStep: `Run \`companion install --browser ${target.browser}\`.`,
      });
      continue;
    }
    let actual: unknown;
    try {
      actual = JSON.parse(text);
    } catch {
      actual = undefined;
    }
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      findings.push({
        check,
        status: 'fail',
        detail: `${target.file} does not match this install`,
        nextStep: `Run \`companion install --browser ${target.browser}\` again.`,
      });
      continue;
    }
    findings.push({ check, status: 'ok', detail: target.file });
  }
  const runnable = await access(launcher, constants.X_OK).then(
    () => true,
    () => false,
  );
  findings.push(
    runnable
      ? { check: 'launcher', status: 'ok', detail: launcher }
      : {
          check: 'launcher',
          status: 'fail',
          detail: `${launcher} is missing or not executable`,
          nextStep: 'Run `companion install` again.',
        },
  );
  return findings;
}
