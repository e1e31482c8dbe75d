import { ACCESS_CONTROL_COMMANDS } from './access-control-commands.js';
import { CEREMONY_COMMANDS } from './ceremony-commands.js';
import type { OfficerCommandSpec } from './officer-command-spec.js';

export type { CommandOptions, OfficerCommandSpec, OptionSpec } from './officer-command-spec.js';

/**
 * Every one-step officer command `vaultctl` offers (DESIGN §3.3): the table is data, so `--help`,
 * the README and the code list the same commands.
 */
export const OFFICER_COMMANDS: readonly OfficerCommandSpec[] = [
  ...CEREMONY_COMMANDS,
  ...ACCESS_CONTROL_COMMANDS,
];
