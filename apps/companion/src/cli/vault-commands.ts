import {
  formatMills,
  IndiciumError,
  MediumSchema,
  PAGE_CALLS,
  type PageCallAnswer,
  type PageCallType,
  RegistrationModeSchema,
} from '@indicium/protocol';
import { type Command, InvalidArgumentError, Option } from 'commander';

/** Runs one page call through the companion's table (as `runCli`'s `call`). */
export type CliCall = <T extends PageCallType>(
  type: T,
  payload: unknown,
  options?: { unlock?: boolean },
) => Promise<PageCallAnswer<T>>;

function mills(value: string): number {
  const n = Number(value);
  if (!/^\d{1,9}$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError('a positive whole number of mills (1 mill = 0.1 cent)');
  }
  return n;
}

/** The payload as the page would send it, checked against its protocol schema before anything runs. */
function checked<T extends 'register' | 'print'>(type: T, payload: unknown): unknown {
  const parsed = PAGE_CALLS[type].request.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IndiciumError('INVALID_INPUT', {
      field: issue?.path.join('.') ?? type,
      detail: issue?.message ?? 'not valid',
    });
  }
  return parsed.data;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Today's date where the user is, as the mailing date a post office would stamp. */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * The CLI commands that talk to the vault (DESIGN §4.2, §4.3, §7), present when the build has a
 * vault client. They run the same page calls the browser's host runs, so both faces check alike.
 * Values the page would compute from its rate table (postage, rate category) are given as options.
 */
export function addVaultCommands(
  program: Command,
  cli: {
    readonly call: CliCall;
    readonly out: (text: string) => void;
    readonly readPassphrase: () => Promise<string>;
  },
): void {
  program
    .command('register')
    .description(
      'register this computer for a meter user (asks for the passphrase; the token comes from the web account page)',
    )
    .requiredOption('--meter <meterId>', 'the meter (device id VVVVV-MMMMM-SSSSSSSSSS)')
    .requiredOption('--customer <customerId>', 'your customer id (web account)')
    .requiredOption('--user <userId>', 'your meter user id')
    .requiredOption('--token <token>', 'the one-time registration token from the web account page')
    .addOption(
      new Option(
        '--mode <mode>',
        'configure a new meter, join one as an added user, or finish a passphrase reset',
      )
        .choices(RegistrationModeSchema.options)
        .default('configure'),
    )
    .action(async (o) => {
      const passphrase = await cli.readPassphrase();
      const answer = await cli.call(
        'register',
        checked('register', {
          mode: o.mode,
          meterId: o.meter,
          customerId: o.customer,
          userId: o.user,
          registrationToken: o.token,
          passphrase,
        }),
      );
      cli.out(`registered ${answer.userId}@${answer.meterId}`);
      cli.out(
        `registers: ascending ${formatMills(answer.ascendingRegisterMills)}, descending ${formatMills(answer.descendingRegisterMills)}`,
      );
    });

  program
    .command('print')
    .description(
      'issue an indicium from the vault, verify it, journal it and print it (asks for the passphrase)',
    )
    .requiredOption('--meter <meterId>', 'the meter (device id VVVVV-MMMMM-SSSSSSSSSS)')
    .requiredOption('--user <userId>', 'your meter user id')
    .requiredOption('--postage-mills <mills>', 'postage in mills (730 = $0.73), from your rate table', mills)
    .requiredOption('--rate-category <code>', 'four characters A-Z/0-9, e.g. FCLT')
    .requiredOption('--origin-zip <zip>', "the meter's licensing ZIP (NNNNN or NNNNN-NNNN)")
    .option('--destination-zip <zip>', 'the delivery ZIP (NNNNN or NNNNN-NNNN)')
    .option('--date <yyyy-mm-dd>', 'mailing date (default: today)')
    .addOption(
      new Option('--kind <kind>', 'postage, or a correction to a piece')
        .choices(['postage', 'correction'])
        .default('postage'),
    )
    .addOption(
      new Option('--medium <medium>', 'what to print on').choices(MediumSchema.options).makeOptionMandatory(),
    )
    .option('--printer <printerId>', 'cups:<queue> or folder:<name> (default: the default printer)')
    .option(
      '--from <line>',
      'return address line: name, street lines, "CITY ST ZIP" (repeat per line)',
      collect,
      [],
    )
    .option(
      '--to <line>',
      'delivery address line: name, street lines, "CITY ST ZIP" (repeat per line)',
      collect,
      [],
    )
    .action(async (o) => {
      const from = o.from as string[];
      const to = o.to as string[];
      const answer = await cli.call(
        'print',
        checked('print', {
          meterId: o.meter,
          userId: o.user,
          transaction: {
            kind: o.kind,
            postageMills: o.postageMills,
            mailingDate: o.date ?? today(),
            rateCategory: o.rateCategory,
            originZip: o.originZip,
            destinationZip: o.destinationZip ?? null,
          },
          medium: o.medium,
          printerId: o.printer ?? null,
          sender: from.length === 0 ? null : from,
          recipient: to.length === 0 ? null : to,
        }),
        { unlock: true },
      );
      const { indicium } = answer;
      cli.out(
        `${answer.printed ? 'printed' : 'issued, NOT printed (reprint it from history)'} ${indicium.indiciumId}: ${formatMills(indicium.postageMills)} ${indicium.rateCategory} ${indicium.mailingDate}`,
      );
      cli.out(
        `registers: ascending ${formatMills(answer.ascendingRegisterMills)}, descending ${formatMills(answer.descendingRegisterMills)}`,
      );
    });
}
