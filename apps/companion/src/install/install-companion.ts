import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IndiciumError } from '@indicium/protocol';
import {
  ChromeExtensionIdSchema,
  type CompanionConfig,
  emptyConfig,
  ensureDataDir,
  FirefoxExtensionIdSchema,
  PrintFolderNameSchema,
  readConfig,
  writeConfig,
} from '../config/companion-config.js';
import { companionPaths } from '../config/companion-paths.js';
import { normalizeOrigin } from '../config/origin-allow-list.js';
import { type LauncherTarget, launcherScript } from './launcher-script.js';
import { type Browser, chromiumManifest, firefoxManifest, manifestTargets } from './native-manifest.js';
import { fetchPostalCa, readCaCertificate } from './pinned-vault.js';

export interface InstallOptions {
  readonly dataDir: string;
  readonly home: string;
  readonly launcher: LauncherTarget;
  readonly browsers: readonly Browser[];
  readonly profileDir?: string | undefined;
  readonly chromeExtensionIds: readonly string[];
  readonly firefoxExtensionIds: readonly string[];
  readonly origins: readonly string[];
  readonly vaultUrl?: string | undefined;
  /** The postal CA as PEM text (from --ca FILE). */
  readonly caPem?: string | undefined;
  /** Fetch the postal CA from the vault and pin it if it has this SHA-256 fingerprint. */
  readonly caFingerprint?: string | undefined;
  readonly tlsCaPem?: string | undefined;
  readonly printFolders: Readonly<Record<string, string>>;
  readonly defaultPrinter?: string | undefined;
  readonly idleTimeoutSeconds?: number | undefined;
  readonly progress?: (step: string) => void;
}

export interface InstallResult {
  readonly config: CompanionConfig;
  readonly launcher: string;
  readonly manifests: readonly { browser: Browser; file: string }[];
  /** Browsers asked for but skipped, and why (no extension id for them). */
  readonly skipped: readonly { browser: Browser; reason: string }[];
}

/**
 * `companion install` (DESIGN §4.1, §7): merges the options into the install config (lists are
 * added to, values replaced), writes the launcher, then one native-messaging manifest per browser.
 * Every input is checked before anything is written: INVALID_INPUT names the bad field.
 */
export async function installCompanion(options: InstallOptions): Promise<InstallResult> {
  const progress = options.progress ?? (() => undefined);
  const paths = companionPaths(options.dataDir);
  const previous = (await readConfig(paths.config)) ?? emptyConfig();
  const config = await mergeConfig(previous, options, progress);
  if (config.chromeExtensionIds.length === 0 && config.firefoxExtensionIds.length === 0) {
    throw new IndiciumError('INVALID_INPUT', {
      field: 'extensionId',
      detail: 'name the extension: --extension-id (Chrome, Chromium) or --firefox-id',
    });
  }
  progress('writing the install');
  await ensureDataDir(paths.dataDir);
  await writeConfig(paths.config, config);
  await writeExecutable(paths.launcher, launcherScript(options.launcher));
  const manifests: { browser: Browser; file: string }[] = [];
  const skipped: { browser: Browser; reason: string }[] = [];
  for (const target of manifestTargets(options.home, options.browsers, options.profileDir)) {
    const isFirefox = target.browser === 'firefox';
    const ids = isFirefox ? config.firefoxExtensionIds : config.chromeExtensionIds;
    if (ids.length === 0) {
      skipped.push({ browser: target.browser, reason: isFirefox ? 'no --firefox-id' : 'no --extension-id' });
      continue;
    }
    const manifest = isFirefox ? firefoxManifest(paths.launcher, ids) : chromiumManifest(paths.launcher, ids);
    progress(`writing the ${target.browser} manifest`);
    await mkdir(dirname(target.file), { recursive: true });
    await writeAtomic(target.file, `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
    manifests.push(target);
  }
  return { config, launcher: paths.launcher, manifests, skipped };
}

async function mergeConfig(
  previous: CompanionConfig,
  options: InstallOptions,
  progress: (step: string) => void,
): Promise<CompanionConfig> {
  for (const id of options.chromeExtensionIds) {
    if (!ChromeExtensionIdSchema.safeParse(id).success) {
      throw new IndiciumError('INVALID_INPUT', {
        field: 'extensionId',
        detail: `'${id}' is not a Chrome extension id (32 letters a-p)`,
      });
    }
  }
  for (const id of options.firefoxExtensionIds) {
    if (!FirefoxExtensionIdSchema.safeParse(id).success) {
      throw new IndiciumError('INVALID_INPUT', {
        field: 'firefoxId',
        detail: `'${id}' is not a Firefox add-on id`,
      });
    }
  }
  const printFolders = { ...previous.printFolders };
  for (const [name, dir] of Object.entries(options.printFolders)) {
    if (!PrintFolderNameSchema.safeParse(name).success || !dir.startsWith('/')) {
      throw new IndiciumError('INVALID_INPUT', {
        field: 'printFolder',
        detail: 'use NAME=/absolute/folder, NAME in a-z 0-9 _ -',
      });
    }
    printFolders[name] = dir;
  }
  return {
    ...previous,
    origins: union(previous.origins, options.origins.map(normalizeOrigin)),
    chromeExtensionIds: union(previous.chromeExtensionIds, options.chromeExtensionIds),
    firefoxExtensionIds: union(previous.firefoxExtensionIds, options.firefoxExtensionIds),
    vault: await pinVault(previous.vault, options, progress),
    printFolders,
    defaultPrinter: options.defaultPrinter ?? previous.defaultPrinter,
    idleTimeoutSeconds: options.idleTimeoutSeconds ?? previous.idleTimeoutSeconds,
  };
}

async function pinVault(
  previous: CompanionConfig['vault'],
  options: InstallOptions,
  progress: (step: string) => void,
): Promise<CompanionConfig['vault']> {
  if (options.vaultUrl === undefined) {
    if (
      options.caPem !== undefined ||
      options.caFingerprint !== undefined ||
      options.tlsCaPem !== undefined
    ) {
      throw new IndiciumError('INVALID_INPUT', {
        field: 'vault',
        detail: '--ca, --ca-fingerprint and --tls-ca go with --vault',
      });
    }
    return previous;
  }
  const url = URL.canParse(options.vaultUrl) ? new URL(options.vaultUrl) : undefined;
  if (
    url === undefined ||
    url.protocol !== 'https:' ||
    url.username !== '' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new IndiciumError('INVALID_INPUT', {
      field: 'vault',
      detail: 'the vault URL must be https://host[:port][/path]',
    });
  }
  const tlsCaPem = options.tlsCaPem ?? null;
  if (tlsCaPem !== null) readCaCertificate(tlsCaPem);
  let caPem: string;
  if (options.caPem !== undefined) {
    caPem = options.caPem;
  } else if (options.caFingerprint !== undefined) {
    progress(`fetching the postal CA from ${url.origin}`);
    caPem = await fetchPostalCa(url.href, tlsCaPem, options.caFingerprint);
  } else {
    throw new IndiciumError('CA_NOT_PINNED', {
      field: 'ca',
      detail: 'give the postal CA with --ca FILE, or its fingerprint with --ca-fingerprint to fetch it',
    });
  }
  readCaCertificate(caPem);
  return { url: url.href.replace(/\/$/, ''), caPem, tlsCaPem };
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

async function writeAtomic(file: string, text: string, mode: number): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode });
  await chmod(temp, mode);
  await rename(temp, file);
}

async function writeExecutable(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeAtomic(file, text, 0o700);
}
