import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { IndiciumError, OriginSchema } from '@indicium/protocol';
import { z } from 'zod';

/** A Chrome/Chromium extension id: 32 letters a–p (the SHA-256 of its key, hex mapped to a–p). */
export const ChromeExtensionIdSchema = z.string().regex(/^[a-p]{32}$/);
/** A Firefox add-on id: an email-like id or a braced UUID, as `browser_specific_settings.gecko.id`. */
export const FirefoxExtensionIdSchema = z
  .string()
  .max(255)
  .regex(/^(?:\{[0-9a-fA-F-]{36}\}|[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+)$/);

/** A printer the companion may print to: a CUPS queue, or a folder the install named. */
export const PrintFolderNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/);

/**
 * The install (DESIGN §4.1, §4.2, §7): written by `companion install`, read by the host and the CLI.
 * Nothing here is secret; the file is still owner-only, since it decides who may drive the companion.
 */
export const CompanionConfigSchema = z.strictObject({
  version: z.literal(1),
  /** Pages allowed to call the companion, exactly as browsers serialise origins. */
  origins: z.array(OriginSchema).max(32),
  chromeExtensionIds: z.array(ChromeExtensionIdSchema).max(8),
  firefoxExtensionIds: z.array(FirefoxExtensionIdSchema).max(8),
  /**
   * The vault pinned at install; null until `install --vault`. `caPem` is the postal CA that meter
   * certificates chain to (DESIGN §4.2, §4.3); `tlsCaPem` the CA of the vault's HTTPS certificate
   * (its development CA, §6), or null to use the system's roots.
   */
  vault: z
    .strictObject({
      url: z.url({ protocol: /^https$/ }),
      caPem: z.string().max(16_384),
      tlsCaPem: z.string().max(16_384).nullable(),
    })
    .nullable(),
  /** Folders the companion may "print" into (QA, save as PDF), by name: a page names one, never a path. */
  printFolders: z.record(PrintFolderNameSchema, z.string().min(1).max(4096)),
  /** A printer id (`cups:<queue>` or `folder:<name>`) used when a request names none. */
  defaultPrinter: z.string().max(160).nullable(),
  /** Lock the secrets after this long without use (DESIGN §4.2: idle time-out). */
  idleTimeoutSeconds: z.int().min(30).max(86_400),
});
export type CompanionConfig = z.infer<typeof CompanionConfigSchema>;

export const DEFAULT_IDLE_TIMEOUT_SECONDS = 15 * 60;

export function emptyConfig(): CompanionConfig {
  return {
    version: 1,
    origins: [],
    chromeExtensionIds: [],
    firefoxExtensionIds: [],
    vault: null,
    printFolders: {},
    defaultPrinter: null,
    idleTimeoutSeconds: DEFAULT_IDLE_TIMEOUT_SECONDS,
  };
}

/** The install's config; `undefined` when the companion was never installed. */
export async function readConfig(file: string): Promise<CompanionConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new IndiciumError('LOCAL_STORE_CORRUPT', { field: 'config', detail: `${file} is not JSON` });
  }
  const parsed = CompanionConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IndiciumError('LOCAL_STORE_CORRUPT', {
      field: `config.${issue?.path.join('.') ?? ''}`,
      detail: `${file}: ${issue?.message ?? 'invalid'}`,
    });
  }
  return parsed.data;
}

/** Writes the config owner-only, atomically (a reader sees the old file or the new one). */
export async function writeConfig(file: string, config: CompanionConfig): Promise<void> {
  const checked = CompanionConfigSchema.parse(config);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
}

/** Creates the data directory owner-only (0700), and tightens it if it exists. */
export async function ensureDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}
