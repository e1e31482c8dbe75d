import { CryptoCardAnswerSchema, IndiciumError, OFFICER_PATHS, OfficerRoleSchema } from '@indicium/protocol';
import { generatePassphrase, officerPassword } from '../officers/officer-passphrase.js';
import type { CliContext } from './cli-context.js';
import { readJsonFile, writeJsonFile } from './json-file.js';
import { readLine } from './read-passphrase.js';

/** Command options as commander hands them over. */
export type CommandOptions = Readonly<Record<string, string | boolean | undefined>>;

export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  readonly required?: boolean;
}

/**
 * One officer command of DESIGN §3.3 as `vaultctl` runs it: log on as `--as` over a session with
 * `--module`, send `command` with the body built from the options, log off. The table is data, so
 * `--help` and the README list the same commands the code runs.
 */
export interface OfficerCommandSpec {
  readonly name: string;
  readonly command: string;
  readonly role: string;
  readonly summary: string;
  readonly options?: readonly OptionSpec[];
  readonly body?: (
    options: CommandOptions,
    context: CliContext,
    serial: string,
  ) => Promise<unknown> | unknown;
  /** What to do with the result; default: print it as JSON. */
  readonly output?: (result: unknown, options: CommandOptions, context: CliContext) => Promise<void>;
}

const text = (options: CommandOptions, key: string): string => {
  const value = options[key];
  if (typeof value !== 'string')
    throw new IndiciumError('INVALID_FIELD', { field: key, detail: `give --${key}` });
  return value;
};
const integer = (options: CommandOptions, key: string): number => {
  const value = Number(text(options, key));
  if (!Number.isSafeInteger(value))
    throw new IndiciumError('INVALID_FIELD', { field: key, detail: 'not an integer' });
  return value;
};
const optionalInteger = (options: CommandOptions, key: string): number | undefined =>
  options[key] === undefined ? undefined : integer(options, key);

/** Prints the result, or writes it to `--out` (refusing to overwrite). */
async function toFileOrPrint(result: unknown, options: CommandOptions, context: CliContext): Promise<void> {
  if (typeof options.out === 'string') {
    await writeJsonFile(options.out, result);
    context.say(`written to ${options.out}`);
  } else context.print(result);
}

/**
 * A new officer passphrase for `userId` at `serial`, hashed the way Logon expects it: from
 * standard input (`--new-passphrase-stdin`), or generated and shown once (`--generate`).
 */
async function newPassword(
  options: CommandOptions,
  context: CliContext,
  serial: string,
  userId: string,
): Promise<string> {
  let passphrase: string;
  if (options.newPassphraseStdin === true) passphrase = await readLine(context.io.stdin);
  else if (options.generate === true) {
    passphrase = generatePassphrase();
    context.say(`new passphrase for ${userId} at ${serial} (shown once): ${passphrase}`);
  } else
    throw new IndiciumError('INVALID_FIELD', {
      field: 'passphrase',
      detail: 'give --generate or --new-passphrase-stdin',
    });
  if (passphrase.length < 12)
    throw new IndiciumError('INVALID_FIELD', { field: 'passphrase', detail: 'at least 12 characters' });
  return officerPassword(passphrase, { moduleSerial: serial, userId });
}

const NEW_PASSPHRASE_OPTIONS: readonly OptionSpec[] = [
  { flags: '--generate', description: 'generate a strong passphrase and print it once' },
  { flags: '--new-passphrase-stdin', description: 'read the new passphrase from standard input' },
];

const OUT: OptionSpec = {
  flags: '--out <file>',
  description: 'write the result to a new file instead of printing it',
};

export const OFFICER_COMMANDS: readonly OfficerCommandSpec[] = [
  // ── key ceremony (DESIGN §3.4) ──
  {
    name: 'generate-mks',
    command: 'generate-mks',
    role: 'security-officer',
    summary: 'Generate the MKS (master in Initializing) or a new dormant MKS (rollover).',
  },
  {
    name: 'generate-transport-key',
    command: 'generate-transport-key-pair',
    role: 'security-officer',
    summary: "Make this clone's RSA-3072 transport key pair (Initializing → Importing Shares).",
  },
  {
    name: 'export-transport-key',
    command: 'export-transport-public-key',
    role: 'key-custodian',
    summary: 'Export the transport public key, signed by the module key.',
    options: [OUT],
    output: toFileOrPrint,
  },
  {
    name: 'create-shares',
    command: 'create-mks-shares',
    role: 'security-officer',
    summary: 'Split the MKS into n shares with threshold k (→ Exporting Shares).',
    options: [
      { flags: '--n <n>', description: 'number of shares', required: true },
      { flags: '--k <k>', description: 'threshold', required: true },
      { flags: '--mks-version <version>', description: 'the MKS to share (default: the active one)' },
    ],
    body: (o) => {
      const mksVersion = optionalInteger(o, 'mksVersion');
      return { n: integer(o, 'n'), k: integer(o, 'k'), ...(mksVersion === undefined ? {} : { mksVersion }) };
    },
  },
  {
    name: 'export-share',
    command: 'export-mks-share',
    role: 'key-custodian',
    summary: "Export this custodian's MKS share, encrypted to a destination transport key.",
    options: [
      { flags: '--tpk <file>', description: "the destination's export-transport-key output", required: true },
      {
        flags: '--fingerprint <hex>',
        description: 'the transport key fingerprint read at the destination',
        required: true,
      },
      { flags: '--retained', description: 'the destination may never export this MKS again' },
      OUT,
    ],
    body: async (o) => {
      const tpk = (await readJsonFile(text(o, 'tpk'), 'tpk')) as { transportKey?: unknown };
      return {
        transportKey: tpk.transportKey,
        destinationFingerprint: text(o, 'fingerprint'),
        exportable: o.retained !== true,
      };
    },
    output: toFileOrPrint,
  },
  {
    name: 'abort-export',
    command: 'abort-export',
    role: 'security-officer',
    summary: 'End a share export early (→ Operational).',
  },
  {
    name: 'start-importing',
    command: 'start-importing-mks',
    role: 'security-officer',
    summary: 'Prepare to import a replacement or new MKS (→ Importing Shares).',
  },
  {
    name: 'import-share',
    command: 'import-mks-share',
    role: 'key-custodian',
    summary: 'Import one MKS share, confirming the source module by its key fingerprint.',
    options: [
      { flags: '--share <file>', description: 'an export-share output', required: true },
      {
        flags: '--source-fingerprint <hex>',
        description: 'the source module key fingerprint (vaultctl status)',
        required: true,
      },
    ],
    body: async (o) => {
      const out = (await readJsonFile(text(o, 'share'), 'share')) as { share?: unknown };
      return { share: out.share, sourceFingerprint: text(o, 'sourceFingerprint') };
    },
  },
  {
    name: 'combine-shares',
    command: 'combine-mks-shares',
    role: 'security-officer',
    summary: 'Combine the imported shares and check the key-check value.',
  },
  {
    name: 'activate-mks',
    command: 'activate-mks',
    role: 'security-officer',
    summary: 'Make a dormant MKS active (the old one becomes dormant).',
    options: [{ flags: '--version <version>', description: 'MKS version', required: true }],
    body: (o) => ({ version: integer(o, 'version') }),
  },
  {
    name: 'delete-mks',
    command: 'delete-mks',
    role: 'security-officer',
    summary: 'Delete a dormant MKS (the end of a rollover).',
    options: [{ flags: '--version <version>', description: 'MKS version', required: true }],
    body: (o) => ({ version: integer(o, 'version') }),
  },
  {
    name: 'translate-token',
    command: 'translate-token',
    role: 'security-officer',
    summary: 'Re-protect a key token from the dormant MKS to the active one.',
    options: [
      { flags: '--token <base64>', description: 'the key token', required: true },
      {
        flags: '--type <type>',
        description: 'what the token holds, e.g. crypto-card/parameters',
        required: true,
      },
      { flags: '--owner <id>', description: 'the owner id it is bound to', required: true },
      { flags: '--record-version <n>', description: 'the record version it is bound to', required: true },
    ],
    body: (o) => ({
      token: text(o, 'token'),
      type: text(o, 'type'),
      ownerId: text(o, 'owner'),
      recordVersion: integer(o, 'recordVersion'),
    }),
  },
  {
    name: 'update-crypto-card',
    command: 'update-crypto-card',
    role: 'security-officer',
    summary: "Load the pool's crypto-card tokens (from a file, or the vault's copy).",
    options: [{ flags: '--tokens <file>', description: "a JSON file of tokens (default: the vault's copy)" }],
    body: async (o, context) => {
      if (typeof o.tokens === 'string') return { tokens: await readJsonFile(o.tokens, 'tokens') };
      return { tokens: (await context.client.get(OFFICER_PATHS.cryptoCard, CryptoCardAnswerSchema)).tokens };
    },
  },
  // ── access control (DESIGN §3.2) ──
  {
    name: 'begin-admin',
    command: 'begin-admin',
    role: 'security-officer',
    summary: 'Enter Administrative state for access-control maintenance.',
  },
  { name: 'end-admin', command: 'end-admin', role: 'administrator', summary: 'Leave Administrative state.' },
  {
    name: 'create-account',
    command: 'create-account',
    role: 'administrator',
    summary: 'Create an officer account.',
    options: [
      { flags: '--user <userId>', description: 'the new officer', required: true },
      {
        flags: '--role <role>',
        description: 'administrator | security-officer | key-custodian | auditor',
        required: true,
      },
      ...NEW_PASSPHRASE_OPTIONS,
    ],
    body: async (o, context, serial) => {
      const role = OfficerRoleSchema.safeParse(o.role);
      if (!role.success) throw new IndiciumError('INVALID_FIELD', { field: 'role' });
      const userId = text(o, 'user');
      return { userId, role: role.data, password: await newPassword(o, context, serial, userId) };
    },
  },
  {
    name: 'delete-account',
    command: 'delete-account',
    role: 'administrator',
    summary: 'Delete an officer account.',
    options: [{ flags: '--user <userId>', description: 'the officer', required: true }],
    body: (o) => ({ userId: text(o, 'user') }),
  },
  {
    name: 'modify-account',
    command: 'modify-account',
    role: 'administrator',
    summary: 'Unlock an account, change its limits, or set a password it must change at logon.',
    options: [
      { flags: '--user <userId>', description: 'the officer', required: true },
      { flags: '--unlock', description: 'clear the logon failure count' },
      { flags: '--failure-limit <n>', description: 'logon failures before the account locks' },
      {
        flags: '--reset-passphrase',
        description: 'set a new (expired) passphrase; with --generate or --new-passphrase-stdin',
      },
      ...NEW_PASSPHRASE_OPTIONS,
    ],
    body: async (o, context, serial) => {
      const userId = text(o, 'user');
      const failureLimit = optionalInteger(o, 'failureLimit');
      return {
        userId,
        ...(o.unlock === true ? { unlock: true } : {}),
        ...(failureLimit === undefined ? {} : { profile: { failureLimit } }),
        ...(o.resetPassphrase === true
          ? { resetPassword: await newPassword(o, context, serial, userId) }
          : {}),
      };
    },
  },
  {
    name: 'view-access-control',
    command: 'view-access-control',
    role: 'administrator',
    summary: 'List officers, roles, expirations and last access (never passwords).',
  },
  {
    name: 'set-clock',
    command: 'set-clock',
    role: 'administrator',
    summary: 'Set the module clock.',
    options: [{ flags: '--time <iso>', description: 'ISO 8601 time (default: now)' }],
    body: (o) => ({ time: typeof o.time === 'string' ? Date.parse(o.time) : Date.now() }),
  },
  {
    name: 'change-password',
    command: 'change-password',
    role: 'self',
    summary: 'Change your own passphrase.',
    options: NEW_PASSPHRASE_OPTIONS,
    body: async (o, context, serial) => {
      const userId = context.requireUser();
      const file = await context.credentials();
      const old = file?.modules.find((m) => m.serial === serial)?.officers.find((x) => x.userId === userId);
      if (old === undefined)
        throw new IndiciumError('INVALID_FIELD', {
          field: 'credentials',
          detail: 'the old passphrase comes from --credentials',
        });
      return {
        oldPassword: await officerPassword(old.passphrase, { moduleSerial: serial, userId }),
        newPassword: await newPassword(o, context, serial, userId),
      };
    },
  },
  {
    name: 'query-role',
    command: 'query-role',
    role: 'any officer',
    summary: 'Show who is logged on and their role.',
  },
  {
    name: 'export-audit-key',
    command: 'export-audit-key',
    role: 'auditor',
    summary: 'Export the audit public key, signed by the module key.',
  },
];
