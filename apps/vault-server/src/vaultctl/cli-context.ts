import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { IndiciumError } from '@indicium/protocol';
import { readVaultManifest } from '../ceremony/vault-manifest.js';
import { OfficerSession, type SessionOfficer } from '../officers/officer-session.js';
import { findOfficer, type OfficersFile, readOfficersFile } from '../officers/officers-file.js';
import { promptPassphrase, readLine } from './read-passphrase.js';
import { remoteModulePort } from './remote-module-port.js';
import { createVaultClient, type VaultClient } from './vault-client.js';

/** The options every command accepts (commander's `optsWithGlobals()`). */
export interface GlobalOptions {
  readonly vault?: string;
  readonly dataDir?: string;
  readonly ca?: string;
  readonly module?: string;
  readonly as?: string;
  readonly credentials?: string;
  readonly passphraseStdin?: boolean;
  readonly moduleKey?: string;
}

export interface CliIo {
  readonly stdin: Readable & { readonly isTTY?: boolean | undefined };
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
}

/** What a command runs with: the vault client and how to open officer sessions. */
export interface CliContext {
  readonly client: VaultClient;
  readonly options: GlobalOptions;
  readonly io: CliIo;
  readonly dataDir: string;
  /** The credentials file, if `--credentials` was given. */
  credentials(): Promise<OfficersFile | null>;
  /** The module key to trust for `serial`: `--module-key`, the credentials file, or `vault.json`. */
  pinnedModuleKey(serial: string): Promise<string | null>;
  /** A session with `serial`, its module half checked against the pinned key, for `userId`. */
  session(serial: string, userId: string): Promise<OfficerSession>;
  /** A session with every officer of `serial` from the credentials file (ceremonies). */
  moduleSession(serial: string): Promise<OfficerSession>;
  openSession(
    serial: string,
    modulePublicKey: string,
    officers: readonly SessionOfficer[],
  ): Promise<OfficerSession>;
  requireModule(): string;
  requireUser(): string;
  print(value: unknown): void;
  say(line: string): void;
}

export async function createCliContext(options: GlobalOptions, io: CliIo): Promise<CliContext> {
  const dataDir = options.dataDir ?? io.env.INDICIUM_DATA_DIR ?? join(homedir(), '.indicium', 'vault');
  const caPath = options.ca ?? join(dataDir, 'tls', 'dev-ca.cert.pem');
  let ca: string;
  try {
    ca = await readFile(caPath, 'utf8');
  } catch (cause) {
    throw new IndiciumError('INVALID_FIELD', {
      field: 'ca',
      detail: `cannot read the vault CA ${caPath} (use --ca)`,
      cause,
    });
  }
  const client = createVaultClient({
    url: options.vault ?? io.env.VAULTCTL_VAULT ?? 'https://localhost:8443',
    ca,
  });
  let credentials: Promise<OfficersFile | null> | undefined;
  const loadCredentials = () => {
    credentials ??=
      options.credentials === undefined ? Promise.resolve(null) : readOfficersFile(options.credentials);
    return credentials;
  };
  const context: CliContext = {
    client,
    options,
    io,
    dataDir,
    credentials: loadCredentials,
    async pinnedModuleKey(serial) {
      if (options.moduleKey !== undefined) return options.moduleKey;
      const file = await loadCredentials();
      const fromFile = file?.modules.find((m) => m.serial === serial)?.modulePublicKey;
      if (fromFile !== undefined) return fromFile;
      const manifest = await readVaultManifest(dataDir).catch(() => null);
      return manifest?.modules.find((m) => m.serial === serial)?.modulePublicKey ?? null;
    },
    async session(serial, userId) {
      const modulePublicKey = await context.pinnedModuleKey(serial);
      if (modulePublicKey === null) {
        throw new IndiciumError('INVALID_FIELD', {
          field: 'moduleKey',
          detail: `no pinned key for module ${serial}: give --credentials or --module-key`,
        });
      }
      const file = await loadCredentials();
      const officer =
        file !== null
          ? findOfficer(file, serial, userId).officer
          : {
              userId,
              passphrase:
                options.passphraseStdin === true
                  ? await readLine(io.stdin)
                  : await promptPassphrase(`passphrase for ${userId} at ${serial}: `, io.stdin, io.stderr),
            };
      return context.openSession(serial, modulePublicKey, [officer]);
    },
    async moduleSession(serial) {
      const file = await loadCredentials();
      const module = file?.modules.find((m) => m.serial === serial);
      if (module === undefined) {
        throw new IndiciumError('INVALID_FIELD', {
          field: 'credentials',
          detail: `this command needs the officers of ${serial}: give --credentials <officers.json>`,
        });
      }
      return context.openSession(serial, module.modulePublicKey, module.officers);
    },
    async openSession(serial, modulePublicKey, officers) {
      const session = new OfficerSession(remoteModulePort(client, serial), {
        moduleSerial: serial,
        modulePublicKey,
        officers,
      });
      await session.open();
      return session;
    },
    requireModule() {
      if (options.module === undefined)
        throw new IndiciumError('INVALID_FIELD', { field: 'module', detail: 'give --module <serial>' });
      return options.module;
    },
    requireUser() {
      if (options.as === undefined)
        throw new IndiciumError('INVALID_FIELD', { field: 'as', detail: 'give --as <userId>' });
      return options.as;
    },
    print(value) {
      io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    say(line) {
      io.stderr.write(`${line}\n`);
    },
  };
  return context;
}
