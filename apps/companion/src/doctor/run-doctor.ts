import { spawn } from 'node:child_process';
import { access, constants, readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import { type CompanionConfig, readConfig } from '../config/companion-config.js';
import { companionPaths } from '../config/companion-paths.js';
import { chromiumManifest, firefoxManifest, manifestTargets } from '../install/native-manifest.js';
import { probeVault } from '../install/pinned-vault.js';
import { encodeFrame, FrameDecoder } from '../native/frame-codec.js';
import { readCupsState } from '../print/cups-queues.js';

/** One diagnosis: what was checked, what was found, and the next step when it is not fine. */
export interface DoctorFinding {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly detail: string;
  readonly nextStep?: string;
}

export interface DoctorOptions {
  readonly dataDir: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly profileDir?: string | undefined;
  readonly progress?: (check: string) => void;
}

const BROWSER_COMMANDS = {
  chrome: ['google-chrome', 'google-chrome-stable'],
  chromium: ['chromium', 'chromium-browser'],
  firefox: ['firefox', 'firefox-esr'],
} as const;

/**
 * `companion doctor` (DESIGN §7): browser, extension, companion, vault and printer, each diagnosed
 * with a next step. Every check runs even when an earlier one fails, so one run shows everything.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorFinding[]> {
  const progress = options.progress ?? (() => undefined);
  const paths = companionPaths(options.dataDir);
  const findings: DoctorFinding[] = [];
  progress('companion');
  findings.push(...(await checkCompanion(paths.dataDir)));
  let config: CompanionConfig | undefined;
  try {
    config = await readConfig(paths.config);
  } catch (error) {
    findings.push({
      check: 'install',
      status: 'fail',
      detail: describe(error),
      nextStep: 'Run `companion install` again.',
    });
  }
  if (config === undefined) {
    if (!findings.some((f) => f.check === 'install')) {
      findings.push({
        check: 'install',
        status: 'fail',
        detail: `no install in ${paths.dataDir}`,
        nextStep: 'Run `companion install --extension-id ID --origin https://…`.',
      });
    }
    return findings;
  }
  findings.push(checkInstall(config));
  progress('browsers');
  findings.push(await checkBrowsers(options.env));
  progress('manifests');
  findings.push(...(await checkManifests(options, config, paths.launcher)));
  progress('companion start');
  findings.push(await checkHostStarts(paths.launcher, config));
  progress('vault');
  findings.push(await checkVault(config));
  progress('printer');
  findings.push(await checkPrinter(config));
  return findings;
}

async function checkCompanion(dataDir: string): Promise<DoctorFinding[]> {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const node: DoctorFinding =
    major > 20 || (major === 20 && minor >= 19)
      ? { check: 'node', status: 'ok', detail: `Node ${process.versions.node}` }
      : {
          check: 'node',
          status: 'fail',
          detail: `Node ${process.versions.node} is too old`,
          nextStep: 'Install Node 20.19 or newer.',
        };
  const info = await stat(dataDir).catch(() => undefined);
  const dir: DoctorFinding =
    info === undefined
      ? {
          check: 'data folder',
          status: 'fail',
          detail: `${dataDir} does not exist`,
          nextStep: 'Run `companion install`.',
        }
      : (info.mode & 0o077) !== 0
        ? {
            check: 'data folder',
            status: 'fail',
            detail: `${dataDir} is open to other users`,
            nextStep: `Run \`chmod 700 ${dataDir}\`.`,
          }
        : { check: 'data folder', status: 'ok', detail: `${dataDir} (owner only)` };
  return [node, dir];
}

function checkInstall(config: CompanionConfig): DoctorFinding {
  const extensions = [...config.chromeExtensionIds, ...config.firefoxExtensionIds];
  if (extensions.length === 0) {
    return {
      check: 'extension',
      status: 'fail',
      detail: 'no extension id installed',
      nextStep: 'Run `companion install --extension-id ID`.',
    };
  }
  if (config.origins.length === 0) {
    return {
      check: 'extension',
      status: 'fail',
      detail: 'no page origin allowed',
      nextStep: 'Run `companion install --origin https://your-vault`.',
    };
  }
  return {
    check: 'extension',
    status: 'ok',
    detail: `extension ${extensions.join(', ')} for ${config.origins.join(', ')}`,
  };
}

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

async function checkBrowsers(env: NodeJS.ProcessEnv): Promise<DoctorFinding> {
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

async function checkManifests(
  options: DoctorOptions,
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

/** Starts the launcher as a browser would and waits for the companion's hello. */
async function checkHostStarts(launcher: string, config: CompanionConfig): Promise<DoctorFinding> {
  const chrome = config.chromeExtensionIds[0];
  const args =
    chrome !== undefined
      ? [`chrome-extension://${chrome}/`]
      : ['manifest.json', config.firefoxExtensionIds[0] ?? ''];
  const answer = await new Promise<string>((resolve) => {
    const child = spawn(launcher, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    const decoder = new FrameDecoder();
    const timer = setTimeout(() => {
      child.kill();
      resolve('no hello within 20 s');
    }, 20_000);
    child.on('error', (error) => resolve(error.message));
    child.stdout.on('data', (chunk: Buffer) => {
      const [frame] = decoder.push(chunk);
      if (frame === undefined) return;
      clearTimeout(timer);
      child.stdin.end();
      const message = frame.ok
        ? (frame.message as { kind?: string; version?: string; error?: { code?: string } })
        : undefined;
      resolve(
        message?.kind === 'hello'
          ? `ok ${message.version ?? ''}`
          : `answered ${message?.error?.code ?? 'garbage'}`,
      );
    });
    child.stdin.write(encodeFrame({ kind: 'hello', protocol: 1, component: 'extension', version: '0.0.0' }));
  });
  return answer.startsWith('ok')
    ? {
        check: 'companion start',
        status: 'ok',
        detail: `the host answers hello (companion ${answer.slice(3)})`,
      }
    : {
        check: 'companion start',
        status: 'fail',
        detail: `the host did not start: ${answer}`,
        nextStep: 'Read companion.log in the data folder; run `companion install` again.',
      };
}

async function checkVault(config: CompanionConfig): Promise<DoctorFinding> {
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

async function checkPrinter(config: CompanionConfig): Promise<DoctorFinding> {
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

function describe(error: unknown): string {
  return error instanceof IndiciumError ? `${error.code}: ${error.message}` : String(error);
}
