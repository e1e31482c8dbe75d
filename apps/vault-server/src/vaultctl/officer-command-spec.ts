import { IndiciumError } from '@indicium/protocol';
import { generatePassphrase, officerPassword } from '../officers/officer-passphrase.js';
import type { CliContext } from './cli-context.js';
import { writeJsonFile } from './json-file.js';
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

export const text = (options: CommandOptions, key: string): string => {
  const value = options[key];
  if (typeof value !== 'string')
    throw new IndiciumError('INVALID_FIELD', { field: key, detail: `give --${key}` });
  return value;
};
export const integer = (options: CommandOptions, key: string): number => {
  const value = Number(text(options, key));
  if (!Number.isSafeInteger(value))
    throw new IndiciumError('INVALID_FIELD', { field: key, detail: 'not an integer' });
  return value;
};
export const optionalInteger = (options: CommandOptions, key: string): number | undefined =>
  options[key] === undefined ? undefined : integer(options, key);

/** Prints the result, or writes it to `--out` (refusing to overwrite). */
export async function toFileOrPrint(
  result: unknown,
  options: CommandOptions,
  context: CliContext,
): Promise<void> {
  if (typeof options.out === 'string') {
    await writeJsonFile(options.out, result);
    context.say(`written to ${options.out}`);
  } else context.print(result);
}

/**
 * A new officer passphrase for `userId` at `serial`, hashed the way Logon expects it: from
 * standard input (`--new-passphrase-stdin`), or generated and shown once (`--generate`).
 */
export async function newPassword(
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

export const NEW_PASSPHRASE_OPTIONS: readonly OptionSpec[] = [
  { flags: '--generate', description: 'generate a strong passphrase and print it once' },
  { flags: '--new-passphrase-stdin', description: 'read the new passphrase from standard input' },
];

export const OUT: OptionSpec = {
  flags: '--out <file>',
  description: 'write the result to a new file instead of printing it',
};
