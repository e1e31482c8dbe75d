import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { CompanionConfig } from '../config/companion-config.js';
import { probeVault } from '../install/pinned-vault.js';
import { readCupsState } from '../print/cups-queues.js';
import type { DoctorFinding } from './doctor-finding.js';

const BROWSER_COMMANDS = {
  chrome: ['google-chrome', 'google-chrome-stable'],
  chromium: ['chromium', 'chromium-browser'],
  firefox: ['firefox', 'firefox-esr'],
} as const;

async function onPath(command: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (
      await access(join(dir, command), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

/** A browser the companion can serve is on PATH (a warning only: browsers live in many places). */
export async function checkBrowsers(env: NodeJS.ProcessEnv): Promise<DoctorFinding> {
  const found: string[] = [];
  for (const [browser, commands] of Object.entries(BROWSER_COMMANDS)) {
    for (const command of commands) {
      if (await onPath(command, env)) {
        found.push(browser);
        break;
      }
    }
  }
  return found.length > 0
    ? { check: 'browser', status: 'ok', detail: `found ${found.join(', ')}` }
    : {
        check: 'browser',
        status: 'warn',
        detail: 'no Chrome, Chromium or Firefox on PATH',
        nextStep: 'Install a browser, or ignore this if yours lives elsewhere.',
      };
}

/** The pinned vault answers over TLS checked against the pinned CA. */
export async function checkVault(config: CompanionConfig): Promise<DoctorFinding> {
  if (config.vault === null) {
    return {
      check: 'vault',
      status: 'fail',
      detail: 'no vault pinned',
      nextStep: 'Run `companion install --vault URL --ca FILE`.',
    };
  }
  const probe = await probeVault(config.vault);
  return probe.reachable
    ? {
        check: 'vault',
        status: 'ok',
        detail: `${config.vault.url} answers over pinned TLS (${probe.reason})`,
      }
    : {
        check: 'vault',
        status: 'fail',
        detail: `${config.vault.url}: ${probe.reason}`,
        nextStep:
          'Check the network and the vault; if its certificate changed, pin its CA again with `companion install --tls-ca`.',
      };
}

/** CUPS runs and has a queue, or a folder printer is configured; a default is chosen. */
export async function checkPrinter(config: CompanionConfig): Promise<DoctorFinding> {
  const cups = await readCupsState();
  const folders = Object.keys(config.printFolders).map((name) => `folder:${name}`);
  if (cups.scheduler === 'absent' && folders.length === 0) {
    return {
      check: 'printer',
      status: 'fail',
      detail: 'CUPS is not installed',
      nextStep:
        'Install CUPS (`apt-get install cups`), or add a folder with `companion install --print-folder NAME=DIR`.',
    };
  }
  if (cups.scheduler === 'stopped' && folders.length === 0) {
    return {
      check: 'printer',
      status: 'fail',
      detail: 'the CUPS scheduler is not running',
      nextStep: 'Start it (`systemctl start cups`).',
    };
  }
  const printers = [...cups.queues.map((q) => `cups:${q}`), ...folders];
  if (printers.length === 0) {
    return {
      check: 'printer',
      status: 'fail',
      detail: 'no printer queue',
      nextStep: 'Add a printer in the system settings or with `lpadmin`.',
    };
  }
  const fallback = config.defaultPrinter ?? (cups.defaultQueue === null ? null : `cups:${cups.defaultQueue}`);
  return fallback === null
    ? {
        check: 'printer',
        status: 'warn',
        detail: `printers: ${printers.join(', ')}; no default`,
        nextStep: 'Choose one with `companion install --default-printer ID` or `lpoptions -d QUEUE`.',
      }
    : { check: 'printer', status: 'ok', detail: `printers: ${printers.join(', ')}; default ${fallback}` };
}
