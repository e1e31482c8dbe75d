import {
  fromWireError,
  IndiciumError,
  ModuleListAnswerSchema,
  OFFICER_PATHS,
  PROTOCOL_VERSION,
  SetInServiceAnswerSchema,
  toWireError,
} from '@indicium/protocol';
import { Command, CommanderError } from 'commander';
import { addModuleCommand } from './add-module-command.js';
import { auditExportCommand, auditVerifyCommand, auditVerifyVaultCommand } from './audit-commands.js';
import { type CliContext, type CliIo, createCliContext, type GlobalOptions } from './cli-context.js';
import { exportJoinKitCommand } from './export-join-kit-command.js';
import { joinModulesCommand } from './join-modules-command.js';
import { logonCommand } from './logon-command.js';
import { moduleTableCommand, recoverCheckpointCommand } from './module-table-commands.js';
import { type CommandOptions, OFFICER_COMMANDS, type OfficerCommandSpec } from './officer-commands.js';
import { remoteModulePort } from './remote-module-port.js';
import { rolloverCommand } from './rollover-command.js';
import { statusCommand } from './status-command.js';

/** Exit codes: 0 done, 1 refused or failed (the code is printed), 2 usage. */
export const EXIT = Object.freeze({ ok: 0, refused: 1, usage: 2 });

/** Commander's collector for a repeatable option. */
const collect = (value: string, previous: readonly string[]): string[] => [...previous, value];

function officerAction(spec: OfficerCommandSpec) {
  return async (context: CliContext, options: CommandOptions): Promise<void> => {
    const serial = context.requireModule();
    const userId = context.requireUser();
    const body = (await spec.body?.(options, context, serial)) ?? {};
    const session = await context.session(serial, userId);
    let result: unknown;
    try {
      result = await session.call(userId, spec.command, body);
    } finally {
      await session.close();
    }
    if (spec.output !== undefined) await spec.output(result, options, context);
    else context.print(result);
  };
}

/**
 * Builds `vaultctl` (DESIGN §3.2, §6): every officer command of the module by hand over an
 * end-to-end module session through the vault's loopback-only officer endpoint, plus status,
 * adding a module, rollover and the audit log. Returns the exit code instead of exiting, so tests
 * and the bin entry share it.
 *
 * @example
 * process.exitCode = await runVaultctl(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runVaultctl(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('vaultctl')
    .description('Indicium vault officer CLI: module sessions, key ceremonies, access control, audit')
    .option('--vault <url>', 'the vault (env VAULTCTL_VAULT)', undefined)
    .option(
      '--data-dir <dir>',
      "the vault's data directory (env INDICIUM_DATA_DIR, default ~/.indicium/vault)",
    )
    .option(
      '--ca <file>',
      "CA certificate the vault's TLS chains to (default <data-dir>/tls/dev-ca.cert.pem)",
    )
    .option('--module <serial>', 'the module to talk to, e.g. M0001')
    .option('--as <userId>', 'the officer to log on as')
    .option('--credentials <file>', 'officers.json: passphrases and pinned module keys')
    .option('--passphrase-stdin', 'read the passphrase from standard input instead of a prompt')
    .option(
      '--module-key <base64>',
      "pin the module's key (SPKI DER, base64) instead of reading it from a file",
    )
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  const withContext =
    (run: (context: CliContext, options: CommandOptions, command: Command) => Promise<unknown>) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const context = await createCliContext(command.optsWithGlobals() as GlobalOptions, io);
      const outcome = await run(context, command.opts() as CommandOptions, command);
      if (outcome === false) code = EXIT.refused;
    };

  program
    .command('status')
    .description('Signed status of every module (or --module)')
    .action(withContext(statusCommand));
  program
    .command('modules')
    .description('The modules of the pool: in service, requests in flight, restarts')
    .action(
      withContext(async (c) =>
        c.print((await c.client.get(OFFICER_PATHS.modules, ModuleListAnswerSchema)).modules),
      ),
    );
  program
    .command('logon')
    .description("Check an officer's credentials: Logon, Query Role, Logoff")
    .action(withContext(logonCommand));
  for (const spec of OFFICER_COMMANDS) {
    const sub = program
      .command(spec.name)
      .description(`${spec.summary} [${spec.role}; module command ${spec.command}]`);
    for (const option of spec.options ?? []) {
      if (option.required === true) sub.requiredOption(option.flags, option.description);
      else sub.option(option.flags, option.description);
    }
    sub.action(withContext(officerAction(spec)));
  }
  program
    .command('call')
    .description('Run any sealed officer command by its module name, with a JSON body')
    .argument('<command>', 'module command, e.g. view-access-control')
    .option('--body <json>', 'the command body', '{}')
    .action(
      withContext(async (context, options, command) => {
        let body: unknown;
        try {
          body = JSON.parse(String(options.body));
        } catch (cause) {
          throw new IndiciumError('INVALID_FIELD', { field: 'body', detail: '--body must be JSON', cause });
        }
        await officerAction({
          name: 'call',
          command: String(command.args[0]),
          role: '',
          summary: '',
          body: () => body,
        })(context, options);
      }),
    );
  const plain = (command: string, body: (o: CommandOptions) => unknown) =>
    withContext(async (c, o) => {
      const outcome = await remoteModulePort(c.client, c.requireModule()).dispatch({
        command,
        body: body(o),
      });
      if (!outcome.ok) throw fromWireError(outcome.error);
      c.print(outcome.result);
    });
  program
    .command('create-audit-entry')
    .description('Ask --module for a signed audit entry now (DESIGN §3.5) [no role]')
    .option('--reason <text>', 'why, recorded in the entry')
    .action(plain('create-audit-entry', (o) => (typeof o.reason === 'string' ? { reason: o.reason } : {})));
  program
    .command('reset')
    .description('Zeroize --module: every key, officer and the MKS; back to Uninitialized [no role]')
    .requiredOption('--yes-zeroize', 'confirm: the module forgets everything')
    .action(
      withContext(async (c) => {
        // Out of service first, so the pool sends no PSD work to a module that can no longer do it.
        const serial = c.requireModule();
        const path = OFFICER_PATHS.inService.replace('{serial}', encodeURIComponent(serial));
        await c.client.send(
          'POST',
          path,
          { protocol: PROTOCOL_VERSION, inService: false },
          SetInServiceAnswerSchema,
        );
        const outcome = await remoteModulePort(c.client, serial).dispatch({ command: 'reset', body: {} });
        if (!outcome.ok) throw fromWireError(outcome.error);
        c.print({ module: serial, reset: true, inService: false });
      }),
    );
  program
    .command('restart-module')
    .description('Reboot --module over its NVM (clears a session a dead client left open; boot rules apply)')
    .action(
      withContext(async (c) => {
        const path = OFFICER_PATHS.restart.replace('{serial}', encodeURIComponent(c.requireModule()));
        const answer = await c.client.send(
          'POST',
          path,
          { protocol: PROTOCOL_VERSION },
          SetInServiceAnswerSchema,
        );
        c.print(answer.module);
      }),
    );
  program
    .command('add-module')
    .description(
      'Add a module to the running vault: new worker + NVM, cloned from --source through the share commands',
    )
    .requiredOption('--source <serial>', 'an Operational module holding an exportable MKS')
    .option('--n <n>', 'shares to create', '3')
    .option('--k <k>', 'threshold', '2')
    .option('--retained', 'the new module may never export the MKS')
    .action(withContext(addModuleCommand));
  program
    .command('export-join-kit')
    .description(
      "On a node of the cluster: seal the secrets a new node shares (postal CA, provider key, session key, vault.json's cluster facts) into a join kit, read from --data-dir",
    )
    .requiredOption('--out <file>', 'the kit to write (a new file, mode 0600)')
    .option(
      '--passphrase-file <file>',
      'read the passphrase from this file (else --passphrase-stdin, or asked twice)',
    )
    .action(async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      await exportJoinKitCommand(
        command.opts() as { out: string; passphraseFile?: string },
        command.optsWithGlobals() as GlobalOptions,
        io,
      );
    });
  program
    .command('join-modules')
    .description(
      'On a node started with --join: clone the MKS into each of its new modules from --source on another node, then put them in service',
    )
    .requiredOption(
      '--source-vault <url>',
      "the source node's vault (its officer endpoint answers loopback only: use an SSH tunnel)",
    )
    .requiredOption('--source <serial>', 'an Operational module of the source node holding an exportable MKS')
    .requiredOption(
      '--source-credentials <file>',
      "the source node's officers.json (holds the --source officers)",
    )
    .option('--source-ca <file>', "CA certificate the source vault's TLS chains to (default --ca)")
    .option('--n <n>', 'shares to create', '3')
    .option('--k <k>', 'threshold', '2')
    .option('--retained', 'the new modules may never export the MKS')
    .action(withContext(joinModulesCommand));
  program
    .command('rollover')
    .description(
      'Roll every module of this node and of each --node to a new MKS: generate (dormant), share, activate, translate the crypto-card, then translate every meter package on the master ("translated 37/120 meters"); safe to run again',
    )
    .option(
      '--delete-old',
      'then delete every older MKS on every module: only when no meter package remains under one (else refused, nothing deleted)',
    )
    .option(
      '--resume',
      'no new MKS: finish the newest one on every node and sweep the packages not yet under it again (after a crash or a reported meter was fixed)',
    )
    .option(
      '--node <url>',
      'another node of the cluster (repeat for each): its modules get the new MKS too (its officer endpoint answers loopback only: use an SSH tunnel)',
      collect,
      [],
    )
    .option('--node-credentials <file>', "each --node's officers.json, in the same order", collect, [])
    .option(
      '--node-ca <file>',
      "CA certificate each --node's TLS chains to: once for all, or once per --node (default --ca)",
      collect,
      [],
    )
    .action(withContext(rolloverCommand));
  const audit = program.command('audit').description('The audit log the vault stored for a module');
  audit
    .command('export')
    .description('Write the entries as JSON lines (to --out or standard output)')
    .option('--out <file>', 'a new file')
    .action(
      withContext(async (c, o) => auditExportCommand(c, typeof o.out === 'string' ? o.out : undefined)),
    );
  audit
    .command('verify')
    .description("Verify a module's chain, signatures and completeness (as the Auditor, --as)")
    .option('--file <file>', 'JSON lines to verify (default: what the vault stored)')
    .action(
      withContext(async (c, o) => auditVerifyCommand(c, typeof o.file === 'string' ? o.file : undefined)),
    );
  audit
    .command('verify-vault')
    .description("The vault's auditor, now: every module's chain and signatures, every meter's AR")
    .action(withContext(auditVerifyVaultCommand));
  program
    .command('module-table')
    .description("Each module's checkpoint row, status and inhibited flag (DESIGN §3.6)")
    .action(withContext(moduleTableCommand));
  program
    .command('recover-checkpoint')
    .description(
      "Security Officer (--as): recover an inhibited --module to the module table's record, then release it",
    )
    .option('--checkpoint <base64>', 'trust this record of the module instead of the row')
    .option('--none', 'trust no record (the row is empty)')
    .action(
      withContext(async (c, o) =>
        recoverCheckpointCommand(c, {
          ...(typeof o.checkpoint === 'string' ? { checkpoint: o.checkpoint } : {}),
          ...(o.none === true ? { none: true } : {}),
        }),
      ),
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
        ? EXIT.ok
        : EXIT.usage;
    }
    const wire = toWireError(error);
    const where = wire.field === undefined ? '' : ` (${wire.field})`;
    io.stderr.write(`vaultctl: ${wire.code}${where}: ${wire.message}\n  next: ${wire.nextStep}\n`);
    if (!(error instanceof IndiciumError) && error instanceof Error) io.stderr.write(`  ${error.message}\n`);
    return EXIT.refused;
  }
}
