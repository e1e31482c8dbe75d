import { stat } from 'node:fs/promises';
import { IndiciumError } from '@indicium/protocol';
import { type CompanionConfig, readConfig } from '../config/companion-config.js';
import { companionPaths } from '../config/companion-paths.js';
import { checkHostStarts } from './check-host-starts.js';
import { checkManifests } from './check-manifests.js';
import { checkBrowsers, checkPrinter, checkVault } from './check-services.js';
import type { DoctorFinding } from './doctor-finding.js';

export type { DoctorFinding } from './doctor-finding.js';

export interface DoctorOptions {
  readonly dataDir: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly profileDir?: string | undefined;
  readonly progress?: (check: string) => void;
}

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

function describe(error: unknown): string {
  return error instanceof IndiciumError ? `${error.code}: ${error.message}` : String(error);
}
