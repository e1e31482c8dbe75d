import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { formatMills, IndiciumError, MediumSchema, type PageCallType } from '@indicium/protocol';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { buildPageCallTable } from '../calls/build-page-call-table.js';
import { createCallDependencies } from '../calls/create-call-dependencies.js';
import { dispatchPageCall } from '../calls/page-call-table.js';
import type { VaultClient } from '../calls/vault-client.js';
import { COMPANION_VERSION } from '../companion-version.js';
import { emptyConfig, readConfig } from '../config/companion-config.js';
import { companionPaths, resolveDataDir } from '../config/companion-paths.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { addGatewayCommands } from '../gateway/gateway-commands.js';
import { installCompanion } from '../install/install-companion.js';
import { currentLauncherTarget } from '../install/launcher-script.js';
import { BROWSERS, type Browser } from '../install/native-manifest.js';
import { uninstallCompanion } from '../install/uninstall-companion.js';
import { addInterfaceCommands } from '../interface/interface-commands.js';
import { lockRunningHosts } from '../native/running-hosts.js';
import { readPassphrase } from './read-passphrase.js';
import { addVaultCommands } from './vault-commands.js';

/** The CLI's world: streams and environment, so tests run it in-process. */
export interface CliIo {
  readonly stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  readonly home?: string;
  /** The vault client, when this build has one (the `register` and `print` commands come with it). */
  readonly vault?: VaultClient | undefined;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function browserList(value: string, previous: Browser[]): Browser[] {
  if (!(BROWSERS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`one of ${BROWSERS.join(', ')}`);
  return [...previous, value as Browser];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('a positive whole number');
  return n;
}

/** Resolves when the program is asked to stop (the long-running `gateway` command). */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/**
 * `companion <command>` (DESIGN §7). Each command is its own companion session: one that needs the
 * secrets asks for the passphrase, and they are locked again when it exits. Resolves with the exit
 * code: 0 done, 1 refused (the error's code, message and next step are printed), 2 usage.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const home = io.home ?? homedir();
  const dataDir = () => resolveDataDir(io.env, home);
  const out = (text: string): void => {
    io.stdout.write(`${text}\n`);
  };
  const step = (text: string) => io.stderr.write(`… ${text}\n`);
  let exitCode = 0;

  /** Runs a page call through the same table the host uses, so both faces answer alike. */
  const call = async <T extends PageCallType>(
    type: T,
    payload: unknown,
    options: { unlock?: boolean } = {},
  ) => {
    const paths = companionPaths(dataDir());
    const config = (await readConfig(paths.config)) ?? emptyConfig();
    const deps = createCallDependencies(paths, config, io.vault);
    try {
      if (options.unlock === true) {
        const passphrase = await readPassphrase(io.stdin, io.stderr);
        step('unlocking (scrypt)');
        await deps.secrets.unlock(passphrase);
      }
      const table = buildPageCallTable(deps);
      return await dispatchPageCall(table, deps, type, payload as never, {
        origin: 'cli',
        requestId: 'cli-command',
        progress: (stage) => step(stage),
      });
    } finally {
      deps.secrets.lock();
    }
  };

  const program = new Command('companion')
    .description(
      'Indicium companion: native-messaging host, installer and printer for the Indicium postage meter',
    )
    .version(COMPANION_VERSION)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command('install')
    .description(
      'write the native-messaging manifests and the launcher; pin the vault, its CA and the allowed origins',
    )
    .option('--extension-id <id>', 'Chrome/Chromium extension id (repeatable)', collect, [])
    .option('--firefox-id <id>', 'Firefox add-on id (repeatable)', collect, [])
    .option('--origin <origin>', 'https origin of the Indicium web page (repeatable)', collect, [])
    .option(
      '--browser <name>',
      `browser to install for: ${BROWSERS.join(', ')} (repeatable; default all)`,
      browserList,
      [],
    )
    .option(
      '--profile-dir <dir>',
      'a Chromium user-data folder: install into <dir>/NativeMessagingHosts only',
    )
    .option('--vault <url>', 'the vault (https)')
    .option('--ca <file>', 'the postal CA certificate (PEM) meter certificates chain to')
    .option(
      '--ca-fingerprint <sha256>',
      'fetch the postal CA from <vault>/v1/ca and pin it if it has this fingerprint',
    )
    .option('--tls-ca <file>', "the CA of the vault's HTTPS certificate (default: the system's roots)")
    .option(
      '--print-folder <name=dir>',
      'allow "printing" into a folder, as printer folder:<name> (repeatable)',
      collect,
      [],
    )
    .option('--default-printer <id>', 'cups:<queue> or folder:<name>')
    .option('--idle-timeout <seconds>', 'lock the secrets after this long unused', positiveInt)
    .action(async (o) => {
      const printFolders = Object.fromEntries(
        (o.printFolder as string[]).map((entry) => {
          const at = entry.indexOf('=');
          return at <= 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
        }),
      );
      const result = await installCompanion({
        dataDir: dataDir(),
        home,
        launcher: currentLauncherTarget(dataDir()),
        browsers: (o.browser as Browser[]).length > 0 ? o.browser : BROWSERS,
        profileDir: o.profileDir,
        chromeExtensionIds: o.extensionId,
        firefoxExtensionIds: o.firefoxId,
        origins: o.origin,
        vaultUrl: o.vault,
        caPem: o.ca === undefined ? undefined : await readFile(o.ca, 'utf8'),
        caFingerprint: o.caFingerprint,
        tlsCaPem: o.tlsCa === undefined ? undefined : await readFile(o.tlsCa, 'utf8'),
        printFolders,
        defaultPrinter: o.defaultPrinter,
        idleTimeoutSeconds: o.idleTimeout,
        progress: step,
      });
      out(`launcher: ${result.launcher}`);
      for (const m of result.manifests) out(`${m.browser}: ${m.file}`);
      for (const s of result.skipped) out(`${s.browser}: skipped (${s.reason})`);
      out(`origins: ${result.config.origins.join(', ') || '(none yet: add with --origin)'}`);
      out(`vault: ${result.config.vault?.url ?? '(none yet: add with --vault URL --ca FILE)'}`);
      out('Restart the browser, then run `companion doctor`.');
    });

  program
    .command('uninstall')
    .description('remove the native-messaging manifests and the launcher (keeps the secrets and the journal)')
    .option('--browser <name>', `browser: ${BROWSERS.join(', ')} (repeatable; default all)`, browserList, [])
    .option('--profile-dir <dir>', 'a Chromium user-data folder to remove the manifest from')
    .action(async (o) => {
      const { removed } = await uninstallCompanion({
        dataDir: dataDir(),
        home,
        browsers: (o.browser as Browser[]).length > 0 ? o.browser : BROWSERS,
        profileDir: o.profileDir,
      });
      for (const file of removed) out(`removed ${file}`);
      if (removed.length === 0) out('nothing to remove');
      out(`kept ${dataDir()} (secrets and journal): delete it by hand only if no indicium is left to print`);
    });

  program
    .command('doctor')
    .description('diagnose browser, extension, companion, vault and printer, each with a next step')
    .option('--profile-dir <dir>', 'check the manifest in this Chromium user-data folder instead')
    .action(async (o) => {
      const findings = await runDoctor({
        dataDir: dataDir(),
        home,
        env: io.env,
        profileDir: o.profileDir,
        progress: (c) => step(`checking ${c}`),
      });
      for (const f of findings) {
        out(`${f.status === 'ok' ? '✔' : f.status === 'warn' ? '!' : '✖'} ${f.check}: ${f.detail}`);
        if (f.nextStep !== undefined) out(`    → ${f.nextStep}`);
      }
      if (findings.some((f) => f.status === 'fail')) exitCode = 1;
    });

  program
    .command('unlock')
    .description(
      'check the passphrase against the local secrets (each command is its own session: it locks again on exit)',
    )
    .action(async () => {
      await call('unlock', { passphrase: await readPassphrase(io.stdin, io.stderr) });
      out('the passphrase opens the secrets of this computer');
    });

  program
    .command('lock')
    .description('lock the companion in every running browser session now (forget the unlocked key)')
    .action(async () => {
      const locked = await lockRunningHosts(dataDir());
      out(
        locked === 0
          ? 'no browser session of the companion is running: nothing is unlocked'
          : `locked ${locked} running browser session${locked === 1 ? '' : 's'} of the companion`,
      );
    });

  program
    .command('status')
    .description('companion version, registrations, vault reachability')
    .option('--json', 'print the answer as JSON')
    .option(
      '--registers',
      "also show each meter user's registers as this computer last verified them (asks for the passphrase)",
    )
    .action(async (o) => {
      const status = await call('status', {});
      const registers = o.registers === true ? await localRegisters() : undefined;
      if (o.json === true)
        return out(JSON.stringify(registers === undefined ? status : { ...status, registers }));
      out(`companion ${status.companionVersion}`);
      out(`vault: ${status.vault}`);
      out(
        status.registrations.length === 0
          ? 'not registered'
          : `registered: ${status.registrations.map((r) => `${r.userId}@${r.meterId}`).join(', ')}`,
      );
      for (const r of registers ?? []) {
        out(
          `${r.userId}@${r.meterId}: ascending ${formatMills(r.ascendingRegisterMills)}, descending ${formatMills(r.descendingRegisterMills)} (${r.ascendingRegisterMills} / ${r.descendingRegisterMills} mills)`,
        );
      }
    });

  /** The AR/DR record the secrets keep per meter user (DESIGN §4.3), read after an unlock. */
  const localRegisters = async () => {
    const paths = companionPaths(dataDir());
    const config = (await readConfig(paths.config)) ?? emptyConfig();
    const deps = createCallDependencies(paths, config, io.vault);
    try {
      const names = await deps.secrets.registrations();
      if (names.length === 0) return [];
      const passphrase = await readPassphrase(io.stdin, io.stderr);
      step('unlocking (scrypt)');
      await deps.secrets.unlock(passphrase);
      return names.map(({ meterId, userId }) => {
        const record = deps.secrets.meterUser(meterId, userId);
        record.hmk.fill(0);
        return {
          meterId,
          userId,
          ascendingRegisterMills: record.ascendingRegisterMills,
          descendingRegisterMills: record.descendingRegisterMills,
        };
      });
    } finally {
      deps.secrets.lock();
    }
  };

  if (io.vault !== undefined)
    addVaultCommands(program, { call, out, readPassphrase: () => readPassphrase(io.stdin, io.stderr) });
  // The office gateway and its interfaces (DESIGN §9).
  addGatewayCommands(program, { dataDir, out, vault: io.vault, stopSignal: stopSignal });
  addInterfaceCommands(program, { dataDir, out, step, stdin: io.stdin });

  program
    .command('history')
    .description('indicia issued on this computer, newest first, with their print status')
    .requiredOption('--meter <meterId>', 'the meter (device id VVVVV-MMMMM-SSSSSSSSSS)')
    .option('--limit <n>', 'at most this many (1-100)', positiveInt, 20)
    .option('--json', 'print the answer as JSON')
    .action(async (o) => {
      const { items } = await call('history', { meterId: o.meter, limit: o.limit });
      if (o.json === true) return out(JSON.stringify({ items }));
      if (items.length === 0) out('no indicia');
      for (const i of items) {
        out(
          `${i.indiciumId}  ${i.createdAt}  ${i.kind} ${(i.postageMills / 1000).toFixed(3)} USD  ${i.mailingDate}  ${i.rateCategory}  ${i.status}`,
        );
      }
    });

  program
    .command('reprint')
    .description('print once more an indicium that was issued but never printed (asks for the passphrase)')
    .argument('<indiciumId>', 'the id shown by `companion history`')
    .addOption(
      new Option('--medium <medium>', 'what to print on').choices(MediumSchema.options).makeOptionMandatory(),
    )
    .option('--printer <printerId>', 'cups:<queue> or folder:<name> (default: the default printer)')
    .action(async (indiciumId: string, o) => {
      const { indicium } = await call(
        'reprint',
        { indiciumId, medium: o.medium, printerId: o.printer ?? null },
        { unlock: true },
      );
      out(`printed ${indicium.indiciumId}`);
    });

  program
    .command('printers')
    .description('printers the companion can print to: CUPS queues (from lpstat) and configured folders')
    .option('--json', 'print the answer as JSON')
    .action(async (o) => {
      const { printers } = await call('printers', {});
      if (o.json === true) return out(JSON.stringify({ printers }));
      if (printers.length === 0)
        out('no printers: add one with lpadmin or `companion install --print-folder`');
      for (const p of printers) out(`${p.isDefault ? '*' : ' '} ${p.printerId}  ${p.name}`);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof IndiciumError) {
      io.stderr.write(`✖ ${error.code}: ${error.message}\n    → ${error.nextStep}\n`);
      return 1;
    }
    io.stderr.write(`✖ ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
